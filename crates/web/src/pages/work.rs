//! A focal point's work: its agency's open assignments by urgency, an
//! assignment's page, and the forms to report progress, commit to a date and ask
//! for an extension. Errors appear next to their field and nothing typed is lost.
//! Every write goes through the service, which refuses another agency's work.

use std::collections::HashMap;

use askama::Template;
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::StatusCode;
use tiendo_core::model::Assignment;
use tiendo_core::policy::{Role, Write};
use tiendo_core::status::Status;
use tiendo_core::time::parse_day;
use tiendo_service::ServiceError;
use tiendo_service::input::{CommitmentInput, DeadlineInput, ExtensionInput, ReportInput};
use tiendo_store::{AssignmentFilter, CommitmentFilter, ExtensionFilter, ReportFilter};

use super::dashboard::review_state;
use super::task::{commitment_outcome, extension_state};
use super::tasks::deadline_label;
use super::{Badge, short};
use crate::ctx::*;
use crate::i18n::{self, Lang};

/// The values and errors of a form.
#[derive(Debug, Clone, Default)]
pub struct Fields {
    pub values: HashMap<String, String>,
    pub errors: HashMap<String, String>,
}

impl Fields {
    pub fn from_form(form: &Form) -> Fields {
        Fields {
            values: form.pairs.iter().cloned().collect(),
            errors: HashMap::new(),
        }
    }

    pub fn v(&self, k: &str) -> &str {
        self.values.get(k).map(String::as_str).unwrap_or("")
    }

    pub fn e(&self, k: &str) -> &str {
        self.errors.get(k).map(String::as_str).unwrap_or("")
    }

    pub fn has(&self, k: &str) -> bool {
        self.errors.contains_key(k)
    }

    pub fn checked(&self, k: &str) -> bool {
        matches!(self.v(k), "on" | "true" | "1")
    }

    pub fn is(&self, k: &str, v: &str) -> bool {
        self.v(k) == v
    }

    pub fn err(&mut self, k: &str, msg: impl Into<String>) {
        self.errors
            .entry(k.to_string())
            .or_insert_with(|| msg.into());
    }

    pub fn any(&self) -> bool {
        !self.errors.is_empty()
    }

    /// Puts a service error next to its field (or at the top, under "form").
    pub fn service_error(&mut self, lang: Lang, e: &ServiceError, known: &[&str]) {
        match e {
            ServiceError::Invalid { field, message } => {
                let f = field.split(['.', '[']).next().unwrap_or(field);
                let key = if known.contains(&f) { f } else { "form" };
                self.err(key, i18n::message(lang, message));
            }
            ServiceError::Conflict(m) => self.err("form", i18n::message(lang, m)),
            other => self.err("form", other.to_string()),
        }
    }
}

pub struct WorkLine {
    pub task: String,
    pub task_href: String,
    pub href: String,
    pub deadline: String,
    pub urgency: String,
    pub badge: Badge,
    pub report_href: String,
    pub commit_href: String,
    pub extend_href: String,
}

pub struct WorkGroup {
    pub title: String,
    pub id: &'static str,
    pub total: String,
    pub lines: Vec<WorkLine>,
}

pub struct ReturnedLine {
    pub task: String,
    pub href: String,
    pub note: String,
    pub date: String,
}

#[derive(Template)]
#[template(path = "work.html")]
struct WorkPage {
    ctx: Ctx,
    agency: String,
    agency_href: String,
    groups: Vec<WorkGroup>,
    returned: Vec<ReturnedLine>,
    /// Open work of other agencies on tasks that name this one as coordinating.
    coordinated: Vec<super::parts::CoordLine>,
    for_focal: bool,
}

