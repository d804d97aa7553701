//! The task list: filters in the URL, sorting, pages, and the same list as CSV
//! or XLSX.

use askama::Template;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use tiendo_core::clarity::{Clarity, Lacking};
use tiendo_core::model::{FIELDS, Task};
use tiendo_core::status::Status;
use tiendo_core::text::{fold, nfc};
use tiendo_service::Service;
use tiendo_store::{AgencyFilter, DocumentFilter, TaskFilter, TaskSort};

use super::{Badge, excerpt, short};
use crate::ctx::*;
use crate::export::{Cell, Table, to_csv, to_xlsx};
use crate::i18n::{self, Lang};

/// The filters of the task list, as in its URL.
#[derive(Debug, Clone, Default)]
pub struct TaskParams {
    pub document: Option<i64>,
    pub agency: String,
    pub status: Option<Status>,
    pub field: String,
    pub due_from: Option<NaiveDate>,
    pub due_to: Option<NaiveDate>,
    /// The deadline filters as typed (shown again, with the problem, when they
    /// are not days tiendo can filter by).
    pub due_from_typed: String,
    pub due_to_typed: String,
    pub q: String,
    /// Tasks lacking one of the "6 rõ" (`any` or a clarity's code).
    pub lacking: Option<Lacking>,
    pub sort: String,
    pub page: i64,
    pub per_page: i64,
}

impl TaskParams {
    pub fn from_query(q: &QueryPairs) -> TaskParams {
        TaskParams {
            document: q.int("document"),
            agency: q.get("agency").map(nfc).unwrap_or_default(),
            status: q.get("status").and_then(Status::parse),
            field: q
                .get("field")
                .filter(|f| tiendo_core::model::is_field(f))
                .unwrap_or_default()
                .to_string(),
            due_from: q.day("due_from"),
            due_to: q.day("due_to"),
            due_from_typed: q.get("due_from").map(str::trim).unwrap_or_default().into(),
            due_to_typed: q.get("due_to").map(str::trim).unwrap_or_default().into(),
            q: q.get("q").map(nfc).unwrap_or_default(),
            lacking: q.get("lacking").and_then(Lacking::parse),
            sort: q
                .get("sort")
                .filter(|s| ["due", "-due", "created", "-created", "document"].contains(s))
                .unwrap_or_default()
                .to_string(),
            page: q.int("page").unwrap_or(1).max(1),
            per_page: q
                .int("per_page")
                .filter(|n| [25, 50, 100].contains(n))
                .unwrap_or(25),
        }
    }

    /// The query pairs of these filters (without page), for links.
    pub fn pairs(&self) -> Vec<(String, String)> {
        let mut p = vec![
            (
                "document".to_string(),
                self.document.map(|d| d.to_string()).unwrap_or_default(),
            ),
            ("agency".into(), self.agency.clone()),
            (
                "status".into(),
                self.status
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
            ),
            ("field".into(), self.field.clone()),
            (
                "due_from".into(),
                self.due_from.map(|d| d.to_string()).unwrap_or_default(),
            ),
            (
                "due_to".into(),
                self.due_to.map(|d| d.to_string()).unwrap_or_default(),
            ),
            ("q".into(), self.q.clone()),
            (
                "lacking".into(),
                self.lacking
                    .map(|l| l.as_str().to_string())
                    .unwrap_or_default(),
            ),
            ("sort".into(), self.sort.clone()),
        ];
        if self.per_page != 25 {
            p.push(("per_page".into(), self.per_page.to_string()));
        }
        p
    }

    /// What is wrong with a typed deadline filter: not a day, or outside
    /// 2000–2100 (the rule of `tiendo_core::time::implausible_day`, the API's too).
    /// A bad filter is shown next to its field, never ignored.
    pub fn date_problem(&self, lang: Lang, key: &str) -> Option<String> {
        let (typed, parsed) = match key {
            "due_from" => (&self.due_from_typed, self.due_from),
            _ => (&self.due_to_typed, self.due_to),
        };
        if typed.is_empty() {
            return None;
        }
        match parsed {
            None => Some(
                lang.t(
                    "Ngày không hợp lệ (dạng dd/mm/yyyy).",
                    "Not a date (use dd/mm/yyyy).",
                )
                .to_string(),
            ),
            Some(d) => tiendo_core::time::implausible_day(d).map(|m| i18n::message(lang, &m)),
        }
    }

