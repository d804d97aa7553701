//! The history of a task in words ("Lịch sử đầy đủ"): each audit event becomes a
//! sentence saying who did what, from what to what, and when, in Vietnamese or
//! English. Agencies are named, dates are dd/mm/yyyy, instants dd/mm/yyyy HH:MM
//! in Asia/Ho_Chi_Minh, states are words ("được chấp nhận", "bị trả lại").
//!
//! One function per kind of event (the writers are in crates/store: `audit`
//! calls in repo/*.rs and evidence_repo.rs; state changes of an assignment come
//! from `change_assignment_in`), and a fallback for kinds not known here that
//! still reads as words. The raw record stays available to the office (a
//! `<details>` on the page), never in the sentence.

use chrono::NaiveDate;
use serde_json::Value;
use tiendo_core::deadline::DeadlineKind;
use tiendo_core::model::{DeadlineView, Event};

use crate::i18n::{self, Lang};
use crate::pages::tasks::deadline_text;

/// What the sentences need that events carry only as ids.
pub trait Names {
    /// An agency's name.
    fn agency(&self, id: i64) -> String;
    /// The agency an entity belongs to (an assignment, a progress report, an
    /// extension request, a commitment), when the page knows it.
    fn agency_of(&self, entity: &str, id: i64) -> Option<String>;
}

/// The names a page knows: agencies from the service, and the agency of each
/// assignment, report, extension request and commitment the page has listed.
pub struct PageNames<'a> {
    service: &'a tiendo_service::Service,
    of: std::collections::HashMap<(String, i64), i64>,
}

impl<'a> PageNames<'a> {
    pub fn new(service: &'a tiendo_service::Service) -> PageNames<'a> {
        PageNames {
            service,
            of: Default::default(),
        }
    }

    /// Records that `entity` `id` belongs to agency `agency`.
    pub fn of(&mut self, entity: &'static str, id: i64, agency: i64) {
        self.of.insert((entity.to_string(), id), agency);
    }
}

impl Names for PageNames<'_> {
    fn agency(&self, id: i64) -> String {
        self.service.agency_name(id)
    }

    fn agency_of(&self, entity: &str, id: i64) -> Option<String> {
        self.of
            .get(&(entity.to_string(), id))
            .map(|a| self.service.agency_name(*a))
    }
}

/// One line of the history as the page shows it.
#[derive(Debug, Clone)]
pub struct HistoryLine {
    /// dd/mm/yyyy HH:MM (Asia/Ho_Chi_Minh).
    pub when: String,
    /// The person: their display name, or "hệ thống" for the system.
    pub who: String,
    /// What they did, as the rest of the sentence.
    pub what: String,
    /// The stored record (JSON), for the office only; empty otherwise.
    pub raw: String,
}

impl HistoryLine {
    /// The whole sentence: "who what."
    pub fn sentence(&self) -> String {
        format!("{} {}", self.who, self.what)
    }
}

/// The event as a line; `raw` is filled only when `with_raw` (the office).
pub fn line(lang: Lang, e: &Event, names: &dyn Names, with_raw: bool) -> HistoryLine {
    HistoryLine {
        when: i18n::instant(&e.recorded_at),
        who: who(lang, e),
        what: what(lang, e, names),
        raw: if with_raw {
            serde_json::to_string_pretty(&serde_json::json!({
                "entity": e.entity,
                "entity_id": e.entity_id,
                "action": e.action,
                "actor_id": e.actor_id,
                "changes": e.changes,
                "recorded_at": e.recorded_at,
                "entered_at": e.entered_at,
            }))
            .unwrap_or_default()
        } else {
            String::new()
        },
    }
}

/// Who acted: the display name, else the username; the system user (or no
/// actor) is "hệ thống".
pub fn who(lang: Lang, e: &Event) -> String {
    let system = lang.t("Hệ thống", "The system").to_string();
    match e.actor_name.as_deref() {
        None | Some("system") => system,
        Some(username) => e
            .actor_display_name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .unwrap_or(username)
            .to_string(),
    }
}

