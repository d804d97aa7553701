//! The office edits a task in the pages (issue 14.4): `/nhiem-vu/{id}/sua`
//! changes its text, product, field, leader, priority, deadline and
//! coordinating agencies; the same page cancels the task (a reason and a
//! confirmation), gives it to one more agency, and cancels one assignment
//! (reassigning is one cancelled and one added). Every write goes through
//! `tiendo_service` (its permission check, its audit record, shown in words in
//! the task's history); a focal point or a viewer gets 403.

use askama::Template;
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use tiendo_core::model::{Assignment, FIELDS, Task};
use tiendo_core::policy::{Role, Write};
use tiendo_core::status::Status;
use tiendo_core::time::{implausible_day, parse_day};
use tiendo_service::ServiceError;
use tiendo_service::input::{AssignmentInput, AssignmentPatchInput, DeadlineInput, TaskPatchInput};
use tiendo_store::AssignmentFilter;

use super::Badge;
use super::tasks::deadline_label;
use super::users::Opt;
use crate::ctx::*;
use crate::i18n::{self, Lang};

/// The kinds of deadline the form expresses, each with a day of its period.
const KINDS: [&str; 6] = ["date", "month", "quarter", "half", "year", "none"];

/// The pages' gate before anything is read: the office only (the service
/// checks each write again).
fn require_office(web: &Web) -> Result<(), Response> {
    if web.actor.role == Role::Admin && web.actor.may(Write::ManageTasks) {
        Ok(())
    } else {
        Err(forbidden_page(
            &web.ctx,
            web.ctx.t(
                "Chỉ cơ quan thường trực sửa nhiệm vụ và phân công.",
                "Only the standing office edits tasks and assignments.",
            ),
        ))
    }
}

/// The form's fields as typed, and their errors.
#[derive(Debug, Default, Clone)]
pub struct Fields {
    pub text: String,
    pub product: String,
    pub field: String,
    pub leader: String,
    pub priority: String,
    pub deadline_kind: String,
    pub deadline_due: String,
    /// One coordinating agency a line.
    pub coord: String,
    pub cancel_reason: String,
    pub agency: String,
    /// The assignment whose cancel form was sent without a reason.
    pub assignment: Option<i64>,
    pub errors: Vec<(String, String)>,
}

impl Fields {
    fn of_task(t: &Task) -> Fields {
        Fields {
            text: t.text.clone(),
            product: t.product.clone().unwrap_or_default(),
            field: t.field.clone().unwrap_or_default(),
            leader: t.leader.clone().unwrap_or_default(),
            priority: t.priority.to_string(),
            deadline_kind: if KINDS.contains(&t.deadline.kind.as_str()) {
                t.deadline.kind.clone()
            } else {
                "keep".into()
            },
            deadline_due: t.deadline.due.map(i18n::date).unwrap_or_default(),
            coord: coord_lines(t),
            ..Fields::default()
        }
    }

    fn from_form(t: &Task, form: &Form) -> Fields {
        Fields {
            text: form.raw("text"),
            product: form.raw("product"),
            field: form.raw("field").trim().into(),
            leader: form.raw("leader"),
            priority: form.raw("priority").trim().into(),
            deadline_kind: form.raw("deadline_kind").trim().into(),
            deadline_due: form.raw("deadline_due").trim().into(),
            coord: form.raw("coord"),
            ..Fields::of_task(t)
        }
    }

    pub fn has(&self, field: &str) -> bool {
        self.errors.iter().any(|(f, _)| f == field)
    }

