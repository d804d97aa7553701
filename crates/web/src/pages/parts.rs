//! Coordinating agencies in the pages (issue 14 part 7): a focal point of an
//! agency the task names as coordinating opens the lead's assignment (its state,
//! not the lead's own reports) and reports its part; the lead, the office and
//! leaders read the parts on the assignment page; "Việc của đơn vị tôi" lists
//! the work the agency coordinates.

use askama::Template;
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use tiendo_core::model::Assignment;
use tiendo_service::ServiceError;
use tiendo_service::parts::PartInput;

use super::Badge;
use super::tasks::deadline_label;
use crate::ctx::*;
use crate::i18n;

/// One part as the page shows it.
pub struct PartItem {
    pub agency: String,
    pub author: String,
    pub date: String,
    pub percent: String,
    pub narrative: String,
}

/// The parts of an assignment as of the page's day.
pub async fn items(
    web: &Web,
    assignment_id: i64,
) -> Result<Vec<PartItem>, axum::response::Response> {
    let ctx = &web.ctx;
    let parts = web
        .service
        .parts(&web.actor, assignment_id, ctx.as_of)
        .await
        .or_page(ctx)?;
    Ok(parts
        .into_iter()
        .map(|p| PartItem {
            agency: p.agency,
            author: p.author,
            date: i18n::date(p.reported_on),
            percent: p.percent.map(|n| format!("{n}%")).unwrap_or_default(),
            narrative: p.narrative,
        })
        .collect())
}

/// A line of "the work my agency coordinates".
pub struct CoordLine {
    pub task: String,
    pub lead: String,
    pub href: String,
    pub deadline: String,
    pub badge: Badge,
}

pub fn line(ctx: &Ctx, a: &Assignment) -> CoordLine {
    CoordLine {
        task: super::short(&a.task_text, 200),
        lead: a.agency_name.clone(),
        href: ctx.link(&format!("/phan-cong/{}", a.id)),
        deadline: deadline_label(ctx, &a.deadline),
        badge: Badge::new(ctx, a.status),
    }
}

#[derive(Template)]
#[template(path = "assignment_coord.html")]
struct CoordPage {
    ctx: Ctx,
    id: i64,
    task: String,
    lead: String,
    deadline: String,
    badge: Badge,
    parts: Vec<PartItem>,
    may_write: bool,
    error: Option<String>,
    typed_percent: String,
    typed_narrative: String,
}

/// The lead's assignment as a coordinating agency's focal point sees it; with
/// `refused`, a part not recorded (why, and the percent and text as typed).
pub async fn coord_page(
    web: Web,
    id: i64,
    ok: Option<&str>,
    refused: Option<(String, String, String)>,
) -> Out {
    let mut web = web.nav("work");
    web.ctx.notice = super::work::notice_for(&web.ctx, ok);
    let ctx = &web.ctx;
    let a = web
        .service
        .coordinated_assignment(&web.actor, id, ctx.day)
        .await
        .or_page(ctx)?;
    let parts = items(&web, id).await?;
    let status = if refused.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let (error, typed_percent, typed_narrative) = match refused {
        Some((e, p, n)) => (Some(e), p, n),
        None => (None, String::new(), String::new()),
    };
    let page = CoordPage {
        id,
        task: a.task_text.clone(),
        lead: a.agency_name.clone(),
        deadline: deadline_label(ctx, &a.deadline),
        badge: Badge::new(ctx, a.status),
        parts,
        // Writing is for today's page only, on open work.
        may_write: ctx.as_of.is_none() && !a.cancelled && a.completed_on.is_none(),
        error,
        typed_percent,
        typed_narrative,
        ctx: ctx.clone(),
    };
    Ok(crate::ctx::render_status(status, &page))
}

/// POST /phan-cong/{id}/phoi-hop: records the agency's part, back to the page.
pub async fn add(web: Web, Path(id): Path<i64>, body: Bytes) -> Out {
    let form = Form::parse(&body);
    web.check_csrf(&form)?;
    let typed_percent = form.raw("percent").trim().to_string();
    let typed_narrative = form.raw("narrative");
    let refuse = |web: Web, why: String| {
        let why = format!("{} {}", web.ctx.t("Chưa ghi nhận:", "Not recorded:"), why);
        coord_page(
            web,
            id,
            None,
            Some((why, typed_percent.clone(), typed_narrative.clone())),
        )
    };
    let percent = if typed_percent.is_empty() {
        None
    } else {
        match typed_percent.trim_end_matches('%').trim().parse::<i32>() {
            Ok(p) => Some(p),
            Err(_) => {
                let why = web
                    .ctx
                    .t(
                        "tỷ lệ hoàn thành phải là một số từ 0 đến 100.",
                        "the percent must be a number from 0 to 100.",
                    )
                    .to_string();
                return refuse(web, why).await;
            }
        }
    };
    let input = PartInput {
        reported_on: None,
        percent,
        narrative: typed_narrative.clone(),
    };
    match web.service.report_part(&web.actor, id, &input).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/phan-cong/{id}?ok=part#phan-phoi-hop")).into_response())
        }
        Err(ServiceError::Invalid { message, .. }) => {
            let why = i18n::message(web.ctx.lang, &message);
            refuse(web, why).await
        }
        Err(e) => Err(error_page(&web.ctx, e)),
    }
}
