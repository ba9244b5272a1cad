//! The node's one error type: everything a handler can fail with, answered as the SDK's [`ApiError`] (the
//! content node answers the same `{"error": …}` body).

use audius_sdk::bridge::BridgeError;
use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
};

pub use audius_sdk::api::ApiError;

/// A failed request.
#[derive(Debug)]
pub enum Error {
    /// An answer decided by the handler (bad input, nothing found, not available here).
    Answer(ApiError),
    /// The index's database failed: logged, answered 500 without its details.
    Database(sqlx::Error),
    /// The attester could not attest: a refusal (409) or a chain it could not read (502).
    Bridge(BridgeError),
}

impl From<ApiError> for Error {
    fn from(error: ApiError) -> Self {
        Error::Answer(error)
    }
}

impl From<sqlx::Error> for Error {
    fn from(error: sqlx::Error) -> Self {
        Error::Database(error)
    }
}

impl From<BridgeError> for Error {
    fn from(error: BridgeError) -> Self {
        Error::Bridge(error)
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let answer = match self {
            Error::Answer(answer) => answer,
            Error::Database(error) => {
                tracing::error!(%error, "database error");
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "database error")
            }
            Error::Bridge(BridgeError::Refused(reason)) => ApiError::new(StatusCode::CONFLICT, reason),
            Error::Bridge(other) => ApiError::new(StatusCode::BAD_GATEWAY, other.to_string()),
        };
        answer.into_response()
    }
}

/// A handler's result.
pub type Result<T> = std::result::Result<T, Error>;

/// 400: the request is malformed.
pub fn bad(message: impl Into<String>) -> Error {
    ApiError::bad_request(message).into()
}

/// 404: nothing by that name.
pub fn not_found(message: impl Into<String>) -> Error {
    ApiError::not_found(message).into()
}

/// 503: this node cannot serve it.
pub fn unavailable(message: impl Into<String>) -> Error {
    ApiError::unavailable(message).into()
}
