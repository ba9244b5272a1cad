use anchor_lang::prelude::*;

use crate::{
    constants::{APP_SEED, CONFIG_SEED, LEDGER_SEED, PROFILE_SEED},
    errors::ContentError,
    state::{AppGrant, Config, EntryKind, Ledger, Profile},
};

/// The profile's authority withdraws an app's right to write; the grant account is closed (rent back to it).
#[event_cpi]
#[derive(Accounts)]
pub struct RevokeApp<'info> {
    #[account(mut)]
    pub authority: Signer<'info>,
    #[account(seeds = [CONFIG_SEED], bump = config.bump, constraint = config.writes_enabled @ ContentError::WritesDisabled)]
    pub config: Account<'info, Config>,
    #[account(mut, seeds = [LEDGER_SEED], bump = ledger.bump)]
    pub ledger: Account<'info, Ledger>,
    #[account(
        seeds = [PROFILE_SEED, profile.eth_address.as_ref()],
        bump = profile.bump,
        has_one = authority @ ContentError::NotAuthorized,
    )]
    pub profile: Account<'info, Profile>,
    #[account(
        mut,
        close = authority,
        seeds = [APP_SEED, profile.key().as_ref(), app_grant.app.as_ref()],
        bump = app_grant.bump,
    )]
    pub app_grant: Account<'info, AppGrant>,
}

pub fn handler(ctx: Context<RevokeApp>) -> Result<()> {
    let subject = ctx.accounts.app_grant.key();
    let actor = ctx.accounts.authority.key();
    let event = ctx.accounts.ledger.append(EntryKind::AppRevoked, subject, actor, [0; 32])?;
    emit_cpi!(event);
    Ok(())
}
