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

/// The layout version every account of the content program is written at, its first byte after the discriminator
/// (`version`). A later layout appends its fields, moves its type's version on and migrates records in place
/// (a realloc the migrating writer pays for), so readers branch on this byte rather than on an account's size.
pub const LAYOUT_VERSION: u8 = 1;

/// Length of a binary CIDv1 with a sha2-256 multihash: version, codec, hash code, digest length, 32-byte digest.
pub const CID_LEN: usize = 36;
/// Longest content-node endpoint, in bytes.
pub const MAX_ENDPOINT_LEN: usize = 128;
/// Most attesters the configuration holds: the most whose two-thirds quorum (`required_quorum`) is within
/// `MAX_QUORUM`.
pub const MAX_ATTESTERS: usize = 12;
/// Largest attester quorum: each signature costs a `secp256k1_recover` (25,000 compute units) and 65 bytes, and
/// an admission with this many must fit one transaction (with a compute budget and a second signer) and its
/// compute budget.
pub const MAX_QUORUM: u8 = 8;
/// Longest an attestation may stay valid: its expiry lies at most this far after the slot it lands in.
pub const MAX_ATTESTATION_SECS: i64 = 600;
/// Longest a replica receipt may stay valid: its expiry lies at most this far after the slot it lands in (the
/// receipt names its track, so it is spent once the track is written; the bound limits how long a node's word on
/// holding the content stands before the write that uses it).
pub const MAX_RECEIPT_SECS: i64 = 600;
/// Longest a profile binding proof may stay valid: its deadline lies at most this far after the slot it lands in.
pub const MAX_BINDING_PROOF_SECS: i64 = 24 * 3600;
/// Highest stake tier (`FeatureAccess.tierOf`: 0 none … 4 platinum).
pub const MAX_TIER: u8 = 4;
/// Longest an attested tier stays valid on Solana before it must be attested again.
pub const MAX_TIER_VALIDITY_SECS: i64 = 7 * 24 * 3600;

/// The fewest attester signatures a set of `attesters` may be configured to need: two thirds, rounded up (at least
/// one), so no third of the set can act alone.
pub const fn required_quorum(attesters: usize) -> u8 {
    let two_thirds = (attesters * 2).div_ceil(3);
    if two_thirds == 0 {
        1
    } else if two_thirds > u8::MAX as usize {
        u8::MAX
    } else {
        two_thirds as u8
    }
}

const _: () = assert!(required_quorum(MAX_ATTESTERS) <= MAX_QUORUM, "the largest set's quorum must fit");
/// Replicas per track.
pub const REPLICATION_FACTOR: usize = 3;

/// Byte offset of a track record's `replicas` (the discriminator, the layout version, the profile, the track id and
/// the two CIDs precede it): replica slot `i` is the service-provider id (u64 LE) at `TRACK_REPLICAS_OFFSET + 8 * i`.
/// The query for the tracks naming a node filters on it (the SDK's `ContentClient::tracks_naming`), so no client
/// keeps its own idea of the record's layout.
pub const TRACK_REPLICAS_OFFSET: usize = 8 + 1 + 32 + 8 + 2 * CID_LEN;

/// Domain tags of the attestations attesters sign (each message also binds program id, cluster and a nonce; a
/// profile binding is EIP-712 typed data instead, `messages::BIND_PROFILE_TYPE`).
pub const ADMIT_NODE_TAG: &[u8] = b"audius:admit-node:v1";
pub const REMOVE_NODE_TAG: &[u8] = b"audius:remove-node:v1";
pub const SET_TIER_TAG: &[u8] = b"audius:set-tier:v1";
pub const SYNC_ATTESTERS_TAG: &[u8] = b"audius:sync-attesters:v1";
/// Domain tag of a replica receipt, a content node's signed word that it holds a track's content (binds program
/// id, cluster, the track's address, the content CID, the node and an expiry).
pub const REPLICA_RECEIPT_TAG: &[u8] = b"audius:replica-receipt:v1";
