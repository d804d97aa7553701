//! The office records that an agency was merged into another (issue 14.4):
//! `/co-quan/{id}/sap-nhap` asks for the agency that takes over its work and the
//! day it does, shows what will happen, and on confirmation sets the merged
//! agency's last day (`valid_to`, the day before) and its successor through
//! `Service::update_agency` (checked and audited as `agency/update`).
//!
//! What the code does with a successor, and so what the confirmation says:
//! - tasks assigned afterwards that name the merged agency (by any of its
//!   names) are assigned to the successor (`Service::resolve_parties`,
//!   `add_assignment` go through `current_successor`);
//! - where a task names the merged agency as coordinating, the successor's focal
//!   points write its coordination parts (`Service::among_coordinators`);
//! - the merged agency's existing assignments stay with it: the successor's
//!   focal points do not see them in their work (an actor sees its own agency's
//!   assignments only), so the office reassigns those it wants carried on, on
//!   each task's edit page; its focal points' accounts stay with it too;
//! - it leaves the register's current list and pickers; its card stays.
//!
//! A focal point or a viewer gets 403, GET and POST.

use askama::Template;
use axum::body::Bytes;
use axum::extract::Path;
use chrono::NaiveDate;
use tiendo_core::model::Agency;
use tiendo_service::ServiceError;
use tiendo_service::input::AgencyInput;
use tiendo_store::AssignmentFilter;

use super::agency_edit::gate;
use super::document_edit::typed_day;
use super::office::{Errors, suggestion};
use crate::ctx::*;
use crate::i18n::{self, Lang};

#[derive(Template)]
#[template(path = "agency_merge.html")]
struct MergePage {
    ctx: Ctx,
    agency: Agency,
    successor: String,
    date: String,
    errors: Errors,
    /// The confirmation step: what will happen, in sentences.
    effects: Vec<String>,
    names: Vec<String>,
}

impl MergePage {
    pub fn confirming(&self) -> bool {
        !self.effects.is_empty()
    }
}

fn render_page(page: MergePage) -> Out {
    Ok(render_status(page.errors.status(), &page))
}

/// The agency, unless it is merged already (a 409 page).
async fn load(web: &Web, id: i64) -> Result<Agency, axum::response::Response> {
    let a = web.service.get_agency(id).await.or_page(&web.ctx)?;
    if let Some(to) = a.valid_to {
        let who = a
            .successor_id
            .map(|s| web.service.agency_name(s))
            .unwrap_or_default();
        let text = match web.ctx.lang {
            Lang::Vi => format!(
                "{} đã thôi hoạt động từ sau ngày {}{}.",
                a.name,
                i18n::date(to),
                if who.is_empty() {
                    String::new()
                } else {
                    format!(" (công việc do {who} tiếp nhận)")
                }
            ),
            Lang::En => format!("{} ended on {}.", a.name, i18n::date(to)),
        };
        return Err(error_page(&web.ctx, ServiceError::Conflict(text)));
    }
    Ok(a)
}

fn blank(web: &Web, agency: Agency) -> MergePage {
    MergePage {
        ctx: web.ctx.clone(),
        agency,
        successor: String::new(),
        date: i18n::date(web.ctx.today),
        errors: Errors::default(),
        effects: Vec::new(),
        names: Vec::new(),
    }
}

fn names_but(web: &Web, a: &Agency) -> Vec<String> {
    web.service
        .current_agency_names()
        .into_iter()
        .filter(|n| *n != a.name)
        .collect()
}

pub async fn form(web: Web, Path(id): Path<i64>) -> Out {
    let web = web.nav("agencies");
    gate(&web)?;
    let a = load(&web, id).await?;
    let mut p = blank(&web, a);
    p.names = names_but(&web, &p.agency);
    render_page(p)
}

/// The merged agency's open assignments today (neither completed nor cancelled).
async fn open_assignments(web: &Web, id: i64) -> Result<usize, axum::response::Response> {
    let list = web
        .service
        .list_assignments(
            &web.actor,
            AssignmentFilter {
                task_id: None,
                agency_id: Some(id),
                document_id: None,
                status: None,
                as_of: web.ctx.today,
                due_soon_days: 0,
                confined_to: None,
                page: 1,
                per_page: 10_000,
            },
        )
        .await
        .or_page(&web.ctx)?;
    Ok(list
        .items
        .iter()
        .filter(|a| !a.cancelled && a.completed_on.is_none())
        .count())
}

