//! Audius protocol SDK.
//!
//! - [`eth`]: typed bindings for the Ethereum contracts, generated from the committed forge artifacts in
//!   `abi/` (never hand-written), and helpers to deploy them.
//! - [`solana`]: PDA derivation and instruction builders for the Solana programs, reusing the programs'
//!   own Anchor-generated `accounts`/`instruction` types.
//! - [`local`]: where the project's pinned local tools (anvil) live, for local networks and tests.

pub mod eth;
pub mod local;
pub mod solana;