    pub fn e(&self, field: &str) -> String {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.clone())
            .unwrap_or_default()
    }

    /// Whether the error is of the cancel form of this assignment.
    pub fn on_row<T: std::borrow::Borrow<i64>>(&self, id: T) -> bool {
        self.assignment == Some(*id.borrow())
    }

    fn err(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push((field.into(), message.into()));
    }

    /// An error of none of the form's fields, for the top of the page.
    pub fn other(&self) -> Option<String> {
        const OWN: [&str; 12] = [
            "confirm",
            "text",
            "product",
            "field",
            "leader",
            "priority",
            "deadline_kind",
            "deadline_due",
            "coord",
            "cancel_reason",
            "agency",
            "assignment_reason",
        ];
        self.errors
            .iter()
            .find(|(f, _)| !OWN.contains(&f.as_str()))
            .map(|(_, m)| m.clone())
    }
}

fn coord_lines(t: &Task) -> String {
    t.coord
        .iter()
        .map(|p| p.name.clone())
        .collect::<Vec<_>>()
        .join("\n")
}

fn lines(s: &str) -> Vec<String> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// One assignment in the page's table.
pub struct Line {
    pub id: i64,
    pub agency: String,
    pub deadline: String,
    pub badge: Badge,
    pub cancelled: bool,
}

#[derive(Template)]
#[template(path = "task_edit.html")]
struct EditPage {
    ctx: Ctx,
    task: Task,
    f: Fields,
    fields: Vec<Opt>,
    priorities: Vec<Opt>,
    kinds: Vec<Opt>,
    lines: Vec<Line>,
    agencies: Vec<Opt>,
    cancelled: bool,
    done: Option<String>,
}

async fn assignments(web: &Web, id: i64) -> Result<Vec<Assignment>, Response> {
    Ok(web
        .service
        .list_assignments(
            &web.actor,
            AssignmentFilter {
                task_id: Some(id),
                agency_id: None,
                document_id: None,
                status: None,
                as_of: web.ctx.today,
                due_soon_days: 0,
                confined_to: None,
                page: 1,
                per_page: 500,
            },
        )
        .await
        .or_page(&web.ctx)?
        .items)
}

async fn edit_page(
    web: &Web,
    task: Task,
    status: StatusCode,
    f: Fields,
    done: Option<String>,
) -> Out {
    let ctx = &web.ctx;
    let list = assignments(web, task.id).await?;
    let lang = ctx.lang;
    let mut kinds: Vec<Opt> = KINDS
        .iter()
        .map(|k| Opt {
            value: (*k).into(),
            label: kind_label(lang, k).into(),
            selected: f.deadline_kind == *k,
        })
        .collect();
    if !KINDS.contains(&task.deadline.kind.as_str()) {
        kinds.insert(
            0,
            Opt {
                value: "keep".into(),
                label: format!(
                    "{} {}",
                    ctx.t("Giữ nguyên:", "Keep:"),
                    deadline_label(ctx, &task.deadline)
                ),
                selected: f.deadline_kind == "keep",
            },
        );
    }
    let page = EditPage {
        fields: std::iter::once(Opt {
            value: String::new(),
            label: ctx.t("— Chưa xác định —", "— None —").into(),
            selected: f.field.is_empty(),
        })
        .chain(FIELDS.iter().map(|(c, _)| Opt {
            value: (*c).into(),
            label: i18n::field_label(lang, c),
            selected: f.field == *c,
        }))
        .collect(),
        priorities: [
            ("1", ctx.t("1 — Cao", "1 — High")),
            ("2", ctx.t("2 — Bình thường", "2 — Normal")),
            ("3", ctx.t("3 — Thấp", "3 — Low")),
        ]
        .into_iter()
        .map(|(v, l)| Opt {
            value: v.into(),
            label: l.into(),
            selected: f.priority == v,
        })
        .collect(),
        kinds,
        cancelled: task.status == Some(Status::Cancelled),
        agencies: web
            .service
            .current_agencies()
            .into_iter()
            .filter(|a| !list.iter().any(|l| l.agency_id == a.id))
            .map(|a| Opt {
                selected: f.agency == a.id.to_string(),
                value: a.id.to_string(),
                label: a.name,
            })
            .collect(),
        lines: list
            .iter()
            .map(|a| Line {
                id: a.id,
                agency: a.agency_name.clone(),
                deadline: deadline_label(ctx, &a.deadline),
                badge: Badge::new(ctx, a.status),
                cancelled: a.cancelled,
            })
            .collect(),
        ctx: ctx.clone(),
        task,
        f,
        done,
    };
    Ok(render_status(status, &page))
}

