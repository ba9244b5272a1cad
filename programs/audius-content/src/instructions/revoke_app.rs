use anchor_lang::prelude::*;

// The glob brings the shared `SafetyWrite` accounts and the client module Anchor generates beside it.
use crate::instructions::*;

use crate::{
    constants::{APP_SEED, PROFILE_SEED},
    errors::ContentError,
    state::{append, AppGrant, EntryKind, Profile},
};

/// The profile's authority withdraws an app's right to write, or clears a grant voided by a rotation; the grant
/// account is closed and its rent goes back to whoever paid it (`AppGrant::rent_payer`).
#[event_cpi]
#[derive(Accounts)]
pub struct RevokeApp {
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
        close = rent_payer,
        seeds = [APP_SEED, profile.address().as_ref(), &app_grant.epoch.to_le_bytes(), app_grant.app.as_ref()],
        bump = app_grant.bump,
    )]
    pub app_grant: BorshAccount<AppGrant>,
    /// Who paid the grant's rent (recorded in it); often the authority, so it may repeat `authority` (`unsafe(dup)`,
    /// mutable): it only receives lamports, its data is never read or written.
    #[account(unsafe(dup), constraint = *rent_payer.address() == app_grant.rent_payer @ ContentError::WrongRentPayer)]
    pub rent_payer: UncheckedAccount,
}

pub fn handler(ctx: &mut Context<RevokeApp>) -> Result<()> {
    let subject = *ctx.accounts.app_grant.address();
    let actor = *ctx.accounts.authority.address();
    let event = append(&mut ctx.accounts.profile, EntryKind::AppRevoked, subject, actor, [0; 32])?;
    emit_cpi!(event);
    Ok(())
}
