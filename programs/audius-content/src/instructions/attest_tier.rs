use alloc::vec::Vec;

use anchor_lang::prelude::*;

// The glob brings the shared `ContentWrite` accounts and the client module Anchor generates beside it.
use crate::instructions::*;

use audius_content_interface::messages::attest_tier_parts;

use crate::{
    constants::{MAX_TIER, MAX_TIER_VALIDITY_SECS, PROFILE_SEED},
    errors::ContentError,
    state::{append, profile_record_hash, EntryKind, Profile},
    verify::{verify_attestation, AttestationNonce, EthSignature},
};

/// Record a profile's Ethereum stake tier on the signatures of a quorum of attesters at the profile's tier nonce
/// (anyone may relay).
#[event_cpi]
#[derive(Accounts)]
pub struct AttestTier {
    pub payer: Signer,
    pub content: Nested<ContentWrite>,
    #[account(mut, seeds = [PROFILE_SEED, profile.eth_address.as_ref()], bump = profile.bump)]
    pub profile: BorshAccount<Profile>,
}

pub fn handler(
    ctx: &mut Context<AttestTier>,
    tier: u8,
    tier_expires_at: i64,
    nonce: u64,
    expiry: i64,
    signatures: Vec<EthSignature>,
) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    require!(tier <= MAX_TIER, ContentError::InvalidTier);
    require!(tier_expires_at > now && tier_expires_at - now <= MAX_TIER_VALIDITY_SECS, ContentError::InvalidTierExpiry);
    let config = &ctx.accounts.content.config;
    let (program, cluster) = (crate::ID.to_bytes(), config.cluster);
    let eth_address = ctx.accounts.profile.eth_address;
    let (tier_bytes, expires_bytes) = ([tier], tier_expires_at.to_le_bytes());
    let parts = attest_tier_parts(&program, &cluster, &eth_address, &tier_bytes, &expires_bytes);
    let nonce = AttestationNonce { signed: nonce, current: ctx.accounts.profile.tier_nonce };
    verify_attestation(config, &parts, nonce, expiry, &signatures)?;

    let profile = &mut ctx.accounts.profile;
    profile.tier_nonce = profile.tier_nonce.checked_add(1).ok_or(ContentError::Overflow)?;
    profile.tier = tier;
    profile.tier_expires_at = tier_expires_at;
    let (subject, hash) = (*profile.address(), profile_record_hash(profile)?);
    let event = append(profile, EntryKind::TierAttested, subject, *ctx.accounts.payer.address(), hash)?;
    emit_cpi!(event);
    Ok(())
}
