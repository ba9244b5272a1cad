//! One module per subcommand.

pub mod artist;
pub mod bridge;
pub mod completions;
pub mod delegate;
pub mod gov;
pub mod operator;
pub mod round;
pub mod upload;
pub mod wallet;
