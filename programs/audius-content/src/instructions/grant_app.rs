use anchor_lang::prelude::*;

// The glob brings the shared `ContentWrite` accounts and the client module Anchor generates beside it.
use crate::instructions::*;

use crate::{
    constants::{APP_SEED, LAYOUT_VERSION, PROFILE_SEED},
    errors::ContentError,
    state::{append, record_hash, AppGrant, EntryKind, Profile},
};

/// The profile's authority lets an app key write on its behalf.
#[event_cpi]
#[derive(Accounts)]
#[instruction(app: Address)]
pub struct GrantApp {
    pub authority: Signer,
    /// Pays the grant's rent and has it back on revocation: the authority itself (it may repeat `authority`), or
    /// the app being granted.
    #[account(mut, unsafe(dup))]
    pub payer: Signer,
    pub content: Nested<ContentWrite>,
    #[account(
        mut,
        seeds = [PROFILE_SEED, profile.eth_address.as_ref()],
        bump = profile.bump,
        constraint = profile.authority == *authority.address() @ ContentError::NotAuthorized,
    )]
    pub profile: BorshAccount<Profile>,
    #[account(
        init,
        payer = payer,
        space = 8 + AppGrant::INIT_SPACE,
        seeds = [APP_SEED, profile.address().as_ref(), &profile.nonce.to_le_bytes(), app.as_ref()],
        bump,
    )]
    pub app_grant: BorshAccount<AppGrant>,
    pub system_program: Program<System>,
}

pub fn handler(ctx: &mut Context<GrantApp>, app: Address) -> Result<()> {
    let grant = &mut ctx.accounts.app_grant;
    let profile = &ctx.accounts.profile;
    **grant = AppGrant {
        version: LAYOUT_VERSION,
        profile: *profile.address(),
        app,
        epoch: profile.nonce,
        rent_payer: *ctx.accounts.payer.address(),
        bump: ctx.bumps.app_grant,
    };
    let actor = *ctx.accounts.authority.address();
    let (subject, hash) = (*grant.address(), record_hash(&**grant)?);
    let event = append(&mut ctx.accounts.profile, EntryKind::AppGranted, subject, actor, hash)?;
    emit_cpi!(event);
    Ok(())
}
