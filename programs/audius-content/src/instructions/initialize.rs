use alloc::vec::Vec;

use anchor_lang::prelude::*;

use crate::{
    constants::{CONFIG_SEED, LEDGER_SEED},
    state::{append, record_hash, Config, EntryKind, Ledger},
};

#[event_cpi]
#[derive(Accounts)]
pub struct Initialize {
    #[account(mut)]
    pub admin: Signer,
    #[account(init, payer = admin, space = 8 + Config::INIT_SPACE, seeds = [CONFIG_SEED], bump)]
    pub config: BorshAccount<Config>,
    #[account(init, payer = admin, space = 8 + Ledger::INIT_SPACE, seeds = [LEDGER_SEED], bump)]
    pub ledger: BorshAccount<Ledger>,
    pub system_program: Program<System>,
}

pub fn handler(ctx: &mut Context<Initialize>, cluster: [u8; 32], attesters: Vec<[u8; 20]>, quorum: u8) -> Result<()> {
    let config = &mut ctx.accounts.config;
    config.admin = *ctx.accounts.admin.address();
    config.cluster = cluster;
    config.writes_enabled = true;
    config.pending_admin = None;
    config.attester_epoch = 0;
    config.bump = ctx.bumps.config;
    config.install_attesters(attesters, quorum)?;

    let ledger = &mut ctx.accounts.ledger;
    ledger.bump = ctx.bumps.ledger;
    let event = append(
        ledger,
        EntryKind::ConfigChanged,
        *config.address(),
        *ctx.accounts.admin.address(),
        record_hash(&**config)?,
    )?;
    emit_cpi!(event);
    Ok(())
}
