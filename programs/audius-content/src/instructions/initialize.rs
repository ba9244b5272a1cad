use alloc::vec::Vec;

use anchor_lang::prelude::*;

use crate::{
    constants::{CONFIG_SEED, LAYOUT_VERSION, LEDGER_SEED},
    errors::ContentError,
    state::{append, record_hash, Config, EntryKind, Ledger},
};

/// The upgradeable loader, which owns every deployed program's ProgramData.
const UPGRADEABLE_LOADER: Address = Address::new_from_array(audius_content_interface::loader::UPGRADEABLE_LOADER);

/// The deployer creates the configuration and the registry ledger once and becomes the admin: `initialize` is the
/// program's upgrade authority's, so nobody can take the admin role between the deployment and the deployer's call.
#[event_cpi]
#[derive(Accounts)]
pub struct Initialize {
    #[account(mut)]
    pub admin: Signer,
    /// This program's ProgramData, at its address under the upgradeable loader; its upgrade authority must sign.
    #[account(seeds = [crate::ID.as_ref()], bump, seeds::program = UPGRADEABLE_LOADER)]
    pub program_data: UncheckedAccount,
    #[account(init, payer = admin, space = 8 + Config::INIT_SPACE, seeds = [CONFIG_SEED], bump)]
    pub config: BorshAccount<Config>,
    #[account(init, payer = admin, space = 8 + Ledger::INIT_SPACE, seeds = [LEDGER_SEED], bump)]
    pub ledger: BorshAccount<Ledger>,
    pub system_program: Program<System>,
}

/// The upgrade authority a ProgramData account records, if it has one.
fn upgrade_authority(program_data: &UncheckedAccount) -> Result<Option<Address>> {
    let view = program_data.account();
    require!(view.owned_by(&UPGRADEABLE_LOADER), ContentError::NotUpgradeAuthority);
    let data = view.try_borrow()?;
    Ok(audius_content_interface::loader::upgrade_authority(&data).map(Address::new_from_array))
}

pub fn handler(ctx: &mut Context<Initialize>, cluster: [u8; 32], attesters: Vec<[u8; 20]>, quorum: u8) -> Result<()> {
    require!(
        upgrade_authority(&ctx.accounts.program_data)? == Some(*ctx.accounts.admin.address()),
        ContentError::NotUpgradeAuthority
    );
    let config = &mut ctx.accounts.config;
    config.version = LAYOUT_VERSION;
    config.admin = *ctx.accounts.admin.address();
    config.cluster = cluster;
    config.writes_enabled = true;
    config.pending_admin = None;
    config.attester_epoch = 0;
    config.bump = ctx.bumps.config;
    config.install_attesters(attesters, quorum)?;

    let ledger = &mut ctx.accounts.ledger;
    ledger.version = LAYOUT_VERSION;
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
