use anchor_lang::prelude::*;

// The glob brings the shared `ContentWrite` accounts and the client module Anchor generates beside it.
use crate::instructions::*;

use crate::{
    constants::{APP_SEED, PROFILE_SEED, TRACK_SEED},
    errors::ContentError,
    instructions::require_writer,
    state::{record_hash, AppGrant, EntryKind, Profile, Track},
};

/// Mark a track deleted. The record stays (the ledger is append-only and the CID stays attributable).
#[event_cpi]
#[derive(Accounts)]
pub struct DeleteTrack<'info> {
    pub signer: Signer<'info>,
    pub content: ContentWrite<'info>,
    #[account(seeds = [PROFILE_SEED, profile.eth_address.as_ref()], bump = profile.bump)]
    pub profile: Account<'info, Profile>,
    #[account(
        seeds = [APP_SEED, profile.key().as_ref(), profile.nonce.to_le_bytes().as_ref(), signer.key().as_ref()],
        bump = app_grant.bump,
    )]
    pub app_grant: Option<Account<'info, AppGrant>>,
    #[account(
        mut,
        seeds = [TRACK_SEED, profile.key().as_ref(), track.track_id.to_le_bytes().as_ref()],
        bump = track.bump,
        has_one = profile,
        constraint = !track.deleted @ ContentError::TrackDeleted,
    )]
    pub track: Account<'info, Track>,
}

pub fn handler(ctx: Context<DeleteTrack>) -> Result<()> {
    let signer = ctx.accounts.signer.key();
    require_writer(&ctx.accounts.profile, &signer, &ctx.accounts.app_grant)?;
    let track = &mut ctx.accounts.track;
    track.deleted = true;
    track.updated_at = Clock::get()?.unix_timestamp;
    let event =
        ctx.accounts.content.ledger.append(EntryKind::TrackDeleted, track.key(), signer, record_hash(&**track)?)?;
    emit_cpi!(event);
    Ok(())
}
