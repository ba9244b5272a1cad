use alloc::{string::String, vec::Vec};

use anchor_lang::prelude::*;

// The glob brings the shared `ContentWrite` accounts and the client module Anchor generates beside it.
use crate::instructions::*;

use audius_content_interface::messages::admit_node_parts;

use crate::{
    constants::{LAYOUT_VERSION, LEDGER_SEED, MAX_ENDPOINT_LEN, NODE_SEED},
    errors::ContentError,
    state::{append, record_hash, ContentNode, EntryKind, Ledger},
    verify::{verify_attestation, AttestationNonce, EthSignature},
};

/// Admit a content node registered on Ethereum, on the signatures of a quorum of attesters at the attester epoch
/// (anyone may relay and pay the rent, which the node's removal returns). The record's address makes an admission
/// valid once while the node stays admitted.
#[event_cpi]
#[derive(Accounts)]
#[instruction(sp_id: u64)]
pub struct AdmitNode {
    #[account(mut)]
    pub payer: Signer,
    pub content: Nested<ContentWrite>,
    #[account(mut, seeds = [LEDGER_SEED], bump = ledger.bump)]
    pub ledger: BorshAccount<Ledger>,
    #[account(
        init,
        payer = payer,
        space = 8 + ContentNode::INIT_SPACE,
        seeds = [NODE_SEED, &sp_id.to_le_bytes()],
        bump,
    )]
    pub node: BorshAccount<ContentNode>,
    pub system_program: Program<System>,
}

pub fn handler(
    ctx: &mut Context<AdmitNode>,
    sp_id: u64,
    owner_wallet: [u8; 20],
    delegate_wallet: [u8; 20],
    endpoint: String,
    nonce: u64,
    expiry: i64,
    signatures: Vec<EthSignature>,
) -> Result<()> {
    require!(!endpoint.is_empty() && endpoint.len() <= MAX_ENDPOINT_LEN, ContentError::InvalidEndpoint);
    let config = &ctx.accounts.content.config;
    let (program, cluster) = (crate::ID.to_bytes(), config.cluster);
    let sp_bytes = sp_id.to_le_bytes();
    let parts = admit_node_parts(&program, &cluster, &sp_bytes, &owner_wallet, &delegate_wallet, endpoint.as_bytes());
    let nonce = AttestationNonce { signed: nonce, current: config.attester_epoch };
    verify_attestation(config, &parts, nonce, expiry, &signatures)?;

    let node = &mut ctx.accounts.node;
    **node = ContentNode {
        version: LAYOUT_VERSION,
        sp_id,
        owner_wallet,
        delegate_wallet,
        endpoint,
        admitted_at: Clock::get()?.unix_timestamp,
        rent_payer: *ctx.accounts.payer.address(),
        bump: ctx.bumps.node,
    };
    let actor = *ctx.accounts.payer.address();
    let (subject, hash) = (*node.address(), record_hash(&**node)?);
    let event = append(&mut ctx.accounts.ledger, EntryKind::NodeAdmitted, subject, actor, hash)?;
    emit_cpi!(event);
    Ok(())
}
