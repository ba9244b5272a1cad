use anchor_lang::prelude::*;

// The glob brings the shared `ContentWrite` accounts and the client module Anchor generates beside it.
use crate::instructions::*;

use crate::{
    constants::{APP_SEED, CID_LEN, PROFILE_SEED},
    instructions::require_writer,
    state::{append, profile_record_hash, AppGrant, EntryKind, Profile},
    verify::require_optional_cid,
};

#[event_cpi]
#[derive(Accounts)]
pub struct UpdateProfile {
    pub signer: Signer,
    pub content: Nested<ContentWrite>,
    #[account(mut, seeds = [PROFILE_SEED, profile.eth_address.as_ref()], bump = profile.bump)]
    pub profile: BorshAccount<Profile>,
    #[account(
        seeds = [APP_SEED, profile.address().as_ref(), &profile.nonce.to_le_bytes(), signer.address().as_ref()],
        bump = app_grant.bump,
    )]
    pub app_grant: Option<BorshAccount<AppGrant>>,
}

pub fn handler(ctx: &mut Context<UpdateProfile>, metadata_cid: [u8; CID_LEN]) -> Result<()> {
    require_optional_cid(&metadata_cid)?;
    let signer = *ctx.accounts.signer.address();
    require_writer(&ctx.accounts.profile, &signer, &ctx.accounts.app_grant)?;
    let profile = &mut ctx.accounts.profile;
    profile.metadata_cid = metadata_cid;
    profile.updated_at = Clock::get()?.unix_timestamp;
    let (subject, hash) = (*profile.address(), profile_record_hash(profile)?);
    let event = append(profile, EntryKind::ProfileUpdated, subject, signer, hash)?;
    emit_cpi!(event);
    Ok(())
}
