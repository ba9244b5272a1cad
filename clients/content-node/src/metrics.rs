//! The content node's metrics (`GET /metrics`, catalogue in docs/metrics.md): the SDK's HTTP metrics, and the
//! upload, replication and repair counts this node's work produces.

use std::sync::Arc;

use audius_sdk::metrics::{self, HttpMetrics, Registry};
use prometheus_client::metrics::{counter::Counter, gauge::Gauge, histogram::Histogram};

/// Everything the node reports, registered once at start.
pub struct NodeMetrics {
    /// The registry `/metrics` renders.
    pub registry: Registry,
    /// Requests by route and status.
    pub http: Arc<HttpMetrics>,
    /// Bytes of uploads accepted (stored and replicated).
    pub upload_bytes: Counter,
    /// Time from an upload's arrival to its receipt (streaming, hashing, validation, replication).
    pub upload_seconds: Histogram,
    /// Pushes of a new upload to a peer that failed (the node goes on down the ranking).
    pub replication_failures: Counter,
    /// Blobs the track records say this node holds and it lacks, after the last repair pass.
    pub repair_queue: Gauge,
    /// Blobs a repair pass restored from a peer.
    pub repaired: Counter,
}

impl NodeMetrics {
    /// A fresh registry with every metric in it.
    pub fn new() -> Self {
        let mut registry = metrics::registry();
        let http = Arc::new(HttpMetrics::register(&mut registry));
        let (upload_bytes, upload_seconds) = (Counter::default(), metrics::latency_histogram());
        let (replication_failures, repaired, repair_queue) = (Counter::default(), Counter::default(), Gauge::default());
        registry.register(
            "upload_bytes",
            "Bytes of uploads accepted: stored here and replicated",
            upload_bytes.clone(),
        );
        registry.register(
            "upload_duration_seconds",
            "Time from an accepted upload's arrival to its receipt: streaming, hashing, validation and replication",
            upload_seconds.clone(),
        );
        registry.register(
            "replication_failures",
            "Pushes of a new upload to a peer that failed (the next node in the ranking is tried)",
            replication_failures.clone(),
        );
        registry.register(
            "repair_queue",
            "Blobs the track records on Solana place on this node that it still lacks after the last repair pass",
            repair_queue.clone(),
        );
        registry.register("repaired_blobs", "Blobs repair passes restored from a peer", repaired.clone());
        Self { registry, http, upload_bytes, upload_seconds, replication_failures, repair_queue, repaired }
    }
}

impl Default for NodeMetrics {
    fn default() -> Self {
        Self::new()
    }
}