fn urgency(ctx: &Ctx, a: &Assignment) -> String {
    match (a.status, a.deadline.due) {
        (Status::Overdue, _) => match ctx.lang {
            Lang::Vi => format!("Trễ {} ngày", ctx.lang.int(a.days_late)),
            Lang::En => format!("{} days late", ctx.lang.int(a.days_late)),
        },
        (_, Some(due)) if due >= ctx.day => {
            let left = (due - ctx.day).num_days();
            match ctx.lang {
                Lang::Vi => format!("Còn {} ngày", ctx.lang.int(left)),
                Lang::En => format!("{} days left", ctx.lang.int(left)),
            }
        }
        _ => String::new(),
    }
}

fn work_line(ctx: &Ctx, a: &Assignment) -> WorkLine {
    WorkLine {
        task: short(&a.task_text, 240),
        task_href: ctx.link(&format!("/nhiem-vu/{}", a.task_id)),
        href: ctx.link(&format!("/phan-cong/{}", a.id)),
        deadline: deadline_label(ctx, &a.deadline),
        urgency: urgency(ctx, a),
        badge: Badge::new(ctx, a.status),
        report_href: format!("/phan-cong/{}/bao-cao", a.id),
        commit_href: format!("/phan-cong/{}/cam-ket", a.id),
        extend_href: format!("/phan-cong/{}/gia-han", a.id),
    }
}

pub async fn my_work(web: Web) -> Out {
    let web = web.nav("work");
    let ctx = &web.ctx;
    let s = &web.service;
    let Some(agency) = web
        .actor
        .agency_id
        .filter(|_| web.actor.role == Role::Focal)
    else {
        return Ok(render(&WorkPage {
            ctx: ctx.clone(),
            agency: String::new(),
            agency_href: String::new(),
            groups: Vec::new(),
            returned: Vec::new(),
            coordinated: Vec::new(),
            for_focal: false,
        }));
    };
    let mut groups = Vec::new();
    for (status, id, vi, en) in [
        (Status::Overdue, "g-overdue", "Quá hạn", "Overdue"),
        (Status::DueSoon, "g-soon", "Sắp đến hạn", "Due soon"),
        (
            Status::InProgress,
            "g-progress",
            "Đang thực hiện",
            "In progress",
        ),
        (
            Status::Recurring,
            "g-recurring",
            "Thường xuyên",
            "Recurring",
        ),
    ] {
        let page = s
            .list_assignments(
                &web.actor,
                AssignmentFilter {
                    task_id: None,
                    agency_id: Some(agency),
                    document_id: None,
                    status: Some(status),
                    as_of: ctx.day,
                    due_soon_days: 0,
                    confined_to: None,
                    page: 1,
                    per_page: 200,
                },
            )
            .await
            .or_page(ctx)?;
        groups.push(WorkGroup {
            title: ctx.t(vi, en).to_string(),
            id,
            total: ctx.lang.int(page.total),
            lines: page.items.iter().map(|a| work_line(ctx, a)).collect(),
        });
    }
    let returned = s
        .list_reports(
            &web.actor,
            ReportFilter {
                agency_id: Some(agency),
                review_state: Some("returned".into()),
                known_by: ctx.known_by(),
                page: 1,
                per_page: 50,
                ..Default::default()
            },
        )
        .await
        .or_page(ctx)?;
    let mut returned_lines = Vec::new();
    for r in &returned.items {
        let task = s
            .get_task(&web.actor, r.task_id, ctx.day)
            .await
            .map(|t| short(&t.text, 200))
            .unwrap_or_default();
        returned_lines.push(ReturnedLine {
            task,
            href: ctx.link(&format!("/phan-cong/{}", r.assignment_id)),
            note: r.review_note.clone().unwrap_or_default(),
            date: i18n::date(r.reported_on),
        });
    }
    Ok(render(&WorkPage {
        ctx: ctx.clone(),
        agency: s.agency_name(agency),
        agency_href: ctx.link(&format!("/co-quan/{agency}")),
        groups,
        returned: returned_lines,
        coordinated: s
            .coordinating(&web.actor, ctx.day, 100)
            .await
            .or_page(ctx)?
            .iter()
            .map(|a| super::parts::line(ctx, a))
            .collect(),
        for_focal: true,
    }))
}

