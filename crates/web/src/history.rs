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
        ("progress_report", "create") => report_created(lang, e, names),
        ("progress_report", "update") => report_updated(lang, e, names),
        ("progress_report", "accept") => report_reviewed(lang, e, names, true),
        ("progress_report", "return") => report_reviewed(lang, e, names, false),
        ("progress_report", "attach_evidence") => evidence_attached(lang, e, names),
        ("extension", "request" | "create") => extension_requested(lang, e, names),
        ("extension", "approve") => extension_decided(lang, e, names, true),
        ("extension", "refuse") => extension_decided(lang, e, names, false),
        ("commitment", "create") => commitment_created(lang, e, names),
        ("commitment", "update") => commitment_updated(lang, e, names),
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
    if s.chars().count() > n {
        format!("“{}…”", s.chars().take(n).collect::<String>())
    } else {
        format!("“{s}”")
    }
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

/// `task/create`: the task, its deadline, the agencies it was given to.
pub fn task_created(lang: Lang, c: &Value, names: &dyn Names) -> String {
    let mut s = match (lang, text(c, "ref")) {
        (Lang::Vi, Some(r)) => format!("giao nhiệm vụ mục {r}"),
        (Lang::Vi, None) => "giao nhiệm vụ".to_string(),
        (Lang::En, Some(r)) => format!("registered the task at item {r}"),
        (Lang::En, None) => "registered the task".to_string(),
    };
    if let Some(d) = c.get("deadline") {
        s.push_str(&match lang {
            Lang::Vi => format!(", thời hạn {}", deadline_of(lang, d)),
            Lang::En => format!(", deadline {}", deadline_of(lang, d)),
        });
    }
    let to = c
        .get("assignees")
        .map(|a| agency_list(lang, a, names))
        .unwrap_or_default();
    if !to.is_empty() {
        s.push_str(&match lang {
            Lang::Vi => format!(", cho {to}"),
            Lang::En => format!(", for {to}"),
        });
    }
    s
}

/// `task/update`: each field that changed, from what to what.
pub fn task_updated(lang: Lang, c: &Value) -> String {
    let (before, after) = (&c["before"], &c["after"]);
    let mut parts: Vec<String> = Vec::new();
    let mut change = |label: &str, from: String, to: String| {
        if from != to {
            let empty = lang.t("(trống)", "(empty)");
            let from = if from.is_empty() { empty.into() } else { from };
            let to = if to.is_empty() { empty.into() } else { to };
            parts.push(match lang {
                Lang::Vi => format!("{label} từ {from} thành {to}"),
                Lang::En => format!("{label} from {from} to {to}"),
            });
        }
    };
    let q = |v: &Value, k: &str| text(v, k).map(|s| quote(&s, 160)).unwrap_or_default();
    change(
        lang.t("nội dung", "the text"),
        q(before, "text"),
        q(after, "text"),
    );
    change(
        lang.t("mục", "the item"),
        text(before, "ref").unwrap_or_default(),
        text(after, "ref").unwrap_or_default(),
    );
    change(
        lang.t("sản phẩm", "the product"),
        q(before, "product"),
        q(after, "product"),
    );
    change(
        lang.t("lĩnh vực", "the field"),
        text(before, "field")
            .map(|f| i18n::field_label(lang, &f))
            .unwrap_or_default(),
        text(after, "field")
            .map(|f| i18n::field_label(lang, &f))
            .unwrap_or_default(),
    );
    change(
        lang.t("mức ưu tiên", "the priority"),
        text(before, "priority").unwrap_or_default(),
        text(after, "priority").unwrap_or_default(),
    );
    change(
        lang.t("thời hạn", "the deadline"),
        before
            .get("deadline")
            .map(|d| deadline_of(lang, d))
            .unwrap_or_default(),
        after
            .get("deadline")
            .map(|d| deadline_of(lang, d))
            .unwrap_or_default(),
    );
    change(
        lang.t("cơ quan phối hợp", "the coordinating agencies"),
        parties(&before["coord"]),
        parties(&after["coord"]),
    );
    change(
        lang.t("lãnh đạo chỉ đạo", "the directing leader"),
        text(before, "leader").unwrap_or_default(),
        text(after, "leader").unwrap_or_default(),
    );
    if parts.is_empty() {
        lang.t(
            "lưu nhiệm vụ, không thay đổi nội dung",
            "saved the task without changes",
        )
        .into()
    } else {
        format!(
            "{}: {}",
            lang.t("sửa nhiệm vụ", "edited the task"),
            parts.join("; ")
        )
    }
}

