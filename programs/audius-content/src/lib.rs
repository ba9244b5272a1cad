//! Audius content program: profiles bound to Ethereum addresses, delegated app authority, the content-node
//! registry (admitted by attester quorum), track metadata records, and the append-only, hash-chained content
//! ledger that every write extends.
#![cfg_attr(target_os = "solana", no_std)]

extern crate alloc;

// memcpy & co. (the `sol_mem*` syscalls) and the integer libcalls the upstream BPF target leaves to the program.
#[cfg(target_os = "solana")]
use solana_compiler_builtins as _;

use alloc::{string::String, vec::Vec};

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

// Anchor v2 installs the allocator; a no_std program also needs a panic handler.
#[cfg(target_os = "solana")]
anchor_lang::pinocchio::nostd_panic_handler!();

#[program]
pub mod audius_content {
    use super::*;

    /// Create the configuration and the ledger (once).
    pub fn initialize(
        ctx: &mut Context<Initialize>,
        cluster: [u8; 32],
        attesters: Vec<[u8; 20]>,
        quorum: u8,
    ) -> Result<()> {
        instructions::initialize::handler(ctx, cluster, attesters, quorum)
    }

    /// Turn user writes on or off. Admin only.
    pub fn set_writes_enabled(ctx: &mut Context<AdminUpdate>, enabled: bool) -> Result<()> {
        instructions::admin::set_writes_enabled(ctx, enabled)
    }

    /// Propose a new admin (governance), who takes the role with `accept_admin`. Admin only.
    pub fn propose_admin(ctx: &mut Context<AdminUpdate>, new_admin: Address) -> Result<()> {
        instructions::admin::propose_admin(ctx, new_admin)
    }

    /// Take the admin role over. The proposed admin only.
    pub fn accept_admin(ctx: &mut Context<AcceptAdmin>) -> Result<()> {
        instructions::admin::accept_admin(ctx)
    }

    /// Replace the attester set and quorum. Admin only.
    pub fn set_attesters(ctx: &mut Context<AdminUpdate>, attesters: Vec<[u8; 20]>, quorum: u8) -> Result<()> {
        instructions::admin::set_attesters(ctx, attesters, quorum)
    }

    /// Create the profile of an Ethereum address, bound to the signing authority by the Ethereum key's proof
    /// (EIP-712 typed data, valid until `deadline`).
    pub fn create_profile(
        ctx: &mut Context<CreateProfile>,
        eth_address: [u8; 20],
        metadata_cid: [u8; CID_LEN],
        deadline: i64,
        signature: [u8; 65],
    ) -> Result<()> {
        instructions::create_profile::handler(ctx, eth_address, metadata_cid, deadline, signature)
    }

    /// Change a profile's metadata CID. Its authority or an authorised app.
    pub fn update_profile(ctx: &mut Context<UpdateProfile>, metadata_cid: [u8; CID_LEN]) -> Result<()> {
        instructions::update_profile::handler(ctx, metadata_cid)
    }

    /// Bind a profile to a new authority on a fresh Ethereum proof (valid until `deadline`); open while writes are
    /// paused.
    pub fn rotate_authority(
        ctx: &mut Context<RotateAuthority>,
        new_authority: Address,
        deadline: i64,
        signature: [u8; 65],
    ) -> Result<()> {
        instructions::rotate_authority::handler(ctx, new_authority, deadline, signature)
    }

    /// Let an app key write on the profile's behalf. Profile authority only.
    pub fn grant_app(ctx: &mut Context<GrantApp>, app: Address) -> Result<()> {
        instructions::grant_app::handler(ctx, app)
    }

    /// Withdraw an app's right to write. Profile authority only.
    pub fn revoke_app(ctx: &mut Context<RevokeApp>) -> Result<()> {
        instructions::revoke_app::handler(ctx)
    }

    /// Admit a content node on a quorum of attester signatures over its Ethereum registration.
    pub fn admit_node(
        ctx: &mut Context<AdmitNode>,
        sp_id: u64,
        owner_wallet: [u8; 20],
        delegate_wallet: [u8; 20],
        endpoint: String,
        nonce: u64,
        expiry: i64,
        signatures: Vec<[u8; 65]>,
    ) -> Result<()> {
        instructions::admit_node::handler(
            ctx,
            sp_id,
            owner_wallet,
            delegate_wallet,
            endpoint,
            nonce,
            expiry,
            signatures,
        )
    }

    /// Remove a content node on a quorum of attester signatures; its rent goes back to the admission's payer.
    pub fn remove_node(
        ctx: &mut Context<RemoveNode>,
        nonce: u64,
        expiry: i64,
        signatures: Vec<[u8; 65]>,
    ) -> Result<()> {
        instructions::remove_node::handler(ctx, nonce, expiry, signatures)
    }

    /// Replace the attester set on a quorum of the current attesters' signatures (the set follows the discovery
    /// nodes registered on Ethereum).
    pub fn sync_attesters(
        ctx: &mut Context<SyncAttesters>,
        attesters: Vec<[u8; 20]>,
        quorum: u8,
        nonce: u64,
        expiry: i64,
        signatures: Vec<[u8; 65]>,
    ) -> Result<()> {
        instructions::sync_attesters::handler(ctx, attesters, quorum, nonce, expiry, signatures)
    }

    /// Record a profile's Ethereum stake tier (valid until `tier_expires_at`) on a quorum of attester signatures.
    pub fn attest_tier(
        ctx: &mut Context<AttestTier>,
        tier: u8,
        tier_expires_at: i64,
        nonce: u64,
        expiry: i64,
        signatures: Vec<[u8; 65]>,
    ) -> Result<()> {
        instructions::attest_tier::handler(ctx, tier, tier_expires_at, nonce, expiry, signatures)
    }

    /// Record a new track, replicated on the three content nodes passed as `replica_0..2` (three operators'), with
    /// each node's receipt for the track and its content. Profile authority or an authorised app.
    pub fn create_track(
        ctx: &mut Context<CreateTrack>,
        content_cid: [u8; CID_LEN],
        metadata_cid: [u8; CID_LEN],
        receipts: ReplicaReceipts,
    ) -> Result<()> {
        instructions::create_track::handler(ctx, content_cid, metadata_cid, receipts)
    }

    /// Change a track's metadata CID and replica set (the nodes passed as `replica_0..2`; a set other than the
    /// track's needs the nodes' `receipts`). Profile authority or an authorised app.
    pub fn update_track(
        ctx: &mut Context<UpdateTrack>,
        metadata_cid: [u8; CID_LEN],
        receipts: Option<ReplicaReceipts>,
    ) -> Result<()> {
        instructions::update_track::handler(ctx, metadata_cid, receipts)
    }

    /// Delete a track, closing its record (the rent goes back to whoever paid it). Profile authority or an authorised
    /// app.
    pub fn delete_track(ctx: &mut Context<DeleteTrack>) -> Result<()> {
        instructions::delete_track::handler(ctx)
    }
}
