//! Evidence files of progress reports in the JSON API: attach with
//! `POST /api/v1/progress-reports/{id}/evidence` (multipart/form-data, one or more
//! parts named `file`), list with `GET` on the same path, download with
//! `GET /api/v1/evidence/{id}` (an attachment; 403 for a focal point of another
//! agency). A file larger than the limit, empty, or of a kind not allowed is a
//! 422 naming the field `file`; a body beyond the route's limit is a 413; a
//! malformed multipart body (a part that never ends) is a 400.

use axum::Json;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tiendo_service::evidence::EvidenceFile;
use tiendo_service::{Service, ServiceError};

use crate::error::{ApiError, ApiResult};
use crate::extract::{Auth, Path, Writer};

pub fn router() -> Router<Service> {
    Router::new()
        .route(
            "/progress-reports/{id}/evidence",
            get(list)
                .post(attach)
                // The handler enforces the configured upload limit itself.
                .layer(DefaultBodyLimit::disable()),
        )
        .route("/evidence/{id}", get(download))
}

async fn list(
    State(s): State<Service>,
    auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<EvidenceFile>>> {
    s.get_report(&auth.actor, id).await?;
    Ok(Json(s.report_evidence(&auth.actor, &[id]).await?))
}

async fn attach(
    State(s): State<Service>,
    Writer(auth): Writer,
    Path(id): Path<i64>,
    req: Request,
) -> Result<Response, ApiError> {
    if !tiendo_web::upload::is_multipart(&req) {
        return Err(ServiceError::invalid(
            "content-type",
            "send the files as multipart/form-data, each in a part named `file`",
        )
        .into());
    }
    let received = tiendo_web::upload::read(&s, req)
        .await
        .map_err(|e| ServiceError::invalid("body", e))?;
    if let Some(why) = received.broken {
        return Ok(crate::error::Rejection::new(
            StatusCode::BAD_REQUEST,
            format!("the multipart body is malformed: {why}; nothing was attached"),
            Some("body".into()),
        )
        .into_response());
    }
    if received.cut {
        let body = crate::error::ErrorBody {
            error: format!(
                "the request is larger than this route accepts ({} bytes); an evidence file may have at most {} bytes",
                s.config.upload_body_limit(),
                s.config.max_evidence_bytes
            ),
            field: Some("file".into()),
        };
        return Ok((StatusCode::PAYLOAD_TOO_LARGE, Json(body)).into_response());
    }
    let uploads: Vec<_> = received
        .files
        .into_iter()
        .filter(|(name, _)| name == "file")
        .map(|(_, u)| u)
        .collect();
    let files = s.attach_evidence(&auth.actor, id, &uploads).await?;
    Ok((StatusCode::CREATED, Json(files)).into_response())
}

async fn download(
    State(s): State<Service>,
    auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let (file, bytes) = s.download_evidence(&auth.actor, id).await?;
    Ok(tiendo_web::evidence_response(&file, bytes))
}
