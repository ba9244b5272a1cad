use anchor_lang::prelude::*;

use crate::{
    constants::{CONFIG_SEED, LEDGER_SEED, PROFILE_SEED},
    errors::ContentError,
    instructions::bind_profile_digest,
    state::{record_hash, Config, EntryKind, Ledger, Profile},
    verify::{recover_eth_address, EthSignature},
};

/// Move a profile to a new Solana authority on a fresh proof from its Ethereum key (anyone may relay it).
#[event_cpi]
#[derive(Accounts)]
pub struct RotateAuthority<'info> {
    pub relayer: Signer<'info>,
    #[account(seeds = [CONFIG_SEED], bump = config.bump, constraint = config.writes_enabled @ ContentError::WritesDisabled)]
    pub config: Account<'info, Config>,
    #[account(mut, seeds = [LEDGER_SEED], bump = ledger.bump)]
    pub ledger: Account<'info, Ledger>,
    #[account(mut, seeds = [PROFILE_SEED, profile.eth_address.as_ref()], bump = profile.bump)]
    pub profile: Account<'info, Profile>,
}

pub fn handler(ctx: Context<RotateAuthority>, new_authority: Pubkey, signature: EthSignature) -> Result<()> {
    let profile = &mut ctx.accounts.profile;
    let digest = bind_profile_digest(&ctx.accounts.config.cluster, &profile.eth_address, &new_authority, profile.nonce);
    require!(recover_eth_address(&digest, &signature)? == profile.eth_address, ContentError::WrongEthereumSigner);
    profile.authority = new_authority;
    profile.nonce = profile.nonce.checked_add(1).ok_or(ContentError::Overflow)?;
    profile.updated_at = Clock::get()?.unix_timestamp;
    let actor = ctx.accounts.relayer.key();
    let event =
        ctx.accounts.ledger.append(EntryKind::AuthorityRotated, profile.key(), actor, record_hash(&**profile)?)?;
    emit_cpi!(event);
    Ok(())
}