    /// The service's filter; an unknown agency or a bad date is an error for the
    /// page to show.
    pub fn filter(&self, service: &Service, ctx: &Ctx) -> Result<TaskFilter, String> {
        for key in ["due_from", "due_to"] {
            if let Some(problem) = self.date_problem(ctx.lang, key) {
                return Err(problem);
            }
        }
        let agency_id = if self.agency.trim().is_empty() {
            None
        } else {
            Some(
                service
                    .resolve_agency("agency", &self.agency, None)
                    .map_err(|_| match ctx.lang {
                        Lang::Vi => format!("Không có cơ quan “{}”.", self.agency),
                        Lang::En => format!("No agency “{}”.", self.agency),
                    })?
                    .id,
            )
        };
        let (due_from, due_to) = match (self.due_from, self.due_to) {
            (Some(f), Some(t)) if f > t => (Some(t), Some(f)),
            other => other,
        };
        Ok(TaskFilter {
            agency_id,
            document_id: self.document,
            status: self.status,
            as_of: ctx.day,
            known_only: ctx.as_of.is_some(),
            due_from,
            due_to,
            field: (!self.field.is_empty()).then(|| self.field.clone()),
            words: fold(&self.q)
                .split(' ')
                .filter(|w| !w.is_empty())
                .map(str::to_string)
                .collect(),
            confined_to: None,
            lacking: self.lacking,
            due_soon_days: 0,
            sort: match self.sort.as_str() {
                "-due" => TaskSort::DueDesc,
                "created" => TaskSort::Created,
                "-created" => TaskSort::CreatedDesc,
                "document" => TaskSort::Document,
                _ => TaskSort::Due,
            },
            page: self.page,
            per_page: self.per_page,
        })
    }
}

/// A task as a row of a list.
#[derive(Debug, Clone)]
pub struct TaskRow {
    pub href: String,
    pub reference: String,
    pub text: String,
    pub document: String,
    pub document_href: String,
    pub lead: String,
    pub deadline: String,
    pub badge: Badge,
    pub assignments: String,
    pub field: String,
    /// What the task lacks of the "6 rõ", in words; empty when nothing.
    pub unclear: String,
}

/// "Thiếu 2/6: rõ trách nhiệm, rõ sản phẩm"; empty when the task lacks nothing.
pub fn unclear_label(lang: Lang, t: &Task) -> String {
    let gaps = tiendo_core::clarity::lacking(t);
    if gaps.is_empty() {
        return String::new();
    }
    let names = gaps
        .iter()
        .map(|c| clarity_label(lang, *c).to_lowercase())
        .collect::<Vec<_>>()
        .join(", ");
    match lang {
        Lang::Vi => format!("Thiếu {}/6: {names}", gaps.len()),
        Lang::En => format!("Lacks {}/6: {names}", gaps.len()),
    }
}

pub fn clarity_label(lang: Lang, c: Clarity) -> &'static str {
    lang.t(c.label_vi(), c.label_en())
}

/// A task as a row; `words` (folded) are those searched for: a long text shows
/// the part that holds them.
pub fn task_row(ctx: &Ctx, t: &Task, words: &[String]) -> TaskRow {
    TaskRow {
        href: ctx.link(&format!("/nhiem-vu/{}", t.id)),
        reference: t.ref_.clone().unwrap_or_default(),
        text: excerpt(&t.text, words, 260),
        document: t.document_citation.clone(),
        document_href: ctx.link(&format!("/van-ban/{}", t.document_id)),
        lead: t
            .lead
            .iter()
            .map(|p| p.name.clone())
            .collect::<Vec<_>>()
            .join("; "),
        deadline: deadline_label(ctx, &t.deadline),
        badge: Badge::of(ctx, t.status),
        assignments: ctx.lang.int(t.assignment_count),
        field: t
            .field
            .as_deref()
            .map(|f| i18n::field_label(ctx.lang, f))
            .unwrap_or_default(),
        unclear: unclear_label(ctx.lang, t),
    }
}