pub struct ReportItem {
    pub id: i64,
    /// Whether the reader may withdraw it now (waiting for review, today's page).
    pub withdraw: bool,
    /// Whether the reader may change it now (not decided, its author or the office).
    pub edit: bool,
    pub date: String,
    pub percent: String,
    pub claims: bool,
    pub narrative: String,
    pub difficulties: String,
    pub proposals: String,
    pub evidence: String,
    pub files: Vec<super::evidence::FileLink>,
    pub state: String,
    pub state_class: &'static str,
    pub note: String,
}

pub struct SimpleItem {
    /// Where to withdraw it, when the reader may now; empty otherwise.
    pub withdraw_href: String,
    /// Where to edit it, when the reader may now; empty otherwise.
    pub edit_href: String,
    /// The official letter of an extension request.
    pub letter: Option<super::evidence::FileLink>,
    pub date: String,
    pub text: String,
    pub state: String,
    pub state_class: &'static str,
}

#[derive(Template)]
#[template(path = "assignment.html")]
struct AssignmentPage {
    ctx: Ctx,
    id: i64,
    task: String,
    task_href: String,
    agency: String,
    agency_href: String,
    deadline: String,
    badge: Badge,
    urgency: String,
    completed: String,
    reports: Vec<ReportItem>,
    extensions: Vec<SimpleItem>,
    commitments: Vec<SimpleItem>,
    can_write: bool,
    history: Vec<crate::history::HistoryLine>,
    raw_history: bool,
    comments: Vec<super::comments::CommentItem>,
    may_comment: bool,
    /// What coordinating agencies reported of their part.
    parts: Vec<super::parts::PartItem>,
    /// A comment refused: why, and the text as typed.
    comment_error: Option<String>,
    comment_typed: String,
}

pub async fn assignment(web: Web, Path(id): Path<i64>, q: QueryPairs) -> Out {
    assignment_page(web, id, &q, None).await
}

