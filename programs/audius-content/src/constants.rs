//! Seeds, sizes and domain tags, from the interface crate the SDK shares. The ones a client needs are published in
//! the IDL's `constants` (`#[constant]`, each the interface's own value), so TypeScript clients read them from the
//! IDL instead of copying them. (Lengths such as `CID_LEN` are in the instructions' argument types, `[u8; 36]`.)
use anchor_lang::prelude::*;

pub use audius_content_interface::constants::*;
use audius_content_interface::{constants as interface, messages};

/// Seed of the configuration PDA.
#[constant]
pub const CONFIG_SEED: &[u8] = interface::CONFIG_SEED;
/// Seed of the registry ledger PDA.
#[constant]
pub const LEDGER_SEED: &[u8] = interface::LEDGER_SEED;
/// Seed of a profile PDA: `[PROFILE_SEED, eth_address]`.
#[constant]
pub const PROFILE_SEED: &[u8] = interface::PROFILE_SEED;
/// Seed of an app grant PDA: `[APP_SEED, profile, epoch (u64 LE), app]`.
#[constant]
pub const APP_SEED: &[u8] = interface::APP_SEED;
/// Seed of a node record PDA: `[NODE_SEED, sp_id (u64 LE)]`.
#[constant]
pub const NODE_SEED: &[u8] = interface::NODE_SEED;
/// Seed of a track PDA: `[TRACK_SEED, profile, track_id (u64 LE)]`.
#[constant]
pub const TRACK_SEED: &[u8] = interface::TRACK_SEED;
/// The layout version of every account (its first byte after the discriminator).
#[constant]
pub const LAYOUT_VERSION: u8 = interface::LAYOUT_VERSION;
/// Longest a replica receipt may stay valid, in seconds.
#[constant]
pub const MAX_RECEIPT_SECS: i64 = interface::MAX_RECEIPT_SECS;
/// Longest a profile binding proof may stay valid, in seconds.
#[constant]
pub const MAX_BINDING_PROOF_SECS: i64 = interface::MAX_BINDING_PROOF_SECS;
/// Domain tag of replica receipts (EIP-191 over tag ‖ program ‖ cluster ‖ track ‖ CID ‖ sp_id LE ‖ expiry LE).
#[constant]
pub const REPLICA_RECEIPT_TAG: &[u8] = interface::REPLICA_RECEIPT_TAG;
/// The EIP-712 domain name of profile binding proofs.
#[constant]
pub const EIP712_DOMAIN_NAME: &str = messages::EIP712_DOMAIN_NAME;
/// The EIP-712 domain version.
#[constant]
pub const EIP712_DOMAIN_VERSION: &str = messages::EIP712_DOMAIN_VERSION;
/// The typed struct a wallet signs to bind its profile to a Solana authority.
#[constant]
pub const BIND_PROFILE_TYPE: &str = messages::BIND_PROFILE_TYPE;
