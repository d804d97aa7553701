//! Indicators in the JSON API: `/api/v1/indicators`.

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tiendo_core::time::today;
use tiendo_service::Service;
use tiendo_service::indicators::*;

use crate::error::ApiResult;
use crate::extract::{Auth, Body, Query};

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
        s.list_indicators(q.q.as_deref(), q.as_of.unwrap_or_else(today))
            .await?,
    ))
}

async fn create(
    State(s): State<Service>,
    auth: Auth,
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
        s.indicator_detail(&code, q.as_of.unwrap_or_else(today))
            .await?,
    ))
}

async fn add_target(
    State(s): State<Service>,
    auth: Auth,
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
    auth: Auth,
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
