//! The nodes' metrics (`GET /metrics`), in the OpenMetrics text format Prometheus scrapes, on the
//! `prometheus-client` registry. This module holds what both nodes report — every HTTP request by route, method and
//! status, and its latency by route — and the rendering; each node registers its own metrics next to these. The
//! catalogue is docs/metrics.md, which the nodes' tests check against what they expose.

use std::{sync::Arc, time::Instant};

use axum::{
    extract::{MatchedPath, Request, State},
    http::header,
    middleware::Next,
    response::{IntoResponse, Response},
};
pub use prometheus_client::registry::Registry;
use prometheus_client::{
    encoding::EncodeLabelSet,
    metrics::{
        counter::Counter,
        family::Family,
        histogram::{exponential_buckets, Histogram},
    },
};

/// The prefix of every metric either node exposes.
pub const PREFIX: &str = "audius";

/// What `GET /metrics` answers with (OpenMetrics 1.0 text).
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// The route label of a request no route matched: one value, so probes of random paths cannot grow the series.
pub const UNMATCHED_ROUTE: &str = "unmatched";

/// A request's labels: the route template (`/v1/content/{cid}`, never the path itself), method and status.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// The matched route's template.
    pub route: String,
    /// The HTTP method.
    pub method: String,
    /// The response status.
    pub status: u16,
}

/// A route's label.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    /// The matched route's template.
    pub route: String,
}

/// Buckets from 1 ms to about 33 s, doubling: request and upload latencies.
pub fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.001, 2.0, 16))
}

/// Requests answered, and how long until their response head, by route.
#[derive(Clone)]
pub struct HttpMetrics {
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
}

impl HttpMetrics {
    /// Register `http_requests_total` and `http_request_duration_seconds` in `registry`.
    pub fn register(registry: &mut Registry) -> Self {
        let metrics = Self {
            requests: Family::default(),
            latency: Family::new_with_constructor(latency_histogram as fn() -> Histogram),
        };
        registry.register(
            "http_requests",
            "HTTP requests answered, by route, method and status",
            metrics.requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time from a request's arrival to its response head, by route (a stream's body is not timed)",
            metrics.latency.clone(),
        );
        metrics
    }

    /// An axum middleware (`axum::middleware::from_fn_with_state`) counting and timing every request.
    pub async fn track(State(metrics): State<Arc<HttpMetrics>>, request: Request, next: Next) -> Response {
        let route = request.extensions().get::<MatchedPath>().map_or(UNMATCHED_ROUTE, MatchedPath::as_str).to_owned();
        let method = request.method().to_string();
        let started = Instant::now();
        let response = next.run(request).await;
        metrics.latency.get_or_create(&RouteLabels { route: route.clone() }).observe(started.elapsed().as_secs_f64());
        metrics.requests.get_or_create(&RequestLabels { route, method, status: response.status().as_u16() }).inc();
        response
    }
}

/// A registry for one node's metrics, all under [`PREFIX`].
pub fn registry() -> Registry {
    Registry::with_prefix(PREFIX)
}

/// `registry` as the `GET /metrics` answer.
pub fn render(registry: &Registry) -> Response {
    let mut text = String::new();
    match prometheus_client::encoding::text::encode(&mut text, registry) {
        Ok(()) => ([(header::CONTENT_TYPE, CONTENT_TYPE)], text).into_response(),
        Err(_) => {
            crate::api::ApiError::new(axum::http::StatusCode::INTERNAL_SERVER_ERROR, "encoding the metrics failed")
                .into_response()
        }
    }
}
