use anchor_lang::prelude::*;

// The glob brings the shared `SafetyWrite` accounts and the client module Anchor generates beside it.
use crate::instructions::*;

use crate::{
    constants::{APP_SEED, PROFILE_SEED},
    errors::ContentError,
    state::{append, AppGrant, EntryKind, Profile},
};

/// The profile's authority withdraws an app's right to write, or clears a grant voided by a rotation; the grant
/// account is closed (rent back to the authority).
#[event_cpi]
#[derive(Accounts)]
pub struct RevokeApp {
    #[account(mut)]
    pub authority: Signer,
    pub content: Nested<SafetyWrite>,
    #[account(
        mut,
        seeds = [PROFILE_SEED, profile.eth_address.as_ref()],
        bump = profile.bump,
        constraint = profile.authority == *authority.address() @ ContentError::NotAuthorized,
    )]
    pub profile: BorshAccount<Profile>,
    #[account(
        mut,
        close = authority,
        seeds = [APP_SEED, profile.address().as_ref(), &app_grant.epoch.to_le_bytes(), app_grant.app.as_ref()],
        bump = app_grant.bump,
    )]
    pub app_grant: BorshAccount<AppGrant>,
}

pub fn handler(ctx: &mut Context<RevokeApp>) -> Result<()> {
    let subject = *ctx.accounts.app_grant.address();
    let actor = *ctx.accounts.authority.address();
    let event = append(&mut ctx.accounts.profile, EntryKind::AppRevoked, subject, actor, [0; 32])?;
    emit_cpi!(event);
    Ok(())
}
