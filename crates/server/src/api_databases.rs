//! Database quality assessment in the JSON API: `/api/v1/databases` (the register,
//! a database's history, the ranking in force), `/api/v1/database-criteria`,
//! `/api/v1/database-rounds` (open, assess, reassess, publish, ranking).

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use chrono::NaiveDate;
use serde::Deserialize;
use tiendo_service::Service;
use tiendo_service::dbquality::*;

use crate::error::ApiResult;
use crate::extract::{Auth, Body, Office, Path, Query, Writer};

pub fn router() -> Router<Service> {
    Router::new()
        .route("/databases", get(list).post(create))
        .route("/databases/ranking", get(ranking_in_force))
        .route("/databases/{code}", get(detail))
        .route("/database-criteria", get(criteria).post(create_criteria))
        .route("/database-rounds", get(rounds).post(open_round))
        .route("/database-rounds/{id}", get(round))
        .route("/database-rounds/{id}/assess", post(assess))
        .route("/database-rounds/{id}/reassess", post(reassess))
        .route("/database-rounds/{id}/publish", post(publish))
        .route("/database-rounds/{id}/ranking", get(round_ranking))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct KindQuery {
    kind: Option<String>,
}

async fn list(
    State(s): State<Service>,
    auth: Auth,
    Query(q): Query<KindQuery>,
) -> ApiResult<Json<Vec<DatabaseView>>> {
    Ok(Json(
        s.list_databases(&auth.actor, q.kind.as_deref()).await?,
    ))
}

async fn create(
    State(s): State<Service>,
    Office(auth): Office,
    Body(input): Body<DatabaseInput>,
) -> ApiResult<(StatusCode, Json<DatabaseView>)> {
    Ok((
        StatusCode::CREATED,
        Json(s.create_database(&auth.actor, &input).await?),
    ))
}

async fn detail(
    State(s): State<Service>,
    auth: Auth,
    Path(code): Path<String>,
) -> ApiResult<Json<DatabaseDetail>> {
    Ok(Json(s.database_detail(&auth.actor, &code).await?))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct AsOfQuery {
    as_of: Option<NaiveDate>,
}

async fn ranking_in_force(
    State(s): State<Service>,
    auth: Auth,
    Query(q): Query<AsOfQuery>,
) -> ApiResult<Json<DbRanking>> {
    let as_of = q
        .as_of
        .map(|d| tiendo_service::as_of_day("as_of", Some(d)))
        .transpose()?;
    Ok(Json(s.db_ranking(&auth.actor, None, as_of).await?))
}

async fn criteria(State(s): State<Service>, auth: Auth) -> ApiResult<Json<Vec<CriteriaView>>> {
    Ok(Json(s.list_db_criteria(&auth.actor).await?))
}

async fn create_criteria(
    State(s): State<Service>,
    Office(auth): Office,
    Body(input): Body<CriteriaInput>,
) -> ApiResult<(StatusCode, Json<CriteriaView>)> {
    Ok((
        StatusCode::CREATED,
        Json(s.create_db_criteria(&auth.actor, &input).await?),
    ))
}

async fn rounds(State(s): State<Service>, auth: Auth) -> ApiResult<Json<Vec<RoundView>>> {
    Ok(Json(s.list_db_rounds(&auth.actor).await?))
}

async fn open_round(
    State(s): State<Service>,
    Office(auth): Office,
    Body(input): Body<RoundInput>,
) -> ApiResult<(StatusCode, Json<RoundView>)> {
    Ok((
        StatusCode::CREATED,
        Json(s.open_db_round(&auth.actor, &input).await?),
    ))
}

async fn round(
    State(s): State<Service>,
    auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<RoundView>> {
    Ok(Json(s.get_db_round(&auth.actor, id).await?))
}

async fn assess(
    State(s): State<Service>,
    Writer(auth): Writer,
    Path(id): Path<i64>,
    Body(input): Body<AssessInput>,
) -> ApiResult<(StatusCode, Json<RoundView>)> {
    Ok((
        StatusCode::CREATED,
        Json(s.self_assess(&auth.actor, id, &input).await?),
    ))
}

async fn reassess(
    State(s): State<Service>,
    Writer(auth): Writer,
    Path(id): Path<i64>,
    Body(input): Body<ReassessInput>,
) -> ApiResult<(StatusCode, Json<RoundView>)> {
    Ok((
        StatusCode::CREATED,
        Json(s.reassess(&auth.actor, id, &input).await?),
    ))
}

async fn publish(
    State(s): State<Service>,
    Office(auth): Office,
    Path(id): Path<i64>,
) -> ApiResult<(StatusCode, Json<DbRanking>)> {
    Ok((
        StatusCode::CREATED,
        Json(s.publish_db_round(&auth.actor, id).await?),
    ))
}

async fn round_ranking(
    State(s): State<Service>,
    auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<DbRanking>> {
    Ok(Json(s.db_ranking(&auth.actor, Some(id), None).await?))
}