pub fn deadline_label(ctx: &Ctx, d: &tiendo_core::model::DeadlineView) -> String {
    deadline_text(ctx.lang, d)
}

/// A deadline in words, in a language (the history uses it without a page).
pub fn deadline_text(lang: Lang, d: &tiendo_core::model::DeadlineView) -> String {
    match (d.kind.as_str(), lang) {
        ("none", Lang::Vi) => "Không có thời hạn".into(),
        ("none", Lang::En) => "No deadline".into(),
        ("recurring", Lang::En) => "Recurring".into(),
        ("event", Lang::En) if d.label.is_empty() => "On an event".into(),
        ("date", _) => d.due.map(i18n::date).unwrap_or_else(|| d.label.clone()),
        _ if d.label.is_empty() => d.due.map(i18n::date).unwrap_or_default(),
        _ => match d.due {
            Some(due) if d.kind != "date" => format!("{} ({})", d.label, i18n::date(due)),
            _ => d.label.clone(),
        },
    }
}

pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "tasks.html")]
struct TasksPage {
    ctx: Ctx,
    p: TaskParams,
    error: Option<String>,
    rows: Vec<TaskRow>,
    total: String,
    shown: String,
    documents: Vec<Opt>,
    statuses: Vec<Opt>,
    fields: Vec<Opt>,
    lackings: Vec<Opt>,
    sorts: Vec<Opt>,
    per_pages: Vec<Opt>,
    agencies: Vec<String>,
    due_from: String,
    due_to: String,
    due_from_error: String,
    due_to_error: String,
    prev: Option<String>,
    next: Option<String>,
    page_label: String,
    csv: String,
    xlsx: String,
    clear: String,
}

