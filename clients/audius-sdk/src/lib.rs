//! Audius protocol SDK.
//!
//! - [`bridge`]: attesters' checks and signatures that move facts between the chains, and the aggregator.
//! - [`eth`]: typed bindings for the Ethereum contracts, generated from the committed forge artifacts in
//!   `abi/` (never hand-written), and helpers to deploy them.
//! - [`solana`]: PDA derivation and instruction builders for the Solana programs, reusing the programs'
//!   own Anchor-generated `accounts`/`instruction` types.
//! - [`cid`]: content identifiers, as content nodes compute them and the content program stores them.
//! - [`rendezvous`]: the stake-weighted ranking that picks which content nodes hold a CID.
//! - [`upload`]: the signed messages of the upload path (artist → content node, node → node), and the artist's
//!   whole upload ([`upload::publish`]).
//! - [`nodes`]: which content nodes may take an upload (the one eligibility rule).
//! - [`api`]: the nodes' HTTP documents (health, upload status, listings, errors), typed once for servers and
//!   clients.
//! - [`service`]: what the daemons built on the SDK share (their shutdown signal).
//! - [`time`] and [`decimal`]: times and amounts as every document and message shows them (RFC 3339; decimal
//!   strings).

#![warn(missing_docs)]

pub mod api;
#[cfg(feature = "bridge")]
pub mod bridge;
pub mod cid;
pub mod decimal;
pub mod eth;
#[cfg(feature = "server")]
pub mod metrics;
#[cfg(feature = "rpc")]
pub mod nodes;
pub mod rendezvous;
pub mod service;
pub mod solana;
pub mod time;
pub mod upload;
