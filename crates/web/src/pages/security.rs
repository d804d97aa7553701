//! The security log for the standing office (docs/audit.md): failed sign-ins,
//! refused permissions, new tokens, newest first; and the audit chain's head.

use askama::Template;
use tiendo_core::policy::Role;
use tiendo_service::PageRequest;

use crate::ctx::*;

pub struct Entry {
    pub at: String,
    pub kind: String,
    pub who: String,
    pub client: String,
    pub action: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "security.html")]
struct SecurityPage {
    ctx: Ctx,
    entries: Vec<Entry>,
    total: i64,
    head: String,
}

pub async fn page(web: Web) -> Out {
    let web = web.nav("security");
    let ctx = &web.ctx;
    if web.actor.role != Role::Admin {
        return Err(forbidden_page(
            ctx,
            ctx.t(
                "Chỉ cơ quan thường trực xem nhật ký an ninh.",
                "Only the standing office reads the security log.",
            ),
        ));
    }
    let log = web
        .service
        .security_log(
            &web.actor,
            None,
            PageRequest {
                page: 1,
                per_page: 200,
            },
        )
        .await
        .or_page(ctx)?;
    let head = web.service.audit_head().await.or_page(ctx)?;
    let kind = |k: &str| match k {
        "sign_in_failed" => ctx.t("Đăng nhập sai", "Failed sign-in"),
        "permission_refused" => ctx.t("Bị từ chối quyền", "Permission refused"),
        "token_created" => ctx.t("Cấp mã truy cập", "Token created"),
        _ => "",
    };
    let entries = log
        .items
        .iter()
        .map(|e| Entry {
            at: e.at.replace('T', " ").chars().take(19).collect(),
            kind: kind(&e.kind).to_string(),
            who: e.username.clone().unwrap_or_default(),
            client: e.client.clone().unwrap_or_default(),
            action: e.action.clone(),
            detail: e.detail.clone(),
        })
        .collect();
    Ok(render(&SecurityPage {
        ctx: ctx.clone(),
        entries,
        total: log.total,
        head: head.line(),
    }))
}