/// The assignment page; with `comment_error`, a refused comment (why, typed text).
pub(crate) async fn assignment_page(
    web: Web,
    id: i64,
    q: &QueryPairs,
    comment_error: Option<(String, String)>,
) -> Out {
    let nav = if web.actor.role == Role::Focal {
        "work"
    } else {
        "tasks"
    };
    // A coordinating agency's focal point sees the lead's assignment its own way.
    if web.actor.role == Role::Focal
        && comment_error.is_none()
        && let Ok(tiendo_service::parts::Standing::Coordinates) =
            web.service.standing(&web.actor, id).await
    {
        return super::parts::coord_page(web, id, q.get("ok"), None).await;
    }
    let mut web = web.nav(nav);
    web.ctx.notice = notice(&web.ctx, q.get("ok"));
    let ctx = &web.ctx;
    let s = &web.service;
    let a = s
        .get_assignment(&web.actor, id, ctx.day)
        .await
        .or_page(ctx)?;
    let reports = s
        .list_reports(
            &web.actor,
            ReportFilter {
                assignment_id: Some(id),
                known_by: ctx.known_by(),
                page: 1,
                per_page: 200,
                ..Default::default()
            },
        )
        .await
        .or_page(ctx)?;
    let report_ids: Vec<i64> = reports.items.iter().map(|r| r.id).collect();
    let mut files = super::evidence::by_report(s, &web.actor, &report_ids).await;
    let extensions = s
        .list_extensions(
            &web.actor,
            ExtensionFilter {
                assignment_id: Some(id),
                known_by: ctx.known_by(),
                page: 1,
                per_page: 100,
                ..Default::default()
            },
        )
        .await
        .or_page(ctx)?;
    let extension_ids: Vec<i64> = extensions.items.iter().map(|x| x.id).collect();
    let mut letters = super::letters::by_extension(s, &web.actor, &extension_ids).await;
    let commitments = s
        .list_commitments(
            &web.actor,
            CommitmentFilter {
                assignment_id: Some(id),
                known_by: ctx.known_by(),
                page: 1,
                per_page: 100,
                ..Default::default()
            },
            ctx.day,
        )
        .await
        .or_page(ctx)?;
    // The history of this assignment: its own events and those of its reports,
    // extension requests and commitments known on the page's day.
    let mut names = crate::history::PageNames::new(s);
    names.of("assignment", id, a.agency_id);
    for r in &reports.items {
        names.of("progress_report", r.id, a.agency_id);
    }
    for x in &extensions.items {
        names.of("extension", x.id, a.agency_id);
    }
    for c in &commitments.items {
        names.of("commitment", c.id, a.agency_id);
    }
    let events = s.assignment_history(&web.actor, id).await.or_page(ctx)?;
    let history = super::task::history_lines(ctx, &events, &names);
    let open = !a.cancelled && a.completed_on.is_none();
    // Withdrawing is for today's page, by the agency's focal point or the office.
    let writable = ctx.as_of.is_none()
        && web.actor.may(Write::Report {
            agency: a.agency_id,
        });
    let (comments, may_comment) = super::comments::thread(&web, id, a.agency_id).await?;
    let parts = super::parts::items(&web, id).await?;
    let status = if comment_error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let (comment_error, comment_typed) = match comment_error {
        Some((e, t)) => (Some(e), t),
        None => (None, String::new()),
    };
    let page = AssignmentPage {
        parts,
        comments,
        may_comment,
        comment_error,
        comment_typed,
        history,
        raw_history: ctx.is_admin(),
        id,
        task: a.task_text.clone(),
        task_href: ctx.link(&format!("/nhiem-vu/{}", a.task_id)),
        agency: a.agency_name.clone(),
        agency_href: ctx.link(&format!("/co-quan/{}", a.agency_id)),
        deadline: deadline_label(ctx, &a.deadline),
        badge: Badge::new(ctx, a.status),
        urgency: urgency(ctx, &a),
        completed: i18n::opt_date(a.completed_on),
        reports: reports
            .items
            .iter()
            .map(|r| {
                let (state, state_class) = review_state(ctx, &r.review_state);
                ReportItem {
                    id: r.id,
                    edit: writable
                        && matches!(r.review_state.as_str(), "pending" | "none")
                        && (web.actor.role == Role::Admin || r.author_id == web.actor.user_id),
                    withdraw: writable
                        && r.review_state == "pending"
                        && (web.actor.role == Role::Admin || r.author_id == web.actor.user_id),
                    date: i18n::date(r.reported_on),
                    percent: r.percent.map(|p| format!("{p}%")).unwrap_or_default(),
                    claims: r.claims_completion,
                    narrative: r.narrative.clone(),
                    difficulties: r.difficulties.clone().unwrap_or_default(),
                    proposals: r.proposals.clone().unwrap_or_default(),
                    evidence: r.evidence_number.clone().unwrap_or_default(),
                    files: files
                        .remove(&r.id)
                        .unwrap_or_default()
                        .into_iter()
                        .filter(|f| ctx.known(&f.created))
                        .collect(),
                    state,
                    state_class,
                    note: r.review_note.clone().unwrap_or_default(),
                }
            })
            .collect(),
        extensions: extensions
            .items
            .iter()
            .map(|x| {
                let (state, state_class) = extension_state(ctx, &x.state);
                SimpleItem {
                    withdraw_href: if writable
                        && x.state == "requested"
                        && (web.actor.role == Role::Admin || x.requested_by == web.actor.user_id)
                    {
                        format!("/gia-han/{}/rut-lai", x.id)
                    } else {
                        String::new()
                    },
                    edit_href: String::new(),
                    letter: letters.remove(&x.id).filter(|l| ctx.known(&l.created)),
                    date: i18n::instant(&x.created_at),
                    text: format!(
                        "{} → {}: {}{}",
                        deadline_label(ctx, &x.previous_deadline),
                        deadline_label(ctx, &x.requested_deadline),
                        x.reason,
                        x.decision_note
                            .as_ref()
                            .map(|n| format!(" — {n}"))
                            .unwrap_or_default()
                    ),
                    state,
                    state_class,
                }
            })
            .collect(),
        commitments: commitments
            .items
            .iter()
            .map(|c| {
                let (state, state_class) = commitment_outcome(ctx, &c.outcome);
                SimpleItem {
                    withdraw_href: String::new(),
                    edit_href: if writable && c.outcome == "pending" && c.committed_on >= ctx.today
                    {
                        format!("/cam-ket/{}/sua", c.id)
                    } else {
                        String::new()
                    },
                    letter: None,
                    date: i18n::instant(&c.created_at),
                    text: format!(
                        "{} {}{}{}",
                        ctx.t("Hoàn thành trước", "Complete by"),
                        i18n::date(c.committed_on),
                        c.letter_number
                            .as_ref()
                            .map(|n| format!(" · {n}"))
                            .unwrap_or_default(),
                        c.note
                            .as_ref()
                            .map(|n| format!(" — {n}"))
                            .unwrap_or_default()
                    ),
                    state,
                    state_class,
                }
            })
            .collect(),
        can_write: open
            && ctx.as_of.is_none()
            && web.actor.may(Write::Report {
                agency: a.agency_id,
            }),
        ctx: ctx.clone(),
    };
    Ok(render_status(status, &page))
}

