//! A task: its "6 rõ" at a glance with what is missing, the document and its
//! text around the task, every assignment, the timeline of reports, extensions
//! and commitments, and the full history.

use askama::Template;
use axum::extract::Path;
use tiendo_core::clarity::Clarity;
use tiendo_core::model::{Assignment, Event, Task};
use tiendo_core::text::fold;
use tiendo_store::{AssignmentFilter, CommitmentFilter, ExtensionFilter, ReportFilter};

use super::dashboard::review_state;
use super::tasks::deadline_label;
use super::{Badge, short};
use crate::ctx::*;
use crate::history::{self, HistoryLine, Names, PageNames};
use crate::i18n;

/// One of the "6 rõ".
pub struct Clear {
    pub name: &'static str,
    pub value: String,
    pub missing: bool,
    pub note: String,
}

pub struct AssignmentLine {
    pub agency: String,
    pub agency_href: String,
    pub href: String,
    pub deadline: String,
    pub badge: Badge,
    pub days_late: String,
    pub completed: String,
}

pub struct TimelineItem {
    pub date: String,
    pub sort: String,
    pub kind: String,
    pub agency: String,
    pub text: String,
    pub state: String,
    pub state_class: &'static str,
    pub href: String,
    /// Evidence files of a report.
    pub files: Vec<super::evidence::FileLink>,
}

pub struct Excerpt {
    pub before: String,
    pub mark: String,
    pub after: String,
}

#[derive(Template)]
#[template(path = "task.html")]
struct TaskPage {
    ctx: Ctx,
    task: Task,
    badge: Badge,
    clears: Vec<Clear>,
    missing: usize,
    document: String,
    document_href: String,
    document_meta: String,
    excerpt: Option<Excerpt>,
    assignments: Vec<AssignmentLine>,
    assignments_total: String,
    more_assignments: bool,
    timeline: Vec<TimelineItem>,
    history: Vec<HistoryLine>,
    /// The raw records behind each line (the office only).
    raw_history: bool,
    field: String,
    /// Every assignment is cancelled.
    cancelled: bool,
    /// The office, today: the link to the edit page.
    may_edit: bool,
    done: Option<String>,
}

/// Finds the task in the document's text, ignoring accents, case, spacing and
/// punctuation; returns the text around it with the task marked.
pub fn excerpt(body: &str, task_text: &str) -> Option<Excerpt> {
    // Folded alphanumerics of the body, each with the byte where its char starts.
    let mut folded = String::new();
    let mut starts: Vec<(usize, usize)> = Vec::new(); // (folded byte, original byte)
    for (i, c) in body.char_indices() {
        let f = fold(c.encode_utf8(&mut [0u8; 4]));
        for fc in f.chars().filter(|c| c.is_alphanumeric()) {
            starts.push((folded.len(), i));
            folded.push(fc);
        }
    }
    let needle_full: String = fold(task_text)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect();
    if needle_full.is_empty() {
        return None;
    }
    let mut found = None;
    for len in [needle_full.chars().count(), 80, 40, 24] {
        let needle: String = needle_full.chars().take(len).collect();
        if needle.chars().count() < 12 && len != needle_full.chars().count() {
            continue;
        }
        if let Some(pos) = folded.find(&needle) {
            found = Some((pos, pos + needle.len()));
            break;
        }
    }
    let (fs, fe) = found?;
    let orig = |fpos: usize| -> usize {
        match starts.binary_search_by_key(&fpos, |(f, _)| *f) {
            Ok(i) => starts[i].1,
            Err(i) => starts.get(i).map(|s| s.1).unwrap_or(body.len()),
        }
    };
    let start = orig(fs);
    // End: just after the last matched char.
    let last = starts
        .iter()
        .rev()
        .find(|(f, _)| *f < fe)
        .map(|(_, o)| *o)
        .unwrap_or(start);
    let end = body[last..]
        .char_indices()
        .nth(1)
        .map(|(i, _)| last + i)
        .unwrap_or(body.len());
    // About 400 characters before and 500 after, beginning and ending on
    // whole words.
    let before_from = word_start(body, back_chars(body, start, 400), start);
    let after_to = word_end(body, fwd_chars(body, end, 500), end);
    Some(Excerpt {
        before: format!(
            "{}{}",
            if before_from > 0 { "… " } else { "" },
            &body[before_from..start]
        ),
        mark: body[start..end].to_string(),
        after: format!(
            "{}{}",
            &body[end..after_to],
            if after_to < body.len() { " …" } else { "" }
        ),
    })
}

