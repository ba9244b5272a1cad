//! Checks shared by the instructions: CIDs, Ethereum signatures (proofs and attestations).

use anchor_lang::prelude::*;

use crate::{
    constants::{CID_LEN, MAX_ATTESTATION_SECS, MAX_BINDING_PROOF_SECS},
    errors::ContentError,
    state::Config,
};

pub use audius_content_interface::messages::{attestation_digest, EthSignature};

/// secp256k1 group order / 2: signatures with a larger s are the malleable twin and are refused.
const HALF_ORDER: [u8; 32] = [
    0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x5d, 0x57, 0x6e,
    0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0,
];

/// A CIDv1 whose multihash is sha2-256 (a one-byte codec such as raw 0x55 or dag-pb 0x70).
pub fn require_cid(cid: &[u8; CID_LEN]) -> Result<()> {
    require!(cid[0] == 0x01 && cid[1] < 0x80 && cid[2] == 0x12 && cid[3] == 0x20, ContentError::InvalidCid);
    Ok(())
}

/// A CID, or all zero for "none".
pub fn require_optional_cid(cid: &[u8; CID_LEN]) -> Result<()> {
    if cid.iter().all(|b| *b == 0) {
        return Ok(());
    }
    require_cid(cid)
}

/// A binding proof's deadline: not passed, and at most `MAX_BINDING_PROOF_SECS` ahead.
pub fn require_proof_deadline(deadline: i64) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    require!(now <= deadline, ContentError::ProofExpired);
    require!(deadline.saturating_sub(now) <= MAX_BINDING_PROOF_SECS, ContentError::ExpiryTooFar);
    Ok(())
}

/// The Ethereum address that signed `digest`.
pub fn recover_eth_address(digest: &[u8; 32], signature: &EthSignature) -> Result<[u8; 20]> {
    let recovery_id = match signature[64] {
        v @ (0 | 1) => v,
        v @ (27 | 28) => v - 27,
        _ => return Err(ContentError::InvalidSignature.into()),
    };
    require!(signature[32..64] <= HALF_ORDER[..], ContentError::InvalidSignature);
    let public_key = solana_secp256k1_recover::secp256k1_recover(digest, recovery_id, &signature[..64])
        .map_err(|_| Error::from(ContentError::InvalidSignature))?;
    let hash = solana_keccak_hasher::hash(&public_key.to_bytes()).to_bytes();
    let mut address = [0u8; 20];
    address.copy_from_slice(&hash[12..]);
    Ok(address)
}

/// The nonces an attestation is checked against: the one it says it was signed at, and its subject's current one.
pub struct AttestationNonce {
    pub signed: u64,
    pub current: u64,
}

/// Check an attestation: signed at its subject's current nonce, not expired nor valid for longer than
/// `MAX_ATTESTATION_SECS`, and signed by at least a quorum of distinct attesters given in ascending address order,
/// over `parts` followed by the nonce and `expiry`. The caller moves the subject's nonce on.
pub fn verify_attestation(
    config: &Config,
    parts: &[&[u8]],
    nonce: AttestationNonce,
    expiry: i64,
    signatures: &[EthSignature],
) -> Result<()> {
    require!(nonce.signed == nonce.current, ContentError::StaleAttestation);
    let now = Clock::get()?.unix_timestamp;
    require!(now <= expiry, ContentError::AttestationExpired);
    require!(expiry.saturating_sub(now) <= MAX_ATTESTATION_SECS, ContentError::ExpiryTooFar);
    require!(signatures.len() >= usize::from(config.attester_quorum), ContentError::BelowQuorum);
    let digest = attestation_digest(parts, nonce.signed, expiry);
    let mut previous: Option<[u8; 20]> = None;
    for signature in signatures {
        let signer = recover_eth_address(&digest, signature)?;
        require!(previous.is_none_or(|p| signer > p), ContentError::DuplicateOrUnorderedAttester);
        require!(config.attesters.contains(&signer), ContentError::NotAttester);
        previous = Some(signer);
    }
    Ok(())
}