fn notice(ctx: &Ctx, ok: Option<&str>) -> Option<String> {
    Some(
        match ok? {
            "report" => ctx.t(
                "Đã gửi báo cáo tiến độ.",
                "The progress report has been sent.",
            ),
            "commitment" => ctx.t("Đã ghi nhận cam kết.", "The commitment has been recorded."),
            "extension" => ctx.t(
                "Đã gửi đề nghị gia hạn.",
                "The extension request has been sent.",
            ),
            "accepted" => ctx.t("Đã chấp nhận báo cáo.", "The report was accepted."),
            "accepted_many" => ctx.t(
                "Đã chấp nhận các báo cáo đã chọn và xác nhận hoàn thành.",
                "The reports chosen were accepted and their completion confirmed.",
            ),
            "returned" => ctx.t("Đã trả lại báo cáo.", "The report was returned."),
            "approved" => ctx.t("Đã chấp thuận gia hạn.", "The extension was approved."),
            "refused" => ctx.t("Đã từ chối gia hạn.", "The extension was refused."),
            "comment" => ctx.t("Đã gửi ý kiến.", "The comment has been sent."),
            "withdrawn_report" => ctx.t("Đã rút lại báo cáo.", "The report was withdrawn."),
            "edited_report" => ctx.t(
                "Đã sửa báo cáo tiến độ.",
                "The progress report was changed.",
            ),
            "edited_commitment" => ctx.t("Đã sửa cam kết.", "The commitment was changed."),
            "withdrawn_extension" => ctx.t(
                "Đã rút lại đề nghị gia hạn.",
                "The extension request was withdrawn.",
            ),
            "part" => ctx.t(
                "Đã ghi nhận phần phối hợp của đơn vị.",
                "Your agency's part has been recorded.",
            ),
            _ => return None,
        }
        .to_string(),
    )
}

pub fn notice_for(ctx: &Ctx, ok: Option<&str>) -> Option<String> {
    notice(ctx, ok)
}

/// Which form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Report,
    Commitment,
    Extension,
}

#[derive(Template)]
#[template(path = "work_form.html")]
struct FormPage {
    ctx: Ctx,
    kind: &'static str,
    title: String,
    action: String,
    back: String,
    task: String,
    agency: String,
    deadline: String,
    badge: Badge,
    f: Fields,
    /// The largest evidence file, as shown ("10 MB").
    max_file: String,
    /// What kinds of file the evidence field takes (its `accept`).
    accept: &'static str,
    /// What kinds of file the letter of an extension request takes.
    letter_accept: &'static str,
    /// Editing what was sent (no file fields).
    editing: bool,
}

