//! Metadata: the JSON documents tracks and profiles point at by CID live on the content nodes. This job reads the
//! pending ones (a track's from its replicas; a profile's from any node), checks the CID, and keeps the fields
//! queries need: a track's title and genre, a profile's name and handle.

use std::time::Duration;

use audius_sdk::cid::ContentId;
use sqlx::AnyPool;

use crate::db;

/// Largest metadata document read.
const MAX_METADATA: usize = 1 << 20;

/// Read pending metadata forever, every `interval`.
pub async fn run(pool: AnyPool, http: reqwest::Client, interval: Duration) {
    loop {
        if let Err(error) = pass(&pool, &http).await {
            tracing::warn!(%error, "metadata pass failed");
        }
        tokio::time::sleep(interval).await;
    }
}

/// One pass over what is pending; returns how many documents were read.
pub async fn pass(pool: &AnyPool, http: &reqwest::Client) -> Result<usize, sqlx::Error> {
    let nodes = db::nodes(pool).await?;
    let mut read = 0;
    for (table, address, cid_text, replicas) in db::pending_metadata(pool, 100).await? {
        let Ok(cid) = cid_text.parse::<ContentId>() else { continue };
        let replica_ids: Vec<i64> = replicas.split(',').filter_map(|id| id.parse().ok()).collect();
        let sources: Vec<&db::NodeRow> = if replica_ids.is_empty() {
            nodes.iter().collect()
        } else {
            nodes.iter().filter(|n| replica_ids.contains(&n.sp_id)).collect()
        };
        let mut document = None;
        for node in sources {
            if let Some(bytes) = fetch(http, &node.endpoint, &cid).await {
                document = Some(bytes);
                break;
            }
        }
        // Not reachable now: stays pending for the next pass.
        let Some(bytes) = document else { continue };
        let parsed = serde_json::from_slice::<serde_json::Value>(&bytes).ok().filter(|v| v.is_object());
        let Some(value) = parsed else {
            db::set_metadata(pool, &table, &address, (None, None), "invalid").await?;
            continue;
        };
        let field = |name: &str| value[name].as_str().map(|s| s.chars().take(200).collect::<String>());
        let fields =
            if table == "tracks" { (field("title"), field("genre")) } else { (field("name"), field("handle")) };
        if let Err(error) = db::set_metadata(pool, &table, &address, fields.clone(), "read").await {
            // Another profile holds the handle: the first to claim it keeps it.
            tracing::info!(%address, %error, "metadata field refused; keeping the name only");
            db::set_metadata(pool, &table, &address, (fields.0, None), "read").await?;
        }
        read += 1;
    }
    Ok(read)
}

async fn fetch(http: &reqwest::Client, endpoint: &str, cid: &ContentId) -> Option<Vec<u8>> {
    let response = http
        .get(format!("{}/v1/content/{cid}", endpoint.trim_end_matches('/')))
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .ok()?;
    if !response.status().is_success() {
        return None;
    }
    let bytes = response.bytes().await.ok()?;
    (bytes.len() <= MAX_METADATA && ContentId::of(&bytes) == *cid).then(|| bytes.to_vec())
}
