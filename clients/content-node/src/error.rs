//! The node's error answer: the SDK's [`ApiError`] (the discovery node answers the same `{"error": …}` body), and
//! how storage failures map onto it.

use axum::http::StatusCode;

pub use audius_sdk::api::ApiError;

use crate::store::StoreError;

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        let status = match &error {
            StoreError::NotFound(_) => StatusCode::NOT_FOUND,
            StoreError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            StoreError::CidMismatch { .. } | StoreError::SizeMismatch { .. } | StoreError::Body(_) => {
                StatusCode::BAD_REQUEST
            }
            StoreError::Corrupted(_) => StatusCode::SERVICE_UNAVAILABLE,
            StoreError::Io(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        ApiError::new(status, error.to_string())
    }
}

/// A handler's result.
pub type Result<T> = std::result::Result<T, ApiError>;