/// `assignment/create`: the agency and its deadline.
pub fn assignment_created(lang: Lang, e: &Event, names: &dyn Names) -> String {
    let c = &e.changes;
    let agency = int(c, "agency_id")
        .map(|id| names.agency(id))
        .or_else(|| names.agency_of("assignment", e.entity_id))
        .unwrap_or_else(|| lang.t("một cơ quan", "an agency").into());
    match lang {
        Lang::Vi => format!("phân công cho {agency}, thời hạn {}", deadline_of(lang, c)),
        Lang::En => format!(
            "assigned the task to {agency}, deadline {}",
            deadline_of(lang, c)
        ),
    }
}

/// A change of an assignment's status (`change_assignment_in`): complete,
/// reopen, cancel, restore, extend, deadline_corrected, task_deadline_corrected.
pub fn assignment_changed(lang: Lang, e: &Event, action: &str, names: &dyn Names) -> String {
    let c = &e.changes;
    let whose = names
        .agency_of("assignment", e.entity_id)
        .unwrap_or_else(|| lang.t("một cơ quan", "an agency").into());
    let (before, after) = (&c["before"], &c["after"]);
    let details = &c["details"];
    // `StateChange` is stored tagged: {"change": "completed", "on": …}.
    let change = c["change"]
        .get("change")
        .and_then(Value::as_str)
        .or(c["change"].as_str())
        .unwrap_or(action);
    let note = note_clause(lang, details, "ghi chú:", "note:");
    let s = match (change, lang) {
        ("completed", Lang::Vi) => {
            let mut s = format!(
                "xác nhận {whose} hoàn thành ngày {}",
                i18n::opt_date(day(after, "completed_on").or(day(&c["change"], "on")))
            );
            if int(details, "report_id").is_some() {
                s.push_str(" (khi chấp nhận báo cáo hoàn thành)");
            }
            s
        }
        ("completed", Lang::En) => {
            let mut s = format!(
                "confirmed that {whose} completed the work on {}",
                i18n::opt_date(day(after, "completed_on"))
            );
            if int(details, "report_id").is_some() {
                s.push_str(" (by accepting its completion report)");
            }
            s
        }
        ("reopened", Lang::Vi) => format!(
            "mở lại phân công của {whose} (trước đó ghi hoàn thành ngày {})",
            i18n::opt_date(day(before, "completed_on"))
        ),
        ("reopened", Lang::En) => format!(
            "reopened the assignment of {whose} (it had been completed on {})",
            i18n::opt_date(day(before, "completed_on"))
        ),
        ("cancelled", Lang::Vi) => format!("hủy phân công của {whose}"),
        ("cancelled", Lang::En) => format!("cancelled the assignment of {whose}"),
        ("restored", Lang::Vi) => format!("khôi phục phân công đã hủy của {whose}"),
        ("restored", Lang::En) => format!("restored the cancelled assignment of {whose}"),
        ("deadline_set", _) => {
            let from = deadline_of(lang, before);
            let to = deadline_of(lang, after);
            match (action, lang) {
                ("extend", Lang::Vi) => {
                    format!("gia hạn cho {whose} từ {from} đến {to} (chấp thuận đề nghị gia hạn)")
                }
                ("extend", Lang::En) => format!(
                    "extended the deadline of {whose} from {from} to {to} (an approved request)"
                ),
                ("task_deadline_corrected", Lang::Vi) => format!(
                    "đổi thời hạn của {whose} từ {from} thành {to} (theo thời hạn mới của nhiệm vụ)"
                ),
                ("task_deadline_corrected", Lang::En) => format!(
                    "moved the deadline of {whose} from {from} to {to} (the task's deadline was corrected)"
                ),
                (_, Lang::Vi) => format!("sửa thời hạn của {whose} từ {from} thành {to}"),
                (_, Lang::En) => format!("corrected the deadline of {whose} from {from} to {to}"),
            }
        }
        ("assigned", Lang::Vi) => {
            format!(
                "phân công cho {whose}, thời hạn {}",
                deadline_of(lang, after)
            )
        }
        ("assigned", Lang::En) => format!(
            "assigned the task to {whose}, deadline {}",
            deadline_of(lang, after)
        ),
        (_, _) => return unknown(lang, e),
    };
    s + &note
}

/// `assignment/update` from an imported history: the state recorded then.
pub fn assignment_recorded(lang: Lang, e: &Event, names: &dyn Names) -> String {
    let c = &e.changes;
    let whose = names
        .agency_of("assignment", e.entity_id)
        .unwrap_or_else(|| lang.t("một cơ quan", "an agency").into());
    let mut s = match lang {
        Lang::Vi => format!(
            "ghi nhận tình trạng của {whose}: thời hạn {}",
            deadline_of(lang, c)
        ),
        Lang::En => format!(
            "recorded the state of {whose}: deadline {}",
            deadline_of(lang, c)
        ),
    };
    if let Some(d) = day(c, "completed_on") {
        s.push_str(&match lang {
            Lang::Vi => format!(", hoàn thành ngày {}", i18n::date(d)),
            Lang::En => format!(", completed on {}", i18n::date(d)),
        });
    }
    if flag(c, "cancelled") {
        s.push_str(lang.t(", đã hủy", ", cancelled"));
    }
    s
}

