//! The committee's reports as files: `GET /api/v1/reports/{kind}/file` with
//! `format=xlsx|docx|pdf`, `as_of`, and per kind `agency`, `document`, `month`.
//! The JSON overdue report stays at `/api/v1/reports/overdue`. The urging letter
//! (công văn đôn đốc) is `POST /api/v1/reports/urging`, the office's only: it
//! records the letter in the history of every assignment it lists unless
//! `preview` is true.

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tiendo_reports::Format;
use tiendo_service::reports::{ReportKind, ReportRequest};
use tiendo_service::{Service, ServiceError};

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Auth, Body, Office, Path, Query};

pub fn router() -> Router<Service> {
    Router::new()
        .route("/reports/{kind}/file", get(report_file))
        .route("/reports/urging", post(urging_letter))
}

/// An urging letter to issue (or preview).
#[derive(Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UrgingInput {
    /// The letter's day (YYYY-MM-DD): the assignments overdue at its end are
    /// listed; today by default.
    pub as_of: Option<NaiveDate>,
    /// One agency (id, code, name or alias); every agency with overdue work when absent.
    pub agency: Option<String>,
    /// The day to finish by (YYYY-MM-DD); the letter's day + 15 by default.
    pub finish_by: Option<NaiveDate>,
    /// docx or pdf.
    pub format: String,
    /// Only draft the letter: record nothing in the history.
    #[serde(default)]
    pub preview: bool,
}

async fn urging_letter(
    State(s): State<Service>,
    Office(auth): Office,
    Body(input): Body<UrgingInput>,
) -> ApiResult<Response> {
    let format = match Format::parse(&input.format) {
        Some(f @ (Format::Docx | Format::Pdf)) => f,
        _ => return Err(ServiceError::invalid("format", "must be docx or pdf").into()),
    };
    let as_of = tiendo_service::as_of_day("as_of", input.as_of)?;
    let agency = match input
        .agency
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
    {
        Some(name) => Some(s.resolve_agency("agency", name, Some(as_of))?.id),
        None => None,
    };
    let mut req = tiendo_service::urging::UrgingRequest::new(as_of, agency, input.finish_by);
    req.issue = !input.preview;
    let made = s.urging_letter(&auth.actor, &req).await?;
    let (made, bytes) = tokio::task::spawn_blocking(move || {
        let bytes = tiendo_reports::render_letter(&made.letter, format);
        (made, bytes)
    })
    .await
    .map_err(|e| ServiceError::Internal(e.to_string()))?;
    let bytes = bytes.map_err(|e| ServiceError::Internal(e.to_string()))?;
    Ok(tiendo_web::letter_response(
        &made.letter,
        format,
        bytes,
        made.recorded,
    ))
}

#[derive(Deserialize)]
struct FileQuery {
    as_of: Option<String>,
    format: Option<String>,
    agency: Option<String>,
    document: Option<String>,
    month: Option<String>,
}

fn bad_request(field: &str, message: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(ErrorBody {
            error: format!("{field}: {message}"),
            field: Some(field.into()),
        }),
    )
        .into_response()
}

async fn report_file(
    State(s): State<Service>,
    auth: Auth,
    Path(kind): Path<String>,
    Query(q): Query<FileQuery>,
) -> ApiResult<Response> {
    let kind = match ReportKind::parse(&kind) {
        Ok(k) => k,
        Err(_) => {
            return Ok(bad_request(
                "kind",
                "must be overdue, monthly, agency or document",
            ));
        }
    };
    let Some(format) = Format::parse(q.format.as_deref().unwrap_or("")) else {
        return Ok(bad_request("format", "must be xlsx, docx or pdf"));
    };
    let as_of = match q.as_of.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(text) => match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(d) => Some(tiendo_service::as_of_day("as_of", Some(d))?),
            Err(_) => return Ok(bad_request("as_of", "must be a date written YYYY-MM-DD")),
        },
    };
    let req = ReportRequest {
        kind,
        as_of,
        month: q.month,
        agency: q.agency,
        document: q.document,
    };
    let printed = s.report(&auth.actor, &req).await?;
    let (printed, bytes) = tokio::task::spawn_blocking(move || {
        let bytes = tiendo_reports::render(&printed, format);
        (printed, bytes)
    })
    .await
    .map_err(|e| ServiceError::Internal(e.to_string()))?;
    let bytes = bytes.map_err(|e| ServiceError::Internal(e.to_string()))?;
    Ok(tiendo_web::report_response(&printed, format, bytes))
}
