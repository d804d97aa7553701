//! Tamper evidence in the JSON API (docs/audit.md): the head of the audit chain
//! and the security log.

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde::Deserialize;
use tiendo_core::model::{Page, SecurityEvent};
use tiendo_service::audit::AuditHead;
use tiendo_service::{PageRequest, Service, ServiceError};

use crate::error::ApiResult;
use crate::extract::{Auth, Query};

pub fn router() -> Router<Service> {
    Router::new()
        .route("/audit/head", get(head))
        .route("/security-log", get(security_log))
}

/// The head of the audit chain (any signed-in user: it is printed on every report).
async fn head(State(s): State<Service>, _auth: Auth) -> ApiResult<Json<AuditHead>> {
    Ok(Json(s.audit_head().await?))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct SecurityQuery {
    kind: Option<String>,
    page: Option<i64>,
    per_page: Option<i64>,
}

async fn security_log(
    State(s): State<Service>,
    auth: Auth,
    Query(q): Query<SecurityQuery>,
) -> ApiResult<Json<Page<SecurityEvent>>> {
    let page = q.page.unwrap_or(1);
    let per_page = q.per_page.unwrap_or(50);
    if page < 1 {
        return Err(ServiceError::invalid("page", "must be 1 or more").into());
    }
    if !(1..=1000).contains(&per_page) {
        return Err(ServiceError::invalid("per_page", "must be between 1 and 1000").into());
    }
    let kind = q.kind.filter(|k| !k.trim().is_empty());
    Ok(Json(
        s.security_log(&auth.actor, kind, PageRequest { page, per_page })
            .await?,
    ))
}
