//! The error answer both nodes' handlers return.

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};

use super::ErrorBody;

/// A failed request: its status and what to tell the caller, answered as an [`ErrorBody`]. Server errors (5xx)
/// are logged; the caller's mistakes are not.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    /// A failure with `status`, explained by `message`.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self { status, message: message.into() }
    }

    /// 400: the request is malformed.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// 404: nothing here by that name.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    /// 503: this node cannot serve it now.
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, message)
    }

    /// Its status.
    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status.is_server_error() {
            tracing::warn!(status = %self.status, error = %self.message, "request failed");
        }
        (self.status, Json(ErrorBody { error: self.message })).into_response()
    }
}

impl From<crate::upload::HeaderError> for ApiError {
    fn from(error: crate::upload::HeaderError) -> Self {
        let status = if error.is_unsigned() { StatusCode::UNAUTHORIZED } else { StatusCode::BAD_REQUEST };
        ApiError::new(status, error.to_string())
    }
}
