//! The HTTP/JSON API (documented in docs/discovery-node.md). Lists take `limit` (1–100, default 20) and a cursor
//! parameter; malformed input gets 400 with `{"error": …}`.

use std::{convert::Infallible, sync::Arc, time::Duration};

use alloy::primitives::Address;
use anchor_lang::prelude::Pubkey;
use audius_sdk::{
    api::{
        discovery::{ChainSlot, ContentNodeEntry, ContentSource, Health, Indexed, Lag, UploadState, UploadStatus},
        ApiQuery, Probe,
    },
    cid::ContentId,
    metrics::{self, HttpMetrics},
    rendezvous::{self, Candidate},
};
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::sse::{Event, KeepAlive, Sse},
    routing::get,
    Json, Router,
};
use futures_util::Stream;
use serde::Deserialize;

use crate::{
    attest, db,
    error::{bad, not_found, unavailable, Result},
    node::Discovery,
};

/// The routes.
pub fn router(discovery: Arc<Discovery>) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/health/live", get(|| async { Json(Probe::ok()) }))
        .route("/health/ready", get(ready))
        .route("/v1/tracks/latest", get(latest))
        .route("/v1/tracks/by-cid/{cid}", get(tracks_by_cid))
        .route("/v1/tracks/{address}", get(track))
        .route("/v1/search", get(search))
        .route("/v1/artists/{id}", get(artist))
        .route("/v1/artists/{id}/tracks", get(artist_tracks))
        .route("/v1/ledger", get(ledger))
        .route("/v1/content-nodes", get(content_nodes))
        .route("/v1/content/{cid}/nodes", get(nodes_for))
        .route("/v1/uploads/{cid}", get(upload_status))
        .route("/v1/uploads/{cid}/events", get(upload_events))
        .route("/metrics", get(|State(d): State<Arc<Discovery>>| async move { metrics::render(&d.metrics.registry) }))
        .with_state(discovery.clone())
        .merge(attest::router(discovery.clone()))
        .layer(axum::middleware::from_fn_with_state(discovery.metrics.http.clone(), HttpMetrics::track))
}

/// Paging parameters.
#[derive(Deserialize)]
pub struct Page {
    limit: Option<i64>,
    after: Option<i64>,
    before: Option<i64>,
    since: Option<i64>,
    ledger: Option<String>,
    q: Option<String>,
}

impl Page {
    /// A cursor parameter (`before`, `after`, `since`): positions and ids are never negative.
    fn cursor(name: &str, value: Option<i64>) -> Result<Option<i64>> {
        match value {
            Some(value) if value < 0 => Err(bad(format!("{name} must not be negative"))),
            value => Ok(value),
        }
    }

    fn limit(&self) -> Result<i64> {
        match self.limit {
            None => Ok(20),
            Some(limit) if (1..=100).contains(&limit) => Ok(limit),
            Some(limit) => Err(bad(format!("limit {limit} is not between 1 and 100"))),
        }
    }
}

fn cid(text: &str) -> Result<ContentId> {
    text.parse().map_err(|error: audius_sdk::cid::CidError| bad(error.to_string()))
}

async fn health(State(d): State<Arc<Discovery>>) -> Result<Json<Health>> {
    let cursor = db::cursor(&d.pool).await?;
    let status = d.status.read().await.clone();
    Ok(Json(Health {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        indexed: Indexed { position: cursor.position, slot: cursor.slot },
        chain: ChainSlot { slot: status.chain_slot },
        lag: Lag { slots: status.chain_slot.saturating_sub(cursor.slot as u64) },
        halted: status.halted,
        last_error: status.last_error,
        registration: status.registration,
    }))
}

async fn ready(State(d): State<Arc<Discovery>>) -> (StatusCode, Json<Probe>) {
    match d.readiness().await {
        Ok(()) => (StatusCode::OK, Json(Probe::ok())),
        Err(reason) => (StatusCode::SERVICE_UNAVAILABLE, Json(Probe::not_ready(reason))),
    }
}

async fn track(State(d): State<Arc<Discovery>>, Path(address): Path<String>) -> Result<Json<db::TrackRow>> {
    address.parse::<Pubkey>().map_err(|_| bad(format!("{address:?} is not a track address")))?;
    db::track(&d.pool, &address).await?.map(Json).ok_or_else(|| not_found(format!("no track {address}")))
}

async fn tracks_by_cid(State(d): State<Arc<Discovery>>, Path(text): Path<String>) -> Result<Json<Vec<db::TrackRow>>> {
    Ok(Json(db::tracks_by_cid(&d.pool, &cid(&text)?.to_string()).await?))
}