/// The byte where the first word at or after `at` begins (not after `limit`).
fn word_start(s: &str, at: usize, limit: usize) -> usize {
    if at == 0 || s[..at].ends_with(char::is_whitespace) {
        return at;
    }
    match s[at..limit].find(char::is_whitespace) {
        Some(i) => {
            let space = at + i;
            space + s[space..].chars().next().map_or(0, char::len_utf8)
        }
        None => at,
    }
}

/// The byte where the last word ending at or before `at` ends (not before `floor`).
fn word_end(s: &str, at: usize, floor: usize) -> usize {
    if at >= s.len() || s[at..].starts_with(char::is_whitespace) {
        return at;
    }
    match s[floor..at].rfind(char::is_whitespace) {
        Some(i) => floor + i,
        None => at,
    }
}

fn back_chars(s: &str, from: usize, n: usize) -> usize {
    s[..from]
        .char_indices()
        .rev()
        .nth(n)
        .map(|(i, _)| i)
        .unwrap_or(0)
}

fn fwd_chars(s: &str, from: usize, n: usize) -> usize {
    s[from..]
        .char_indices()
        .nth(n)
        .map(|(i, _)| from + i)
        .unwrap_or(s.len())
}

/// The events of the page's history known at the end of its day, in words.
pub fn history_lines(ctx: &Ctx, events: &[Event], names: &dyn Names) -> Vec<HistoryLine> {
    events
        .iter()
        .filter(|e| ctx.known(&e.recorded_at))
        .map(|e| history::line(ctx.lang, e, names, ctx.is_admin()))
        .collect()
}

pub fn assignment_line(ctx: &Ctx, a: &Assignment) -> AssignmentLine {
    AssignmentLine {
        agency: a.agency_name.clone(),
        agency_href: ctx.link(&format!("/co-quan/{}", a.agency_id)),
        href: ctx.link(&format!("/phan-cong/{}", a.id)),
        deadline: deadline_label(ctx, &a.deadline),
        badge: Badge::new(ctx, a.status),
        days_late: if a.days_late > 0 {
            ctx.lang.int(a.days_late)
        } else {
            String::new()
        },
        completed: i18n::opt_date(a.completed_on),
    }
}

