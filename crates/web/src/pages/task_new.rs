//! The office makes a task on a document (issue 14.4):
//! `/van-ban/{id}/nhiem-vu-moi` ("Thêm nhiệm vụ" on the document's page) takes
//! the text, the lead and coordinating agencies (one a line, each from the
//! register: an unknown name is an error by its field with the closest name),
//! the deadline, the product, the field and the directing leader, and goes
//! through `Service::create_task` (its check, its audit: `task/create` and one
//! `assignment/create` per lead agency). A focal point or a viewer gets 403.

use askama::Template;
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::StatusCode;
use tiendo_core::model::{Document, FIELDS};
use tiendo_core::policy::Write;
use tiendo_service::ServiceError;
use tiendo_service::input::{DeadlineInput, TaskInput};

use super::document_edit::typed_day;
use super::office::{self, Errors, lines, suggestion};
use super::users::Opt;
use crate::ctx::*;
use crate::i18n::{self, Lang};

const KINDS: [&str; 6] = ["date", "month", "quarter", "half", "year", "none"];
const OWN: [&str; 8] = [
    "text",
    "lead",
    "coord",
    "deadline_kind",
    "deadline_due",
    "product",
    "field",
    "leader",
];

#[derive(Debug, Default, Clone)]
pub struct NewFields {
    pub text: String,
    pub lead: String,
    pub coord: String,
    pub deadline_kind: String,
    pub deadline_due: String,
    pub product: String,
    pub field: String,
    pub leader: String,
    pub errors: Errors,
}

#[derive(Template)]
#[template(path = "task_new.html")]
struct NewPage {
    ctx: Ctx,
    doc: Document,
    f: NewFields,
    kinds: Vec<Opt>,
    fields: Vec<Opt>,
}

