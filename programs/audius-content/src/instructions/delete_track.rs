use anchor_lang::prelude::*;

// The glob brings the shared `ContentWrite` accounts and the client module Anchor generates beside it.
use crate::instructions::*;

use crate::{
    constants::{APP_SEED, PROFILE_SEED, TRACK_SEED},
    errors::ContentError,
    instructions::require_writer,
    state::{append, AppGrant, EntryKind, Profile, Track},
};

/// Delete a track: its record is closed and its rent goes back to whoever paid it (`Track::rent_payer`). The
/// profile's chain keeps the track's history (its entries, with the record's hash at each write), so the CID stays
/// attributable; the track's id is never reused (ids follow `Profile::track_count`).
#[event_cpi]
#[derive(Accounts)]
pub struct DeleteTrack {
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
        close = rent_payer,
        seeds = [TRACK_SEED, profile.address().as_ref(), &track.track_id.to_le_bytes()],
        bump = track.bump,
        constraint = track.profile == *profile.address() @ anchor_lang::ErrorCode::ConstraintHasOne,
    )]
    pub track: BorshAccount<Track>,
    /// Who paid the track's rent (recorded in it); often the signer too, so it may repeat `signer` (`unsafe(dup)`,
    /// mutable): it only receives lamports, its data is never read or written.
    #[account(unsafe(dup), constraint = *rent_payer.address() == track.rent_payer @ ContentError::WrongRentPayer)]
    pub rent_payer: UncheckedAccount,
}

pub fn handler(ctx: &mut Context<DeleteTrack>) -> Result<()> {
    let signer = *ctx.accounts.signer.address();
    require_writer(&ctx.accounts.profile, &signer, &ctx.accounts.app_grant)?;
    // The record is closed: the entry's data hash is zero, as for every closed record.
    let subject = *ctx.accounts.track.address();
    let event = append(&mut ctx.accounts.profile, EntryKind::TrackDeleted, subject, signer, [0; 32])?;
    emit_cpi!(event);
    Ok(())
}