fn effects(lang: Lang, old: &Agency, new: &Agency, day: NaiveDate, open: usize) -> Vec<String> {
    let last = day.pred_opt().unwrap_or(day);
    let (o, n) = (&old.name, &new.name);
    match lang {
        Lang::Vi => vec![
            format!(
                "{o} hoạt động đến hết ngày {}; từ ngày {}, {n} tiếp nhận công việc của {o}. {o} không còn trong danh mục hiện hành và các ô chọn cơ quan; trang của nó vẫn xem được.",
                i18n::date(last),
                i18n::date(day)
            ),
            format!(
                "Nhiệm vụ giao sau này ghi tên {o} (hoặc tên gọi khác của nó) sẽ được phân công cho {n}. Ở nhiệm vụ ghi {o} là cơ quan phối hợp, đầu mối của {n} ghi phần phối hợp thay {o}."
            ),
            format!(
                "{} phân công đang mở của {o} vẫn ghi cho {o}: đầu mối của {n} không tự thấy chúng trong việc của mình. Muốn {n} làm tiếp phân công nào, hãy giao lại ở trang sửa nhiệm vụ đó (hủy phân công cũ, giao thêm {n}).",
                lang.int(open as i64)
            ),
            format!(
                "Tài khoản đầu mối của {o} vẫn gắn với {o}; đổi cơ quan của họ ở trang Người dùng nếu cần. Thay đổi được ghi vào lịch sử."
            ),
        ],
        Lang::En => vec![
            format!(
                "{o} works until {}; from {}, {n} takes over its work. {o} leaves the current register and the agency pickers; its page stays.",
                i18n::date(last),
                i18n::date(day)
            ),
            format!(
                "Tasks assigned from now on that name {o} (or one of its other names) go to {n}. Where a task names {o} as coordinating, {n}'s focal points write the coordination part."
            ),
            format!(
                "The {open} open assignments of {o} stay with {o}: {n}'s focal points do not see them in their work. Reassign those {n} should carry on from each task's edit page."
            ),
            format!(
                "{o}'s focal points' accounts stay with {o}; change their agency on the Users page if needed. The change is in the history."
            ),
        ],
    }
}

pub async fn post(web: Web, Path(id): Path<i64>, body: Bytes) -> Out {
    let web = web.nav("agencies");
    gate(&web)?;
    let form = Form::parse(&body);
    web.check_csrf(&form)?;
    let a = load(&web, id).await?;
    let lang = web.ctx.lang;
    let mut p = blank(&web, a.clone());
    p.successor = form.raw("successor");
    p.date = form.raw("date").trim().to_string();
    let mut errors = Errors::default();
    let successor = match p.successor.trim() {
        "" => {
            errors.add(
                "successor",
                lang.t(
                    "Chọn cơ quan tiếp nhận công việc.",
                    "Pick the agency that takes over.",
                ),
            );
            None
        }
        typed => match web.service.resolve_agency("successor", typed, None) {
            Ok(s) if s.id == a.id => {
                errors.add(
                    "successor",
                    lang.t(
                        "Cơ quan tiếp nhận phải là cơ quan khác.",
                        "The successor must be another agency.",
                    ),
                );
                None
            }
            Ok(s) if s.valid_to.is_some() => {
                errors.add(
                    "successor",
                    match lang {
                        Lang::Vi => {
                            format!("{} đã thôi hoạt động; chọn cơ quan hiện hành.", s.name)
                        }
                        Lang::En => format!("{} has ended; pick a current agency.", s.name),
                    },
                );
                None
            }
            Ok(s) => Some(s),
            Err(ServiceError::Invalid { message, .. }) => {
                errors.add(
                    "successor",
                    match (lang, suggestion(&message)) {
                        (Lang::Vi, Some(h)) => {
                            format!("Không có cơ quan “{typed}” trong danh mục. Có phải “{h}”?")
                        }
                        (Lang::Vi, None) => format!("Không có cơ quan “{typed}” trong danh mục."),
                        (Lang::En, _) => message,
                    },
                );
                None
            }
            Err(e) => return Err(error_page(&web.ctx, e)),
        },
    };
    let day = if p.date.is_empty() {
        errors.add(
            "date",
            lang.t("Cần nhập ngày (dd/mm/yyyy).", "Type a date (dd/mm/yyyy)."),
        );
        None
    } else {
        typed_day(lang, &mut errors, "date", &p.date)
    };
    if let (Some(d), Some(from)) = (day, a.valid_from)
        && d <= from
    {
        errors.add(
            "date",
            match lang {
                Lang::Vi => format!(
                    "Phải sau ngày {} (ngày cơ quan bắt đầu hoạt động).",
                    i18n::date(from)
                ),
                Lang::En => format!("Must be after {} (its first day).", i18n::date(from)),
            },
        );
    }
    let (Some(successor), Some(day), true) = (successor, day, errors.is_empty()) else {
        p.errors = errors;
        p.names = names_but(&web, &a);
        return render_page(p);
    };
    if !form.checked("confirm") {
        // The confirmation step: what will happen.
        p.successor = successor.name.clone();
        p.date = i18n::date(day);
        p.effects = effects(lang, &a, &successor, day, open_assignments(&web, id).await?);
        return render_page(p);
    }
    let input = AgencyInput {
        code: a.code.clone(),
        kind: a.kind.clone(),
        name: a.name.clone(),
        short_name: a.short_name.clone(),
        bare: a.bare.clone(),
        aliases: a.aliases.clone(),
        groups: a.groups.clone(),
        valid_from: a.valid_from,
        valid_to: Some(day.pred_opt().unwrap_or(day)),
        successor: Some(successor.code.clone()),
        parent: a
            .parent_id
            .and_then(|p| web.service.agency(p))
            .map(|p| p.code),
    };
    web.service
        .update_agency(&web.actor, id, &input)
        .await
        .or_page(&web.ctx)?;
    Ok(see_other(&format!("/co-quan/{id}?ok=sap-nhap")))
}
