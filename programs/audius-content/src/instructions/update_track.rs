use anchor_lang::prelude::*;

// The glob brings the shared `ContentWrite` accounts and the client module Anchor generates beside it.
use crate::instructions::*;

use crate::{
    constants::{APP_SEED, CID_LEN, PROFILE_SEED, TRACK_SEED},
    errors::ContentError,
    instructions::require_writer,
    state::{append, record_hash, AppGrant, EntryKind, Profile, Track},
    verify::require_optional_cid,
};

/// Change a track's metadata CID and replica set (its content CID is its identity and never changes); a new replica
/// set needs its nodes' receipts.
#[event_cpi]
#[derive(Accounts)]
pub struct UpdateTrack {
    pub signer: Signer,
    pub content: Nested<ContentWrite>,
    #[account(mut, seeds = [PROFILE_SEED, profile.eth_address.as_ref()], bump = profile.bump)]
    pub profile: BorshAccount<Profile>,
    #[account(
        seeds = [APP_SEED, profile.address().as_ref(), &profile.nonce.to_le_bytes(), signer.address().as_ref()],
        bump = app_grant.bump,
    )]
    pub app_grant: Option<BorshAccount<AppGrant>>,
    #[account(
        mut,
        seeds = [TRACK_SEED, profile.address().as_ref(), &track.track_id.to_le_bytes()],
        bump = track.bump,
        constraint = track.profile == *profile.address() @ anchor_lang::ErrorCode::ConstraintHasOne,
    )]
    pub track: BorshAccount<Track>,
    pub replicas: Nested<ReplicaSet>,
}

pub fn handler(
    ctx: &mut Context<UpdateTrack>,
    metadata_cid: [u8; CID_LEN],
    receipts: Option<ReplicaReceipts>,
) -> Result<()> {
    require_optional_cid(&metadata_cid)?;
    let track = &ctx.accounts.track;
    let replicas = match &receipts {
        Some(receipts) => ctx.accounts.replicas.consented(
            &ctx.accounts.content.config,
            track.address(),
            &track.content_cid,
            receipts,
        )?,
        // The nodes consented to holding this track when they became its replicas; the same set in any order
        // needs no new receipts.
        None => {
            let replicas = ctx.accounts.replicas.sp_ids()?;
            let (mut given, mut held) = (replicas, track.replicas);
            given.sort_unstable();
            held.sort_unstable();
            require!(given == held, ContentError::MissingReplicaReceipts);
            replicas
        }
    };
    let signer = *ctx.accounts.signer.address();
    require_writer(&ctx.accounts.profile, &signer, &ctx.accounts.app_grant)?;
    let track = &mut ctx.accounts.track;
    track.metadata_cid = metadata_cid;
    track.replicas = replicas;
    track.updated_at = Clock::get()?.unix_timestamp;
    let (subject, hash) = (*track.address(), record_hash(&**track)?);
    let event = append(&mut ctx.accounts.profile, EntryKind::TrackUpdated, subject, signer, hash)?;
    emit_cpi!(event);
    Ok(())
}