pub fn clears(ctx: &Ctx, t: &Task) -> Vec<Clear> {
    let missing = ctx.t("Chưa rõ", "Missing");
    let names = |v: &[tiendo_core::model::PartyRef]| {
        v.iter()
            .map(|p| p.name.clone())
            .collect::<Vec<_>>()
            .join("; ")
    };
    let who = if t.coord.is_empty() {
        names(&t.lead)
    } else {
        format!(
            "{}: {} — {}: {}",
            ctx.t("Chủ trì", "Lead"),
            names(&t.lead),
            ctx.t("phối hợp", "with"),
            names(&t.coord)
        )
    };
    let when_missing = Clarity::Time.lacking_in(t);
    let event = t.deadline.kind == "event";
    vec![
        Clear {
            name: ctx.t("Rõ người (ai làm)", "Clear person (who)"),
            missing: Clarity::Person.lacking_in(t),
            value: if t.lead.is_empty() {
                missing.into()
            } else {
                who
            },
            note: String::new(),
        },
        Clear {
            name: ctx.t("Rõ việc (làm gì)", "Clear task (what)"),
            missing: Clarity::Task.lacking_in(t),
            value: short(&t.text, 400),
            note: String::new(),
        },
        Clear {
            name: ctx.t("Rõ thời gian (khi nào)", "Clear time (when)"),
            missing: when_missing,
            value: if when_missing {
                missing.into()
            } else {
                deadline_label(ctx, &t.deadline)
            },
            note: if event {
                ctx.t(
                    "Thời hạn gắn với một sự kiện chưa có ngày cụ thể.",
                    "The deadline depends on an event without a date yet.",
                )
                .into()
            } else {
                String::new()
            },
        },
        Clear {
            name: ctx.t(
                "Rõ trách nhiệm (lãnh đạo chỉ đạo)",
                "Clear responsibility (leader)",
            ),
            missing: Clarity::Responsibility.lacking_in(t),
            value: t.leader.clone().unwrap_or_else(|| missing.into()),
            note: String::new(),
        },
        Clear {
            name: ctx.t("Rõ sản phẩm (kết quả)", "Clear product (result)"),
            missing: Clarity::Product.lacking_in(t),
            value: t.product.clone().unwrap_or_else(|| missing.into()),
            note: String::new(),
        },
        Clear {
            name: ctx.t("Rõ thẩm quyền (văn bản giao)", "Clear authority (document)"),
            missing: Clarity::Authority.lacking_in(t),
            value: t
                .source_citation
                .clone()
                .unwrap_or_else(|| t.document_citation.clone()),
            note: String::new(),
        },
    ]
}