async fn latest(State(d): State<Arc<Discovery>>, ApiQuery(page): ApiQuery<Page>) -> Result<Json<Vec<db::TrackRow>>> {
    let before = Page::cursor("before", page.before)?.unwrap_or(i64::MAX);
    Ok(Json(db::latest_tracks(&d.pool, before, page.limit()?).await?))
}

async fn search(State(d): State<Arc<Discovery>>, ApiQuery(page): ApiQuery<Page>) -> Result<Json<Vec<db::TrackRow>>> {
    let q = page.q.as_deref().map(str::trim).unwrap_or_default();
    if q.is_empty() || q.len() > 100 {
        return Err(bad("q must be 1 to 100 characters"));
    }
    Ok(Json(db::search(&d.pool, q, page.limit()?).await?))
}

/// An Ethereum address (any case) or a handle, as the profiles table keys it.
fn artist_key(id: &str) -> Result<String> {
    if id.starts_with("0x") {
        let address: Address = id.parse().map_err(|_| bad(format!("{id:?} is not an Ethereum address")))?;
        return Ok(format!("{address:#x}"));
    }
    if id.is_empty() || id.len() > 64 || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.') {
        return Err(bad(format!("{id:?} is neither an Ethereum address nor a handle")));
    }
    Ok(id.to_owned())
}

async fn artist(State(d): State<Arc<Discovery>>, Path(id): Path<String>) -> Result<Json<db::ProfileRow>> {
    let key = artist_key(&id)?;
    db::profile(&d.pool, &key).await?.map(Json).ok_or_else(|| not_found(format!("no artist {id}")))
}

async fn artist_tracks(
    State(d): State<Arc<Discovery>>,
    Path(id): Path<String>,
    ApiQuery(page): ApiQuery<Page>,
) -> Result<Json<Vec<db::TrackRow>>> {
    let profile = db::profile(&d.pool, &artist_key(&id)?).await?.ok_or_else(|| not_found(format!("no artist {id}")))?;
    let after = Page::cursor("after", page.after)?.unwrap_or(-1);
    Ok(Json(db::artist_tracks(&d.pool, &profile.eth_address, after, page.limit()?).await?))
}

async fn ledger(State(d): State<Arc<Discovery>>, ApiQuery(page): ApiQuery<Page>) -> Result<Json<Vec<db::EntryRow>>> {
    let since = Page::cursor("since", page.since)?.unwrap_or(0);
    match &page.ledger {
        // One chain: `since` is a sequence number in it.
        Some(ledger) => {
            ledger.parse::<Pubkey>().map_err(|_| bad(format!("{ledger:?} is not a ledger address")))?;
            Ok(Json(db::chain_entries_since(&d.pool, ledger, since, page.limit()?).await?))
        }
        // Every chain: `since` is a position in the index.
        None => Ok(Json(db::entries_since(&d.pool, since, page.limit()?).await?)),
    }
}

async fn content_nodes(State(d): State<Arc<Discovery>>) -> Result<Json<Vec<ContentNodeEntry>>> {
    let nodes = db::nodes(&d.pool).await?;
    let eligible = d.eligible_nodes().await;
    let mut out = Vec::new();
    for node in nodes {
        let healthy = d.node_healthy(&node.endpoint).await;
        let standing = eligible.as_ref().map(|e| e.get(node.sp_id as u64));
        let stake = standing.flatten().map(|n| n.stake.to_string());
        out.push(ContentNodeEntry {
            sp_id: node.sp_id,
            endpoint: node.endpoint,
            owner_wallet: node.owner_wallet,
            delegate_wallet: node.delegate_wallet,
            stake,
            healthy,
            eligible: standing.map(|n| n.is_some()),
        });
    }
    Ok(Json(out))
}

async fn nodes_for(State(d): State<Arc<Discovery>>, Path(text): Path<String>) -> Result<Json<Vec<ContentSource>>> {
    let cid = cid(&text)?;
    let tracks = db::tracks_by_cid(&d.pool, &cid.to_string()).await?;
    let holders: Vec<i64> = tracks.iter().flat_map(|t| [t.replica_0, t.replica_1, t.replica_2]).collect();
    if holders.is_empty() {
        return Err(not_found(format!("no live track has content {cid}")));
    }
    let nodes = db::nodes(&d.pool).await?;
    let mut candidates = Vec::new();
    for (node, candidate) in weighted(&d, nodes.iter().filter(|n| holders.contains(&n.sp_id))).await {
        if d.node_healthy(&node.endpoint).await {
            candidates.push(candidate);
        }
    }
    // Replicas named but none reachable now is the network's state, not an empty answer: 503, so a player
    // retries rather than concluding the content is gone.
    if candidates.is_empty() {
        let mut named = holders.clone();
        named.sort_unstable();
        named.dedup();
        return Err(unavailable(format!("no replica of {cid} (nodes {named:?}) is eligible and healthy now")));
    }
    Ok(Json(
        rendezvous::rank(&cid, &candidates)
            .into_iter()
            .filter_map(|c| nodes.iter().find(|n| n.sp_id == c.sp_id as i64))
            .map(|n| ContentSource {
                sp_id: n.sp_id,
                endpoint: n.endpoint.clone(),
                url: format!("{}/v1/content/{cid}", n.endpoint),
            })
            .collect(),
    ))
}