fn report_summary(lang: Lang, c: &Value) -> String {
    let mut bits: Vec<String> = Vec::new();
    if let Some(d) = day(c, "reported_on") {
        bits.push(match lang {
            Lang::Vi => format!("ngày báo cáo {}", i18n::date(d)),
            Lang::En => format!("dated {}", i18n::date(d)),
        });
    }
    if flag(c, "claims_completion") {
        bits.push(match (lang, day(c, "completed_on")) {
            (Lang::Vi, Some(d)) => format!("báo cáo đã hoàn thành ngày {}", i18n::date(d)),
            (Lang::Vi, None) => "báo cáo đã hoàn thành".into(),
            (Lang::En, Some(d)) => format!("claiming completion on {}", i18n::date(d)),
            (Lang::En, None) => "claiming completion".into(),
        });
    } else if let Some(p) = int(c, "percent") {
        bits.push(match lang {
            Lang::Vi => format!("đạt {p}%"),
            Lang::En => format!("{p}% done"),
        });
    }
    if let Some(n) = text(c, "evidence_number") {
        bits.push(match lang {
            Lang::Vi => format!("văn bản minh chứng số {n}"),
            Lang::En => format!("evidence letter {n}"),
        });
    }
    let mut s = bits.join(", ");
    if let Some(n) = text(c, "narrative") {
        if !s.is_empty() {
            s.push_str(": ");
        }
        s.push_str(&quote(&n, 200));
    }
    s
}

/// `progress_report/create`.
pub fn report_created(lang: Lang, e: &Event, names: &dyn Names) -> String {
    let whose = int(&e.changes, "assignment_id")
        .and_then(|a| names.agency_of("assignment", a))
        .or_else(|| names.agency_of("progress_report", e.entity_id));
    let head = match (lang, whose) {
        (Lang::Vi, Some(a)) => format!("gửi báo cáo tiến độ của {a}"),
        (Lang::Vi, None) => "gửi báo cáo tiến độ".into(),
        (Lang::En, Some(a)) => format!("sent a progress report for {a}"),
        (Lang::En, None) => "sent a progress report".into(),
    };
    let body = report_summary(lang, &e.changes);
    if body.is_empty() {
        head
    } else {
        format!("{head} ({body})")
    }
}

/// `progress_report/update`: what changed in the report.
pub fn report_updated(lang: Lang, e: &Event, names: &dyn Names) -> String {
    let (before, after) = (&e.changes["before"], &e.changes["after"]);
    let mut parts: Vec<String> = Vec::new();
    let mut change = |label: &str, from: String, to: String| {
        if from != to {
            let empty = lang.t("(trống)", "(empty)");
            let from = if from.is_empty() { empty.into() } else { from };
            let to = if to.is_empty() { empty.into() } else { to };
            parts.push(match lang {
                Lang::Vi => format!("{label} từ {from} thành {to}"),
                Lang::En => format!("{label} from {from} to {to}"),
            });
        }
    };
    let pct = |v: &Value| {
        int(v, "percent")
            .map(|p| format!("{p}%"))
            .unwrap_or_default()
    };
    let d = |v: &Value, k: &str| day(v, k).map(i18n::date).unwrap_or_default();
    let q = |v: &Value, k: &str| text(v, k).map(|s| quote(&s, 120)).unwrap_or_default();
    change(
        lang.t("tỷ lệ hoàn thành", "the share done"),
        pct(before),
        pct(after),
    );
    change(
        lang.t("ngày báo cáo", "the report date"),
        d(before, "reported_on"),
        d(after, "reported_on"),
    );
    change(
        lang.t("ngày hoàn thành", "the completion date"),
        d(before, "completed_on"),
        d(after, "completed_on"),
    );
    change(
        lang.t("nội dung", "the narrative"),
        q(before, "narrative"),
        q(after, "narrative"),
    );
    change(
        lang.t("khó khăn", "the difficulties"),
        q(before, "difficulties"),
        q(after, "difficulties"),
    );
    change(
        lang.t("đề xuất", "the proposals"),
        q(before, "proposals"),
        q(after, "proposals"),
    );
    change(
        lang.t("số văn bản minh chứng", "the evidence letter"),
        text(before, "evidence_number").unwrap_or_default(),
        text(after, "evidence_number").unwrap_or_default(),
    );
    if flag(before, "claims_completion") != flag(after, "claims_completion") {
        parts.push(
            if flag(after, "claims_completion") {
                lang.t(
                    "nay báo cáo đã hoàn thành (chờ duyệt)",
                    "now claims completion (awaiting review)",
                )
            } else {
                lang.t(
                    "không còn báo cáo hoàn thành",
                    "no longer claims completion",
                )
            }
            .to_string(),
        );
    }
    let head = format!(
        "{}{}",
        lang.t("sửa báo cáo tiến độ", "edited the progress report"),
        of(lang, names, "progress_report", e.entity_id)
    );
    if parts.is_empty() {
        head
    } else {
        format!("{head}: {}", parts.join("; "))
    }
}

