use anchor_lang::prelude::*;

// The glob brings the shared `ContentWrite` accounts and the client module Anchor generates beside it.
use crate::instructions::*;

use audius_content_interface::messages::bind_profile_digest;

use crate::{
    constants::{CID_LEN, LAYOUT_VERSION, PROFILE_SEED},
    errors::ContentError,
    state::{append, profile_record_hash, ChainHead, EntryKind, Profile},
    verify::{recover_eth_address, require_optional_cid, require_proof_deadline, EthSignature},
};

#[event_cpi]
#[derive(Accounts)]
#[instruction(eth_address: [u8; 20])]
pub struct CreateProfile {
    /// The Solana key the profile is bound to; it need hold no SOL.
    pub authority: Signer,
    /// Pays the profile's rent: the authority itself (it may repeat `authority`), or an app onboarding a wallet with
    /// no SOL.
    #[account(mut, unsafe(dup))]
    pub payer: Signer,
    pub content: Nested<ContentWrite>,
    #[account(
        init,
        payer = payer,
        space = 8 + Profile::INIT_SPACE,
        seeds = [PROFILE_SEED, eth_address.as_ref()],
        bump,
    )]
    pub profile: BorshAccount<Profile>,
    pub system_program: Program<System>,
}

pub fn handler(
    ctx: &mut Context<CreateProfile>,
    eth_address: [u8; 20],
    metadata_cid: [u8; CID_LEN],
    deadline: i64,
    signature: EthSignature,
) -> Result<()> {
    require_optional_cid(&metadata_cid)?;
    require_proof_deadline(deadline)?;
    let authority = *ctx.accounts.authority.address();
    let digest = bind_profile_digest(
        &crate::ID.to_bytes(),
        &ctx.accounts.content.config.cluster,
        &eth_address,
        &authority.to_bytes(),
        0,
        deadline,
    );
    require!(recover_eth_address(&digest, &signature)? == eth_address, ContentError::WrongEthereumSigner);

    let now = Clock::get()?.unix_timestamp;
    let profile = &mut ctx.accounts.profile;
    **profile = Profile {
        version: LAYOUT_VERSION,
        eth_address,
        authority,
        metadata_cid,
        nonce: 1,
        track_count: 0,
        created_at: now,
        updated_at: now,
        tier: 0,
        tier_expires_at: 0,
        tier_nonce: 0,
        bump: ctx.bumps.profile,
        ledger: ChainHead::default(),
    };
    let (subject, hash) = (*profile.address(), profile_record_hash(profile)?);
    let event = append(profile, EntryKind::ProfileCreated, subject, authority, hash)?;
    emit_cpi!(event);
    Ok(())
}
