use anchor_lang::prelude::*;

// The glob brings the shared `ContentWrite` accounts and the client module Anchor generates beside it.
use crate::instructions::*;

use crate::{
    constants::{APP_SEED, CID_LEN, LAYOUT_VERSION, PROFILE_SEED, TRACK_SEED},
    errors::ContentError,
    instructions::require_writer,
    state::{append, record_hash, AppGrant, EntryKind, Profile, Track},
    verify::{require_cid, require_optional_cid},
};

/// Record a new track for a profile: its content CID, metadata CID and three registered replica nodes of three
/// operators, each consenting with a receipt for this track and content.
#[event_cpi]
#[derive(Accounts)]
pub struct CreateTrack {
    /// The profile's authority or an app it granted.
    pub signer: Signer,
    /// Pays the track's rent and has it back when the track is deleted: the signer itself (it may repeat `signer`),
    /// or an app sponsoring the artist.
    #[account(mut, unsafe(dup))]
    pub payer: Signer,
    pub content: Nested<ContentWrite>,
    #[account(mut, seeds = [PROFILE_SEED, profile.eth_address.as_ref()], bump = profile.bump)]
    pub profile: BorshAccount<Profile>,
    #[account(
        seeds = [APP_SEED, profile.address().as_ref(), &profile.nonce.to_le_bytes(), signer.address().as_ref()],
        bump = app_grant.bump,
    )]
    pub app_grant: Option<BorshAccount<AppGrant>>,
    #[account(
        init,
        payer = payer,
        space = 8 + Track::INIT_SPACE,
        seeds = [TRACK_SEED, profile.address().as_ref(), &profile.track_count.to_le_bytes()],
        bump,
    )]
    pub track: BorshAccount<Track>,
    pub replicas: Nested<ReplicaSet>,
    pub system_program: Program<System>,
}

pub fn handler(
    ctx: &mut Context<CreateTrack>,
    content_cid: [u8; CID_LEN],
    metadata_cid: [u8; CID_LEN],
    receipts: ReplicaReceipts,
) -> Result<()> {
    require_cid(&content_cid)?;
    require_optional_cid(&metadata_cid)?;
    let track_address = *ctx.accounts.track.address();
    let config = &ctx.accounts.content.config;
    let replicas = ctx.accounts.replicas.consented(config, &track_address, &content_cid, &receipts)?;
    let signer = *ctx.accounts.signer.address();
    require_writer(&ctx.accounts.profile, &signer, &ctx.accounts.app_grant)?;

    let profile = &mut ctx.accounts.profile;
    let track_id = profile.track_count;
    profile.track_count = track_id.checked_add(1).ok_or(ContentError::Overflow)?;
    let now = Clock::get()?.unix_timestamp;
    let track = &mut ctx.accounts.track;
    **track = Track {
        version: LAYOUT_VERSION,
        profile: *profile.address(),
        track_id,
        content_cid,
        metadata_cid,
        replicas,
        created_at: now,
        updated_at: now,
        rent_payer: *ctx.accounts.payer.address(),
        bump: ctx.bumps.track,
    };
    let (subject, hash) = (*track.address(), record_hash(&**track)?);
    let event = append(&mut ctx.accounts.profile, EntryKind::TrackCreated, subject, signer, hash)?;
    emit_cpi!(event);
    Ok(())
}