/// `progress_report/accept` and `progress_report/return`.
pub fn report_reviewed(lang: Lang, e: &Event, names: &dyn Names, accepted: bool) -> String {
    let whose = of(lang, names, "progress_report", e.entity_id);
    if accepted {
        let s = match lang {
            Lang::Vi => format!("duyệt báo cáo tiến độ{whose}: báo cáo được chấp nhận"),
            Lang::En => format!("reviewed the progress report{whose}: the report was accepted"),
        };
        s + &note_clause(lang, &e.changes, "ghi chú:", "note:")
    } else {
        let s = match lang {
            Lang::Vi => format!("duyệt báo cáo tiến độ{whose}: báo cáo bị trả lại"),
            Lang::En => format!("reviewed the progress report{whose}: the report was returned"),
        };
        s + &note_clause(lang, &e.changes, "lý do:", "reason:")
    }
}

/// `progress_report/attach_evidence`: the file's name, kind and size.
pub fn evidence_attached(lang: Lang, e: &Event, names: &dyn Names) -> String {
    let c = &e.changes;
    let name = text(c, "file_name").unwrap_or_else(|| lang.t("(không tên)", "(unnamed)").into());
    let size = int(c, "size_bytes").map(|b| size_words(lang, b));
    let kind = c
        .get("content_type")
        .and_then(Value::as_str)
        .map(crate::pages::evidence::kind_label)
        .filter(|k| !k.is_empty());
    let mut s = match lang {
        Lang::Vi => format!("đính kèm tệp minh chứng “{name}”"),
        Lang::En => format!("attached the evidence file “{name}”"),
    };
    let extra: Vec<String> = kind.map(str::to_string).into_iter().chain(size).collect();
    if !extra.is_empty() {
        s.push_str(&format!(" ({})", extra.join(", ")));
    }
    s.push_str(&match lang {
        Lang::Vi => format!(
            " vào báo cáo tiến độ{}",
            of(lang, names, "progress_report", e.entity_id)
        ),
        Lang::En => format!(
            " to the progress report{}",
            of(lang, names, "progress_report", e.entity_id)
        ),
    });
    s
}

fn size_words(lang: Lang, bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{} MB", lang.dec(bytes as f64 / (1024.0 * 1024.0), 1))
    } else if bytes >= 1024 {
        format!("{} KB", lang.int((bytes + 512) / 1024))
    } else {
        format!("{} {}", lang.int(bytes), lang.t("byte", "bytes"))
    }
}

/// `extension/request`: from which deadline to which, and why.
pub fn extension_requested(lang: Lang, e: &Event, names: &dyn Names) -> String {
    let c = &e.changes;
    let whose = int(c, "assignment_id")
        .and_then(|a| names.agency_of("assignment", a))
        .or_else(|| names.agency_of("extension", e.entity_id));
    let from = c
        .get("previous")
        .map(|p| deadline_of(lang, p))
        .unwrap_or_default();
    let to = c
        .get("deadline")
        .map(|d| deadline_of(lang, d))
        .unwrap_or_default();
    let mut s = match (lang, whose) {
        (Lang::Vi, Some(a)) => format!("đề nghị gia hạn cho {a} từ {from} đến {to}"),
        (Lang::Vi, None) => format!("đề nghị gia hạn từ {from} đến {to}"),
        (Lang::En, Some(a)) => format!("asked to extend the deadline of {a} from {from} to {to}"),
        (Lang::En, None) => format!("asked to extend the deadline from {from} to {to}"),
    };
    if let Some(r) = text(c, "reason") {
        s.push_str(&format!(
            "; {} {}",
            lang.t("lý do:", "reason:"),
            quote(&r, 300)
        ));
    }
    s
}

