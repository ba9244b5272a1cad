//! Seeds, sizes and domain tags, from the interface crate the SDK shares.
pub use audius_content_interface::constants::*;
