//! The HTTP API.
//!
//! - `POST /v1/uploads`: the file as the body, the artist's signed [`UploadGrant`] in `x-audius-*` headers.
//!   Answers 201 with an [`UploadReceipt`] (the CID, codec and the three replicas) once all three hold it
//!   ([`ingest::upload`]).
//! - `GET|HEAD /v1/content/{cid}`: the blob, with `Range`, `ETag` (the CID) and `If-None-Match`.
//! - `POST /v1/content/{cid}/receipts`: a [`ReceiptRequest`] for a track; answers this node's signed
//!   [`ReplicaReceipt`] when it holds the blob (the content program needs one from each of a track's replicas).
//! - `POST /internal/blobs/{cid}`: a replica pushed by a registered peer, with its signed [`ReplicaTransfer`]
//!   ([`ingest::receive_replica`]).
//! - `GET /health`: a [`Health`] document (version, registration, storage, peers).
//!
//! Errors are the SDK's `{"error": "..."}` body with a 4xx status for the client's mistakes and 5xx for the node's.
//!
//! [`UploadGrant`]: audius_sdk::upload::UploadGrant
//! [`ReplicaTransfer`]: audius_sdk::upload::ReplicaTransfer

use std::sync::Arc;

use anchor_lang::prelude::Pubkey;
use audius_sdk::{
    api::content::{Health, Storage},
    cid::ContentId,
    solana::content,
    upload::{unix_now, ReceiptRequest, ReplicaReceipt, UploadReceipt},
};
use axum::{
    body::Body,
    extract::{Path, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};

use crate::{
    error::{ApiError, Result},
    ingest,
    node::Node,
    replicate,
    store::{BlobStore, StoreError, CHUNK},
};

/// The node's routes.
pub fn router(node: Arc<Node>) -> Router {
    Router::new()
        .route("/v1/uploads", post(upload))
        .route("/v1/content/{cid}", get(content))
        .route("/v1/content/{cid}/receipts", post(receipt))
        .route("/internal/blobs/{cid}", post(receive_replica))
        .route("/health", get(health))
        .with_state(node)
}

async fn upload(
    State(node): State<Arc<Node>>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<UploadReceipt>)> {
    Ok((StatusCode::CREATED, Json(ingest::upload(&node, &headers, body).await?)))
}

async fn receive_replica(
    State(node): State<Arc<Node>>,
    Path(cid): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<StatusCode> {
    let cid: ContentId = cid.parse().map_err(|_| ApiError::bad_request("not a CID"))?;
    let stored = ingest::receive_replica(&node, cid, &headers, body).await?;
    Ok(if stored { StatusCode::CREATED } else { StatusCode::OK })
}

/// `bytes=a-b`, `bytes=a-` or `bytes=-n` against `size`: the inclusive range, `None` for the whole blob, or an
/// error for an unsatisfiable or multi-range request.
fn parse_range(value: &str, size: u64) -> std::result::Result<Option<(u64, u64)>, ()> {
    let spec = value.strip_prefix("bytes=").ok_or(())?;
    if spec.contains(',') {
        return Err(());
    }
    let (start, end) = spec.split_once('-').ok_or(())?;
    let (start, end) = match (start.trim(), end.trim()) {
        ("", suffix) => {
            let n: u64 = suffix.parse().map_err(|_| ())?;
            if n == 0 || size == 0 {
                return Err(());
            }
            (size.saturating_sub(n), size - 1)
        }
        (start, "") => (start.parse().map_err(|_| ())?, size.checked_sub(1).ok_or(())?),
        (start, end) => {
            (start.parse().map_err(|_| ())?, end.parse::<u64>().map_err(|_| ())?.min(size.saturating_sub(1)))
        }
    };
    if start > end || start >= size {
        return Err(());
    }
    Ok(Some((start, end)))
}

async fn content(
    State(node): State<Arc<Node>>,
    Path(cid): Path<String>,
    method: axum::http::Method,
    headers: HeaderMap,
) -> Result<Response> {
    let cid: ContentId =
        cid.parse().map_err(|error: audius_sdk::cid::CidError| ApiError::bad_request(error.to_string()))?;
    let meta = node.store.meta(&cid).await?.ok_or_else(|| ApiError::not_found(format!("no blob {cid} here")))?;
    let etag = format!("\"{cid}\"");
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response());
    }
    let range = match headers.get(header::RANGE).and_then(|v| v.to_str().ok()) {
        None => None,
        Some(value) => parse_range(value, meta.size).map_err(|_| {
            ApiError::new(
                StatusCode::RANGE_NOT_SATISFIABLE,
                format!("range {value:?} does not fit {} bytes", meta.size),
            )
        })?,
    };
    let (start, end) = range.unwrap_or((0, meta.size.saturating_sub(1)));
    let len = if meta.size == 0 { 0 } else { end - start + 1 };
    let status = if range.is_some() { StatusCode::PARTIAL_CONTENT } else { StatusCode::OK };
    let mut response = Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, &meta.content_type)
        .header(header::CONTENT_LENGTH, len)
        .header(header::ETAG, &etag)
        .header(header::ACCEPT_RANGES, "bytes")
        .header(header::CACHE_CONTROL, "public, max-age=31536000, immutable");
    if range.is_some() {
        response = response.header(header::CONTENT_RANGE, format!("bytes {start}-{end}/{}", meta.size));
    }
    if method == axum::http::Method::HEAD || len == 0 {
        return Ok(response.body(Body::empty()).expect("valid response"));
    }
    // The first chunk is read (and verified) before answering, so a corrupted blob is healed from a peer rather
    // than failing mid-stream in the common case; later chunks are verified as they stream.
    let first = match node.store.read(&cid, start, len.min(CHUNK)).await {
        Ok(bytes) => bytes,
        Err(StoreError::Corrupted(_)) => {
            replicate::heal(&node, cid).await.map_err(|error| {
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    format!("blob {cid} was corrupted and could not be re-fetched: {error}"),
                )
            })?;
            node.store.read(&cid, start, len.min(CHUNK)).await?
        }
        Err(error) => return Err(error.into()),
    };
    let stream = replicate::verified_stream(node.clone(), cid, start + first.len() as u64, end + 1, first);
    Ok(response.body(Body::from_stream(stream)).expect("valid response"))
}