/// The form of `kind` for changing what was sent, posting to `action` (edit.rs).
pub(crate) fn edit_form_response(
    web: &Web,
    a: &Assignment,
    kind: Kind,
    f: Fields,
    action: String,
    status: StatusCode,
) -> axum::response::Response {
    let mut p = form_page(web, a, kind, f);
    p.action = action;
    p.editing = true;
    p.title = match kind {
        Kind::Report => web
            .ctx
            .t("Sửa báo cáo tiến độ", "Change the progress report"),
        _ => web.ctx.t("Sửa cam kết", "Change the commitment"),
    }
    .to_string();
    render_status(status, &p)
}

/// The assignment of a form, if the actor may write on it; the 403 page if not.
async fn form_target(
    web: &Web,
    id: i64,
    kind: Kind,
) -> Result<Assignment, axum::response::Response> {
    let ctx = &web.ctx;
    let a = web
        .service
        .get_assignment(&web.actor, id, ctx.today)
        .await
        .or_page(ctx)?;
    let write = match kind {
        Kind::Report => Write::Report {
            agency: a.agency_id,
        },
        Kind::Commitment => Write::Commit {
            agency: a.agency_id,
        },
        Kind::Extension => Write::RequestExtension {
            agency: a.agency_id,
        },
    };
    if !web.actor.may(write) {
        return Err(forbidden_page(
            ctx,
            ctx.t(
                "Chỉ đầu mối của cơ quan được giao (hoặc cơ quan thường trực) mới được báo cáo, cam kết hay đề nghị gia hạn cho phân công này.",
                "Only the focal point of the assigned agency (or the standing office) may report, commit or ask for an extension on this assignment.",
            ),
        ));
    }
    Ok(a)
}

fn form_page(web: &Web, a: &Assignment, kind: Kind, f: Fields) -> FormPage {
    let ctx = &web.ctx;
    let (k, title, path) = match kind {
        Kind::Report => (
            "report",
            ctx.t("Báo cáo tiến độ", "Progress report"),
            "bao-cao",
        ),
        Kind::Commitment => (
            "commitment",
            ctx.t("Cam kết thời hạn hoàn thành", "Commit to a completion date"),
            "cam-ket",
        ),
        Kind::Extension => (
            "extension",
            ctx.t("Đề nghị gia hạn", "Ask for an extension"),
            "gia-han",
        ),
    };
    FormPage {
        ctx: ctx.clone(),
        kind: k,
        title: title.to_string(),
        action: format!("/phan-cong/{}/{path}", a.id),
        back: format!("/phan-cong/{}", a.id),
        task: a.task_text.clone(),
        agency: a.agency_name.clone(),
        deadline: deadline_label(ctx, &a.deadline),
        badge: Badge::new(ctx, a.status),
        f,
        max_file: tiendo_service::evidence::size_label(
            web.service.config.max_evidence_bytes as i64,
        ),
        accept: super::evidence::ACCEPT,
        letter_accept: super::letters::ACCEPT,
        editing: false,
    }
}

async fn show_form(web: Web, id: i64, kind: Kind) -> Out {
    let web = web.nav("work");
    let a = form_target(&web, id, kind).await?;
    let mut f = Fields::default();
    if kind == Kind::Extension {
        f.values.insert("kind".into(), "date".into());
    }
    Ok(render(&form_page(&web, &a, kind, f)))
}

pub async fn report_form(web: Web, Path(id): Path<i64>) -> Out {
    show_form(web, id, Kind::Report).await
}

pub async fn commitment_form(web: Web, Path(id): Path<i64>) -> Out {
    show_form(web, id, Kind::Commitment).await
}

pub async fn extension_form(web: Web, Path(id): Path<i64>) -> Out {
    show_form(web, id, Kind::Extension).await
}

