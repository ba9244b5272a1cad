use alloc::vec::Vec;

use anchor_lang::prelude::*;

use crate::{
    constants::{CONFIG_SEED, LEDGER_SEED},
    errors::ContentError,
    state::{append, record_hash, Config, EntryKind, Ledger},
};

/// The admin's configuration changes (admin: meant to be governance); each one is a ledger entry.
#[event_cpi]
#[derive(Accounts)]
pub struct AdminUpdate {
    pub admin: Signer,
    #[account(mut, seeds = [CONFIG_SEED], bump = config.bump, constraint = config.admin == *admin.address() @ ContentError::NotAdmin)]
    pub config: BorshAccount<Config>,
    #[account(mut, seeds = [LEDGER_SEED], bump = ledger.bump)]
    pub ledger: BorshAccount<Ledger>,
}

fn record(ctx: &mut Context<AdminUpdate>) -> Result<crate::events::LedgerAppended> {
    let hash = record_hash(&*ctx.accounts.config)?;
    append(
        &mut ctx.accounts.ledger,
        EntryKind::ConfigChanged,
        *ctx.accounts.config.address(),
        *ctx.accounts.admin.address(),
        hash,
    )
}

pub fn set_writes_enabled(ctx: &mut Context<AdminUpdate>, enabled: bool) -> Result<()> {
    ctx.accounts.config.writes_enabled = enabled;
    let event = record(ctx)?;
    emit_cpi!(event);
    Ok(())
}

/// The first step of handing the admin role over: `new_admin` may accept it (a later proposal replaces this one).
pub fn propose_admin(ctx: &mut Context<AdminUpdate>, new_admin: Address) -> Result<()> {
    require!(new_admin != Address::default(), ContentError::InvalidAdmin);
    ctx.accounts.config.pending_admin = Some(new_admin);
    let event = record(ctx)?;
    emit_cpi!(event);
    Ok(())
}

pub fn set_attesters(ctx: &mut Context<AdminUpdate>, attesters: Vec<[u8; 20]>, quorum: u8) -> Result<()> {
    ctx.accounts.config.set_attesters(attesters, quorum)?;
    let event = record(ctx)?;
    emit_cpi!(event);
    Ok(())
}

/// The proposed admin takes the role over, so the role only ever moves to a key that can sign.
#[event_cpi]
#[derive(Accounts)]
pub struct AcceptAdmin {
    pub new_admin: Signer,
    #[account(
        mut,
        seeds = [CONFIG_SEED],
        bump = config.bump,
        constraint = config.pending_admin == Some(*new_admin.address()) @ ContentError::NotPendingAdmin,
    )]
    pub config: BorshAccount<Config>,
    #[account(mut, seeds = [LEDGER_SEED], bump = ledger.bump)]
    pub ledger: BorshAccount<Ledger>,
}

pub fn accept_admin(ctx: &mut Context<AcceptAdmin>) -> Result<()> {
    let config = &mut ctx.accounts.config;
    config.admin = *ctx.accounts.new_admin.address();
    config.pending_admin = None;
    let hash = record_hash(&**config)?;
    let subject = *config.address();
    let actor = *ctx.accounts.new_admin.address();
    let event = append(&mut ctx.accounts.ledger, EntryKind::ConfigChanged, subject, actor, hash)?;
    emit_cpi!(event);
    Ok(())
}