pub async fn list(web: Web, q: QueryPairs) -> Out {
    let web = web.nav("tasks");
    let ctx = &web.ctx;
    let p = TaskParams::from_query(&q);
    let (rows, total, error) = match p.filter(&web.service, ctx) {
        Ok(f) => {
            let words = f.words.clone();
            let page = web.service.list_tasks(&web.actor, f).await.or_page(ctx)?;
            (
                page.items
                    .iter()
                    .map(|t| task_row(ctx, t, &words))
                    .collect::<Vec<_>>(),
                page.total,
                None,
            )
        }
        Err(e) => (Vec::new(), 0, Some(e)),
    };
    let due_from_error = p.date_problem(ctx.lang, "due_from").unwrap_or_default();
    let due_to_error = p.date_problem(ctx.lang, "due_to").unwrap_or_default();
    // A date's problem is shown next to its field, not twice.
    let error = error.filter(|e| *e != due_from_error && *e != due_to_error);
    let documents = web
        .service
        .list_documents(
            &web.actor,
            DocumentFilter {
                known_by: ctx.known_by(),
                page: 1,
                per_page: 1000,
                ..Default::default()
            },
        )
        .await
        .or_page(ctx)?
        .items;
    let agencies = web
        .service
        .list_agencies(AgencyFilter {
            current_only: true,
            page: 1,
            per_page: 1000,
            ..Default::default()
        })
        .await
        .or_page(ctx)?
        .items;
    let pairs = p.pairs();
    let page_link = |n: i64| {
        let mut pp = pairs.clone();
        if n > 1 {
            pp.push(("page".into(), n.to_string()));
        }
        ctx.link(&build("/nhiem-vu", &pp))
    };
    let pages = ((total + p.per_page - 1) / p.per_page).max(1);
    // Saturating: a page number far past the end shows an empty page, never panics.
    let first = (p.page - 1).saturating_mul(p.per_page).saturating_add(1);
    let last = first.saturating_add(rows.len() as i64 - 1).max(0);
    let page = TasksPage {
        documents: std::iter::once(Opt {
            value: String::new(),
            label: ctx.t("Tất cả văn bản", "All documents").into(),
            selected: p.document.is_none(),
        })
        .chain(documents.iter().map(|d| Opt {
            value: d.id.to_string(),
            label: short(&d.citation, 90),
            selected: p.document == Some(d.id),
        }))
        .collect(),
        statuses: std::iter::once(Opt {
            value: String::new(),
            label: ctx.t("Mọi trạng thái", "Any status").into(),
            selected: p.status.is_none(),
        })
        .chain(Status::ALL.iter().map(|s| Opt {
            value: s.as_str().into(),
            label: ctx.lang.status(*s).into(),
            selected: p.status == Some(*s),
        }))
        .collect(),
        fields: std::iter::once(Opt {
            value: String::new(),
            label: ctx.t("Mọi lĩnh vực", "Any field").into(),
            selected: p.field.is_empty(),
        })
        .chain(FIELDS.iter().map(|(c, _)| Opt {
            value: (*c).into(),
            label: i18n::field_label(ctx.lang, c),
            selected: p.field == *c,
        }))
        .collect(),
        lackings: std::iter::once(Opt {
            value: String::new(),
            label: ctx.t("Không lọc", "No filter").into(),
            selected: p.lacking.is_none(),
        })
        .chain(std::iter::once(Opt {
            value: "any".into(),
            label: ctx.t("Thiếu ít nhất một", "Lacking any").into(),
            selected: p.lacking == Some(Lacking::Any),
        }))
        .chain(Clarity::ALL.iter().map(|c| Opt {
            value: c.as_str().into(),
            label: match ctx.lang {
                Lang::Vi => format!("Thiếu {}", c.label_vi().to_lowercase()),
                Lang::En => format!("Lacking {}", c.label_en().to_lowercase()),
            },
            selected: p.lacking == Some(Lacking::One(*c)),
        }))
        .collect(),
        sorts: [
            (
                "due",
                ctx.t("Thời hạn gần nhất trước", "Earliest deadline first"),
            ),
            (
                "-due",
                ctx.t("Thời hạn xa nhất trước", "Latest deadline first"),
            ),
            ("created", ctx.t("Giao sớm nhất trước", "Oldest first")),
            ("-created", ctx.t("Giao gần đây nhất trước", "Newest first")),
            ("document", ctx.t("Theo văn bản", "By document")),
        ]
        .iter()
        .map(|(v, l)| Opt {
            value: (*v).into(),
            label: (*l).into(),
            selected: p.sort == *v || (p.sort.is_empty() && *v == "due"),
        })
        .collect(),
        per_pages: [25, 50, 100]
            .iter()
            .map(|n| Opt {
                value: n.to_string(),
                label: n.to_string(),
                selected: p.per_page == *n,
            })
            .collect(),
        agencies: agencies.iter().map(|a| a.name.clone()).collect(),
        due_from: if due_from_error.is_empty() {
            i18n::opt_date(p.due_from)
        } else {
            p.due_from_typed.clone()
        },
        due_to: if due_to_error.is_empty() {
            i18n::opt_date(p.due_to)
        } else {
            p.due_to_typed.clone()
        },
        due_from_error,
        due_to_error,
        prev: (p.page > 1).then(|| page_link(p.page.min(pages + 1) - 1)),
        next: (p.page < pages).then(|| page_link(p.page + 1)),
        page_label: match ctx.lang {
            Lang::Vi => format!("Trang {} / {}", ctx.lang.int(p.page), ctx.lang.int(pages)),
            Lang::En => format!("Page {} of {}", ctx.lang.int(p.page), ctx.lang.int(pages)),
        },
        shown: if rows.is_empty() {
            String::new()
        } else {
            format!("{}–{}", ctx.lang.int(first), ctx.lang.int(last))
        },
        total: ctx.lang.int(total),
        csv: ctx.link(&build("/nhiem-vu.csv", &pairs)),
        xlsx: ctx.link(&build("/nhiem-vu.xlsx", &pairs)),
        clear: ctx.link("/nhiem-vu"),
        rows,
        error,
        ctx: ctx.clone(),
        p,
    };
    Ok(render(&page))
}

