use anchor_lang::prelude::*;

use crate::{
    constants::{CONFIG_SEED, LEDGER_SEED},
    errors::ContentError,
    state::{record_hash, Config, EntryKind, Ledger},
};

/// The admin's configuration changes (admin: meant to be governance); each one is a ledger entry.
#[event_cpi]
#[derive(Accounts)]
pub struct AdminUpdate<'info> {
    pub admin: Signer<'info>,
    #[account(mut, seeds = [CONFIG_SEED], bump = config.bump, has_one = admin @ ContentError::NotAdmin)]
    pub config: Account<'info, Config>,
    #[account(mut, seeds = [LEDGER_SEED], bump = ledger.bump)]
    pub ledger: Account<'info, Ledger>,
}

fn record(ctx: &mut Context<AdminUpdate>) -> Result<crate::events::LedgerAppended> {
    let hash = record_hash(&*ctx.accounts.config)?;
    ctx.accounts.ledger.append(EntryKind::ConfigChanged, ctx.accounts.config.key(), ctx.accounts.admin.key(), hash)
}

pub fn set_writes_enabled(mut ctx: Context<AdminUpdate>, enabled: bool) -> Result<()> {
    ctx.accounts.config.writes_enabled = enabled;
    let event = record(&mut ctx)?;
    emit_cpi!(event);
    Ok(())
}

pub fn set_admin(mut ctx: Context<AdminUpdate>, new_admin: Pubkey) -> Result<()> {
    ctx.accounts.config.admin = new_admin;
    let event = record(&mut ctx)?;
    emit_cpi!(event);
    Ok(())
}

pub fn set_attesters(mut ctx: Context<AdminUpdate>, attesters: Vec<[u8; 20]>, quorum: u8) -> Result<()> {
    ctx.accounts.config.set_attesters(attesters, quorum)?;
    let event = record(&mut ctx)?;
    emit_cpi!(event);
    Ok(())
}
