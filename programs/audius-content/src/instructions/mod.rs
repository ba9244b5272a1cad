// Every instruction module names its entry point `handler`; lib.rs calls them by path, and the glob re-exports
// below exist for the `#[derive(Accounts)]` types Anchor's `#[program]` needs at the crate root.
#![allow(ambiguous_glob_reexports)]

pub mod admin;
pub mod admit_node;
pub mod attest_tier;
pub mod create_profile;
pub mod create_track;
pub mod delete_track;
pub mod grant_app;
pub mod initialize;
pub mod remove_node;
pub mod revoke_app;
pub mod rotate_authority;
pub mod sync_attesters;
pub mod update_profile;
pub mod update_track;

pub use admin::*;
pub use admit_node::*;
pub use attest_tier::*;
pub use create_profile::*;
pub use create_track::*;
pub use delete_track::*;
pub use grant_app::*;
pub use initialize::*;
pub use remove_node::*;
pub use revoke_app::*;
pub use rotate_authority::*;
pub use sync_attesters::*;
pub use update_profile::*;
pub use update_track::*;

use anchor_lang::prelude::*;

use audius_content_interface::messages::replica_receipt_digest;

use crate::{
    constants::{CID_LEN, CONFIG_SEED, MAX_RECEIPT_SECS, NODE_SEED, REPLICATION_FACTOR},
    errors::ContentError,
    state::{AppGrant, Config, ContentNode, Profile},
    verify::{recover_eth_address, EthSignature},
};

/// The configuration, read only, as every write that `set_writes_enabled(false)` pauses takes it (writes must be
/// enabled). Read only and the ledger sharded (a profile's writes extend the profile's own chain), writes for
/// different profiles share no writable account.
#[derive(Accounts)]
pub struct ContentWrite {
    #[account(
        seeds = [CONFIG_SEED],
        bump = config.bump,
        constraint = config.writes_enabled @ ContentError::WritesDisabled,
    )]
    pub config: BorshAccount<Config>,
}

/// The configuration, read only, as a safety action takes it — moving a profile to a new authority, revoking an app,
/// removing a node — which stays open while writes are paused.
#[derive(Accounts)]
pub struct SafetyWrite {
    #[account(seeds = [CONFIG_SEED], bump = config.bump)]
    pub config: BorshAccount<Config>,
}

/// A track's replica nodes: each a node record at its canonical PDA (so, admitted and not removed).
#[derive(Accounts)]
pub struct ReplicaSet {
    #[account(seeds = [NODE_SEED, &replica_0.sp_id.to_le_bytes()], bump = replica_0.bump)]
    pub replica_0: BorshAccount<ContentNode>,
    #[account(seeds = [NODE_SEED, &replica_1.sp_id.to_le_bytes()], bump = replica_1.bump)]
    pub replica_1: BorshAccount<ContentNode>,
    #[account(seeds = [NODE_SEED, &replica_2.sp_id.to_le_bytes()], bump = replica_2.bump)]
    pub replica_2: BorshAccount<ContentNode>,
}

/// The replica nodes' receipts for a track's content: each node's delegate key signing
/// [`replica_receipt_digest`] for the track, its content CID and `expiry`, in the order of `replica_0..2`.
#[derive(AnchorSerialize, AnchorDeserialize, IdlType, Clone)]
pub struct ReplicaReceipts {
    /// When the receipts lapse (unix seconds): not passed, and at most `MAX_RECEIPT_SECS` ahead.
    pub expiry: i64,
    pub signatures: [[u8; 65]; REPLICATION_FACTOR],
}

impl ReplicaSet {
    fn nodes(&self) -> [&ContentNode; REPLICATION_FACTOR] {
        [&self.replica_0, &self.replica_1, &self.replica_2]
    }

    /// The nodes' service-provider ids: three distinct nodes of three distinct operators (owner wallets), so one
    /// operator's nodes never pass for a track's replication.
    pub fn sp_ids(&self) -> Result<[u64; REPLICATION_FACTOR]> {
        let [a, b, c] = self.nodes();
        require!(a.sp_id != b.sp_id && a.sp_id != c.sp_id && b.sp_id != c.sp_id, ContentError::InvalidReplicaSet);
        require!(
            a.owner_wallet != b.owner_wallet && a.owner_wallet != c.owner_wallet && b.owner_wallet != c.owner_wallet,
            ContentError::ReplicasShareOperator
        );
        Ok([a.sp_id, b.sp_id, c.sp_id])
    }

    /// The replica set, consented to by its nodes: each receipt recovers to its node's delegate wallet over the
    /// track at `track` and `content_cid`.
    pub fn consented(
        &self,
        config: &Config,
        track: &Address,
        content_cid: &[u8; CID_LEN],
        receipts: &ReplicaReceipts,
    ) -> Result<[u64; REPLICATION_FACTOR]> {
        let ids = self.sp_ids()?;
        let now = Clock::get()?.unix_timestamp;
        require!(now <= receipts.expiry, ContentError::ReceiptExpired);
        require!(receipts.expiry.saturating_sub(now) <= MAX_RECEIPT_SECS, ContentError::ExpiryTooFar);
        let (program, track) = (crate::ID.to_bytes(), track.to_bytes());
        for (node, signature) in self.nodes().into_iter().zip(&receipts.signatures) {
            let digest =
                replica_receipt_digest(&program, &config.cluster, &track, content_cid, node.sp_id, receipts.expiry);
            require!(
                recover_eth_address(&digest, signature)? == node.delegate_wallet,
                ContentError::WrongReceiptSigner
            );
        }
        Ok(ids)
    }
}

/// A write on a profile's behalf needs its authority, or an app the authority granted (the grant account, checked
/// against its PDA by the caller's constraints, is present only then).
pub(crate) fn require_writer(
    profile: &Profile,
    signer: &Address,
    grant: &Option<BorshAccount<AppGrant>>,
) -> Result<()> {
    require!(profile.authority == *signer || grant.is_some(), ContentError::NotAuthorized);
    Ok(())
}
