//! Indicators in the JSON API: `/api/v1/indicators`.

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tiendo_service::Service;
use tiendo_service::indicators::*;

use crate::error::ApiResult;
use crate::extract::{Auth, Body, Office, Path, Query, Writer};

pub fn router() -> Router<Service> {
    Router::new()
        .route("/indicators", get(list).post(create))
        .route("/indicators/{code}", get(detail))
        .route("/indicators/{code}/targets", post(add_target))
        .route("/indicators/{code}/measurements", post(record))
        .route("/indicators/{code}/periods/{period}", get(period_table))
        .route("/indicators/{code}/history", get(history))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    q: Option<String>,
    as_of: Option<NaiveDate>,
}

async fn list(
    State(s): State<Service>,
    _auth: Auth,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<Vec<IndicatorSummary>>> {
    Ok(Json(
        s.list_indicators(q.q.as_deref(), tiendo_service::as_of_day("as_of", q.as_of)?)
            .await?,
    ))
}

async fn create(
    State(s): State<Service>,
    Office(auth): Office,
    Body(input): Body<IndicatorInput>,
) -> ApiResult<(StatusCode, Json<IndicatorSummary>)> {
    Ok((
        StatusCode::CREATED,
        Json(s.create_indicator(&auth.actor, &input).await?),
    ))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct AsOf {
    as_of: Option<NaiveDate>,
}

async fn detail(
    State(s): State<Service>,
    _auth: Auth,
    Path(code): Path<String>,
    Query(q): Query<AsOf>,
) -> ApiResult<Json<IndicatorDetail>> {
    Ok(Json(
        s.indicator_detail(&code, tiendo_service::as_of_day("as_of", q.as_of)?)
            .await?,
    ))
}

async fn add_target(
    State(s): State<Service>,
    Office(auth): Office,
    Path(code): Path<String>,
    Body(input): Body<TargetInput>,
) -> ApiResult<(StatusCode, Json<TargetView>)> {
    Ok((
        StatusCode::CREATED,
        Json(s.add_indicator_target(&auth.actor, &code, &input).await?),
    ))
}

#[derive(Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasurementsInput {
    pub measurements: Vec<MeasurementInput>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Recorded {
    pub recorded: usize,
}

async fn record(
    State(s): State<Service>,
    Writer(auth): Writer,
    Path(code): Path<String>,
    Body(input): Body<MeasurementsInput>,
) -> ApiResult<(StatusCode, Json<Recorded>)> {
    let recorded = s
        .record_measurements(&auth.actor, &code, &input.measurements)
        .await?;
    Ok((StatusCode::CREATED, Json(Recorded { recorded })))
}

async fn period_table(
    State(s): State<Service>,
    _auth: Auth,
    Path((code, period)): Path<(String, String)>,
) -> ApiResult<Json<PeriodTable>> {
    Ok(Json(s.period_table(&code, &period).await?))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct HistoryQuery {
    agency: Option<String>,
    period: String,
}

async fn history(
    State(s): State<Service>,
    _auth: Auth,
    Path(code): Path<String>,
    Query(q): Query<HistoryQuery>,
) -> ApiResult<Json<Vec<MeasurementView>>> {
    Ok(Json(
        s.measurement_history(&code, q.agency.as_deref(), &q.period)
            .await?,
    ))
}

// ------------------------------------------------------------------ bulk ingest

/// The largest body `POST /api/v1/indicators/measurements/bulk` accepts: a million
/// measurements as NDJSON take about 90 MB.
pub const BULK_BODY_LIMIT: usize = 256 * 1024 * 1024;

/// The largest body a focal point's bulk request may have: one agency's figures
/// (100,000 measurements as NDJSON are about 9 MB). The office, which loads the
/// whole country's, has [`BULK_BODY_LIMIT`]; a viewer is refused before the body
/// is read.
pub const FOCAL_BULK_BODY_LIMIT: usize = 16 * 1024 * 1024;

/// The largest bulk body the role may send.
pub fn bulk_body_limit(role: tiendo_core::policy::Role) -> usize {
    match role {
        tiendo_core::policy::Role::Admin => BULK_BODY_LIMIT,
        _ => FOCAL_BULK_BODY_LIMIT,
    }
}

/// How long a bulk request may take, upload included (the rest of the API has 60 s).
pub const BULK_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(600);

/// The bulk ingest route, with its own body limit (the application's is far lower):
/// merged by `crate::router` outside the application-wide limit.
pub fn bulk_router() -> Router<Service> {
    Router::new().route("/api/v1/indicators/measurements/bulk", post(bulk))
}

/// A batch refused: nothing was stored.
#[derive(Serialize, utoipa::ToSchema)]
pub struct BulkRejected {
    pub error: String,
    pub field: String,
    /// Every bad item (up to 1,000) with its index, line (NDJSON) and field.
    pub items: Vec<ItemError>,
}

/// Where a serde error about one item points: the field in backticks, else the
/// first field of the wrong type.
fn item_field(message: &str, value: Option<&serde_json::Value>) -> String {
    if let Some(start) = message.find('`')
        && let Some(end) = message[start + 1..].find('`')
    {
        return message[start + 1..start + 1 + end].to_string();
    }
    if let Some(serde_json::Value::Object(map)) = value {
        for (field, number) in [
            ("indicator", false),
            ("period", false),
            ("value", true),
            ("agency", false),
            ("source", false),
            ("note", false),
        ] {
            match map.get(field) {
                Some(v) if number && !v.is_number() => return field.into(),
                Some(v) if !(number || v.is_string() || v.is_null()) => return field.into(),
                _ => {}
            }
        }
    }
    "item".into()
}

/// Parses a batch: a JSON array, or NDJSON (one object a line) when `lines`.
/// Returns the items and, for NDJSON, the line of each item.
#[allow(clippy::type_complexity)]
pub fn parse_batch(
    bytes: &[u8],
    lines: bool,
) -> Result<(Vec<BulkMeasurementInput>, Option<Vec<usize>>), Vec<ItemError>> {
    if lines {
        let mut items = Vec::new();
        let mut numbers = Vec::new();
        let mut errors = Vec::new();
        let mut index = 0usize;
        for (n, line) in bytes.split(|b| *b == b'\n').enumerate() {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            index += 1;
            let index = index - 1;
            match serde_json::from_slice::<BulkMeasurementInput>(line) {
                Ok(item) => {
                    if errors.is_empty() {
                        items.push(item);
                        numbers.push(n + 1);
                    }
                }
                Err(e) => {
                    let value = serde_json::from_slice::<serde_json::Value>(line).ok();
                    let message = e.to_string();
                    if errors.len() < MAX_ITEM_ERRORS {
                        errors.push(ItemError {
                            index,
                            line: Some(n + 1),
                            field: item_field(&message, value.as_ref()),
                            message,
                        });
                    }
                }
            }
        }
        return if errors.is_empty() {
            Ok((items, Some(numbers)))
        } else {
            Err(errors)
        };
    }
    match serde_json::from_slice::<Vec<BulkMeasurementInput>>(bytes) {
        Ok(items) => Ok((items, None)),
        Err(first) => {
            let values = serde_json::from_slice::<Vec<serde_json::Value>>(bytes).map_err(|_| {
                vec![ItemError {
                    index: 0,
                    line: None,
                    field: "body".into(),
                    message: format!(
                        "send a JSON array of measurements, or NDJSON with `Content-Type: application/x-ndjson`: {first}"
                    ),
                }]
            })?;
            let mut errors = Vec::new();
            for (index, v) in values.into_iter().enumerate() {
                if let Err(e) = serde_json::from_value::<BulkMeasurementInput>(v.clone()) {
                    let message = e.to_string();
                    errors.push(ItemError {
                        index,
                        line: None,
                        field: item_field(&message, Some(&v)),
                        message,
                    });
                    if errors.len() >= MAX_ITEM_ERRORS {
                        break;
                    }
                }
            }
            Err(errors)
        }
    }
}

fn rejected(mut items: Vec<ItemError>, lines: Option<&[usize]>) -> axum::response::Response {
    use axum::response::IntoResponse;
    if let Some(lines) = lines {
        for e in &mut items {
            e.line = e.line.or_else(|| lines.get(e.index).copied());
        }
    }
    let first = items
        .first()
        .map(|e| {
            let at = match e.line {
                Some(l) => format!("line {l}"),
                None => format!("item {}", e.index),
            };
            format!("{at}, {}: {}", e.field, e.message)
        })
        .unwrap_or_default();
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(BulkRejected {
            error: format!(
                "nothing was recorded; {} bad item(s), the first at {first}",
                items.len()
            ),
            field: "items".into(),
            items,
        }),
    )
        .into_response()
}

/// `POST /api/v1/indicators/measurements/bulk`: a JSON array, or NDJSON
/// (`Content-Type: application/x-ndjson`), of `{indicator, agency, period, value,
/// source?}`; all or nothing.
async fn bulk(
    State(s): State<Service>,
    Writer(auth): Writer,
    headers: axum::http::HeaderMap,
    body: axum::body::Body,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let content_type = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let lines = content_type.contains("ndjson")
        || content_type.contains("jsonl")
        || content_type.contains("json-seq");
    if !lines && !content_type.contains("json") {
        return crate::error::ApiError(tiendo_service::ServiceError::invalid(
            "content-type",
            "send `application/json` (an array) or `application/x-ndjson` (one object a line)",
        ))
        .into_response();
    }
    let limit = bulk_body_limit(auth.actor.role);
    let too_large = || {
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            Json(crate::error::ErrorBody {
                error: format!(
                    "the body is over {} MB, the most a {} may send at once; send the measurements in several batches",
                    limit / (1024 * 1024),
                    auth.actor.role.as_str()
                ),
                field: Some("body".into()),
            }),
        )
            .into_response()
    };
    let declared = headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return too_large();
    }
    let bytes = match axum::body::to_bytes(body, limit).await {
        Ok(b) => b,
        Err(_) => return too_large(),
    };
    let parsed = tokio::task::spawn_blocking(move || parse_batch(&bytes, lines)).await;
    let (items, line_numbers) = match parsed {
        Ok(Ok(p)) => p,
        Ok(Err(items)) => return rejected(items, None),
        Err(e) => {
            return crate::error::ApiError(tiendo_service::ServiceError::Internal(e.to_string()))
                .into_response();
        }
    };
    match s.insert_measurements(&auth.actor, items).await {
        Ok(outcome) => (StatusCode::CREATED, Json(outcome)).into_response(),
        Err(BulkError::Items(items)) => rejected(items, line_numbers.as_deref()),
        Err(BulkError::Service(e)) => crate::error::ApiError(e).into_response(),
    }
}
