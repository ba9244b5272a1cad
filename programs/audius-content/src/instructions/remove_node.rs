use alloc::vec::Vec;

use anchor_lang::prelude::*;

// The glob brings the shared `SafetyWrite` accounts and the client module Anchor generates beside it.
use crate::instructions::*;

use audius_content_interface::messages::remove_node_parts;

use crate::{
    constants::{LEDGER_SEED, NODE_SEED},
    errors::ContentError,
    state::{append, ContentNode, EntryKind, Ledger},
    verify::{verify_attestation, AttestationNonce, EthSignature},
};

/// Remove a content node (deregistered or out of bounds on Ethereum) on a quorum of attester signatures at the
/// attester epoch; the record's rent goes back to whoever paid it. A safety action: open while writes are paused.
#[event_cpi]
#[derive(Accounts)]
pub struct RemoveNode {
    pub payer: Signer,
    pub content: Nested<SafetyWrite>,
    #[account(mut, seeds = [LEDGER_SEED], bump = ledger.bump)]
    pub ledger: BorshAccount<Ledger>,
    #[account(mut, close = rent_payer, seeds = [NODE_SEED, &node.sp_id.to_le_bytes()], bump = node.bump)]
    pub node: BorshAccount<ContentNode>,
    /// The admission's payer, recorded in the node; often the relayer too, so it may repeat `payer` (`unsafe(dup)`,
    /// mutable): it only receives lamports, its data is never read or written.
    #[account(unsafe(dup), constraint = *rent_payer.address() == node.rent_payer @ ContentError::WrongRentPayer)]
    pub rent_payer: UncheckedAccount,
}

pub fn handler(ctx: &mut Context<RemoveNode>, nonce: u64, expiry: i64, signatures: Vec<EthSignature>) -> Result<()> {
    let config = &ctx.accounts.content.config;
    let (program, cluster) = (crate::ID.to_bytes(), config.cluster);
    let sp_bytes = ctx.accounts.node.sp_id.to_le_bytes();
    let nonce = AttestationNonce { signed: nonce, current: config.attester_epoch };
    verify_attestation(config, &remove_node_parts(&program, &cluster, &sp_bytes), nonce, expiry, &signatures)?;
    let subject = *ctx.accounts.node.address();
    let actor = *ctx.accounts.payer.address();
    let event = append(&mut ctx.accounts.ledger, EntryKind::NodeRemoved, subject, actor, [0; 32])?;
    emit_cpi!(event);
    Ok(())
}