/// `nodes` as rendezvous candidates: with Ethereum, the eligible ones (the SDK's one rule) at their stake; without,
/// every admitted node at weight 1.
async fn weighted<'a>(
    d: &Discovery,
    nodes: impl Iterator<Item = &'a db::NodeRow>,
) -> Vec<(&'a db::NodeRow, Candidate)> {
    let eligible = d.eligible_nodes().await;
    nodes
        .filter_map(|node| {
            let stake = match &eligible {
                Some(eligible) => eligible.get(node.sp_id as u64)?.stake.saturating_to::<u128>().max(1),
                None => 1,
            };
            Some((node, Candidate { sp_id: node.sp_id as u64, stake }))
        })
        .collect()
}

/// An upload's status: indexed (the live tracks naming it), or pending while a content node holds it. With
/// `check_held`, a CID no track names is first looked for on the content nodes, so one never uploaded is 404
/// rather than pending for ever.
async fn status_of(d: &Discovery, cid: &ContentId, check_held: bool) -> Result<UploadStatus<db::TrackRow>> {
    let tracks = db::tracks_by_cid(&d.pool, &cid.to_string()).await?;
    if !tracks.is_empty() {
        return Ok(UploadStatus { cid: *cid, state: UploadState::Indexed { tracks } });
    }
    if check_held && !held_somewhere(d, cid).await? {
        return Err(not_found(format!("no track names {cid} and no content node holds it: it was not uploaded")));
    }
    Ok(UploadStatus { cid: *cid, state: UploadState::Pending })
}

/// Whether a content node answers for `cid`: a HEAD on the nodes its stake-weighted rendezvous ranking puts first,
/// where an upload lands (failovers included: twice the replication factor).
async fn held_somewhere(d: &Discovery, cid: &ContentId) -> Result<bool> {
    let nodes = db::nodes(&d.pool).await?;
    let candidates: Vec<Candidate> = weighted(d, nodes.iter()).await.into_iter().map(|(_, c)| c).collect();
    let asks = rendezvous::rank(cid, &candidates)
        .into_iter()
        .take(2 * rendezvous::REPLICATION_FACTOR)
        .filter_map(|c| nodes.iter().find(|n| n.sp_id == c.sp_id as i64))
        .map(|n| d.http.head(format!("{}/v1/content/{cid}", n.endpoint)).timeout(Duration::from_secs(2)).send());
    let answers = futures_util::future::join_all(asks).await;
    Ok(answers.into_iter().any(|answer| answer.is_ok_and(|response| response.status().is_success())))
}

async fn upload_status(
    State(d): State<Arc<Discovery>>,
    Path(text): Path<String>,
) -> Result<Json<UploadStatus<db::TrackRow>>> {
    Ok(Json(status_of(&d, &cid(&text)?, true).await?))
}

/// Server-sent events: the status now, then again after every indexed batch, until the track is indexed (or a
/// minute passes).
async fn upload_events(
    State(d): State<Arc<Discovery>>,
    Path(text): Path<String>,
) -> Result<Sse<impl Stream<Item = std::result::Result<Event, Infallible>>>> {
    let cid = cid(&text)?;
    status_of(&d, &cid, true).await?;
    let mut indexed = d.indexed.subscribe();
    let stream = async_stream(move |sender| async move {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            let Ok(status) = status_of(&d, &cid, false).await else { return };
            let done = matches!(status.state, UploadState::Indexed { .. });
            let Ok(event) = Event::default().event("status").json_data(&status) else { return };
            if sender.send(event).await.is_err() || done {
                return;
            }
            if tokio::time::timeout_at(deadline, indexed.changed()).await.is_err() {
                return;
            }
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

/// A stream fed by a task through a channel.
fn async_stream<F, Fut>(task: F) -> impl Stream<Item = std::result::Result<Event, Infallible>>
where
    F: FnOnce(tokio::sync::mpsc::Sender<Event>) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let (sender, receiver) = tokio::sync::mpsc::channel(8);
    tokio::spawn(task(sender));
    futures_util::StreamExt::map(tokio_stream::wrappers::ReceiverStream::new(receiver), Ok)
}
