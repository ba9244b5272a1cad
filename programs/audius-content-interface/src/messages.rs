//! The messages Ethereum keys sign for the content program: a profile binding (the user's wallet) and the facts
//! attesters carry from Ethereum. A binding is EIP-712 typed data, so a wallet shows what it binds, to whom, until
//! when; an attestation (signed by a node's key, never shown to a person) starts with a domain tag, the program id
//! and the cluster, ends with its subject's nonce and an expiry, and is signed as an EIP-191 `personal_sign` digest.

use alloc::vec::Vec;

use crate::constants::{
    ADMIT_NODE_TAG, CID_LEN, REMOVE_NODE_TAG, REPLICA_RECEIPT_TAG, SET_TIER_TAG, SYNC_ATTESTERS_TAG,
};

/// An Ethereum signature: r ‖ s ‖ v, v in {0, 1, 27, 28}.
pub type EthSignature = [u8; 65];

/// The EIP-191 digest an Ethereum wallet signs (`personal_sign`) for a message made of `parts`: the message is
/// keccak256 of the concatenated parts.
pub fn eth_digest(parts: &[&[u8]]) -> [u8; 32] {
    let message = solana_keccak_hasher::hashv(parts).to_bytes();
    solana_keccak_hasher::hashv(&[b"\x19Ethereum Signed Message:\n32", &message]).to_bytes()
}

/// The EIP-712 domain of the content program's typed data: `EIP712Domain(string name,string version)` with these
/// (no chain id or verifying contract: neither is an Ethereum one; the program and the cluster are in the message,
/// where the wallet shows them).
pub const EIP712_DOMAIN_NAME: &str = "Audius Content";
/// The domain's version.
pub const EIP712_DOMAIN_VERSION: &str = "1";
const EIP712_DOMAIN_TYPE: &[u8] = b"EIP712Domain(string name,string version)";
/// The typed struct a wallet signs to bind its profile to a Solana authority (`account` is the wallet's own address,
/// `authority` the Solana key's 32 bytes, `deadline` unix seconds).
pub const BIND_PROFILE_TYPE: &str =
    "BindProfile(bytes32 program,bytes32 cluster,address account,bytes32 authority,uint64 nonce,uint64 deadline)";

fn keccak(parts: &[&[u8]]) -> [u8; 32] {
    solana_keccak_hasher::hashv(parts).to_bytes()
}

/// A 32-byte EIP-712 word holding `value` (big-endian, left-padded).
fn uint_word(value: u64) -> [u8; 32] {
    let mut word = [0u8; 32];
    word[24..].copy_from_slice(&value.to_be_bytes());
    word
}

/// The EIP-712 digest an Ethereum wallet signs (`eth_signTypedData_v4`) to bind its profile, at proof nonce
/// `nonce`, to `authority` until `deadline` (unix seconds; the program refuses a past one, so a negative one never
/// reaches this).
pub fn bind_profile_digest(
    program: &[u8; 32],
    cluster: &[u8; 32],
    eth_address: &[u8; 20],
    authority: &[u8; 32],
    nonce: u64,
    deadline: i64,
) -> [u8; 32] {
    let domain = keccak(&[
        &keccak(&[EIP712_DOMAIN_TYPE]),
        &keccak(&[EIP712_DOMAIN_NAME.as_bytes()]),
        &keccak(&[EIP712_DOMAIN_VERSION.as_bytes()]),
    ]);
    let mut account = [0u8; 32];
    account[12..].copy_from_slice(eth_address);
    let binding = keccak(&[
        &keccak(&[BIND_PROFILE_TYPE.as_bytes()]),
        program,
        cluster,
        &account,
        authority,
        &uint_word(nonce),
        &uint_word(deadline as u64),
    ]);
    keccak(&[b"\x19\x01", &domain, &binding])
}

/// The digest attesters sign: `parts` (tag, program, cluster, the fact) followed by the attestation nonce and
/// expiry.
pub fn attestation_digest(parts: &[&[u8]], nonce: u64, expiry: i64) -> [u8; 32] {
    let (nonce, expiry) = (nonce.to_le_bytes(), expiry.to_le_bytes());
    let mut all: Vec<&[u8]> = parts.to_vec();
    all.push(&nonce);
    all.push(&expiry);
    eth_digest(&all)
}

/// An admission: tag, program, cluster, then the node's Ethereum registration.
pub fn admit_node_parts<'a>(
    program: &'a [u8; 32],
    cluster: &'a [u8; 32],
    sp_id: &'a [u8; 8],
    owner_wallet: &'a [u8; 20],
    delegate_wallet: &'a [u8; 20],
    endpoint: &'a [u8],
) -> [&'a [u8]; 7] {
    [ADMIT_NODE_TAG, program, cluster, sp_id, owner_wallet, delegate_wallet, endpoint]
}

