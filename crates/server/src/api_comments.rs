//! The comment thread of each assignment in the JSON API (issue 14 part 7).

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use chrono::NaiveDate;
use serde::Deserialize;
use tiendo_service::Service;
use tiendo_service::comments::Comment;
use utoipa::ToSchema;

use crate::error::ApiResult;
use crate::extract::{Auth, Body, Path, Query, Writer};

pub fn router() -> Router<Service> {
    Router::new().route("/assignments/{id}/comments", get(list).post(add))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    as_of: Option<NaiveDate>,
}

async fn list(
    State(s): State<Service>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<Vec<Comment>>> {
    let as_of = match q.as_of {
        Some(d) => Some(tiendo_service::as_of_day("as_of", Some(d))?),
        None => None,
    };
    Ok(Json(s.comments(&auth.actor, id, as_of).await?))
}

/// A comment to add to an assignment's thread.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentInput {
    /// At most 4000 characters.
    pub body: String,
}

async fn add(
    State(s): State<Service>,
    Writer(auth): Writer,
    Path(id): Path<i64>,
    Body(input): Body<CommentInput>,
) -> ApiResult<(axum::http::StatusCode, Json<Comment>)> {
    Ok((
        axum::http::StatusCode::CREATED,
        Json(s.add_comment(&auth.actor, id, &input.body).await?),
    ))
}