/// This node's receipt for a blob it holds as a replica of a track: the writer gathers one from each of the track's
/// nodes, so no write can name this node as a replica of content it does not hold.
async fn receipt(
    State(node): State<Arc<Node>>,
    Path(cid): Path<String>,
    Json(request): Json<ReceiptRequest>,
) -> Result<Json<ReplicaReceipt>> {
    let cid: ContentId = cid.parse().map_err(|_| ApiError::bad_request("not a CID"))?;
    let track: Pubkey = request.track.parse().map_err(|_| ApiError::bad_request("track is not a Solana address"))?;
    let Some(sp_id) = node.directory.read().await.me.writable() else {
        return Err(ApiError::unavailable("this node does not take writes yet"));
    };
    let now = unix_now() as i64;
    if request.expires_at < now || request.expires_at - now > content::MAX_RECEIPT_SECS {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            format!(
                "expires_at {} must lie between now ({now}) and {} s ahead",
                request.expires_at,
                content::MAX_RECEIPT_SECS
            ),
        ));
    }
    if node.store.meta(&cid).await?.is_none() {
        return Err(ApiError::not_found(format!("this node does not hold {cid}")));
    }
    let cluster = node
        .cluster()
        .await
        .map_err(|error| ApiError::new(StatusCode::BAD_GATEWAY, format!("reading the content program: {error}")))?;
    let signature =
        content::sign_replica_receipt(&node.key, &cluster, &track, &cid.to_bytes(), sp_id, request.expires_at);
    Ok(Json(ReplicaReceipt {
        node: sp_id,
        track: request.track,
        cid,
        expires_at: request.expires_at,
        signature: alloy::hex::encode(signature),
    }))
}

async fn health(State(node): State<Arc<Node>>) -> Result<Json<Health>> {
    let directory = node.directory.read().await.clone();
    let blobs = node.store.count().await?;
    Ok(Json(Health {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        endpoint: node.config.endpoint.clone(),
        delegate_wallet: node.key.address(),
        chain_id: node.chain_id,
        registration: directory.me,
        peers: directory.peers,
        storage: Storage { blobs, free_bytes: free_bytes(&node.config.data_dir) },
        max_upload_bytes: node.config.max_upload_bytes,
    }))
}

fn free_bytes(path: &std::path::Path) -> Option<u64> {
    let output = std::process::Command::new("df").arg("-Pk").arg(path).output().ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    let available: u64 = text.lines().nth(1)?.split_whitespace().nth(3)?.parse().ok()?;
    Some(available * 1024)
}

#[cfg(test)]
mod tests {
    use super::parse_range;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-99", 1000), Ok(Some((0, 99))));
        assert_eq!(parse_range("bytes=900-", 1000), Ok(Some((900, 999))));
        assert_eq!(parse_range("bytes=-100", 1000), Ok(Some((900, 999))));
        assert_eq!(parse_range("bytes=990-2000", 1000), Ok(Some((990, 999))));
        for bad in ["bytes=1000-", "bytes=5-1", "bytes=0-1,5-6", "items=0-1", "bytes=-0", "bytes=a-b"] {
            assert_eq!(parse_range(bad, 1000), Err(()), "{bad}");
        }
    }
}
