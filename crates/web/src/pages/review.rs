//! The standing office's queue: reports claiming completion (accept, or return
//! with a reason) and extension requests (approve or refuse).

use std::collections::HashMap;

use askama::Template;
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::StatusCode;
use tiendo_core::policy::Role;
use tiendo_service::ServiceError;
use tiendo_service::input::{DecisionInput, ReviewInput};
use tiendo_store::{ExtensionFilter, ReportFilter};

use super::short;
use super::tasks::deadline_label;
use super::work::notice_for;
use crate::ctx::*;
use crate::i18n;

pub struct PendingReport {
    pub id: i64,
    pub agency: String,
    pub task: String,
    pub href: String,
    /// The assignment's history section.
    pub history_href: String,
    /// The assignment's deadline in force on the day.
    pub deadline: String,
    /// Days late when the assignment is overdue on the day, else empty.
    pub days_late: String,
    /// The percent the report gives, or "—".
    pub percent: String,
    pub date: String,
    pub completed_on: String,
    pub narrative: String,
    pub difficulties: String,
    pub proposals: String,
    pub evidence: String,
    /// Evidence files attached to the report.
    pub files: Vec<super::evidence::FileLink>,
    pub note: String,
    pub error: String,
}

pub struct PendingExtension {
    pub id: i64,
    pub agency: String,
    pub task: String,
    pub href: String,
    pub date: String,
    pub from: String,
    pub to: String,
    pub reason: String,
    /// The official letter attached to the request.
    pub letter: Option<super::evidence::FileLink>,
    pub note: String,
    pub error: String,
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage {
    ctx: Ctx,
    reports: Vec<PendingReport>,
    reports_total: String,
    extensions: Vec<PendingExtension>,
    extensions_total: String,
    /// Imported documents with proposed tasks: (review link, citation, waiting, all).
    imports: Vec<(String, String, i64, i64)>,
    bulk_error: Option<String>,
}

/// Errors and typed notes to show again, by item key ("r12", "x3").
#[derive(Default)]
struct Again {
    notes: HashMap<String, String>,
    errors: HashMap<String, String>,
    /// Why the reports chosen were not accepted together.
    bulk: Option<String>,
}

async fn render_queue(web: &Web, again: Again) -> Out {
    let ctx = &web.ctx;
    let s = &web.service;
    if web.actor.role != Role::Admin {
        return Err(forbidden_page(
            ctx,
            ctx.t(
                "Chỉ cơ quan thường trực duyệt báo cáo và quyết định gia hạn.",
                "Only the standing office reviews reports and decides extensions.",
            ),
        ));
    }
    let reports = s
        .list_reports(
            &web.actor,
            ReportFilter {
                review_state: Some("pending".into()),
                page: 1,
                per_page: 100,
                ..Default::default()
            },
        )
        .await
        .or_page(ctx)?;
    let report_ids: Vec<i64> = reports.items.iter().map(|r| r.id).collect();
    let mut files = super::evidence::by_report(s, &web.actor, &report_ids).await;
    let mut pr = Vec::new();
    for r in &reports.items {
        let task = s
            .get_task(&web.actor, r.task_id, ctx.today)
            .await
            .map(|t| short(&t.text, 300))
            .unwrap_or_default();
        let key = format!("r{}", r.id);
        let assignment = s
            .get_assignment(&web.actor, r.assignment_id, ctx.day)
            .await
            .ok();
        pr.push(PendingReport {
            id: r.id,
            agency: s.agency_name(r.agency_id),
            task,
            href: ctx.link(&format!("/phan-cong/{}", r.assignment_id)),
            history_href: ctx.link(&format!("/phan-cong/{}", r.assignment_id)) + "#h-history",
            deadline: assignment
                .as_ref()
                .map(|a| deadline_label(ctx, &a.deadline))
                .unwrap_or_default(),
            days_late: assignment
                .as_ref()
                .filter(|a| a.status == tiendo_core::status::Status::Overdue && a.days_late > 0)
                .map(|a| ctx.lang.int(a.days_late))
                .unwrap_or_default(),
            percent: r
                .percent
                .map(|p| format!("{p}%"))
                .unwrap_or_else(|| "—".into()),
            date: i18n::date(r.reported_on),
            completed_on: i18n::opt_date(r.completed_on.or(Some(r.reported_on))),
            narrative: r.narrative.clone(),
            difficulties: r.difficulties.clone().unwrap_or_default(),
            proposals: r.proposals.clone().unwrap_or_default(),
            evidence: r.evidence_number.clone().unwrap_or_default(),
            files: files.remove(&r.id).unwrap_or_default(),
            note: again.notes.get(&key).cloned().unwrap_or_default(),
            error: again.errors.get(&key).cloned().unwrap_or_default(),
        });
    }
    let exts = s
        .list_extensions(
            &web.actor,
            ExtensionFilter {
                state: Some("requested".into()),
                page: 1,
                per_page: 100,
                ..Default::default()
            },
        )
        .await
        .or_page(ctx)?;
    let ids: Vec<i64> = exts.items.iter().map(|x| x.id).collect();
    let mut letters = super::letters::by_extension(s, &web.actor, &ids).await;
    let mut px = Vec::new();
    for x in &exts.items {
        let a = s
            .get_assignment(&web.actor, x.assignment_id, ctx.today)
            .await;
        let key = format!("x{}", x.id);
        px.push(PendingExtension {
            id: x.id,
            agency: s.agency_name(x.agency_id),
            task: a
                .as_ref()
                .map(|a| short(&a.task_text, 300))
                .unwrap_or_default(),
            href: format!("/phan-cong/{}", x.assignment_id),
            date: i18n::instant(&x.created_at),
            from: deadline_label(ctx, &x.previous_deadline),
            to: deadline_label(ctx, &x.requested_deadline),
            reason: x.reason.clone(),
            letter: letters.remove(&x.id),
            note: again.notes.get(&key).cloned().unwrap_or_default(),
            error: again.errors.get(&key).cloned().unwrap_or_default(),
        });
    }
    let status = if again.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render_status(
        status,
        &ReviewPage {
            ctx: ctx.clone(),
            reports_total: ctx.lang.int(reports.total),
            reports: pr,
            extensions_total: ctx.lang.int(exts.total),
            extensions: px,
            imports: super::drafts::pending_documents(web).await,
            bulk_error: again.bulk.clone(),
        },
    ))
}

