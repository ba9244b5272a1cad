use anchor_lang::prelude::*;

// The glob brings the shared `SafetyWrite` accounts and the client module Anchor generates beside it.
use crate::instructions::*;

use audius_content_interface::messages::bind_profile_digest;

use crate::{
    constants::PROFILE_SEED,
    errors::ContentError,
    state::{append, profile_record_hash, EntryKind, Profile},
    verify::{recover_eth_address, require_proof_deadline, EthSignature},
};

/// Move a profile to a new Solana authority on a fresh proof from its Ethereum key (anyone may relay it).
#[event_cpi]
#[derive(Accounts)]
pub struct RotateAuthority {
    pub relayer: Signer,
    pub content: Nested<SafetyWrite>,
    #[account(mut, seeds = [PROFILE_SEED, profile.eth_address.as_ref()], bump = profile.bump)]
    pub profile: BorshAccount<Profile>,
}

pub fn handler(
    ctx: &mut Context<RotateAuthority>,
    new_authority: Address,
    deadline: i64,
    signature: EthSignature,
) -> Result<()> {
    require_proof_deadline(deadline)?;
    let profile = &mut ctx.accounts.profile;
    let digest = bind_profile_digest(
        &crate::ID.to_bytes(),
        &ctx.accounts.content.config.cluster,
        &profile.eth_address,
        &new_authority.to_bytes(),
        profile.nonce,
        deadline,
    );
    require!(recover_eth_address(&digest, &signature)? == profile.eth_address, ContentError::WrongEthereumSigner);
    profile.authority = new_authority;
    profile.nonce = profile.nonce.checked_add(1).ok_or(ContentError::Overflow)?;
    profile.updated_at = Clock::get()?.unix_timestamp;
    let actor = *ctx.accounts.relayer.address();
    let (subject, hash) = (*profile.address(), profile_record_hash(profile)?);
    let event = append(profile, EntryKind::AuthorityRotated, subject, actor, hash)?;
    emit_cpi!(event);
    Ok(())
}
