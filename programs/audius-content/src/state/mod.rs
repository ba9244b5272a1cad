pub mod config;
pub mod content_node;
pub mod ledger;
pub mod profile;
pub mod track;

pub use config::*;
pub use content_node::*;
pub use ledger::*;
pub use profile::*;
pub use track::*;
