//! Request extractors: the signed-in actor (and the gate of a write, checked
//! before the body is read), JSON bodies, query strings and path parameters whose
//! errors name the field.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use tiendo_core::policy::{Actor, Gate};
use tiendo_service::{Service, ServiceError};

use crate::error::{ApiError, Rejection};

/// The actor of a request with a valid `Authorization: Bearer TOKEN`.
pub struct Auth {
    pub actor: Actor,
    pub token: String,
    /// What the token is (a sign-in session or an API token).
    pub session: tiendo_service::Session,
}

impl FromRequestParts<Service> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        service: &Service,
    ) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| {
                ServiceError::Unauthenticated(
                    "send `Authorization: Bearer TOKEN` (POST /api/v1/auth/login gives one)".into(),
                )
            })?;
        let token = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .ok_or_else(|| {
                ServiceError::Unauthenticated(
                    "the Authorization header must be `Bearer TOKEN`".into(),
                )
            })?
            .trim()
            .to_string();
        let session = service.session(&token).await?;
        // After an administrator's reset, only changing one's own password, reading
        // oneself and signing out are open.
        if session.must_change_password {
            let path = parts.uri.path();
            let own = format!("/users/{}", session.actor.user_id);
            let open = path.ends_with("/auth/me")
                || path.ends_with("/auth/logout")
                || (path.ends_with(&own) && parts.method == axum::http::Method::PATCH);
            if !open {
                return Err(ServiceError::Forbidden(format!(
                    "your password was reset by the standing office: choose a new one first (PATCH /api/v1/users/{} with current_password and password)",
                    session.actor.user_id
                ))
                .into());
            }
        }
        let actor = session.actor.clone();
        if let Some(slot) = parts
            .extensions
            .get::<tiendo_service::security::RequestActor>()
        {
            slot.set(&actor);
        }
        Ok(Auth {
            actor,
            token,
            session,
        })
    }
}

/// The signed-in actor of a write only the standing office makes: anyone else
/// is refused (403) before the body is read. Handlers take it in place of
/// [`Auth`]; extractors of the request's parts run before the body's.
pub struct Office(pub Auth);

/// The signed-in actor of a write the office and the focal points make (each
/// for its own agency, checked by the use case): a viewer is refused (403)
/// before the body is read.
pub struct Writer(pub Auth);

async fn gated(parts: &mut Parts, service: &Service, gate: Gate) -> Result<Auth, ApiError> {
    let auth = Auth::from_request_parts(parts, service).await?;
    tiendo_service::pass_gate(&auth.actor, gate)?;
    Ok(auth)
}

impl FromRequestParts<Service> for Office {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        service: &Service,
    ) -> Result<Self, Self::Rejection> {
        gated(parts, service, Gate::Office).await.map(Office)
    }
}

impl FromRequestParts<Service> for Writer {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        service: &Service,
    ) -> Result<Self, Self::Rejection> {
        gated(parts, service, Gate::Agencies).await.map(Writer)
    }
}

/// Path parameters; one that does not parse is a 400 that names it
/// (`{"error": "path parameter `id`: `abc` is not a whole number", "field": "id"}`).
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Path(v)),
            Err(rejection) => {
                let names = parts
                    .extensions
                    .get::<axum::extract::MatchedPath>()
                    .map(|m| param_names(m.as_str()))
                    .unwrap_or_default();
                Err(path_rejection(rejection, &names))
            }
        }
    }
}

/// The names of a route's parameters, in order: `/drafts/{id}/merge` → `id`.
fn param_names(route: &str) -> Vec<String> {
    route
        .split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        .map(|s| s.trim_start_matches('*').to_string())
        .collect()
}

fn kind_of(expected: &str) -> &'static str {
    match expected {
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" | "u8" | "u16" | "u32" | "u64" | "u128"
        | "usize" => "a whole number",
        "f32" | "f64" => "a number",
        "bool" => "true or false",
        _ => "of the expected kind",
    }
}

fn path_rejection(rejection: PathRejection, names: &[String]) -> Rejection {
    use axum::extract::path::ErrorKind;
    use axum::http::StatusCode;
    let only = (names.len() == 1).then(|| names[0].clone());
    let (field, message) = match rejection {
        PathRejection::FailedToDeserializePathParams(e) => match e.into_kind() {
            ErrorKind::ParseErrorAtKey {
                key,
                value,
                expected_type,
            } => {
                let m = format!("`{value}` is not {}", kind_of(expected_type));
                (Some(key), m)
            }
            ErrorKind::ParseErrorAtIndex {
                index,
                value,
                expected_type,
            } => (
                names.get(index).cloned(),
                format!("`{value}` is not {}", kind_of(expected_type)),
            ),
            ErrorKind::ParseError {
                value,
                expected_type,
            } => (only, format!("`{value}` is not {}", kind_of(expected_type))),
            ErrorKind::InvalidUtf8InPathParam { key } => {
                (Some(key), "is not valid UTF-8 once decoded".to_string())
            }
            ErrorKind::DeserializeError {
                key,
                value,
                message,
            } => (Some(key), format!("`{value}`: {message}")),
            other => (only, other.to_string()),
        },
        other => (only, other.body_text()),
    };
    let error = match &field {
        Some(f) => format!("path parameter `{f}`: {message}"),
        None => format!("path: {message}"),
    };
    Rejection::new(StatusCode::BAD_REQUEST, error, field)
}

/// A JSON body; a malformed one is a 400 or 422 that says where.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Body(v)),
            Err(rejection) => Err(ApiError(match rejection {
                JsonRejection::JsonDataError(e) => {
                    let text = e.body_text();
                    let field = field_of(&text).unwrap_or_else(|| "body".into());
                    ServiceError::invalid(field, text)
                }
                JsonRejection::JsonSyntaxError(e) => {
                    ServiceError::invalid("body", format!("malformed JSON: {}", e.body_text()))
                }
                JsonRejection::MissingJsonContentType(_) => ServiceError::invalid(
                    "content-type",
                    "send the body as JSON with `Content-Type: application/json`",
                ),
                other => ServiceError::invalid("body", other.body_text()),
            })),
        }
    }
}

/// Picks the field name out of serde's message ("missing field `text`", "unknown
/// field `x`", "tasks[0].due: …").
fn field_of(text: &str) -> Option<String> {
    if let Some(start) = text.find('`') {
        let rest = &text[start + 1..];
        if let Some(end) = rest.find('`') {
            return Some(rest[..end].to_string());
        }
    }
    let after = text
        .split("body: ")
        .nth(1)
        .or_else(|| text.split("query string: ").nth(1))?;
    let path = after.split(':').next()?.trim();
    (!path.is_empty() && !path.contains(' ')).then(|| path.to_string())
}

/// A query string; a bad parameter is a 422 that names it.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(Query(v)),
            Err(QueryRejection::FailedToDeserializeQueryString(e)) => {
                let text = e.body_text();
                let field = field_of(&text).unwrap_or_else(|| "query".into());
                Err(ApiError(ServiceError::invalid(field, text)))
            }
            Err(other) => Err(ApiError(ServiceError::invalid("query", other.body_text()))),
        }
    }
}