pub async fn queue(web: Web, q: QueryPairs) -> Out {
    let mut web = web.nav("review");
    web.ctx.notice = notice_for(&web.ctx, q.get("ok"));
    render_queue(&web, Again::default()).await
}

fn problem(
    web: &Web,
    key: String,
    note: Option<String>,
    e: ServiceError,
) -> Result<Again, axum::response::Response> {
    match e {
        ServiceError::Invalid { message, .. } | ServiceError::Conflict(message) => {
            let mut again = Again::default();
            again.notes.insert(key.clone(), note.unwrap_or_default());
            again
                .errors
                .insert(key, i18n::message(web.ctx.lang, &message));
            Ok(again)
        }
        other => Err(error_page(&web.ctx, other)),
    }
}

/// POST /duyet/chap-nhan: accepts the reports ticked in the queue, all of them
/// or none (one transaction); nothing ticked, or one decided meanwhile, is said
/// above the list.
pub async fn accept_many(web: Web, body: Bytes) -> Out {
    let web = web.nav("review");
    let form = Form::parse(&body);
    web.check_csrf(&form)?;
    let mut ids = Vec::new();
    for v in form.all("ids") {
        match v.parse::<i64>() {
            Ok(id) => ids.push(id),
            Err(_) => {
                return Err(error_page(
                    &web.ctx,
                    ServiceError::invalid("ids", "not a report"),
                ));
            }
        }
    }
    let input = tiendo_service::input::BulkReviewInput {
        ids,
        accept: true,
        note: None,
    };
    match web.service.review_reports(&web.actor, &input).await {
        Ok(done) => Ok(see_other(&format!(
            "/duyet?ok=accepted_many&n={}",
            done.len()
        ))),
        Err(ServiceError::Invalid { message, .. } | ServiceError::Conflict(message)) => {
            let again = Again {
                bulk: Some(format!(
                    "{} {}",
                    web.ctx
                        .t("Chưa chấp nhận báo cáo nào:", "No report was accepted:"),
                    i18n::message(web.ctx.lang, &message)
                )),
                ..Default::default()
            };
            render_queue(&web, again).await
        }
        Err(e) => Err(error_page(&web.ctx, e)),
    }
}

pub async fn review_report(web: Web, Path(id): Path<i64>, body: Bytes) -> Out {
    let web = web.nav("review");
    let form = Form::parse(&body);
    web.check_csrf(&form)?;
    let accept = form.get("decision") == Some("accept");
    let note = form.text("note");
    let input = ReviewInput {
        accept,
        note: note.clone(),
    };
    match web.service.review_report(&web.actor, id, &input).await {
        Ok(_) => Ok(see_other(if accept {
            "/duyet?ok=accepted"
        } else {
            "/duyet?ok=returned"
        })),
        Err(e) => {
            let again = problem(&web, format!("r{id}"), note, e)?;
            render_queue(&web, again).await
        }
    }
}

pub async fn decide_extension(web: Web, Path(id): Path<i64>, body: Bytes) -> Out {
    let web = web.nav("review");
    let form = Form::parse(&body);
    web.check_csrf(&form)?;
    let approve = form.get("decision") == Some("approve");
    let note = form.text("note");
    let input = DecisionInput {
        approve,
        note: note.clone(),
    };
    match web.service.decide_extension(&web.actor, id, &input).await {
        Ok(_) => Ok(see_other(if approve {
            "/duyet?ok=approved"
        } else {
            "/duyet?ok=refused"
        })),
        Err(e) => {
            let again = problem(&web, format!("x{id}"), note, e)?;
            render_queue(&web, again).await
        }
    }
}