/// Every task of the filtered list (up to 100,000), as a table for export.
async fn export_table(web: &Web, q: &QueryPairs) -> Result<Table, Response> {
    let ctx = &web.ctx;
    let p = TaskParams::from_query(q);
    let mut f = p
        .filter(&web.service, ctx)
        .map_err(|e| crate::ctx::not_found_page(ctx, &e))?;
    f.per_page = 1000;
    let lang = ctx.lang;
    let mut table = Table {
        headers: [
            lang.t("STT", "No."),
            lang.t("Văn bản giao", "Document"),
            lang.t("Mục", "Ref"),
            lang.t("Nhiệm vụ", "Task"),
            lang.t("Sản phẩm", "Product"),
            lang.t("Lĩnh vực", "Field"),
            lang.t("Cơ quan chủ trì", "Lead"),
            lang.t("Cơ quan phối hợp", "Coordinating"),
            lang.t("Lãnh đạo chỉ đạo", "Directing leader"),
            lang.t("Thời hạn", "Deadline"),
            lang.t("Trạng thái", "Status"),
            lang.t("Số phân công", "Assignments"),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        rows: Vec::new(),
        widths: vec![
            6.0, 30.0, 10.0, 70.0, 30.0, 18.0, 30.0, 30.0, 20.0, 18.0, 20.0, 10.0,
        ],
    };
    for page in 1..=100 {
        f.page = page;
        let res = web
            .service
            .list_tasks(&web.actor, f.clone())
            .await
            .or_page(ctx)?;
        let n = res.items.len();
        for t in res.items {
            let names = |v: &[tiendo_core::model::PartyRef]| {
                v.iter()
                    .map(|p| p.name.clone())
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            table.rows.push(vec![
                Cell::Int(table.rows.len() as i64 + 1),
                Cell::Text(
                    t.source_citation
                        .clone()
                        .unwrap_or(t.document_citation.clone()),
                ),
                Cell::Text(t.ref_.clone().unwrap_or_default()),
                Cell::Text(t.text.clone()),
                Cell::Text(t.product.clone().unwrap_or_default()),
                Cell::Text(
                    t.field
                        .as_deref()
                        .map(|f| i18n::field_label(lang, f))
                        .unwrap_or_default(),
                ),
                Cell::Text(names(&t.lead)),
                Cell::Text(names(&t.coord)),
                Cell::Text(t.leader.clone().unwrap_or_default()),
                Cell::Text(deadline_label(ctx, &t.deadline)),
                Cell::Text(
                    t.status
                        .map(|s| lang.status(s))
                        .unwrap_or_default()
                        .to_string(),
                ),
                Cell::Int(t.assignment_count),
            ]);
        }
        if n < 1000 {
            break;
        }
    }
    Ok(table)
}

pub async fn export_csv(web: Web, q: QueryPairs) -> Out {
    let table = export_table(&web, &q).await?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                crate::export::disposition("danh-sach-nhiem-vu", web.ctx.day, "csv"),
            ),
        ],
        to_csv(&table),
    )
        .into_response())
}

pub async fn export_xlsx(web: Web, q: QueryPairs) -> Out {
    let table = export_table(&web, &q).await?;
    let bytes = to_xlsx(&table, web.ctx.t("Nhiệm vụ", "Tasks"))
        .map_err(|e| crate::ctx::error_page(&web.ctx, tiendo_service::ServiceError::Internal(e)))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ),
            ),
            (
                header::CONTENT_DISPOSITION,
                crate::export::disposition("danh-sach-nhiem-vu", web.ctx.day, "xlsx"),
            ),
        ],
        bytes,
    )
        .into_response())
}