fn kind_label(lang: Lang, k: &str) -> &'static str {
    match k {
        "date" => lang.t("Ngày cụ thể", "A date"),
        "month" => lang.t("Trong tháng", "Within the month"),
        "quarter" => lang.t("Trong quý", "Within the quarter"),
        "half" => lang.t("Trong 6 tháng", "Within the half-year"),
        "year" => lang.t("Trong năm", "Within the year"),
        _ => lang.t("Không có thời hạn", "No deadline"),
    }
}

async fn load(web: &Web, id: i64) -> Result<Task, Response> {
    web.service
        .get_task(&web.actor, id, web.ctx.today)
        .await
        .or_page(&web.ctx)
}

pub async fn form(web: Web, Path(id): Path<i64>, q: QueryPairs) -> Out {
    let web = web.nav("tasks");
    require_office(&web)?;
    let task = load(&web, id).await?;
    let done = match q.get("ok") {
        Some("them") => Some(web.ctx.t(
            "Đã giao nhiệm vụ cho cơ quan.",
            "The task is given to the agency.",
        )),
        Some("huy-pc") => Some(
            web.ctx
                .t("Đã hủy phân công.", "The assignment is cancelled."),
        ),
        _ => None,
    };
    let f = Fields::of_task(&task);
    edit_page(&web, task, StatusCode::OK, f, done.map(str::to_string)).await
}

/// A refusal of the service next to its field, in words; other errors are given
/// back for the error page.
fn field_error(lang: Lang, e: ServiceError, f: &mut Fields) -> Result<(), ServiceError> {
    let ServiceError::Invalid { field, message } = e else {
        return Err(e);
    };
    if let Some(i) = field
        .strip_prefix("coord[")
        .and_then(|r| r.strip_suffix(']'))
        .and_then(|i| i.parse::<usize>().ok())
    {
        let name = lines(&f.coord).get(i).cloned().unwrap_or_default();
        let hint = message
            .split_once("did you mean '")
            .and_then(|(_, r)| r.rsplit_once('\''))
            .map(|(s, _)| s.to_string());
        let text = match (lang, hint) {
            (Lang::Vi, Some(h)) => format!(
                "Dòng {}: không có cơ quan “{name}” trong danh mục. Có phải “{h}”?",
                i + 1
            ),
            (Lang::Vi, None) => {
                format!("Dòng {}: không có cơ quan “{name}” trong danh mục.", i + 1)
            }
            (Lang::En, _) => format!("Line {}: {message}", i + 1),
        };
        f.err("coord", text);
        return Ok(());
    }
    let key = match field.as_str() {
        "deadline" => "deadline_due",
        "note" => "cancel_reason",
        other => other,
    };
    let text = match lang {
        Lang::Vi => i18n::message(lang, &message),
        Lang::En => format!("{field}: {message}"),
    };
    f.err(key, text);
    Ok(())
}

