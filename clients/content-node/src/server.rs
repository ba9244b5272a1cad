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
//! - `GET /health`: a [`Health`] document (version, registration, storage, peers); `GET /health/live` and
//!   `GET /health/ready` for supervisors.
//! - `GET /metrics`: OpenMetrics text for Prometheus (catalogue in docs/metrics.md).
//!
//! Errors are the SDK's `{"error": "..."}` body with a 4xx status for the client's mistakes and 5xx for the node's.
//!
//! [`UploadGrant`]: audius_sdk::upload::UploadGrant
//! [`ReplicaTransfer`]: audius_sdk::upload::ReplicaTransfer

use std::sync::Arc;

use anchor_lang::prelude::Pubkey;
use audius_sdk::{
    api::{
        content::{Health, Registration, Storage},
        ApiJson, Probe,
    },
    cid::ContentId,
    metrics::{self, HttpMetrics},
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
        .route("/v1/content/{cid}", get(content).delete(unpin))
        .route("/v1/content/{cid}/receipts", post(receipt))
        .route("/internal/blobs/{cid}", post(receive_replica))
        .route("/health", get(health))
        .route("/health/live", get(|| async { Json(Probe::ok()) }))
        .route("/health/ready", get(ready))
        .route("/metrics", get(|State(node): State<Arc<Node>>| async move { metrics::render(&node.metrics.registry) }))
        .layer(axum::middleware::from_fn_with_state(node.metrics.http.clone(), HttpMetrics::track))
        .with_state(node)
}

async fn upload(
    State(node): State<Arc<Node>>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<UploadReceipt>)> {
    let started = std::time::Instant::now();
    let receipt = ingest::upload(&node, &headers, body).await?;
    node.metrics.upload_seconds.observe(started.elapsed().as_secs_f64());
    node.metrics.upload_bytes.inc_by(receipt.size);
    Ok((StatusCode::CREATED, Json(receipt)))
}

async fn unpin(
    State(node): State<Arc<Node>>,
    Path(cid): Path<String>,
    headers: HeaderMap,
) -> Result<Json<audius_sdk::api::content::Unpinned>> {
    let cid: ContentId = cid.parse().map_err(|_| ApiError::bad_request("not a CID"))?;
    Ok(Json(crate::unpin::unpin(&node, cid, &headers).await?))
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

/// What a `Range` header asks of a blob, read as RFC 9110 (section 14) says a server may: a header it cannot use
/// (another unit, a syntax error, a range whose last byte precedes its first, several ranges) is ignored and the
/// whole blob sent; a valid single range is served, its end clamped to the blob's; one that starts past the end is
/// unsatisfiable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RangeRequest {
    /// Send everything (200).
    Whole,
    /// Send the inclusive byte range (206).
    Part(u64, u64),
    /// Nothing to send (416 with `Content-Range: bytes */size`).
    Unsatisfiable,
}

fn parse_range(value: &str, size: u64) -> RangeRequest {
    let value = value.trim();
    let Some((unit, spec)) = value.split_once('=') else { return RangeRequest::Whole };
    if !unit.trim().eq_ignore_ascii_case("bytes") || spec.contains(',') {
        return RangeRequest::Whole;
    }
    let Some((first, last)) = spec.trim().split_once('-') else { return RangeRequest::Whole };
    // A position is digits only; one too large for u64 lies past any blob.
    let position = |text: &str| {
        (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())).then(|| text.parse::<u64>().unwrap_or(u64::MAX))
    };
    match (first, last) {
        ("", suffix) => match position(suffix) {
            None => RangeRequest::Whole,
            Some(0) => RangeRequest::Unsatisfiable,
            Some(_) if size == 0 => RangeRequest::Unsatisfiable,
            Some(n) => RangeRequest::Part(size.saturating_sub(n), size - 1),
        },
        (first, last) => {
            let Some(start) = position(first) else { return RangeRequest::Whole };
            let end = if last.is_empty() {
                u64::MAX
            } else {
                match position(last) {
                    Some(end) if end >= start => end,
                    _ => return RangeRequest::Whole,
                }
            };
            if start >= size {
                RangeRequest::Unsatisfiable
            } else {
                RangeRequest::Part(start, end.min(size - 1))
            }
        }
    }
}

