use alloc::vec::Vec;

use anchor_lang::prelude::*;

use audius_content_interface::messages::{attester_set_hash, sync_attesters_parts};

use crate::{
    constants::{CONFIG_SEED, LEDGER_SEED},
    state::{append, record_hash, Config, EntryKind, Ledger},
    verify::{verify_attestation, AttestationNonce, EthSignature},
};

/// Replace the attester set on the signatures of a quorum of the current one at the attester epoch, so the set
/// follows the discovery nodes registered on Ethereum without the admin (anyone may relay; open while writes are
/// paused, like the admin's own change).
#[event_cpi]
#[derive(Accounts)]
pub struct SyncAttesters {
    pub payer: Signer,
    #[account(mut, seeds = [CONFIG_SEED], bump = config.bump)]
    pub config: BorshAccount<Config>,
    #[account(mut, seeds = [LEDGER_SEED], bump = ledger.bump)]
    pub ledger: BorshAccount<Ledger>,
}

pub fn handler(
    ctx: &mut Context<SyncAttesters>,
    attesters: Vec<[u8; 20]>,
    quorum: u8,
    nonce: u64,
    expiry: i64,
    signatures: Vec<EthSignature>,
) -> Result<()> {
    let config = &mut ctx.accounts.config;
    let (program, cluster) = (crate::ID.to_bytes(), config.cluster);
    let (set_hash, quorum_bytes) = (attester_set_hash(&attesters), [quorum]);
    let parts = sync_attesters_parts(&program, &cluster, &set_hash, &quorum_bytes);
    let nonce = AttestationNonce { signed: nonce, current: config.attester_epoch };
    verify_attestation(config, &parts, nonce, expiry, &signatures)?;
    config.set_attesters(attesters, quorum)?;
    let hash = record_hash(&**config)?;
    let subject = *config.address();
    let actor = *ctx.accounts.payer.address();
    let event = append(&mut ctx.accounts.ledger, EntryKind::ConfigChanged, subject, actor, hash)?;
    emit_cpi!(event);
    Ok(())
}
