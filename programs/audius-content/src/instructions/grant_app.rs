use anchor_lang::prelude::*;

// The glob brings the shared `ContentWrite` accounts and the client module Anchor generates beside it.
use crate::instructions::*;

use crate::{
    constants::{APP_SEED, PROFILE_SEED},
    errors::ContentError,
    state::{record_hash, AppGrant, EntryKind, Profile},
};

/// The profile's authority lets an app key write on its behalf.
#[event_cpi]
#[derive(Accounts)]
#[instruction(app: Pubkey)]
pub struct GrantApp<'info> {
    #[account(mut)]
    pub authority: Signer<'info>,
    pub content: ContentWrite<'info>,
    #[account(
        seeds = [PROFILE_SEED, profile.eth_address.as_ref()],
        bump = profile.bump,
        has_one = authority @ ContentError::NotAuthorized,
    )]
    pub profile: Account<'info, Profile>,
    #[account(
        init,
        payer = authority,
        space = 8 + AppGrant::INIT_SPACE,
        seeds = [APP_SEED, profile.key().as_ref(), profile.nonce.to_le_bytes().as_ref(), app.as_ref()],
        bump,
    )]
    pub app_grant: Account<'info, AppGrant>,
    pub system_program: Program<'info, System>,
}

pub fn handler(ctx: Context<GrantApp>, app: Pubkey) -> Result<()> {
    let grant = &mut ctx.accounts.app_grant;
    let profile = &ctx.accounts.profile;
    grant.set_inner(AppGrant { profile: profile.key(), app, epoch: profile.nonce, bump: ctx.bumps.app_grant });
    let actor = ctx.accounts.authority.key();
    let event =
        ctx.accounts.content.ledger.append(EntryKind::AppGranted, grant.key(), actor, record_hash(&**grant)?)?;
    emit_cpi!(event);
    Ok(())
}