/// Saves the edit: only what the form changed is sent (a deadline of a kind the
/// form cannot express is kept; coordinators kept by name are sent only when
/// their lines change).
pub async fn save(web: Web, Path(id): Path<i64>, body: Bytes) -> Out {
    let web = web.nav("tasks");
    require_office(&web)?;
    let form = Form::parse(&body);
    web.check_csrf(&form)?;
    let task = load(&web, id).await?;
    let lang = web.ctx.lang;
    let mut f = Fields::from_form(&task, &form);
    if f.text.trim().is_empty() {
        f.err(
            "text",
            lang.t("Cần nhập nội dung nhiệm vụ.", "The text is required."),
        );
    }
    let priority = match f.priority.parse::<i32>() {
        Ok(p) if (1..=3).contains(&p) => Some(p),
        _ => {
            f.err(
                "priority",
                lang.t("Chọn mức ưu tiên 1, 2 hoặc 3.", "Pick 1, 2 or 3."),
            );
            None
        }
    };
    let mut deadline = None;
    match f.deadline_kind.as_str() {
        "keep" => {}
        "none" => deadline = Some((String::from("none"), None)),
        k if KINDS.contains(&k) => {
            match parse_day(&f.deadline_due) {
                _ if f.deadline_due.is_empty() => f.err(
                    "deadline_due",
                    lang.t("Cần nhập ngày (dd/mm/yyyy).", "Type a date (dd/mm/yyyy)."),
                ),
                None => f.err(
                    "deadline_due",
                    lang.t(
                        "Ngày không hợp lệ (dạng dd/mm/yyyy).",
                        "Not a date (use dd/mm/yyyy).",
                    ),
                ),
                Some(d) if implausible_day(d).is_some() => f.err(
                    "deadline_due",
                    lang.t(
                        "Ngày phải trong khoảng 01/01/2000 đến 31/12/2100.",
                        "The date must be between 01/01/2000 and 31/12/2100.",
                    ),
                ),
                Some(d) => deadline = Some((k.to_string(), Some(d))),
            };
        }
        _ => f.err(
            "deadline_kind",
            lang.t("Chọn loại thời hạn.", "Pick a kind of deadline."),
        ),
    }
    if !f.errors.is_empty() {
        return edit_page(&web, task, StatusCode::UNPROCESSABLE_ENTITY, f, None).await;
    }
    // The deadline only when it changes (its words as written are kept otherwise).
    let deadline = deadline
        .filter(|(k, d)| *k != task.deadline.kind || *d != task.deadline.due)
        .map(|(kind, due)| DeadlineInput {
            kind,
            due,
            raw: String::new(),
        });
    let coord = lines(&f.coord);
    let input = TaskPatchInput {
        text: Some(f.text.trim().to_string()),
        product: Some(f.product.trim().to_string()),
        field: Some(f.field.clone()),
        leader: Some(f.leader.trim().to_string()),
        priority,
        deadline,
        coord: (coord != lines(&coord_lines(&task))).then_some(coord),
        ..TaskPatchInput::default()
    };
    match web.service.update_task_strict(&web.actor, id, &input).await {
        Ok(_) => Ok(see_other(&format!("/nhiem-vu/{id}?ok=luu"))),
        Err(e) => match field_error(lang, e, &mut f) {
            Ok(()) => edit_page(&web, task, StatusCode::UNPROCESSABLE_ENTITY, f, None).await,
            Err(e) => Err(error_page(&web.ctx, e)),
        },
    }
}

/// Cancels the task (every assignment), with a reason and a confirmation.
pub async fn cancel(web: Web, Path(id): Path<i64>, body: Bytes) -> Out {
    let web = web.nav("tasks");
    require_office(&web)?;
    let form = Form::parse(&body);
    web.check_csrf(&form)?;
    let task = load(&web, id).await?;
    let lang = web.ctx.lang;
    let mut f = Fields::of_task(&task);
    f.cancel_reason = form.raw("cancel_reason");
    let reason = f.cancel_reason.trim().to_string();
    if reason.is_empty() {
        f.err(
            "cancel_reason",
            lang.t(
                "Cần nêu lý do hủy nhiệm vụ.",
                "Give the reason for cancelling.",
            ),
        );
    }
    if !form.checked("confirm") {
        f.err(
            "confirm",
            lang.t(
                "Hãy đánh dấu ô xác nhận để hủy nhiệm vụ.",
                "Tick the box to confirm the cancellation.",
            ),
        );
    }
    if !f.errors.is_empty() {
        return edit_page(&web, task, StatusCode::UNPROCESSABLE_ENTITY, f, None).await;
    }
    let input = TaskPatchInput {
        cancelled: Some(true),
        note: Some(reason),
        ..TaskPatchInput::default()
    };
    match web.service.update_task(&web.actor, id, &input).await {
        Ok(_) => Ok(see_other(&format!("/nhiem-vu/{id}?ok=huy"))),
        Err(e) => match field_error(lang, e, &mut f) {
            Ok(()) => edit_page(&web, task, StatusCode::UNPROCESSABLE_ENTITY, f, None).await,
            Err(e) => Err(error_page(&web.ctx, e)),
        },
    }
}