/// The rest of the sentence, by kind of event.
pub fn what(lang: Lang, e: &Event, names: &dyn Names) -> String {
    let c = &e.changes;
    let text = match (e.entity.as_str(), e.action.as_str()) {
        ("task", "create") => task_created(lang, c, names),
        ("task", "update") => task_updated(lang, c),
        ("assignment", "create") => assignment_created(lang, e, names),
        ("assignment", action) if c.get("change").is_some() => {
            assignment_changed(lang, e, action, names)
        }
        ("assignment", "update") => assignment_recorded(lang, e, names),
        ("assignment", "urged") => assignment_urged(lang, e, names),
        ("progress_report", "create") => report_created(lang, e, names),
        ("progress_report", "update") => report_updated(lang, e, names),
        ("progress_report", "accept") => report_reviewed(lang, e, names, true),
        ("progress_report", "return") => report_reviewed(lang, e, names, false),
        ("progress_report", "attach_evidence") => evidence_attached(lang, e, names),
        ("progress_report", "withdraw") => report_withdrawn(lang, e, names),
        ("extension", "request" | "create") => extension_requested(lang, e, names),
        ("extension", "approve") => extension_decided(lang, e, names, true),
        ("extension", "refuse") => extension_decided(lang, e, names, false),
        ("extension", "withdraw") => extension_withdrawn(lang, e, names),
        ("extension", "attach_letter") => letter_attached(lang, e, names),
        ("commitment", "create") => commitment_created(lang, e, names),
        ("commitment", "update") => commitment_updated(lang, e, names),
        ("user", "create") => user_created(lang, c, names),
        ("user", "update") => user_updated(lang, c, names),
        _ => unknown(lang, e),
    };
    finish(text)
}

fn finish(mut s: String) -> String {
    let s_trim = s.trim_end();
    if !s_trim.ends_with(['.', '!', '?']) {
        s.truncate(s_trim.len());
        s.push('.');
    }
    s
}

// ------------------------------------------------------------------ values

fn text(v: &Value, k: &str) -> Option<String> {
    match v.get(k)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn int(v: &Value, k: &str) -> Option<i64> {
    v.get(k)?.as_i64()
}

fn day(v: &Value, k: &str) -> Option<NaiveDate> {
    v.get(k)?.as_str()?.get(..10)?.parse().ok()
}

fn flag(v: &Value, k: &str) -> bool {
    v.get(k).and_then(Value::as_bool).unwrap_or(false)
}

/// A quoted excerpt of free text, at most `n` characters.
fn quote(s: &str, n: usize) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    format!("“{}”", tiendo_core::text::clip_words(&s, n + 1))
}

/// A deadline in words from its parts.
fn deadline_words(lang: Lang, kind: Option<&str>, due: Option<NaiveDate>, raw: &str) -> String {
    let kind = kind
        .and_then(DeadlineKind::parse)
        .unwrap_or(if due.is_some() {
            DeadlineKind::Date
        } else {
            DeadlineKind::None
        });
    let mut s = deadline_text(lang, &DeadlineView::from_parts(kind, due, raw));
    // Labels start with a capital in tables; inside a sentence they do not.
    if let Some(first) = s.chars().next()
        && matches!(kind, DeadlineKind::None | DeadlineKind::Recurring)
    {
        s = first.to_lowercase().collect::<String>() + &s[first.len_utf8()..];
    }
    s
}

/// A deadline stored as `{"kind", "due", "raw"}` (a task's), or as the fields
/// `deadline_kind`/`due` of an assignment, or `{"deadline_kind", "due"}` of a state.
fn deadline_of(lang: Lang, v: &Value) -> String {
    let kind = v
        .get("kind")
        .or_else(|| v.get("deadline_kind"))
        .and_then(Value::as_str);
    deadline_words(
        lang,
        kind,
        day(v, "due"),
        v.get("raw").and_then(Value::as_str).unwrap_or(""),
    )
}

fn agency_list(lang: Lang, ids: &Value, names: &dyn Names) -> String {
    let names: Vec<String> = ids
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_i64)
                .map(|id| names.agency(id))
                .collect()
        })
        .unwrap_or_default();
    if names.is_empty() {
        return String::new();
    }
    let n = names.len();
    if n > 6 {
        let first = names[..5].join("; ");
        return match lang {
            Lang::Vi => format!("{first} và {} cơ quan khác", lang.int(n as i64 - 5)),
            Lang::En => format!("{first} and {} other agencies", lang.int(n as i64 - 5)),
        };
    }
    names.join("; ")
}