/// Whether an `If-None-Match` list names `etag` (by the weak comparison RFC 9110 prescribes for it: `W/"x"`
/// matches `"x"`), or is `*` (the blob exists).
fn none_match(value: &str, etag: &str) -> bool {
    value.split(',').map(str::trim).any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
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
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|value| none_match(value, &etag)) {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response());
    }
    let requested = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
    let range = match requested.map_or(RangeRequest::Whole, |value| parse_range(value, meta.size)) {
        RangeRequest::Whole => None,
        RangeRequest::Part(start, end) => Some((start, end)),
        RangeRequest::Unsatisfiable => {
            let mut refusal = ApiError::new(
                StatusCode::RANGE_NOT_SATISFIABLE,
                format!("range {:?} does not fit {} bytes", requested.unwrap_or_default(), meta.size),
            )
            .into_response();
            let unsatisfied = format!("bytes */{}", meta.size).parse().expect("a valid header value");
            refusal.headers_mut().insert(header::CONTENT_RANGE, unsatisfied);
            return Ok(refusal);
        }
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
    ApiJson(request): ApiJson<ReceiptRequest>,
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

async fn ready(State(node): State<Arc<Node>>) -> (StatusCode, Json<Probe>) {
    readiness(&node.directory.read().await.me)
}

/// Ready is taking writes: registered on Ethereum within bounds, at the required version, admitted on Solana.
fn readiness(registration: &Registration) -> (StatusCode, Json<Probe>) {
    match registration {
        Registration::Registered { .. } => (StatusCode::OK, Json(Probe::ok())),
        Registration::Unknown { reason } | Registration::Refused { reason, .. } => {
            (StatusCode::SERVICE_UNAVAILABLE, Json(Probe::not_ready(reason.clone())))
        }
    }
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
    use super::{none_match, parse_range, readiness, RangeRequest::*, Registration, StatusCode};

    #[test]
    fn ready_means_taking_writes() {
        assert_eq!(readiness(&Registration::Registered { sp_id: 3 }).0, StatusCode::OK);
        let refused = Registration::Refused { sp_id: Some(3), reason: "operator below its minimum stake".into() };
        let (status, probe) = readiness(&refused);
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(probe.0.reason.as_deref(), Some("operator below its minimum stake"));
        let unknown = Registration::Unknown { reason: "registry not read yet".into() };
        assert_eq!(readiness(&unknown).0, StatusCode::SERVICE_UNAVAILABLE);
    }

    #[test]
    fn single_ranges_are_served_and_clamped() {
        assert_eq!(parse_range("bytes=0-99", 1000), Part(0, 99));
        assert_eq!(parse_range("bytes=900-", 1000), Part(900, 999));
        assert_eq!(parse_range("bytes=-100", 1000), Part(900, 999));
        assert_eq!(parse_range("bytes=-5000", 1000), Part(0, 999), "a suffix longer than the blob is all of it");
        assert_eq!(parse_range("bytes=990-2000", 1000), Part(990, 999));
        assert_eq!(parse_range("bytes=990-99999999999999999999999", 1000), Part(990, 999), "an end past u64");
        assert_eq!(parse_range("Bytes=5-9", 1000), Part(5, 9), "the unit is case-insensitive");
    }

    #[test]
    fn ranges_past_the_end_are_unsatisfiable() {
        for past in ["bytes=1000-", "bytes=1000-1200", "bytes=-0", "bytes=99999999999999999999999-"] {
            assert_eq!(parse_range(past, 1000), Unsatisfiable, "{past}");
        }
        assert_eq!(parse_range("bytes=-10", 0), Unsatisfiable, "nothing to send of an empty blob");
    }

    #[test]
    fn unusable_range_headers_are_ignored() {
        for ignored in
            ["bytes=5-1", "bytes=0-1,5-6", "items=0-1", "bytes=a-b", "bytes=1-2-3", "bytes", "bytes=-", "0-9"]
        {
            assert_eq!(parse_range(ignored, 1000), Whole, "{ignored}");
        }
    }

    #[test]
    fn if_none_match_compares_weakly_and_takes_a_star() {
        let etag = "\"bafkreiabc\"";
        assert!(none_match(etag, etag));
        assert!(none_match("W/\"bafkreiabc\"", etag));
        assert!(none_match("\"other\", W/\"bafkreiabc\"", etag));
        assert!(none_match("*", etag));
        assert!(!none_match("\"other\"", etag));
        assert!(!none_match("bafkreiabc", etag), "an unquoted tag is not the tag");
    }
}
