//! One error type for handlers, turned into an HTTP response in one place.
//!
//! `AppError::into_response` only records *which* error happened; the context middleware
//! (which knows the visitor's language) renders the page, so messages are always localised.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::db::DbError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Also used when the object exists but belongs to someone else: never leak existence.
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("invalid or missing CSRF token")]
    Csrf,
    #[error("too many attempts")]
    RateLimited,
    #[error("request too large")]
    PayloadTooLarge,
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        AppError::Db(DbError::Sqlx(e))
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(format!("template: {e}"))
    }
}

impl From<object_store::Error> for AppError {
    fn from(e: object_store::Error) -> Self {
        AppError::Internal(format!("storage: {e}"))
    }
}

/// What the error page says, carried in the response extensions to the renderer.
#[derive(Debug, Clone, Copy)]
pub struct ErrorPage {
    pub title_key: &'static str,
    pub message_key: &'static str,
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Db(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn page(&self) -> ErrorPage {
        let (title_key, message_key) = match self {
            AppError::NotFound => ("error-not-found-title", "error-not-found"),
            AppError::Forbidden => ("error-forbidden-title", "error-forbidden"),
            AppError::Csrf => ("error-csrf-title", "error-csrf"),
            AppError::RateLimited => ("error-rate-limited-title", "error-rate-limited"),
            AppError::PayloadTooLarge => ("error-too-large-title", "error-too-large"),
            AppError::BadRequest(key) => ("error-bad-request-title", *key),
            AppError::Db(_) | AppError::Internal(_) => ("error-internal-title", "error-internal"),
        };
        ErrorPage {
            title_key,
            message_key,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            // The request id is on the enclosing span; details stay in the log.
            tracing::error!(error = %self, "request failed");
        }
        let mut response = status.into_response();
        response.extensions_mut().insert(self.page());
        response
    }
}

pub type AppResult<T> = Result<T, AppError>;
