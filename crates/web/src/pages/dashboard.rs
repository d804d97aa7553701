//! The dashboard: counts by status, overdue work by agency (a chart drawn on the
//! server), tasks due in the next 14 days, recent reports. Every number links to
//! the task list with the matching filter.

use askama::Template;
use chrono::Duration;
use tiendo_core::policy::Role;
use tiendo_core::status::Status;
use tiendo_store::{AssignmentFilter, ReportFilter, TaskFilter, TaskSort};

use super::tasks::{TaskRow, task_row};
use super::{Badge, short};
use crate::chart::{self, Bar};
use crate::ctx::*;
use crate::i18n;

pub struct CountBox {
    pub badge: Badge,
    pub count: String,
    pub href: String,
}

pub struct AgencyLine {
    pub name: String,
    pub href: String,
    pub tasks_href: String,
    pub count: String,
    pub max_late: String,
}

pub struct ReportLine {
    pub date: String,
    pub agency: String,
    pub task: String,
    pub href: String,
    pub percent: String,
    pub state: String,
    pub state_class: &'static str,
}

/// One of a focal point's own assignments (overdue or due soon).
pub struct OwnLine {
    pub task: String,
    pub href: String,
    pub deadline: String,
    pub days_late: String,
}

/// A focal point's dashboard: its own agency's work, not the national charts.
pub struct FocalView {
    pub agency: String,
    pub agency_href: String,
    pub overdue: Vec<OwnLine>,
    pub overdue_total: String,
    pub overdue_href: String,
    pub soon: Vec<OwnLine>,
    pub soon_total: String,
    pub soon_href: String,
    pub work_href: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    ctx: Ctx,
    /// Set for a focal point: the page shows its agency's work instead.
    focal: Option<FocalView>,
    counts: Vec<CountBox>,
    total: String,
    chart: String,
    agencies: Vec<AgencyLine>,
    overdue_total: String,
    overdue_href: String,
    rows: Vec<TaskRow>,
    soon_total: String,
    soon_href: String,
    reports: Vec<ReportLine>,
    path_only: String,
    /// The overdue appendix and the monthly report as files.
    overdue_files: Vec<super::printed::Download>,
    /// The urging letter's form (every agency), for the office.
    urging: Option<super::urging::UrgingForm>,
    monthly_files: Vec<super::printed::Download>,
}

pub fn review_state(ctx: &Ctx, s: &str) -> (String, &'static str) {
    let label = match s {
        "pending" => ctx.t("Chờ duyệt", "Awaiting review"),
        "accepted" => ctx.t("Đã chấp nhận", "Accepted"),
        "returned" => ctx.t("Trả lại", "Returned"),
        "withdrawn" => ctx.t("Đã rút lại", "Withdrawn"),
        _ => ctx.t("Báo cáo định kỳ", "Progress update"),
    };
    let class = match s {
        "pending" => "due_soon",
        "accepted" => "completed_on_time",
        "returned" => "overdue",
        _ => "in_progress",
    };
    (label.to_string(), class)
}

pub async fn page(web: Web) -> Out {
    let web = web.nav("dashboard");
    dashboard(&web.service, &web.actor, &web.ctx).await
}