fn parties(v: &Value) -> String {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|p| p.get("name").and_then(Value::as_str))
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_default()
}

/// " của Bộ X" / " of the X": the agency an entity belongs to, when known.
fn of(lang: Lang, names: &dyn Names, entity: &str, id: i64) -> String {
    match names.agency_of(entity, id) {
        Some(a) => match lang {
            Lang::Vi => format!(" của {a}"),
            Lang::En => format!(" of {a}"),
        },
        None => String::new(),
    }
}

fn note_clause(lang: Lang, v: &Value, vi: &str, en: &str) -> String {
    match text(v, "note") {
        Some(n) => format!("; {} {}", lang.t(vi, en), quote(&n, 300)),
        None => String::new(),
    }
}

// ------------------------------------------------------------------ kinds

mod reports;
mod requests;
mod tasks;
mod users;
pub use reports::*;
pub use requests::*;
pub use tasks::*;
pub use users::*;

fn or_empty(lang: Lang, s: String) -> String {
    if s.is_empty() {
        lang.t("(trống)", "(empty)").into()
    } else {
        s
    }
}

/// Any other kind: the thing and the action in words, and its simple values
/// with their names in words (never the stored keys or JSON).
pub fn unknown(lang: Lang, e: &Event) -> String {
    let thing = match e.entity.as_str() {
        "task" => lang.t("nhiệm vụ", "the task"),
        "assignment" => lang.t("phân công", "the assignment"),
        "progress_report" => lang.t("báo cáo tiến độ", "the progress report"),
        "extension" => lang.t("đề nghị gia hạn", "the extension request"),
        "commitment" => lang.t("cam kết", "the commitment"),
        "document" => lang.t("văn bản", "the document"),
        "agency" => lang.t("cơ quan", "the agency"),
        "user" => lang.t("tài khoản", "the account"),
        "token" => lang.t("khóa truy cập", "the access token"),
        _ => lang.t("dữ liệu", "a record"),
    };
    let action = e.action.replace('_', " ");
    let verb = match action.as_str() {
        "create" => lang.t("tạo", "created").to_string(),
        "update" => lang.t("sửa", "changed").to_string(),
        "delete" => lang.t("xóa", "deleted").to_string(),
        "import" => lang.t("nhập", "imported").to_string(),
        _ => match lang {
            Lang::Vi => format!("thao tác “{action}” trên"),
            Lang::En => format!("did “{action}” on"),
        },
    };
    let mut s = format!("{verb} {thing}");
    let mut bits = Vec::new();
    if let Value::Object(m) = &e.changes {
        for (k, v) in m {
            let value = match v {
                Value::String(x) if !x.is_empty() => {
                    match x.get(..10).and_then(|d| d.parse::<NaiveDate>().ok()) {
                        Some(d) if x.len() == 10 => i18n::date(d),
                        _ => quote(x, 80),
                    }
                }
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => lang
                    .t(
                        if *b { "có" } else { "không" },
                        if *b { "yes" } else { "no" },
                    )
                    .into(),
                _ => continue,
            };
            if k.ends_with("_id") || k == "id" || k == "sha256" {
                continue;
            }
            bits.push(format!("{} {value}", key_words(lang, k)));
            if bits.len() == 4 {
                break;
            }
        }
    }
    if !bits.is_empty() {
        s.push_str(&format!(" ({})", bits.join(", ")));
    }
    s
}

/// A stored key in words (for the fallback).
fn key_words(lang: Lang, k: &str) -> String {
    let w = match k {
        "note" => lang.t("ghi chú", "note"),
        "reason" => lang.t("lý do", "reason"),
        "state" | "review_state" => lang.t("trạng thái", "state"),
        "due" => lang.t("hạn", "due"),
        "label" => lang.t("nhãn", "label"),
        "name" => lang.t("tên", "name"),
        "number" => lang.t("số", "number"),
        "title" => lang.t("tiêu đề", "title"),
        _ => "",
    };
    if w.is_empty() {
        k.replace('_', " ")
    } else {
        w.to_string()
    }
}

#[cfg(test)]
mod tests;
