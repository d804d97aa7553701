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

/// An answer refused before any use case ran (a path parameter that does not
/// parse, a method the route does not have, a body or URL too large): a status
/// and the same `{"error", "field"}` body.
#[derive(Debug)]
pub struct Rejection {
    pub status: StatusCode,
    pub error: String,
    pub field: Option<String>,
}

impl Rejection {
    pub fn new(status: StatusCode, error: impl Into<String>, field: Option<String>) -> Rejection {
        Rejection {
            status,
            error: error.into(),
            field,
        }
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(ErrorBody {
                error: self.error,
                field: self.field,
            }),
        )
            .into_response()
    }
}

/// The longest URL (path and query) the API reads: a longer one is a 414 with
/// the JSON body.
pub const MAX_URI_BYTES: usize = 8 * 1024;

/// Whether a response already says it is JSON.
fn is_json(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            let v = v.to_ascii_lowercase();
            v.starts_with("application/json") || v.contains("+json")
        })
}

/// One error shape under `/api/`: every 4xx and 5xx answer is
/// `application/json` `{"error", "field"}`. What the handlers and extractors of
/// tiendo answer already is; this rewrites what axum and the tower layers answer
/// in text or with no body (405 with the methods the route has, 413 from a body
/// limit, 408 from the timeout, a rejection of an extractor used as is), and
/// answers a URL over [`MAX_URI_BYTES`] with 414.
pub async fn json_errors(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if !request.uri().path().starts_with("/api/") {
        return next.run(request).await;
    }
    let length = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str().len())
        .unwrap_or(0);
    if length > MAX_URI_BYTES {
        return Rejection::new(
            StatusCode::URI_TOO_LONG,
            format!(
                "the URL has {length} bytes; the API reads at most {MAX_URI_BYTES}: send fewer or shorter query parameters"
            ),
            None,
        )
        .into_response();
    }
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) || is_json(response.headers()) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = match axum::body::to_bytes(body, 64 * 1024).await {
        Ok(bytes) => String::from_utf8_lossy(&bytes).trim().to_string(),
        Err(_) => String::new(),
    };
    let (error, field) = match status {
        StatusCode::METHOD_NOT_ALLOWED => {
            let allowed = parts
                .headers
                .get(axum::http::header::ALLOW)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            let error = if allowed.is_empty() {
                format!("{method} is not a method of {path}")
            } else {
                format!("{method} is not a method of {path}; it answers {allowed}")
            };
            (error, None)
        }
        StatusCode::PAYLOAD_TOO_LARGE => (
            "the body is larger than this route accepts".to_string(),
            Some("body".to_string()),
        ),
        StatusCode::REQUEST_TIMEOUT => (
            "the request took longer than this route allows; nothing was changed".to_string(),
            None,
        ),
        StatusCode::INTERNAL_SERVER_ERROR => (
            "internal error; the details are in the server log".to_string(),
            None,
        ),
        _ if text.is_empty() => (
            status.canonical_reason().unwrap_or("error").to_lowercase(),
            None,
        ),
        _ => (text, None),
    };
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    parts.headers.insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/json"),
    );
    let body = serde_json::to_vec(&ErrorBody { error, field }).unwrap_or_default();
    Response::from_parts(parts, axum::body::Body::from(body))
}
