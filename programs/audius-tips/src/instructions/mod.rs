// Every instruction module names its entry point `handler`; lib.rs calls them by path, and the glob re-exports
// below exist for the `#[derive(Accounts)]` types Anchor's `#[program]` needs at the crate root.
#![allow(ambiguous_glob_reexports)]

pub mod close_tip_total;
pub mod send_tip;

pub use close_tip_total::*;
pub use send_tip::*;
