//! Seeds, sizes and domain tags: the one definition the program, the SDK and the nodes share.

/// `[CONFIG_SEED]`: the program's configuration.
pub const CONFIG_SEED: &[u8] = b"config";
/// `[LEDGER_SEED]`: the content ledger (sequence number and hash-chain head).
pub const LEDGER_SEED: &[u8] = b"ledger";
/// `[PROFILE_SEED, eth_address]`: a user's profile.
pub const PROFILE_SEED: &[u8] = b"profile";
/// `[APP_SEED, profile, epoch (u64 LE), app]`: an app key's right to write for a profile, granted under the
/// authority epoch `epoch` (the profile's proof nonce): rotating the authority moves the epoch on, which voids
/// every grant the previous authority made.
pub const APP_SEED: &[u8] = b"app";
/// `[NODE_SEED, sp_id (u64 LE)]`: a registered content node.
pub const NODE_SEED: &[u8] = b"node";
/// `[TRACK_SEED, profile, track_id (u64 LE)]`: a track record.
pub const TRACK_SEED: &[u8] = b"track";

/// Length of a binary CIDv1 with a sha2-256 multihash: version, codec, hash code, digest length, 32-byte digest.
pub const CID_LEN: usize = 36;
/// Longest content-node endpoint, in bytes.
pub const MAX_ENDPOINT_LEN: usize = 128;
/// Most attesters the configuration holds.
pub const MAX_ATTESTERS: usize = 16;
/// Largest attester quorum: each signature costs a `secp256k1_recover` (25,000 compute units) and 65 bytes, and
/// an admission with this many must fit one transaction and its compute budget.
pub const MAX_QUORUM: u8 = 8;
/// Replicas per track.
pub const REPLICATION_FACTOR: usize = 3;

/// Domain tags of the messages Ethereum keys sign (each message also binds program id, cluster and a nonce).
pub const BIND_PROFILE_TAG: &[u8] = b"audius:bind-profile:v1";
pub const ADMIT_NODE_TAG: &[u8] = b"audius:admit-node:v1";
pub const REMOVE_NODE_TAG: &[u8] = b"audius:remove-node:v1";
pub const SET_TIER_TAG: &[u8] = b"audius:set-tier:v1";
pub const SYNC_ATTESTERS_TAG: &[u8] = b"audius:sync-attesters:v1";
