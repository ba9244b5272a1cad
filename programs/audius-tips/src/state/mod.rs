pub mod tip_total;

pub use tip_total::*;
