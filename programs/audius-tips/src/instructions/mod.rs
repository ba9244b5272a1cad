pub mod send_tip;

pub use send_tip::*;
