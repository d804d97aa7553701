//! What coordinating agencies did of a task led by another, in the JSON API
//! (issue 14 part 7): the parts reported on the lead's assignment, and the
//! assignments a focal point's agency coordinates.

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use chrono::NaiveDate;
use serde::Deserialize;
use tiendo_core::model::Assignment;
use tiendo_service::Service;
use tiendo_service::parts::{Part, PartInput};

use crate::error::ApiResult;
use crate::extract::{Auth, Body, Path, Query, Writer};

pub fn router() -> Router<Service> {
    Router::new()
        .route("/assignments/{id}/parts", get(list).post(add))
        .route("/coordinating", get(coordinating))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct AsOfQuery {
    as_of: Option<NaiveDate>,
}

fn as_of(q: &AsOfQuery) -> Result<Option<NaiveDate>, tiendo_service::ServiceError> {
    match q.as_of {
        Some(d) => Ok(Some(tiendo_service::as_of_day("as_of", Some(d))?)),
        None => Ok(None),
    }
}

async fn list(
    State(s): State<Service>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<AsOfQuery>,
) -> ApiResult<Json<Vec<Part>>> {
    Ok(Json(s.parts(&auth.actor, id, as_of(&q)?).await?))
}

async fn add(
    State(s): State<Service>,
    Writer(auth): Writer,
    Path(id): Path<i64>,
    Body(input): Body<PartInput>,
) -> ApiResult<(axum::http::StatusCode, Json<Part>)> {
    Ok((
        axum::http::StatusCode::CREATED,
        Json(s.report_part(&auth.actor, id, &input).await?),
    ))
}

async fn coordinating(
    State(s): State<Service>,
    auth: Auth,
    Query(q): Query<AsOfQuery>,
) -> ApiResult<Json<Vec<Assignment>>> {
    let day = as_of(&q)?.unwrap_or_else(tiendo_core::time::today);
    Ok(Json(s.coordinating(&auth.actor, day, 200).await?))
}