pub async fn page(web: Web, Path(id): Path<i64>, q: QueryPairs) -> Out {
    let web = web.nav("tasks");
    let ctx = &web.ctx;
    let s = &web.service;
    let day = ctx.day;
    let task = s.get_task(&web.actor, id, day).await.or_page(ctx)?;
    if !ctx.known(&task.created_at) {
        return Err(not_yet_page(
            ctx,
            &match ctx.lang {
                i18n::Lang::Vi => format!(
                    "Nhiệm vụ này chưa có trong hệ thống vào ngày {}.",
                    i18n::date(day)
                ),
                i18n::Lang::En => format!("This task did not exist yet on {}.", i18n::date(day)),
            },
        ));
    }
    let doc = s
        .get_document(&web.actor, task.document_id)
        .await
        .or_page(ctx)?;
    let body = s
        .get_document_body(&web.actor, task.document_id)
        .await
        .or_page(ctx)?;
    let assignments = s
        .list_assignments(
            &web.actor,
            AssignmentFilter {
                task_id: Some(id),
                agency_id: None,
                document_id: None,
                status: None,
                as_of: day,
                due_soon_days: 0,
                confined_to: None,
                page: 1,
                per_page: 200,
            },
        )
        .await
        .or_page(ctx)?;
    let reports = s
        .list_reports(
            &web.actor,
            ReportFilter {
                task_id: Some(id),
                known_by: ctx.known_by(),
                page: 1,
                per_page: 200,
                ..Default::default()
            },
        )
        .await
        .or_page(ctx)?;
    let known = |rfc: &str| ctx.known(rfc);
    let report_ids: Vec<i64> = reports.items.iter().map(|r| r.id).collect();
    let mut files = super::evidence::by_report(s, &web.actor, &report_ids).await;
    let mut timeline: Vec<TimelineItem> = Vec::new();
    let mut names = PageNames::new(s);
    for a in &assignments.items {
        names.of("assignment", a.id, a.agency_id);
    }
    // The lists hold what was known at the end of the page's day (`known_by`).
    for r in &reports.items {
        names.of("progress_report", r.id, r.agency_id);
        let (state, state_class) = review_state(ctx, &r.review_state);
        let mut text = String::new();
        if let Some(p) = r.percent {
            text.push_str(&format!("{p}% · "));
        }
        if r.claims_completion {
            text.push_str(ctx.t("Báo cáo hoàn thành. ", "Reports completion. "));
        }
        text.push_str(&short(&r.narrative, 300));
        timeline.push(TimelineItem {
            files: files
                .remove(&r.id)
                .unwrap_or_default()
                .into_iter()
                .filter(|f| known(&f.created))
                .collect(),
            date: i18n::date(r.reported_on),
            sort: r.created_at.clone(),
            kind: ctx.t("Báo cáo tiến độ", "Progress report").into(),
            agency: s.agency_name(r.agency_id),
            text,
            state,
            state_class,
            href: ctx.link(&format!("/phan-cong/{}", r.assignment_id)),
        });
    }
    // Extensions and commitments are kept per assignment.
    if assignments.items.len() <= 60 {
        for a in &assignments.items {
            let xs = s
                .list_extensions(
                    &web.actor,
                    ExtensionFilter {
                        assignment_id: Some(a.id),
                        known_by: ctx.known_by(),
                        page: 1,
                        per_page: 100,
                        ..Default::default()
                    },
                )
                .await
                .or_page(ctx)?;
            for x in &xs.items {
                names.of("extension", x.id, a.agency_id);
                let (state, class) = extension_state(ctx, &x.state);
                timeline.push(TimelineItem {
                    files: Vec::new(),
                    date: i18n::instant(&x.created_at),
                    sort: x.created_at.clone(),
                    kind: ctx.t("Đề nghị gia hạn", "Extension request").into(),
                    agency: a.agency_name.clone(),
                    text: format!(
                        "{} → {} · {}",
                        deadline_label(ctx, &x.previous_deadline),
                        deadline_label(ctx, &x.requested_deadline),
                        short(&x.reason, 200)
                    ),
                    state,
                    state_class: class,
                    href: ctx.link(&format!("/phan-cong/{}", a.id)),
                });
            }
            let cs = s
                .list_commitments(
                    &web.actor,
                    CommitmentFilter {
                        assignment_id: Some(a.id),
                        known_by: ctx.known_by(),
                        page: 1,
                        per_page: 100,
                        ..Default::default()
                    },
                    day,
                )
                .await
                .or_page(ctx)?;
            for c in &cs.items {
                names.of("commitment", c.id, a.agency_id);
                let (state, class) = commitment_outcome(ctx, &c.outcome);
                timeline.push(TimelineItem {
                    files: Vec::new(),
                    date: i18n::instant(&c.created_at),
                    sort: c.created_at.clone(),
                    kind: ctx.t("Cam kết", "Commitment").into(),
                    agency: a.agency_name.clone(),
                    text: format!(
                        "{} {}{}",
                        ctx.t("Hoàn thành trước", "Complete by"),
                        i18n::date(c.committed_on),
                        c.letter_number
                            .as_ref()
                            .map(|n| format!(" · {} {n}", ctx.t("văn bản", "letter")))
                            .unwrap_or_default()
                    ),
                    state,
                    state_class: class,
                    href: ctx.link(&format!("/phan-cong/{}", a.id)),
                });
            }
        }
    }
    timeline.sort_by(|a, b| b.sort.cmp(&a.sort));
    let history = s.task_history(&web.actor, id).await.or_page(ctx)?;
    let cl = clears(ctx, &task);
    let page = TaskPage {
        badge: Badge::of(ctx, task.status),
        missing: cl.iter().filter(|c| c.missing).count(),
        clears: cl,
        document: doc.citation.clone(),
        document_href: ctx.link(&format!("/van-ban/{}", doc.id)),
        document_meta: [
            doc.issuer.clone().unwrap_or_default(),
            doc.signer
                .clone()
                .map(|s| format!("{} {s}", ctx.t("Người ký:", "Signed by")))
                .unwrap_or_default(),
        ]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · "),
        excerpt: body.as_deref().and_then(|b| excerpt(b, &task.text)),
        assignments_total: ctx.lang.int(assignments.total),
        more_assignments: assignments.total > assignments.items.len() as i64,
        assignments: assignments
            .items
            .iter()
            .map(|a| assignment_line(ctx, a))
            .collect(),
        timeline,
        history: history_lines(ctx, &history, &names),
        raw_history: ctx.is_admin(),
        field: task
            .field
            .as_deref()
            .map(|f| i18n::field_label(ctx.lang, f))
            .unwrap_or_default(),
        cancelled: task.status == Some(tiendo_core::status::Status::Cancelled),
        may_edit: ctx.is_admin()
            && ctx.as_of.is_none()
            && web.actor.may(tiendo_core::policy::Write::ManageTasks),
        done: match q.get("ok") {
            Some("luu") => Some(ctx.t("Đã lưu thay đổi.", "The changes are saved.").into()),
            Some("huy") => Some(ctx.t("Đã hủy nhiệm vụ.", "The task is cancelled.").into()),
            Some("tao") => Some(ctx.t("Đã tạo nhiệm vụ.", "The task is made.").into()),
            Some("khoi-phuc") => Some(
                ctx.t("Đã khôi phục nhiệm vụ.", "The task is restored.")
                    .into(),
            ),
            _ => None,
        },
        task,
        ctx: ctx.clone(),
    };
    Ok(render(&page))
}

