//! The local world the local network, the tests and the benchmarks are built on; never a dependency of what ships
//! (only a dev-dependency of the crates under `clients/`).
//!
//! - [`tools`]: where the project's pinned anvil, forge and cast are.
//! - [`chain`]: a throw-away Ethereum chain with the whole protocol deployed ([`LocalChain`]).
//! - [`fixtures`]: audio, key files and polling the tests share.

pub mod chain;
pub mod fixtures;
pub mod tools;

pub use chain::{deploy_protocol, DeployOptions, LocalChain, LocalError, LOCAL_ACCOUNTS};
pub use fixtures::{assert_metrics_catalogued, eventually, wav_tone, write_keypair_file, Timeout};
pub use tools::{anvil_binary, cast_binary, forge_binary, repo_root};
