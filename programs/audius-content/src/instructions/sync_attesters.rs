use anchor_lang::prelude::*;

// The glob brings the shared `ContentWrite` accounts and the client module Anchor generates beside it.
use crate::instructions::*;

use crate::{
    constants::SYNC_ATTESTERS_TAG,
    state::{record_hash, EntryKind},
    verify::{verify_attestation, EthSignature},
};

/// Replace the attester set on the signatures of a quorum of the current one, so the set follows the discovery
/// nodes registered on Ethereum without the admin (anyone may relay).
#[event_cpi]
#[derive(Accounts)]
pub struct SyncAttesters<'info> {
    pub payer: Signer<'info>,
    pub content: ContentWrite<'info>,
}

/// keccak256 of the new attesters' addresses, concatenated in the given order.
pub fn attester_set_hash(attesters: &[[u8; 20]]) -> [u8; 32] {
    let parts: Vec<&[u8]> = attesters.iter().map(|a| a.as_slice()).collect();
    solana_keccak_hasher::hashv(&parts).to_bytes()
}

/// What attesters sign to replace the set (before the attestation nonce and expiry `verify_attestation` appends).
pub fn sync_attesters_parts<'a>(cluster: &'a [u8; 32], set_hash: &'a [u8; 32], quorum: &'a [u8; 1]) -> [&'a [u8]; 5] {
    [SYNC_ATTESTERS_TAG, crate::ID.as_ref(), cluster, set_hash, quorum]
}

pub fn handler(
    ctx: Context<SyncAttesters>,
    attesters: Vec<[u8; 20]>,
    quorum: u8,
    expiry: i64,
    signatures: Vec<EthSignature>,
) -> Result<()> {
    let config = &mut ctx.accounts.content.config;
    let cluster = config.cluster;
    let set_hash = attester_set_hash(&attesters);
    verify_attestation(config, &sync_attesters_parts(&cluster, &set_hash, &[quorum]), expiry, &signatures)?;
    config.set_attesters(attesters, quorum)?;
    let hash = record_hash(&**config)?;
    let subject = config.key();
    let event =
        ctx.accounts.content.ledger.append(EntryKind::ConfigChanged, subject, ctx.accounts.payer.key(), hash)?;
    emit_cpi!(event);
    Ok(())
}