pub fn extension_state(ctx: &Ctx, s: &str) -> (String, &'static str) {
    match s {
        "requested" => (
            ctx.t("Chờ quyết định", "Awaiting decision").into(),
            "due_soon",
        ),
        "approved" => (
            ctx.t("Đã chấp thuận", "Approved").into(),
            "completed_on_time",
        ),
        "refused" => (ctx.t("Bị từ chối", "Refused").into(), "overdue"),
        "withdrawn" => (ctx.t("Đã rút lại", "Withdrawn").into(), "none"),
        other => (other.to_string(), "none"),
    }
}

pub fn commitment_outcome(ctx: &Ctx, s: &str) -> (String, &'static str) {
    match s {
        "kept" => (ctx.t("Đã giữ cam kết", "Kept").into(), "completed_on_time"),
        "broken" => (ctx.t("Không giữ cam kết", "Broken").into(), "overdue"),
        _ => (
            ctx.t("Chưa đến hạn cam kết", "Pending").into(),
            "in_progress",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_task_in_the_text_ignoring_accents_and_spacing() {
        let body = "I. Mở đầu\n2. Bộ Khoa học và Công nghệ chủ trì,\nxây dựng   Nghị định về dữ liệu. Hết.";
        let e = excerpt(
            body,
            "Bộ Khoa học và Công nghệ chủ trì, xây dựng Nghị định về dữ liệu.",
        )
        .expect("found");
        assert!(e.before.ends_with("2. "));
        assert!(e.mark.starts_with("Bộ Khoa học"));
        assert!(e.mark.ends_with("dữ liệu"));
        assert_eq!(e.after, ". Hết.");
        assert!(excerpt(body, "Không có trong văn bản này đâu nhé").is_none());
    }
}

#[cfg(test)]
mod word_tests {
    use super::*;

    #[test]
    fn the_documents_passage_begins_and_ends_on_whole_words() {
        let filler = "Các bộ, ngành, địa phương tiếp tục quán triệt sâu sắc chủ trương của Đảng về chuyển đổi số quốc gia. ";
        let body = format!(
            "{}Bộ Công an chủ trì hoàn thiện cơ sở dữ liệu quốc gia về dân cư. {}",
            filler.repeat(8),
            filler.repeat(9)
        );
        let e = excerpt(&body, "hoàn thiện cơ sở dữ liệu quốc gia về dân cư").expect("found");
        assert_eq!(e.mark, "hoàn thiện cơ sở dữ liệu quốc gia về dân cư");
        let words: std::collections::HashSet<&str> = body.split_whitespace().collect();
        let before = e.before.strip_prefix("… ").expect("cut before");
        let after = e.after.strip_suffix(" …").expect("cut after");
        let first = before.split_whitespace().next().unwrap();
        let last = after.split_whitespace().last().unwrap();
        assert!(words.contains(first), "begins inside a word: {first:?}");
        assert!(words.contains(last), "ends inside a word: {last:?}");
        assert!(!before.starts_with(' '), "{before:?}");
    }
}
