//! The committee's reports as files: `GET /api/v1/reports/{kind}/file` with
//! `format=xlsx|docx|pdf`, `as_of`, and per kind `agency`, `document`, `month`.
//! The JSON overdue report stays at `/api/v1/reports/overdue`.

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::NaiveDate;
use serde::Deserialize;
use tiendo_reports::Format;
use tiendo_service::reports::{ReportKind, ReportRequest};
use tiendo_service::{Service, ServiceError};

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Auth, Path, Query};

pub fn router() -> Router<Service> {
    Router::new().route("/reports/{kind}/file", get(report_file))
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