/// `extension/approve` and `extension/refuse`.
pub fn extension_decided(lang: Lang, e: &Event, names: &dyn Names, approved: bool) -> String {
    let whose = of(lang, names, "extension", e.entity_id);
    let s = match (lang, approved) {
        (Lang::Vi, true) => format!("quyết định đề nghị gia hạn{whose}: được chấp thuận"),
        (Lang::Vi, false) => format!("quyết định đề nghị gia hạn{whose}: bị từ chối"),
        (Lang::En, true) => format!("decided the extension request{whose}: approved"),
        (Lang::En, false) => format!("decided the extension request{whose}: refused"),
    };
    if approved {
        s + &note_clause(lang, &e.changes, "ghi chú:", "note:")
    } else {
        s + &note_clause(lang, &e.changes, "lý do:", "reason:")
    }
}

/// `commitment/create`: the committed day against the deadline then.
pub fn commitment_created(lang: Lang, e: &Event, names: &dyn Names) -> String {
    let c = &e.changes;
    let whose = int(c, "assignment_id")
        .and_then(|a| names.agency_of("assignment", a))
        .or_else(|| names.agency_of("commitment", e.entity_id));
    let on = i18n::opt_date(day(c, "committed_on"));
    let mut s = match (lang, whose) {
        (Lang::Vi, Some(a)) => format!("ghi cam kết của {a} hoàn thành trước ngày {on}"),
        (Lang::Vi, None) => format!("ghi cam kết hoàn thành trước ngày {on}"),
        (Lang::En, Some(a)) => format!("recorded the commitment of {a} to complete by {on}"),
        (Lang::En, None) => format!("recorded a commitment to complete by {on}"),
    };
    if let Some(d) = day(c, "original_due") {
        s.push_str(&match lang {
            Lang::Vi => format!(" (thời hạn khi cam kết: {})", i18n::date(d)),
            Lang::En => format!(" (the deadline then: {})", i18n::date(d)),
        });
    }
    if let Some(n) = text(c, "letter_number") {
        s.push_str(&match lang {
            Lang::Vi => format!(", văn bản số {n}"),
            Lang::En => format!(", letter {n}"),
        });
    }
    s + &note_clause(lang, c, "ghi chú:", "note:")
}

