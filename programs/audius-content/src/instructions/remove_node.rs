use anchor_lang::prelude::*;

// The glob brings the shared `ContentWrite` accounts and the client module Anchor generates beside it.
use crate::instructions::*;

use crate::{
    constants::{NODE_SEED, REMOVE_NODE_TAG},
    state::{ContentNode, EntryKind},
    verify::{verify_attestation, EthSignature},
};

/// Remove a content node (deregistered or out of bounds on Ethereum) on a quorum of attester signatures; the
/// account's rent goes to the relayer.
#[event_cpi]
#[derive(Accounts)]
pub struct RemoveNode<'info> {
    #[account(mut)]
    pub payer: Signer<'info>,
    pub content: ContentWrite<'info>,
    #[account(mut, close = payer, seeds = [NODE_SEED, node.sp_id.to_le_bytes().as_ref()], bump = node.bump)]
    pub node: Account<'info, ContentNode>,
}

/// What attesters sign to remove a node (before the attestation nonce and expiry `verify_attestation` appends).
pub fn remove_node_parts<'a>(cluster: &'a [u8; 32], sp_id: &'a [u8; 8]) -> [&'a [u8]; 4] {
    [REMOVE_NODE_TAG, crate::ID.as_ref(), cluster, sp_id]
}

pub fn handler(ctx: Context<RemoveNode>, expiry: i64, signatures: Vec<EthSignature>) -> Result<()> {
    let config = &mut ctx.accounts.content.config;
    let cluster = config.cluster;
    let sp_bytes = ctx.accounts.node.sp_id.to_le_bytes();
    verify_attestation(config, &remove_node_parts(&cluster, &sp_bytes), expiry, &signatures)?;
    let subject = ctx.accounts.node.key();
    let event =
        ctx.accounts.content.ledger.append(EntryKind::NodeRemoved, subject, ctx.accounts.payer.key(), [0; 32])?;
    emit_cpi!(event);
    Ok(())
}
