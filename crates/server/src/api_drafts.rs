//! Reading documents into proposed tasks, and their review, in the JSON API.

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, patch, post};
use serde::{Deserialize, Serialize};
use tiendo_core::model::Task;
use tiendo_service::Service;
use tiendo_service::drafts::{DraftInput, DraftView, ImportedDocument};

use crate::error::ApiResult;
use crate::extract::{Auth, Body, Office, Path};

pub fn router() -> Router<Service> {
    Router::new()
        .route("/documents/import", post(import))
        .route("/documents/{id}/drafts", get(list))
        .route("/documents/{id}/drafts/confirm", post(confirm_all))
        .route("/drafts/{id}", patch(update))
        .route("/drafts/{id}/confirm", post(confirm))
        .route("/drafts/{id}/merge", post(merge))
}

#[derive(Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportInput {
    /// The document's text (a notice as pasted, or the text of a DOCX/PDF).
    pub text: String,
}

async fn import(
    State(s): State<Service>,
    Office(auth): Office,
    Body(input): Body<ImportInput>,
) -> ApiResult<(StatusCode, Json<ImportedDocument>)> {
    let imported = s.import_document_text(&auth.actor, &input.text).await?;
    let status = if imported.document_created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(imported)))
}

async fn list(
    State(s): State<Service>,
    auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<DraftView>>> {
    Ok(Json(s.list_drafts(&auth.actor, id).await?))
}

async fn update(
    State(s): State<Service>,
    Office(auth): Office,
    Path(id): Path<i64>,
    Body(input): Body<DraftInput>,
) -> ApiResult<Json<DraftView>> {
    Ok(Json(s.update_draft(&auth.actor, id, &input).await?))
}

async fn confirm(
    State(s): State<Service>,
    Office(auth): Office,
    Path(id): Path<i64>,
) -> ApiResult<(StatusCode, Json<Task>)> {
    Ok((
        StatusCode::CREATED,
        Json(s.confirm_draft(&auth.actor, id).await?),
    ))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Confirmed {
    pub task_ids: Vec<i64>,
}

async fn confirm_all(
    State(s): State<Service>,
    Office(auth): Office,
    Path(id): Path<i64>,
) -> ApiResult<Json<Confirmed>> {
    Ok(Json(Confirmed {
        task_ids: s.confirm_all_drafts(&auth.actor, id).await?,
    }))
}

#[derive(Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeInput {
    /// The draft that stays.
    pub into: i64,
}

async fn merge(
    State(s): State<Service>,
    Office(auth): Office,
    Path(id): Path<i64>,
    Body(input): Body<MergeInput>,
) -> ApiResult<Json<DraftView>> {
    Ok(Json(s.merge_drafts(&auth.actor, id, input.into).await?))
}
