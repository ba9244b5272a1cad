use alloc::vec::Vec;

use anchor_lang::prelude::*;

// The glob brings the shared `ContentWrite` accounts and the client module Anchor generates beside it.
use crate::instructions::*;

use audius_content_interface::messages::{attester_set_hash, sync_attesters_parts};

use crate::{
    state::{record_hash, EntryKind},
    verify::{verify_attestation, EthSignature},
};

/// Replace the attester set on the signatures of a quorum of the current one, so the set follows the discovery
/// nodes registered on Ethereum without the admin (anyone may relay).
#[event_cpi]
#[derive(Accounts)]
pub struct SyncAttesters {
    pub payer: Signer,
    pub content: Nested<ContentWrite>,
}

pub fn handler(
    ctx: &mut Context<SyncAttesters>,
    attesters: Vec<[u8; 20]>,
    quorum: u8,
    expiry: i64,
    signatures: Vec<EthSignature>,
) -> Result<()> {
    let config = &mut ctx.accounts.content.config;
    let (program, cluster) = (crate::ID.to_bytes(), config.cluster);
    let set_hash = attester_set_hash(&attesters);
    verify_attestation(config, &sync_attesters_parts(&program, &cluster, &set_hash, &[quorum]), expiry, &signatures)?;
    config.set_attesters(attesters, quorum)?;
    let hash = record_hash(&**config)?;
    let subject = *config.address();
    let event =
        ctx.accounts.content.ledger.append(EntryKind::ConfigChanged, subject, *ctx.accounts.payer.address(), hash)?;
    emit_cpi!(event);
    Ok(())
}