/// `commitment/update`.
pub fn commitment_updated(lang: Lang, e: &Event, names: &dyn Names) -> String {
    let (before, after) = (&e.changes["before"], &e.changes["after"]);
    let mut parts = Vec::new();
    let d = |v: &Value| day(v, "committed_on").map(i18n::date).unwrap_or_default();
    if d(before) != d(after) {
        parts.push(match lang {
            Lang::Vi => format!("ngày cam kết từ {} thành {}", d(before), d(after)),
            Lang::En => format!("the committed day from {} to {}", d(before), d(after)),
        });
    }
    let l = |v: &Value| text(v, "letter_number").unwrap_or_default();
    if l(before) != l(after) {
        parts.push(match lang {
            Lang::Vi => format!(
                "số văn bản từ {} thành {}",
                or_empty(lang, l(before)),
                or_empty(lang, l(after))
            ),
            Lang::En => format!(
                "the letter from {} to {}",
                or_empty(lang, l(before)),
                or_empty(lang, l(after))
            ),
        });
    }
    if text(before, "note") != text(after, "note") {
        parts.push(lang.t("ghi chú", "the note").to_string());
    }
    let head = format!(
        "{}{}",
        lang.t("sửa cam kết", "edited the commitment"),
        of(lang, names, "commitment", e.entity_id)
    );
    if parts.is_empty() {
        head
    } else {
        format!("{head}: {}", parts.join("; "))
    }
}

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
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::HashMap;

    struct Map {
        agencies: HashMap<i64, &'static str>,
        of: HashMap<(&'static str, i64), &'static str>,
    }

    impl Names for Map {
        fn agency(&self, id: i64) -> String {
            self.agencies
                .get(&id)
                .map(|s| s.to_string())
                .unwrap_or_else(|| format!("#{id}"))
        }
        fn agency_of(&self, entity: &str, id: i64) -> Option<String> {
            self.of
                .iter()
                .find(|((e, i), _)| *e == entity && *i == id)
                .map(|(_, a)| a.to_string())
        }
    }

    fn names() -> Map {
        Map {
            agencies: HashMap::from([(13, "Bộ Công an"), (638, "UBND tỉnh Lào Cai")]),
            of: HashMap::from([
                (("assignment", 5), "Bộ Công an"),
                (("progress_report", 9), "Bộ Công an"),
                (("extension", 3), "Bộ Công an"),
                (("commitment", 4), "Bộ Công an"),
            ]),
        }
    }

    fn ev(entity: &str, id: i64, action: &str, changes: Value) -> Event {
        Event {
            id: 1,
            entity: entity.into(),
            entity_id: id,
            action: action.into(),
            actor_id: Some(2),
            actor_name: Some("vp".into()),
            actor_display_name: Some("Nguyễn Thị Lan".into()),
            changes,
            recorded_at: "2025-07-16T09:05:00+07:00".into(),
            entered_at: "2025-07-16T09:05:00+07:00".into(),
        }
    }

    fn vi(e: &Event) -> String {
        line(Lang::Vi, e, &names(), false).sentence()
    }

    fn en(e: &Event) -> String {
        line(Lang::En, e, &names(), false).sentence()
    }

    /// No stored key, JSON or English state code leaks into a sentence.
    fn clean(s: &str) {
        for bad in [
            "{",
            "}",
            "\"",
            "review_state",
            "assignees",
            "deadline_kind",
            "agency_id",
            "sha256",
            "accepted",
            "returned",
            "null",
            "_",
        ] {
            assert!(!s.contains(bad), "{bad:?} in {s:?}");
        }
    }

    #[test]
    fn who_is_the_display_name_or_the_system() {
        let mut e = ev("task", 1, "create", json!({}));
        assert_eq!(who(Lang::Vi, &e), "Nguyễn Thị Lan");
        e.actor_display_name = None;
        assert_eq!(who(Lang::Vi, &e), "vp");
        e.actor_name = Some("system".into());
        assert_eq!(who(Lang::Vi, &e), "Hệ thống");
        assert_eq!(who(Lang::En, &e), "The system");
        e.actor_name = None;
        assert_eq!(who(Lang::Vi, &e), "Hệ thống");
    }

    #[test]
    fn when_is_in_ha_noi() {
        let mut e = ev("task", 1, "create", json!({}));
        e.recorded_at = "2025-07-16T02:05:00+00:00".into();
        assert_eq!(line(Lang::Vi, &e, &names(), false).when, "16/07/2025 09:05");
    }

    #[test]
    fn task_created_names_agencies_and_the_deadline() {
        let e = ev(
            "task",
            1,
            "create",
            json!({"ref": "III.5.a(2)", "deadline": {"kind": "date", "due": "2025-12-31", "raw": "trước 31/12/2025"}, "assignees": [13, 638]}),
        );
        let s = vi(&e);
        assert_eq!(
            s,
            "Nguyễn Thị Lan giao nhiệm vụ mục III.5.a(2), thời hạn 31/12/2025, cho Bộ Công an; UBND tỉnh Lào Cai."
        );
        clean(&s);
        assert!(en(&e).contains(
            "registered the task at item III.5.a(2), deadline 31/12/2025, for Bộ Công an"
        ));
    }

    #[test]
    fn task_updated_says_from_what_to_what() {
        let e = ev(
            "task",
            1,
            "update",
            json!({"before": {"text": "A", "deadline": {"kind": "date", "due": "2025-09-30", "raw": ""}, "priority": 2},
                   "after": {"text": "A", "deadline": {"kind": "date", "due": "2025-12-31", "raw": ""}, "priority": 2}}),
        );
        let s = vi(&e);
        assert_eq!(
            s,
            "Nguyễn Thị Lan sửa nhiệm vụ: thời hạn từ 30/09/2025 thành 31/12/2025."
        );
        clean(&s);
        assert!(en(&e).ends_with("edited the task: the deadline from 30/09/2025 to 31/12/2025."));
    }

    #[test]
    fn assignment_created_names_the_agency_not_its_id() {
        let e = ev(
            "assignment",
            7,
            "create",
            json!({"task_id": 1, "agency_id": 638, "deadline_kind": "date", "due": "2025-12-31"}),
        );
        let s = vi(&e);
        assert_eq!(
            s,
            "Nguyễn Thị Lan phân công cho UBND tỉnh Lào Cai, thời hạn 31/12/2025."
        );
        assert!(!s.contains("638"));
        clean(&s);
        assert!(en(&e).contains("assigned the task to UBND tỉnh Lào Cai, deadline 31/12/2025"));
    }

    fn state(due: &str, done: Option<&str>) -> Value {
        json!({"deadline_kind": "date", "due": due, "completed_on": done, "cancelled": false})
    }

    #[test]
    fn assignment_state_changes_read_as_words() {
        let done = ev(
            "assignment",
            5,
            "complete",
            json!({"change": {"change": "completed", "on": "2025-07-10"}, "before": state("2025-06-30", None),
                   "after": state("2025-06-30", Some("2025-07-10")), "details": {"report_id": 9}}),
        );
        let s = vi(&done);
        assert_eq!(
            s,
            "Nguyễn Thị Lan xác nhận Bộ Công an hoàn thành ngày 10/07/2025 (khi chấp nhận báo cáo hoàn thành)."
        );
        clean(&s);
        let extend = ev(
            "assignment",
            5,
            "extend",
            json!({"change": {"change": "deadline_set", "kind": "date", "due": "2025-09-30"}, "before": state("2025-06-30", None),
                   "after": state("2025-09-30", None), "details": {"extension_id": 3}}),
        );
        let s = vi(&extend);
        assert!(
            s.contains("gia hạn cho Bộ Công an từ 30/06/2025 đến 30/09/2025"),
            "{s}"
        );
        clean(&s);
        let corrected = ev(
            "assignment",
            5,
            "deadline_corrected",
            json!({"change": {"change": "deadline_set", "kind": "none", "due": null}, "before": state("2025-06-30", None),
                   "after": {"deadline_kind": "none", "due": null, "completed_on": null, "cancelled": false}, "details": {"note": "theo văn bản mới"}}),
        );
        let s = vi(&corrected);
        assert!(s.contains("sửa thời hạn của Bộ Công an từ 30/06/2025 thành không có thời hạn; ghi chú: “theo văn bản mới”"), "{s}");
        clean(&s);
        let cancel = ev(
            "assignment",
            5,
            "cancel",
            json!({"change": {"change": "cancelled"}, "before": state("2025-06-30", None), "after": state("2025-06-30", None), "details": {"note": null}}),
        );
        assert_eq!(vi(&cancel), "Nguyễn Thị Lan hủy phân công của Bộ Công an.");
        assert_eq!(
            en(&cancel),
            "Nguyễn Thị Lan cancelled the assignment of Bộ Công an."
        );
        let reopen = ev(
            "assignment",
            5,
            "reopen",
            json!({"change": {"change": "reopened"}, "before": state("2025-06-30", Some("2025-07-10")), "after": state("2025-06-30", None), "details": {}}),
        );
        assert!(
            vi(&reopen).contains(
                "mở lại phân công của Bộ Công an (trước đó ghi hoàn thành ngày 10/07/2025)"
            )
        );
        let restore = ev(
            "assignment",
            5,
            "restore",
            json!({"change": {"change": "restored"}, "before": state("2025-06-30", None), "after": state("2025-06-30", None), "details": {}}),
        );
        assert!(vi(&restore).contains("khôi phục phân công đã hủy của Bộ Công an"));
    }

    #[test]
    fn imported_assignment_state_reads_as_words() {
        let e = ev(
            "assignment",
            5,
            "update",
            json!({"deadline_kind": "date", "due": "2025-06-30", "completed_on": "2025-07-10", "cancelled": false}),
        );
        let s = vi(&e);
        assert_eq!(
            s,
            "Nguyễn Thị Lan ghi nhận tình trạng của Bộ Công an: thời hạn 30/06/2025, hoàn thành ngày 10/07/2025."
        );
        clean(&s);
    }

    #[test]
    fn report_created_says_what_was_reported() {
        let e = ev(
            "progress_report",
            9,
            "create",
            json!({"assignment_id": 5, "reported_on": "2025-07-10", "percent": 100, "claims_completion": true,
                   "completed_on": "2025-07-09", "narrative": "Đã ban hành Nghị định.", "difficulties": null, "proposals": null, "evidence_number": "12/BC-BCA"}),
        );
        let s = vi(&e);
        assert_eq!(
            s,
            "Nguyễn Thị Lan gửi báo cáo tiến độ của Bộ Công an (ngày báo cáo 10/07/2025, báo cáo đã hoàn thành ngày 09/07/2025, văn bản minh chứng số 12/BC-BCA: “Đã ban hành Nghị định.”)."
        );
        clean(&s);
        assert!(en(&e).contains("sent a progress report for Bộ Công an (dated 10/07/2025, claiming completion on 09/07/2025"));
    }

    #[test]
    fn report_updated_says_from_what_to_what() {
        let e = ev(
            "progress_report",
            9,
            "update",
            json!({"before": {"percent": 40, "narrative": "A", "review_state": "none"}, "after": {"percent": 60, "narrative": "A"}}),
        );
        let s = vi(&e);
        assert_eq!(
            s,
            "Nguyễn Thị Lan sửa báo cáo tiến độ của Bộ Công an: tỷ lệ hoàn thành từ 40% thành 60%."
        );
        clean(&s);
    }

    #[test]
    fn reviews_say_accepted_or_returned_in_words() {
        let acc = ev(
            "progress_report",
            9,
            "accept",
            json!({"review_state": "accepted", "note": null}),
        );
        let s = vi(&acc);
        assert_eq!(
            s,
            "Nguyễn Thị Lan duyệt báo cáo tiến độ của Bộ Công an: báo cáo được chấp nhận."
        );
        clean(&s);
        let ret = ev(
            "progress_report",
            9,
            "return",
            json!({"review_state": "returned", "note": "Thiếu minh chứng"}),
        );
        let s = vi(&ret);
        assert_eq!(
            s,
            "Nguyễn Thị Lan duyệt báo cáo tiến độ của Bộ Công an: báo cáo bị trả lại; lý do: “Thiếu minh chứng”."
        );
        clean(&s);
        assert!(en(&ret).contains("the report was returned; reason: “Thiếu minh chứng”"));
    }

    #[test]
    fn evidence_shows_name_kind_and_size_not_the_hash() {
        let e = ev(
            "progress_report",
            9,
            "attach_evidence",
            json!({"evidence_id": 4, "file_name": "bao-cao.pdf", "content_type": "application/pdf", "size_bytes": 1_572_864, "sha256": "ab12"}),
        );
        let s = vi(&e);
        assert_eq!(
            s,
            "Nguyễn Thị Lan đính kèm tệp minh chứng “bao-cao.pdf” (PDF, 1,5 MB) vào báo cáo tiến độ của Bộ Công an."
        );
        clean(&s);
        assert!(!s.contains("ab12"));
    }

    #[test]
    fn extensions_read_as_words() {
        let req = ev(
            "extension",
            3,
            "request",
            json!({"assignment_id": 5, "deadline": {"kind": "date", "due": "2025-12-31", "raw": ""},
                   "previous": {"kind": "date", "due": "2025-06-30"}, "reason": "Chờ hướng dẫn"}),
        );
        let s = vi(&req);
        assert_eq!(
            s,
            "Nguyễn Thị Lan đề nghị gia hạn cho Bộ Công an từ 30/06/2025 đến 31/12/2025; lý do: “Chờ hướng dẫn”."
        );
        clean(&s);
        let ok = ev(
            "extension",
            3,
            "approve",
            json!({"state": "approved", "note": null}),
        );
        assert_eq!(
            vi(&ok),
            "Nguyễn Thị Lan quyết định đề nghị gia hạn của Bộ Công an: được chấp thuận."
        );
        let no = ev(
            "extension",
            3,
            "refuse",
            json!({"state": "refused", "note": "Không có căn cứ"}),
        );
        let s = vi(&no);
        assert!(s.contains(": bị từ chối; lý do: “Không có căn cứ”"), "{s}");
        clean(&s);
        assert!(en(&no).contains("refused; reason:"));
    }

    #[test]
    fn commitments_read_as_words() {
        let c = ev(
            "commitment",
            4,
            "create",
            json!({"assignment_id": 5, "committed_on": "2025-10-31", "original_due": "2025-06-30", "letter_number": "55/CV-BCA", "note": null}),
        );
        let s = vi(&c);
        assert_eq!(
            s,
            "Nguyễn Thị Lan ghi cam kết của Bộ Công an hoàn thành trước ngày 31/10/2025 (thời hạn khi cam kết: 30/06/2025), văn bản số 55/CV-BCA."
        );
        clean(&s);
        let u = ev(
            "commitment",
            4,
            "update",
            json!({"before": {"committed_on": "2025-10-31", "letter_number": null, "note": null},
                   "after": {"committed_on": "2025-11-30", "letter_number": null, "note": null}}),
        );
        assert_eq!(
            vi(&u),
            "Nguyễn Thị Lan sửa cam kết của Bộ Công an: ngày cam kết từ 31/10/2025 thành 30/11/2025."
        );
    }

    #[test]
    fn unknown_kinds_still_read_as_words() {
        let e = ev(
            "indicator",
            2,
            "recalculate_all",
            json!({"indicator_id": 2, "due": "2025-12-31", "note": "lần 2", "nested": {"x": 1}}),
        );
        let s = vi(&e);
        assert_eq!(
            s,
            "Nguyễn Thị Lan thao tác “recalculate all” trên dữ liệu (hạn 31/12/2025, ghi chú “lần 2”)."
        );
        assert!(!s.contains('{') && !s.contains("indicator_id"));
        let t = ev("task", 1, "archive", json!({}));
        assert_eq!(en(&t), "Nguyễn Thị Lan did “archive” on the task.");
    }

    #[test]
    fn raw_record_only_when_asked() {
        let e = ev(
            "progress_report",
            9,
            "accept",
            json!({"review_state": "accepted"}),
        );
        assert!(line(Lang::Vi, &e, &names(), false).raw.is_empty());
        assert!(
            line(Lang::Vi, &e, &names(), true)
                .raw
                .contains("review_state")
        );
    }
}