pub(crate) fn required(f: &mut Fields, lang: Lang, key: &str) -> Option<String> {
    let v = f.v(key).trim().to_string();
    if v.is_empty() {
        f.err(key, lang.t("Cần nhập nội dung này.", "This is required."));
        None
    } else {
        Some(v)
    }
}

pub(crate) fn date_field(
    f: &mut Fields,
    lang: Lang,
    key: &str,
    needed: bool,
) -> Option<chrono::NaiveDate> {
    let v = f.v(key).trim().to_string();
    if v.is_empty() {
        if needed {
            f.err(key, lang.t("Cần chọn ngày.", "Pick a date."));
        }
        return None;
    }
    let d = parse_day(&v);
    if d.is_none() {
        f.err(
            key,
            lang.t(
                "Ngày không hợp lệ (dạng dd/mm/yyyy).",
                "Not a date (use dd/mm/yyyy).",
            ),
        );
    }
    d
}

pub(crate) fn opt_text(f: &Fields, key: &str) -> Option<String> {
    let v = f.v(key).trim();
    (!v.is_empty()).then(|| v.to_string())
}

/// Handles a posted form: CSRF, the page's own checks, then the service (which
/// checks the permission again and refuses another agency's assignment).
async fn submit(web: Web, id: i64, kind: Kind, body: Bytes) -> Out {
    let form = Form::parse(&body);
    submit_form(web, id, kind, form, Vec::new(), false).await
}

/// Handles a form already read: its text fields, the evidence files sent with a
/// report, and whether the request was cut for being too large.
async fn submit_form(
    web: Web,
    id: i64,
    kind: Kind,
    form: Form,
    uploads: Vec<tiendo_service::evidence::Upload>,
    cut: bool,
) -> Out {
    let web = web.nav("work");
    web.check_csrf(&form)?;
    let ctx = &web.ctx;
    let lang = ctx.lang;
    let mut f = Fields::from_form(&form);
    let result = match kind {
        Kind::Report => {
            let narrative = required(&mut f, lang, "narrative");
            let claims = f.checked("claims_completion");
            let percent = match f.v("percent").trim() {
                "" => None,
                p => match p.parse::<i32>() {
                    Ok(n) if (0..=100).contains(&n) => Some(n),
                    _ => {
                        f.err(
                            "percent",
                            lang.t("Nhập một số từ 0 đến 100.", "Enter a number from 0 to 100."),
                        );
                        None
                    }
                },
            };
            let completed_on = date_field(&mut f, lang, "completed_on", false);
            let evidence = super::evidence::check_files(&web, &mut f, &uploads, cut);
            if completed_on.is_some() && !claims {
                f.err(
                    "completed_on",
                    lang.t(
                        "Chỉ điền ngày hoàn thành khi báo cáo đã hoàn thành.",
                        "Give a completion date only when reporting completion.",
                    ),
                );
            }
            if f.any() {
                None
            } else {
                let input = ReportInput {
                    assignment_id: id,
                    reported_on: None,
                    percent,
                    claims_completion: claims,
                    completed_on,
                    narrative: narrative.unwrap_or_default(),
                    difficulties: opt_text(&f, "difficulties"),
                    proposals: opt_text(&f, "proposals"),
                    evidence_number: opt_text(&f, "evidence_number"),
                };
                Some(if evidence.is_empty() {
                    web.service
                        .create_report(&web.actor, &input)
                        .await
                        .map(|_| "report")
                } else {
                    web.service
                        .create_report_with_evidence(&web.actor, &input, &evidence)
                        .await
                        .map(|_| "report")
                })
            }
        }
        Kind::Commitment => {
            let on = date_field(&mut f, lang, "committed_on", true);
            if f.any() {
                None
            } else {
                let input = CommitmentInput {
                    assignment_id: id,
                    committed_on: on.unwrap_or(ctx.today),
                    letter_number: opt_text(&f, "letter_number"),
                    note: opt_text(&f, "note"),
                };
                Some(
                    web.service
                        .create_commitment(&web.actor, &input)
                        .await
                        .map(|_| "commitment"),
                )
            }
        }
        Kind::Extension => {
            let due = date_field(&mut f, lang, "due", true);
            let reason = required(&mut f, lang, "reason");
            let dk = f.v("kind").to_string();
            if !["date", "month", "quarter", "half", "year"].contains(&dk.as_str()) {
                f.err(
                    "kind",
                    lang.t("Chọn loại thời hạn.", "Pick a kind of deadline."),
                );
            }
            let letter = super::letters::check_letter(&web, &mut f, &uploads, cut);
            if f.any() {
                None
            } else {
                let input = ExtensionInput {
                    assignment_id: id,
                    deadline: DeadlineInput {
                        kind: dk,
                        due,
                        raw: String::new(),
                    },
                    reason: reason.unwrap_or_default(),
                };
                Some(
                    web.service
                        .request_extension_with_letter(&web.actor, &input, letter.as_ref())
                        .await
                        .map(|_| "extension"),
                )
            }
        }
    };
    match result {
        Some(Ok(ok)) => Ok(see_other(&format!("/phan-cong/{id}?ok={ok}"))),
        Some(Err(e @ (ServiceError::Forbidden(_) | ServiceError::NotFound(_)))) => {
            Err(error_page(ctx, e))
        }
        Some(Err(ServiceError::Invalid { field, message })) if field == "assignment_id" => {
            Err(not_found_page(ctx, &message))
        }
        Some(Err(e)) => {
            let known = [
                "narrative",
                "percent",
                "completed_on",
                "difficulties",
                "proposals",
                "evidence_number",
                "file",
                "committed_on",
                "letter_number",
                "note",
                "deadline",
                "reason",
                "letter",
            ];
            f.service_error(lang, &e, &known);
            if let Some(m) = f.errors.remove("deadline") {
                f.err("due", m);
            }
            if matches!(e, ServiceError::Internal(_)) {
                return Err(error_page(ctx, e));
            }
            let a = form_target(&web, id, kind).await?;
            Ok(render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &form_page(&web, &a, kind, f),
            ))
        }
        None => {
            let a = form_target(&web, id, kind).await?;
            Ok(render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &form_page(&web, &a, kind, f),
            ))
        }
    }
}

