//! Audius content program: profiles bound to Ethereum addresses, delegated app authority, the content-node
//! registry (admitted by attester quorum), track metadata records, and the append-only, hash-chained content
//! ledger that every write extends.
#![allow(unexpected_cfgs)]

use anchor_lang::prelude::*;

pub mod constants;
pub mod errors;
pub mod events;
pub mod instructions;
pub mod state;
pub mod verify;

use constants::CID_LEN;
// Signatures are spelled `[u8; 65]` (the `EthSignature` alias of the interface crate is not visible to the IDL).
use instructions::*;

declare_id!("F23dsLgecdG1aPMzzxGF8smYj4NAW9BMj13nFybqExcP");

#[program]
pub mod audius_content {
    use super::*;

    /// Create the configuration and the ledger (once).
    pub fn initialize(ctx: Context<Initialize>, cluster: [u8; 32], attesters: Vec<[u8; 20]>, quorum: u8) -> Result<()> {
        instructions::initialize::handler(ctx, cluster, attesters, quorum)
    }

    /// Turn user writes on or off. Admin only.
    pub fn set_writes_enabled(ctx: Context<AdminUpdate>, enabled: bool) -> Result<()> {
        instructions::admin::set_writes_enabled(ctx, enabled)
    }

    /// Hand the admin role over (to governance). Admin only.
    pub fn set_admin(ctx: Context<AdminUpdate>, new_admin: Pubkey) -> Result<()> {
        instructions::admin::set_admin(ctx, new_admin)
    }

    /// Replace the attester set and quorum. Admin only.
    pub fn set_attesters(ctx: Context<AdminUpdate>, attesters: Vec<[u8; 20]>, quorum: u8) -> Result<()> {
        instructions::admin::set_attesters(ctx, attesters, quorum)
    }

    /// Create the profile of an Ethereum address, bound to the signing authority by the Ethereum key's proof.
    pub fn create_profile(
        ctx: Context<CreateProfile>,
        eth_address: [u8; 20],
        metadata_cid: [u8; CID_LEN],
        signature: [u8; 65],
    ) -> Result<()> {
        instructions::create_profile::handler(ctx, eth_address, metadata_cid, signature)
    }

    /// Change a profile's metadata CID. Its authority or an authorised app.
    pub fn update_profile(ctx: Context<UpdateProfile>, metadata_cid: [u8; CID_LEN]) -> Result<()> {
        instructions::update_profile::handler(ctx, metadata_cid)
    }

    /// Bind a profile to a new authority on a fresh Ethereum proof.
    pub fn rotate_authority(ctx: Context<RotateAuthority>, new_authority: Pubkey, signature: [u8; 65]) -> Result<()> {
        instructions::rotate_authority::handler(ctx, new_authority, signature)
    }

    /// Let an app key write on the profile's behalf. Profile authority only.
    pub fn grant_app(ctx: Context<GrantApp>, app: Pubkey) -> Result<()> {
        instructions::grant_app::handler(ctx, app)
    }

    /// Withdraw an app's right to write. Profile authority only.
    pub fn revoke_app(ctx: Context<RevokeApp>) -> Result<()> {
        instructions::revoke_app::handler(ctx)
    }

    /// Admit a content node on a quorum of attester signatures over its Ethereum registration.
    pub fn admit_node(
        ctx: Context<AdmitNode>,
        sp_id: u64,
        owner_wallet: [u8; 20],
        delegate_wallet: [u8; 20],
        endpoint: String,
        expiry: i64,
        signatures: Vec<[u8; 65]>,
    ) -> Result<()> {
        instructions::admit_node::handler(ctx, sp_id, owner_wallet, delegate_wallet, endpoint, expiry, signatures)
    }

    /// Remove a content node on a quorum of attester signatures.
    pub fn remove_node(ctx: Context<RemoveNode>, expiry: i64, signatures: Vec<[u8; 65]>) -> Result<()> {
        instructions::remove_node::handler(ctx, expiry, signatures)
    }

    /// Replace the attester set on a quorum of the current attesters' signatures (the set follows the discovery
    /// nodes registered on Ethereum).
    pub fn sync_attesters(
        ctx: Context<SyncAttesters>,
        attesters: Vec<[u8; 20]>,
        quorum: u8,
        expiry: i64,
        signatures: Vec<[u8; 65]>,
    ) -> Result<()> {
        instructions::sync_attesters::handler(ctx, attesters, quorum, expiry, signatures)
    }

    /// Record a profile's Ethereum stake tier (valid until `tier_expires_at`) on a quorum of attester signatures.
    pub fn attest_tier(
        ctx: Context<AttestTier>,
        tier: u8,
        tier_expires_at: i64,
        expiry: i64,
        signatures: Vec<[u8; 65]>,
    ) -> Result<()> {
        instructions::attest_tier::handler(ctx, tier, tier_expires_at, expiry, signatures)
    }

    /// Record a new track, replicated on the three content nodes passed as `replica_0..2`. Profile authority or an
    /// authorised app.
    pub fn create_track(
        ctx: Context<CreateTrack>,
        content_cid: [u8; CID_LEN],
        metadata_cid: [u8; CID_LEN],
    ) -> Result<()> {
        instructions::create_track::handler(ctx, content_cid, metadata_cid)
    }

    /// Change a track's metadata CID and replica set (the nodes passed as `replica_0..2`). Profile authority or an
    /// authorised app.
    pub fn update_track(ctx: Context<UpdateTrack>, metadata_cid: [u8; CID_LEN]) -> Result<()> {
        instructions::update_track::handler(ctx, metadata_cid)
    }

    /// Mark a track deleted. Profile authority or an authorised app.
    pub fn delete_track(ctx: Context<DeleteTrack>) -> Result<()> {
        instructions::delete_track::handler(ctx)
    }
}
