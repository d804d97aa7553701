//! The site search in the JSON API (issue 14 item 6): `GET /api/v1/search?q=…`
//! answers the sections of the page `/tim-kiem` (tasks, documents, agencies,
//! indicators), each with its count and first results; the rule and the
//! permissions are the service's (`tiendo_service::search`).

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use chrono::NaiveDate;
use serde::Deserialize;
use tiendo_service::search::SiteSearch;
use tiendo_service::{Service, ServiceError};

use crate::error::ApiResult;
use crate::extract::{Auth, Query};

pub fn router() -> Router<Service> {
    Router::new().route("/search", get(search))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct SearchQuery {
    q: Option<String>,
    as_of: Option<NaiveDate>,
    limit: Option<i64>,
}

async fn search(
    State(s): State<Service>,
    auth: Auth,
    Query(q): Query<SearchQuery>,
) -> ApiResult<Json<SiteSearch>> {
    let limit = q.limit.unwrap_or(10);
    if !(1..=100).contains(&limit) {
        return Err(ServiceError::invalid("limit", "must be between 1 and 100").into());
    }
    let as_of = match q.as_of {
        Some(day) => Some(tiendo_service::as_of_day("as_of", Some(day))?),
        None => None,
    };
    Ok(Json(
        s.search(
            &auth.actor,
            q.q.as_deref().unwrap_or_default(),
            as_of,
            limit,
        )
        .await?,
    ))
}
