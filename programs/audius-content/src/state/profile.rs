use anchor_lang::prelude::*;

use crate::{constants::CID_LEN, state::ChainHead};

/// A user or artist, keyed by Ethereum address and bound to a Solana authority by a proof signed with the
/// Ethereum key.
#[account(borsh)]
#[derive(InitSpace)]
pub struct Profile {
    /// Layout version (`LAYOUT_VERSION`).
    pub version: u8,
    pub eth_address: [u8; 20],
    pub authority: Address,
    /// CID of the profile metadata (all zero: none).
    pub metadata_cid: [u8; CID_LEN],
    /// Nonce the next Ethereum proof must carry; every accepted proof moves it on.
    pub nonce: u64,
    /// Tracks created so far: the next track's id.
    pub track_count: u64,
    pub created_at: i64,
    pub updated_at: i64,
    /// Stake tier attested from Ethereum (`FeatureAccess.tierOf`: 0 none … 4 platinum), valid until
    /// `tier_expires_at`; apps treat an expired tier as none.
    pub tier: u8,
    pub tier_expires_at: i64,
    /// Nonce the next tier attestation must be signed at; every accepted one moves it on, so a tier fact is
    /// recorded once and only the profile's own facts compete for it.
    pub tier_nonce: u64,
    pub bump: u8,
    /// The chain of every entry written on the profile's behalf. Last, so that the entries' record hash can leave
    /// it out (`profile_record_hash`).
    pub ledger: ChainHead,
}

/// An app key's right to write on a profile's behalf; revoking closes it.
#[account(borsh)]
#[derive(InitSpace)]
pub struct AppGrant {
    /// Layout version (`LAYOUT_VERSION`).
    pub version: u8,
    pub profile: Address,
    pub app: Address,
    /// The profile's authority epoch (proof nonce) when granted; the grant is void once the authority rotates.
    pub epoch: u64,
    /// Who paid the grant's rent (the authority, or an app sponsoring it): revoking pays it back there.
    pub rent_payer: Address,
    pub bump: u8,
}