/// A removal: tag, program, cluster, the node's service id.
pub fn remove_node_parts<'a>(program: &'a [u8; 32], cluster: &'a [u8; 32], sp_id: &'a [u8; 8]) -> [&'a [u8]; 4] {
    [REMOVE_NODE_TAG, program, cluster, sp_id]
}

/// A tier: tag, program, cluster, the profile's Ethereum address, the tier and when it lapses.
pub fn attest_tier_parts<'a>(
    program: &'a [u8; 32],
    cluster: &'a [u8; 32],
    eth_address: &'a [u8; 20],
    tier: &'a [u8; 1],
    tier_expires_at: &'a [u8; 8],
) -> [&'a [u8]; 6] {
    [SET_TIER_TAG, program, cluster, eth_address, tier, tier_expires_at]
}

/// keccak256 of the attesters' addresses, concatenated in the given order.
pub fn attester_set_hash(attesters: &[[u8; 20]]) -> [u8; 32] {
    let parts: Vec<&[u8]> = attesters.iter().map(|a| a.as_slice()).collect();
    solana_keccak_hasher::hashv(&parts).to_bytes()
}

/// A new attester set: tag, program, cluster, the set's hash and its quorum.
pub fn sync_attesters_parts<'a>(
    program: &'a [u8; 32],
    cluster: &'a [u8; 32],
    set_hash: &'a [u8; 32],
    quorum: &'a [u8; 1],
) -> [&'a [u8]; 5] {
    [SYNC_ATTESTERS_TAG, program, cluster, set_hash, quorum]
}

/// The digest a content node's delegate key signs (EIP-191) to say it holds `content_cid` as a replica of the track
/// at `track`, until `expiry`: tag, program, cluster, the track's address, the CID, the node's service id, the
/// expiry. A write naming the node as a replica of that track and content needs it.
pub fn replica_receipt_digest(
    program: &[u8; 32],
    cluster: &[u8; 32],
    track: &[u8; 32],
    content_cid: &[u8; CID_LEN],
    sp_id: u64,
    expiry: i64,
) -> [u8; 32] {
    eth_digest(&[
        REPLICA_RECEIPT_TAG,
        program,
        cluster,
        track,
        content_cid,
        &sp_id.to_le_bytes(),
        &expiry.to_le_bytes(),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fixed vector: no refactor may move the digest (bindings signed in wallets would stop verifying). The SDK
    /// checks the same digest against alloy's EIP-712 hashing of the typed struct.
    #[test]
    fn bind_profile_digest_is_pinned() {
        let digest = bind_profile_digest(&[1; 32], &[2; 32], &[3; 20], &[4; 32], 5, 1_700_000_000);
        let hex: alloc::string::String = digest.iter().map(|b| alloc::format!("{b:02x}")).collect();
        assert_eq!(hex, "0f3eb5a87b769616388f244f940a7f9f192cdff3ebf23e2567375b627d893b0d");
    }

    #[test]
    fn receipts_bind_track_content_node_and_expiry() {
        let digest = replica_receipt_digest(&[1; 32], &[2; 32], &[3; 32], &[4; CID_LEN], 5, 6);
        assert_ne!(digest, replica_receipt_digest(&[1; 32], &[2; 32], &[9; 32], &[4; CID_LEN], 5, 6), "track");
        assert_ne!(digest, replica_receipt_digest(&[1; 32], &[2; 32], &[3; 32], &[9; CID_LEN], 5, 6), "content");
        assert_ne!(digest, replica_receipt_digest(&[1; 32], &[2; 32], &[3; 32], &[4; CID_LEN], 9, 6), "node");
        assert_ne!(digest, replica_receipt_digest(&[1; 32], &[2; 32], &[3; 32], &[4; CID_LEN], 5, 9), "expiry");
        assert_ne!(digest, replica_receipt_digest(&[1; 32], &[9; 32], &[3; 32], &[4; CID_LEN], 5, 6), "cluster");
    }

    #[test]
    fn attestations_bind_nonce_and_expiry() {
        let parts = remove_node_parts(&[1; 32], &[2; 32], &[3; 8]);
        let digest = attestation_digest(&parts, 0, 10);
        assert_ne!(digest, attestation_digest(&parts, 1, 10), "nonce");
        assert_ne!(digest, attestation_digest(&parts, 0, 11), "expiry");
        assert_ne!(digest, attestation_digest(&remove_node_parts(&[9; 32], &[2; 32], &[3; 8]), 0, 10), "program");
    }
}
