use alloc::vec::Vec;

use anchor_lang::prelude::*;

// The glob brings the shared `ContentWrite` accounts and the client module Anchor generates beside it.
use crate::instructions::*;

use audius_content_interface::messages::remove_node_parts;

use crate::{
    constants::NODE_SEED,
    state::{ContentNode, EntryKind},
    verify::{verify_attestation, EthSignature},
};

/// Remove a content node (deregistered or out of bounds on Ethereum) on a quorum of attester signatures; the
/// account's rent goes to the relayer.
#[event_cpi]
#[derive(Accounts)]
pub struct RemoveNode {
    #[account(mut)]
    pub payer: Signer,
    pub content: Nested<ContentWrite>,
    #[account(mut, close = payer, seeds = [NODE_SEED, &node.sp_id.to_le_bytes()], bump = node.bump)]
    pub node: BorshAccount<ContentNode>,
}

pub fn handler(ctx: &mut Context<RemoveNode>, expiry: i64, signatures: Vec<EthSignature>) -> Result<()> {
    let config = &mut ctx.accounts.content.config;
    let (program, cluster) = (crate::ID.to_bytes(), config.cluster);
    let sp_bytes = ctx.accounts.node.sp_id.to_le_bytes();
    verify_attestation(config, &remove_node_parts(&program, &cluster, &sp_bytes), expiry, &signatures)?;
    let subject = *ctx.accounts.node.address();
    let event =
        ctx.accounts.content.ledger.append(EntryKind::NodeRemoved, subject, *ctx.accounts.payer.address(), [0; 32])?;
    emit_cpi!(event);
    Ok(())
}
