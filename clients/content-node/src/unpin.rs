//! Letting go of audio: an artist who deleted a track asks each of its replicas to drop the audio
//! (`DELETE /v1/content/{cid}`, an [`UnpinRequest`] signed by the artist's Ethereum key). The request is only the
//! trigger: the node checks the chain. It drops the audio only when no live track record on Solana names this node
//! as a replica for it (the same query repair reads what the node must hold from), and not while an upload or
//! replica of it may still be on its way to a track record (it arrived within the grace period). Metadata
//! documents are not dropped this way: nothing on chain says when a profile stops pointing at one.

use audius_sdk::{
    api::content::Unpinned,
    cid::ContentId,
    solana::content::Track,
    upload::{check_deadline, unix_now, UnpinRequest},
};
use axum::http::{HeaderMap, StatusCode};

use crate::{
    error::{ApiError, Result},
    node::Node,
    store::BlobStore,
};

/// Why a held blob is kept despite an unpin request, if it is.
fn keep_reason(
    content_type: &str,
    cid: &ContentId,
    last_arrival: Option<u64>,
    now: u64,
    grace: u64,
    naming: &[Track],
) -> Option<String> {
    if !content_type.starts_with("audio/") {
        return Some(format!("{cid} is {content_type}, not audio: only a deleted track's audio is unpinned"));
    }
    if let Some(at) = last_arrival.filter(|&at| now < at.saturating_add(grace)) {
        return Some(format!(
            "{cid} arrived {} s ago: an upload of it may still be recorded; ask again after {grace} s",
            now.saturating_sub(at)
        ));
    }
    naming
        .iter()
        .find(|track| track.content_cid == cid.to_bytes())
        .map(|track| format!("track {} of profile {} still names this node for {cid}", track.track_id, track.profile))
}

/// Run an unpin request for `cid` carried in `headers`: checked, then the blob dropped if nothing on chain needs it
/// here.
pub async fn unpin(node: &Node, cid: ContentId, headers: &HeaderMap) -> Result<Unpinned> {
    let directory = node.directory.read().await.clone();
    let Some(sp_id) = directory.me.writable() else {
        return Err(ApiError::unavailable("this node is not registered to take requests yet"));
    };
    let (request, signature) = UnpinRequest::from_headers(headers, node.chain_id, cid)?;
    if request.node != sp_id {
        return Err(ApiError::bad_request(format!("the request is for node {}, this is node {sp_id}", request.node)));
    }
    check_deadline(request.expires_at, unix_now(), node.config.max_grant_secs)
        .map_err(|error| ApiError::new(StatusCode::UNAUTHORIZED, error.to_string()))?;
    request.verify(&signature).map_err(|error| ApiError::new(StatusCode::UNAUTHORIZED, error.to_string()))?;
    let internal = |error: sqlx::Error| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, error.to_string());
    if !crate::db::use_nonce(&node.db, request.artist, request.nonce, request.expires_at).await.map_err(internal)? {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            format!("nonce {} was already used: sign a new request", request.nonce),
        ));
    }
    let Some(meta) = node.store.meta(&cid).await? else {
        return Ok(Unpinned { cid, removed: false });
    };
    let last_arrival = crate::db::last_arrival(&node.db, &cid).await.map_err(internal)?;
    let naming =
        node.solana.tracks_naming(sp_id).await.map_err(|error| {
            ApiError::new(StatusCode::BAD_GATEWAY, format!("reading track records on Solana: {error}"))
        })?;
    let grace = node.config.unpin_grace_secs;
    if let Some(reason) = keep_reason(&meta.content_type, &cid, last_arrival, unix_now(), grace, &naming) {
        return Err(ApiError::new(StatusCode::CONFLICT, reason));
    }
    let removed = node.store.remove(&cid).await?;
    tracing::info!(%cid, artist = %request.artist, "audio of a deleted track dropped");
    Ok(Unpinned { cid, removed })
}

#[cfg(test)]
mod tests {
    use anchor_lang::prelude::Pubkey;

    use super::*;

    fn track(cid: &ContentId) -> Track {
        Track {
            version: 1,
            profile: Pubkey::new_unique(),
            track_id: 4,
            content_cid: cid.to_bytes(),
            metadata_cid: [0; audius_sdk::cid::CID_LEN],
            replicas: [1, 2, 3],
            created_at: 0,
            updated_at: 0,
            rent_payer: Pubkey::new_unique(),
            bump: 255,
        }
    }

    #[test]
    fn audio_no_live_track_names_is_let_go_after_the_grace() {
        let cid = ContentId::of(b"song");
        let other = ContentId::of(b"other song");
        assert_eq!(keep_reason("audio/wav", &cid, None, 10_000, 7_200, &[track(&other)]), None);
        assert_eq!(keep_reason("audio/wav", &cid, Some(1_000), 10_000, 7_200, &[]), None);
    }

    #[test]
    fn what_the_chain_or_a_pending_upload_needs_is_kept() {
        let cid = ContentId::of(b"song");
        let named = keep_reason("audio/wav", &cid, None, 10_000, 7_200, &[track(&cid)]).unwrap();
        assert!(named.contains("track 4 of profile"), "{named}");
        let recent = keep_reason("audio/wav", &cid, Some(9_000), 10_000, 7_200, &[]).unwrap();
        assert!(recent.contains("arrived 1000 s ago"), "{recent}");
        let metadata = keep_reason("application/json", &cid, None, 10_000, 7_200, &[]).unwrap();
        assert!(metadata.contains("not audio"), "{metadata}");
    }
}