fn gate(web: &Web) -> Result<(), axum::response::Response> {
    office::require(
        web,
        Write::ManageTasks,
        "Chỉ cơ quan thường trực tạo nhiệm vụ.",
        "Only the standing office makes tasks.",
    )
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

fn page(web: &Web, doc: Document, status: StatusCode, f: NewFields) -> Out {
    let lang = web.ctx.lang;
    let kinds = KINDS
        .iter()
        .map(|k| Opt {
            value: (*k).into(),
            label: kind_label(lang, k).into(),
            selected: f.deadline_kind == *k,
        })
        .collect();
    let fields = std::iter::once(Opt {
        value: String::new(),
        label: web.ctx.t("— Chưa xác định —", "— None —").into(),
        selected: f.field.is_empty(),
    })
    .chain(FIELDS.iter().map(|(c, _)| Opt {
        value: (*c).into(),
        label: i18n::field_label(lang, c),
        selected: f.field == *c,
    }))
    .collect();
    Ok(render_status(
        status,
        &NewPage {
            ctx: web.ctx.clone(),
            doc,
            f,
            kinds,
            fields,
        },
    ))
}

async fn load(web: &Web, id: i64) -> Result<Document, axum::response::Response> {
    web.service
        .get_document(&web.actor, id)
        .await
        .or_page(&web.ctx)
}

pub async fn form(web: Web, Path(id): Path<i64>) -> Out {
    let web = web.nav("documents");
    gate(&web)?;
    let doc = load(&web, id).await?;
    let f = NewFields {
        deadline_kind: "date".into(),
        ..NewFields::default()
    };
    page(&web, doc, StatusCode::OK, f)
}

/// "Dòng 2: không có cơ quan “X” trong danh mục. Có phải “Y”?"
fn unknown_line(lang: Lang, i: usize, name: &str, message: &str) -> String {
    match (lang, suggestion(message)) {
        (Lang::Vi, Some(h)) => format!(
            "Dòng {}: không có cơ quan “{name}” trong danh mục. Có phải “{h}”?",
            i + 1
        ),
        (Lang::Vi, None) => format!("Dòng {}: không có cơ quan “{name}” trong danh mục.", i + 1),
        (Lang::En, _) => format!("Line {}: {message}", i + 1),
    }
}

/// A refusal of the service by its field (`lead[2]` → the lead's line 3).
fn by_field(lang: Lang, f: &mut NewFields, field: &str, message: &str) {
    for list in ["lead", "coord"] {
        if let Some(i) = field
            .strip_prefix(list)
            .and_then(|r| r.strip_prefix('['))
            .and_then(|r| r.strip_suffix(']'))
            .and_then(|i| i.parse::<usize>().ok())
        {
            let typed = if list == "lead" { &f.lead } else { &f.coord };
            let name = lines(typed).get(i).cloned().unwrap_or_default();
            let text = unknown_line(lang, i, &name, message);
            f.errors.add(list, text);
            return;
        }
    }
    let key = match field {
        "deadline" => "deadline_due",
        k if OWN.contains(&k) => k,
        _ => "other",
    };
    let text = match lang {
        Lang::Vi => i18n::message(lang, message),
        Lang::En => format!("{field}: {message}"),
    };
    f.errors.add(key, text);
}

pub async fn save(web: Web, Path(id): Path<i64>, body: Bytes) -> Out {
    let web = web.nav("documents");
    gate(&web)?;
    let form = Form::parse(&body);
    web.check_csrf(&form)?;
    let doc = load(&web, id).await?;
    let lang = web.ctx.lang;
    let mut f = NewFields {
        text: form.raw("text"),
        lead: form.raw("lead"),
        coord: form.raw("coord"),
        deadline_kind: form.raw("deadline_kind").trim().into(),
        deadline_due: form.raw("deadline_due").trim().into(),
        product: form.raw("product"),
        field: form.raw("field").trim().into(),
        leader: form.raw("leader"),
        errors: Errors::default(),
    };
    if f.text.trim().is_empty() {
        f.errors.add(
            "text",
            lang.t("Cần nhập nội dung nhiệm vụ.", "The text is required."),
        );
    }
    let lead = lines(&f.lead);
    let coord = lines(&f.coord);
    if lead.is_empty() {
        f.errors.add(
            "lead",
            lang.t(
                "Cần ít nhất một cơ quan chủ trì.",
                "Name at least one lead agency.",
            ),
        );
    }
    // Every agency from the register, lead and coordinating alike, as on the
    // task's edit page (the API keeps unknown coordinating bodies by name).
    for (list, names) in [("lead", &lead), ("coord", &coord)] {
        if let Err(ServiceError::Invalid { field, message }) =
            web.service.resolve_parties(list, names, doc.issued_on)
        {
            by_field(lang, &mut f, &field, &message);
        }
    }
    let mut due = None;
    match f.deadline_kind.as_str() {
        "none" => {}
        k if KINDS.contains(&k) => {
            if f.deadline_due.is_empty() {
                f.errors.add(
                    "deadline_due",
                    lang.t("Cần nhập ngày (dd/mm/yyyy).", "Type a date (dd/mm/yyyy)."),
                );
            } else {
                due = typed_day(lang, &mut f.errors, "deadline_due", &f.deadline_due);
            }
        }
        _ => f.errors.add(
            "deadline_kind",
            lang.t("Chọn loại thời hạn.", "Pick a kind of deadline."),
        ),
    }
    if !f.errors.is_empty() {
        return page(&web, doc, StatusCode::UNPROCESSABLE_ENTITY, f);
    }
    let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let input = TaskInput {
        document_id: id,
        ref_: None,
        text: f.text.trim().to_string(),
        product: opt(&f.product),
        field: opt(&f.field),
        priority: None,
        deadline: DeadlineInput {
            kind: f.deadline_kind.clone(),
            due,
            raw: String::new(),
        },
        lead,
        coord,
        leader: opt(&f.leader),
        source_citation: None,
    };
    match web.service.create_task(&web.actor, &input).await {
        Ok(t) => Ok(see_other(&format!("/nhiem-vu/{}?ok=tao", t.id))),
        Err(ServiceError::Invalid { field, message }) => {
            by_field(lang, &mut f, &field, &message);
            page(&web, doc, StatusCode::UNPROCESSABLE_ENTITY, f)
        }
        Err(e) => Err(error_page(&web.ctx, e)),
    }
}

impl NewFields {
    pub fn other(&self) -> Option<String> {
        self.errors.other(&OWN)
    }
}