/// The dashboard of an actor for a context (the day, the language).
pub async fn dashboard(
    s: &tiendo_service::Service,
    actor: &tiendo_core::policy::Actor,
    ctx: &Ctx,
) -> Out {
    let day = ctx.day;
    let to = day + Duration::days(14);
    // The four reads are independent: run them together (the database works on
    // them in parallel over its pool).
    let soon_filter = TaskFilter {
        agency_id: None,
        document_id: None,
        status: None,
        as_of: day,
        known_only: ctx.as_of.is_some(),
        due_from: Some(day),
        due_to: Some(to),
        field: None,
        words: Vec::new(),
        confined_to: None,
        lacking: None,
        due_soon_days: 0,
        sort: TaskSort::Due,
        page: 1,
        per_page: 10,
    };
    let report_filter = ReportFilter {
        known_by: ctx.known_by(),
        page: 1,
        per_page: 60,
        ..Default::default()
    };
    let (counts, overdue, soon, recent) = tokio::join!(
        s.status_counts(actor, day, None),
        s.overdue_by_agency(actor, day),
        s.list_tasks(actor, soon_filter),
        s.list_reports(actor, report_filter),
    );
    let counts = counts.or_page(ctx)?;
    let overdue = overdue.or_page(ctx)?;
    let soon = soon.or_page(ctx)?;
    let recent = recent.or_page(ctx)?;
    let total: i64 = counts.iter().map(|(_, n)| n).sum();
    let count_boxes = counts
        .iter()
        .map(|(st, n)| CountBox {
            badge: Badge::new(ctx, *st),
            count: ctx.lang.int(*n),
            href: ctx.link(&format!("/nhiem-vu?status={}", st.as_str())),
        })
        .collect();
    let overdue_total: i64 = overdue.iter().map(|a| a.count).sum();
    let tasks_href = |code: &str| {
        ctx.link(&build(
            "/nhiem-vu",
            &[
                ("agency".into(), code.to_string()),
                ("status".into(), "overdue".into()),
            ],
        ))
    };
    let bars: Vec<Bar> = overdue
        .iter()
        .take(15)
        .map(|a| Bar {
            label: a.agency_name.clone(),
            value: a.count,
            shown: ctx.lang.int(a.count),
            href: tasks_href(&a.agency_code),
        })
        .collect();
    let chart = if bars.is_empty() {
        String::new()
    } else {
        chart::bars(
            ctx.t(
                "Số phân công quá hạn theo cơ quan",
                "Overdue assignments by agency",
            ),
            &bars,
        )
    };
    let agencies = overdue
        .iter()
        .take(10)
        .map(|a| AgencyLine {
            name: a.agency_name.clone(),
            href: ctx.link(&format!("/co-quan/{}", a.agency_id)),
            tasks_href: tasks_href(&a.agency_code),
            count: ctx.lang.int(a.count),
            max_late: ctx.lang.int(a.max_days_late),
        })
        .collect();
    let soon_href = ctx.link(&format!("/nhiem-vu?due_from={day}&due_to={to}"));
    let mut reports = Vec::new();
    for r in recent.items.iter().take(8) {
        let task = s
            .get_task(actor, r.task_id, day)
            .await
            .map(|t| short(&t.text, 140))
            .unwrap_or_default();
        let (state, state_class) = review_state(ctx, &r.review_state);
        reports.push(ReportLine {
            date: i18n::date(r.reported_on),
            agency: s.agency_name(r.agency_id),
            task,
            href: ctx.link(&format!("/phan-cong/{}", r.assignment_id)),
            percent: r
                .percent
                .map(|p| format!("{p}%"))
                .unwrap_or_else(|| "—".into()),
            state,
            state_class,
        });
    }
    let focal = match (actor.role, actor.agency_id) {
        (Role::Focal, Some(agency)) => Some(focal_view(s, actor, ctx, agency).await?),
        _ => None,
    };
    let page = DashboardPage {
        focal,
        counts: count_boxes,
        total: ctx.lang.int(total),
        chart,
        agencies,
        overdue_total: ctx.lang.int(overdue_total),
        overdue_href: ctx.link("/nhiem-vu?status=overdue"),
        rows: soon.items.iter().map(|t| task_row(ctx, t, &[])).collect(),
        soon_total: ctx.lang.int(soon.total),
        soon_href,
        reports,
        path_only: "/".into(),
        overdue_files: super::printed::links(ctx, "overdue", &[]),
        urging: super::urging::UrgingForm::for_office(ctx, None),
        monthly_files: super::printed::links(ctx, "monthly", &[]),
        ctx: ctx.clone(),
    };
    Ok(render(&page))
}

/// A focal point's own overdue and due-soon assignments (the first 20 of each).
async fn focal_view(
    s: &tiendo_service::Service,
    actor: &tiendo_core::policy::Actor,
    ctx: &Ctx,
    agency: i64,
) -> Result<FocalView, axum::response::Response> {
    let filter = |status: Status| AssignmentFilter {
        task_id: None,
        agency_id: Some(agency),
        document_id: None,
        status: Some(status),
        as_of: ctx.day,
        due_soon_days: 0,
        confined_to: None,
        page: 1,
        per_page: 20,
    };
    let (overdue, soon) = tokio::join!(
        s.list_assignments(actor, filter(Status::Overdue)),
        s.list_assignments(actor, filter(Status::DueSoon)),
    );
    let (overdue, soon) = (overdue.or_page(ctx)?, soon.or_page(ctx)?);
    let lines = |items: &[tiendo_core::model::Assignment]| {
        items
            .iter()
            .map(|a| OwnLine {
                task: short(&a.task_text, 200),
                href: ctx.link(&format!("/phan-cong/{}", a.id)),
                deadline: super::tasks::deadline_label(ctx, &a.deadline),
                days_late: if a.days_late > 0 {
                    ctx.lang.int(a.days_late)
                } else {
                    String::new()
                },
            })
            .collect()
    };
    Ok(FocalView {
        agency: s.agency_name(agency),
        agency_href: ctx.link(&format!("/co-quan/{agency}")),
        overdue: lines(&overdue.items),
        overdue_total: ctx.lang.int(overdue.total),
        overdue_href: ctx.link("/nhiem-vu?status=overdue"),
        soon: lines(&soon.items),
        soon_total: ctx.lang.int(soon.total),
        soon_href: ctx.link("/nhiem-vu?status=due_soon"),
        work_href: ctx.link("/viec-cua-toi"),
    })
}