/// Gives the task to one more agency of the register.
pub async fn add_agency(web: Web, Path(id): Path<i64>, body: Bytes) -> Out {
    let web = web.nav("tasks");
    require_office(&web)?;
    let form = Form::parse(&body);
    web.check_csrf(&form)?;
    let task = load(&web, id).await?;
    let lang = web.ctx.lang;
    let mut f = Fields::of_task(&task);
    f.agency = form.raw("agency").trim().to_string();
    if f.agency.is_empty() {
        f.err(
            "agency",
            lang.t(
                "Chọn một cơ quan trong danh mục.",
                "Pick an agency of the register.",
            ),
        );
    } else if let Ok(a) = web.service.resolve_agency("agency", &f.agency, None)
        && assignments(&web, id)
            .await?
            .iter()
            .any(|x| x.agency_id == a.id)
    {
        f.err(
            "agency",
            lang.t(
                "Cơ quan này đã được giao nhiệm vụ này.",
                "This agency already has this task.",
            ),
        );
    }
    if !f.errors.is_empty() {
        return edit_page(&web, task, StatusCode::UNPROCESSABLE_ENTITY, f, None).await;
    }
    let input = AssignmentInput {
        task_id: id,
        agency: f.agency.clone(),
    };
    match web.service.add_assignment(&web.actor, &input).await {
        Ok(_) => Ok(see_other(&format!("/nhiem-vu/{id}/sua?ok=them"))),
        Err(ServiceError::Invalid { message, .. }) => {
            let text = match lang {
                Lang::Vi => "Không có cơ quan này trong danh mục.".to_string(),
                Lang::En => message,
            };
            f.err("agency", text);
            edit_page(&web, task, StatusCode::UNPROCESSABLE_ENTITY, f, None).await
        }
        Err(e) => Err(error_page(&web.ctx, e)),
    }
}

/// Cancels one assignment, with a reason (kept as the change's note).
pub async fn cancel_assignment(web: Web, Path(id): Path<i64>, body: Bytes) -> Out {
    let web = web.nav("tasks");
    require_office(&web)?;
    let form = Form::parse(&body);
    web.check_csrf(&form)?;
    let a = web
        .service
        .get_assignment(&web.actor, id, web.ctx.today)
        .await
        .or_page(&web.ctx)?;
    let reason = form.raw("reason").trim().to_string();
    if reason.is_empty() {
        let task = load(&web, a.task_id).await?;
        let mut f = Fields::of_task(&task);
        f.assignment = Some(id);
        f.err(
            "assignment_reason",
            web.ctx.t(
                "Cần nêu lý do hủy phân công.",
                "Give the reason for cancelling the assignment.",
            ),
        );
        return edit_page(&web, task, StatusCode::UNPROCESSABLE_ENTITY, f, None).await;
    }
    let input = AssignmentPatchInput {
        completed_on: None,
        reopen: None,
        cancelled: Some(true),
        deadline: None,
        note: Some(reason),
    };
    web.service
        .patch_assignment(&web.actor, id, &input)
        .await
        .or_page(&web.ctx)?;
    Ok(see_other(&format!("/nhiem-vu/{}/sua?ok=huy-pc", a.task_id)))
}
