//! Monthly scoring in the JSON API: `/api/v1/scores` (rules, runs, rankings,
//! an agency's breakdown).

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use serde::Deserialize;
use tiendo_service::Service;
use tiendo_service::scoring::*;

use crate::error::ApiResult;
use crate::extract::{Auth, Body, Path, Query};

pub fn router() -> Router<Service> {
    Router::new()
        .route("/scores/rules", get(rules).post(create_rules))
        .route("/scores/runs", get(runs).post(create_run))
        .route("/scores/runs/{id}", get(run))
        .route("/scores/rankings", get(ranking))
        .route("/scores/agencies/{id}", get(agency))
}

async fn rules(State(s): State<Service>, auth: Auth) -> ApiResult<Json<Vec<RuleSetView>>> {
    Ok(Json(s.list_rule_sets(&auth.actor).await?))
}

async fn create_rules(
    State(s): State<Service>,
    auth: Auth,
    Body(input): Body<RulesInput>,
) -> ApiResult<(StatusCode, Json<RuleSetView>)> {
    Ok((
        StatusCode::CREATED,
        Json(s.create_rule_set(&auth.actor, &input).await?),
    ))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct MonthQuery {
    month: Option<String>,
}

async fn runs(
    State(s): State<Service>,
    auth: Auth,
    Query(q): Query<MonthQuery>,
) -> ApiResult<Json<Vec<ScoreRunView>>> {
    Ok(Json(
        s.list_score_runs(&auth.actor, q.month.as_deref()).await?,
    ))
}

/// A preview answers 200 (nothing stored); a publication 201.
async fn create_run(
    State(s): State<Service>,
    auth: Auth,
    Body(input): Body<ScoreRunInput>,
) -> ApiResult<(StatusCode, Json<ScoreRunView>)> {
    let status = if input.publish {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(s.run_scoring(&auth.actor, &input).await?)))
}

async fn run(
    State(s): State<Service>,
    auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<ScoreRunView>> {
    Ok(Json(s.get_score_run(&auth.actor, id).await?))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RankingQuery {
    month: String,
    group: Option<String>,
}

async fn ranking(
    State(s): State<Service>,
    auth: Auth,
    Query(q): Query<RankingQuery>,
) -> ApiResult<Json<Ranking>> {
    Ok(Json(
        s.ranking(
            &auth.actor,
            &q.month,
            q.group.as_deref().unwrap_or("central"),
        )
        .await?,
    ))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct AgencyQuery {
    month: String,
}

async fn agency(
    State(s): State<Service>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<AgencyQuery>,
) -> ApiResult<Json<ScoreBreakdown>> {
    Ok(Json(s.agency_score(&auth.actor, id, &q.month).await?))
}
