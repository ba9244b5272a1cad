//! The nodes' HTTP bodies, typed once: what the content and discovery nodes answer and what every client (the
//! SDK itself, the CLI, the local network, the tests) parses. The upload path's own messages (grants, transfers,
//! receipts and their headers) live in [`crate::upload`].

pub mod content;
pub mod discovery;
#[cfg(feature = "server")]
mod error;

#[cfg(feature = "server")]
pub use error::{ApiError, ApiJson, ApiQuery};
use serde::{Deserialize, Serialize};

/// The body of every error answer, from either node: `{"error": "…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// What went wrong, for a person.
    pub error: String,
}

/// What either node answers a supervisor (systemd, a load balancer, Kubernetes probes): `GET /health/live` is 200
/// `{"ok": true}` while the process serves at all; `GET /health/ready` is 200 when the node can do its work now
/// (a content node: registered and taking writes; a discovery node: indexing, not halted) and 503 with the reason
/// otherwise. `GET /health` stays the full document for people and dashboards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Probe {
    /// Live, or ready.
    pub ok: bool,
    /// Why not, when not.
    pub reason: Option<String>,
}

impl Probe {
    /// All is well.
    pub fn ok() -> Self {
        Self { ok: true, reason: None }
    }

    /// Not ready, because `reason`.
    pub fn not_ready(reason: impl Into<String>) -> Self {
        Self { ok: false, reason: Some(reason.into()) }
    }
}

/// `GET {endpoint}{path}` parsed as `T`; an error answer's [`ErrorBody`] becomes the error's text.
#[cfg(feature = "upload-client")]
pub async fn get<T: serde::de::DeserializeOwned>(
    http: &reqwest::Client,
    endpoint: &str,
    path: &str,
) -> Result<T, ReadError> {
    let url = format!("{}{path}", endpoint.trim_end_matches('/'));
    let response = http.get(&url).send().await.map_err(|error| ReadError::Unreachable(error.to_string()))?;
    let status = response.status();
    let text = response.text().await.map_err(|error| ReadError::Unreachable(error.to_string()))?;
    if !status.is_success() {
        let message = serde_json::from_str::<ErrorBody>(&text).map(|body| body.error).unwrap_or(text);
        return Err(ReadError::Status { status: status.as_u16(), message });
    }
    serde_json::from_str(&text).map_err(|error| ReadError::Unreadable(format!("{url}: {error}")))
}

/// Why a node's answer could not be read.
#[cfg(feature = "upload-client")]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// No answer.
    #[error("unreachable: {0}")]
    Unreachable(String),
    /// An error answer.
    #[error("{status}: {message}")]
    Status {
        /// HTTP status.
        status: u16,
        /// The node's explanation.
        message: String,
    },
    /// An answer that is not the document asked for.
    #[error("unreadable answer from {0}")]
    Unreadable(String),
}
