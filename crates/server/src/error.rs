//! Errors as HTTP answers: a status code and `{"error": …, "field": …}`. Internal
//! details are logged, never sent.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tiendo_service::ServiceError;

#[derive(Debug)]
pub struct ApiError(pub ServiceError);

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// What went wrong, for a person.
    pub error: String,
    /// The field at fault, for bad input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        ApiError(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let refusal = match &self.0 {
            ServiceError::Forbidden(m) => Some(tiendo_service::security::Refusal(m.clone())),
            _ => None,
        };
        let retry_after = match &self.0 {
            ServiceError::TooMany { retry_after, .. } => Some(*retry_after),
            _ => None,
        };
        let (status, error, field) = match self.0 {
            ServiceError::TooMany { message, .. } => (StatusCode::TOO_MANY_REQUESTS, message, None),
            ServiceError::Unauthenticated(m) => (StatusCode::UNAUTHORIZED, m, None),
            ServiceError::Forbidden(m) => (StatusCode::FORBIDDEN, m, None),
            ServiceError::NotFound(what) => {
                (StatusCode::NOT_FOUND, format!("{what} not found"), None)
            }
            ServiceError::Invalid { field, message } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("{field}: {message}"),
                Some(field),
            ),
            ServiceError::Conflict(m) => (StatusCode::CONFLICT, m, None),
            ServiceError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal error; the details are in the server log".to_string(),
                    None,
                )
            }
        };
        let mut response = (status, Json(ErrorBody { error, field })).into_response();
        if let Some(r) = refusal {
            // For the security log (docs/audit.md).
            response.extensions_mut().insert(r);
        }
        if let Some(seconds) = retry_after {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(seconds),
            );
        }
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                "www-authenticate",
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