/// A report comes as a multipart form (with an evidence file or not) or, from
/// older pages and tools, URL-encoded.
pub async fn report_submit(web: Web, Path(id): Path<i64>, req: axum::extract::Request) -> Out {
    with_files(web, id, Kind::Report, req).await
}

/// A form that may carry files (a report's evidence, a request's letter): a
/// multipart form, or URL-encoded from older pages and tools.
async fn with_files(web: Web, id: i64, kind: Kind, req: axum::extract::Request) -> Out {
    if crate::upload::is_multipart(&req) {
        let received = match crate::upload::read(&web.service, req).await {
            Ok(r) => r,
            Err(e) => return Err(super::evidence::bad_upload(&web.ctx, &e)),
        };
        if received.cut && received.field("csrf").is_none() {
            return Err(super::evidence::too_large_page(&web));
        }
        let form = Form {
            pairs: received.fields,
        };
        let uploads = received.files.into_iter().map(|(_, u)| u).collect();
        submit_form(web, id, kind, form, uploads, received.cut).await
    } else {
        let body = axum::body::to_bytes(req.into_body(), 2 * 1024 * 1024)
            .await
            .map_err(|_| super::evidence::too_large_page(&web))?;
        submit(web, id, kind, body).await
    }
}

pub async fn commitment_submit(web: Web, Path(id): Path<i64>, body: Bytes) -> Out {
    submit(web, id, Kind::Commitment, body).await
}

/// An extension request, with the official letter or not.
pub async fn extension_submit(web: Web, Path(id): Path<i64>, req: axum::extract::Request) -> Out {
    with_files(web, id, Kind::Extension, req).await
}
