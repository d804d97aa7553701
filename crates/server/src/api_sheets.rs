//! Spreadsheets in the JSON API (docs/spreadsheets.md):
//! `GET /api/v1/sheets/templates/{kind}` downloads the XLSX template of `tasks`,
//! `reports` or `measurements`; `POST /api/v1/sheets/import/{kind}` takes a filled
//! template as the body (`Content-Type:
//! application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`) and answers
//! 200 with the counts, or 422 with `{"errors": [{"row", "column", "field",
//! "message"}]}` and nothing imported. `?dry_run=true` only checks.

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use tiendo_service::sheets::{CellError, SheetKind, XLSX_MIME};
use tiendo_service::{Service, ServiceError};

use crate::error::{ApiError, ApiResult};
use crate::extract::{Auth, Path, Query, Writer};

/// The largest XLSX an import takes (100,000 task rows are about 5 MB).
pub const MAX_SHEET_BYTES: usize = 64 * 1024 * 1024;

pub fn router() -> Router<Service> {
    Router::new()
        .route("/sheets/templates/{kind}", get(template))
        .route(
            "/sheets/import/{kind}",
            post(import).layer(DefaultBodyLimit::max(MAX_SHEET_BYTES)),
        )
}

/// The 422 answer of an import with problems: every one, by row and column.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SheetErrors {
    pub errors: Vec<CellError>,
}

fn kind_of(kind: &str) -> Result<SheetKind, ApiError> {
    SheetKind::parse(kind).ok_or_else(|| {
        ServiceError::NotFound(format!(
            "sheet kind '{kind}' (tasks, reports, measurements)"
        ))
        .into()
    })
}

async fn template(
    State(s): State<Service>,
    _auth: Auth,
    Path(kind): Path<String>,
) -> ApiResult<Response> {
    let kind = kind_of(&kind)?;
    let bytes = s.sheet_template(kind).await?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(XLSX_MIME));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", kind.file_name()))
    {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

#[derive(Debug, Deserialize)]
struct ImportQuery {
    #[serde(default)]
    dry_run: bool,
}

async fn import(
    State(s): State<Service>,
    Writer(auth): Writer,
    Path(kind): Path<String>,
    Query(q): Query<ImportQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let kind = kind_of(&kind)?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type.starts_with(XLSX_MIME) && !content_type.starts_with("application/octet-stream")
    {
        return Err(ServiceError::invalid(
            "content-type",
            format!("send the XLSX file itself as the body, with Content-Type: {XLSX_MIME}"),
        )
        .into());
    }
    match s.import_sheet(&auth.actor, kind, &body, q.dry_run).await? {
        Ok(summary) => Ok((StatusCode::OK, Json(summary)).into_response()),
        Err(errors) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(SheetErrors { errors }),
        )
            .into_response()),
    }
}
