//! One draft as the review page shows it: its passage in the document, how sure
//! the extractor was and why it doubts (in the reader's language), what the
//! register makes of each agency it names, and its fields. The page lists the
//! drafts waiting for confirmation most doubtful first.

use tiendo_core::agency::group_label;
use tiendo_service::drafts::{DraftView, PartyCheck};

use super::work::Fields;
use crate::i18n::{self, Lang};

/// One draft as the page shows it.
pub struct DraftCard {
    pub id: i64,
    /// Its place in the document (1-based), which names it ("Đề xuất 5").
    pub number: usize,
    pub reference: String,
    pub state: String,
    pub state_label: &'static str,
    pub open: bool,
    pub before: String,
    pub marked: String,
    pub after: String,
    pub missing: String,
    /// "72%", and `low` / `medium` / `high` for its colour.
    pub confidence: String,
    pub confidence_level: &'static str,
    /// The reasons for doubt, in words.
    pub doubts: Vec<String>,
    /// Each agency named, with what the register makes of it: (words, state).
    pub parties: Vec<(String, String)>,
    /// Some body named is outside the register: the form offers its parent.
    pub asks_parent: bool,
    pub repeat_href: String,
    pub repeat_text: String,
    pub task_href: String,
    /// Values of the fields (as typed after an error) and their errors.
    pub f: Fields,
    /// Other drafts of the document this one may merge into: (id, label).
    pub merge_into: Vec<(i64, String)>,
}

impl DraftCard {
    pub fn kind_selected(&self, k: &str) -> bool {
        self.f.v("kind") == k
    }
}

/// The passage of a draft in its document: the lines around it, with the words
/// the task came from apart (to be marked).
pub fn passage(body: &str, span: Option<(i64, i64)>) -> (String, String, String) {
    let Some((start, end)) = span else {
        return Default::default();
    };
    let (mut start, mut end) = (start.max(0) as usize, end.max(0) as usize);
    start = start.min(body.len());
    end = end.clamp(start, body.len());
    while !body.is_char_boundary(start) {
        start -= 1;
    }
    while !body.is_char_boundary(end) {
        end += 1;
    }
    // The paragraph around: back to the line's start, on to the line's end,
    // at most ~400 bytes either side.
    let mut from = body[..start].rfind('\n').map(|i| i + 1).unwrap_or(0);
    if start - from > 400 {
        from = start - 400;
        while !body.is_char_boundary(from) {
            from += 1;
        }
    }
    let mut to = body[end..]
        .find('\n')
        .map(|i| end + i)
        .unwrap_or(body.len());
    if to - end > 400 {
        to = end + 400;
        while !body.is_char_boundary(to) {
            to -= 1;
        }
    }
    (
        body[from..start].to_string(),
        body[start..end].to_string(),
        body[end..to].to_string(),
    )
}

pub fn six_label(lang: Lang, key: &str) -> String {
    let (vi, en) = match key.trim_start_matches("no_") {
        "person" | "who" | "lead" => ("người (cơ quan chủ trì)", "who (lead agency)"),
        "agency" => ("cơ quan", "agency"),
        "task" | "what" => ("việc", "what"),
        "deadline" | "when" | "time" => ("thời gian (thời hạn)", "when (deadline)"),
        "responsibility" => ("trách nhiệm", "responsibility"),
        "product" | "result" => ("sản phẩm", "product"),
        "authority" => ("thẩm quyền", "authority"),
        other => (other, other),
    };
    lang.t(vi, en).to_string()
}

/// A reason for doubt of the extractor (`crates/extract/src/doubt.rs`), in words.
pub fn doubt_label(lang: Lang, code: &str) -> String {
    let (vi, en) = match code {
        "lead_inherited" => (
            "cơ quan chủ trì lấy từ đề mục/nơi nhận, không nêu trong câu",
            "the lead agency comes from the heading or the addressees, not from the sentence",
        ),
        "unknown_unit" => (
            "đơn vị chưa có trong danh mục",
            "a body that is not in the agency register",
        ),
        "group_lead" => (
            "chủ trì chỉ là một nhóm (các bộ, ngành, địa phương), chưa nêu cơ quan cụ thể",
            "the lead is only a group (ministries, localities), no agency is named",
        ),
        "no_deadline" => ("không thấy thời hạn", "no deadline was found"),
        "deadline_unread" => (
            "có thời hạn trong câu nhưng chưa đọc được",
            "the sentence has a date or period that was not read as the deadline",
        ),
        "no_verb" => (
            "không thấy động từ giao việc (có thể là đề mục hoặc lời văn tường thuật)",
            "no verb that gives work (a heading or narrative taken for a task?)",
        ),
        "long" => (
            "đoạn văn rất dài, có thể gộp nhiều nhiệm vụ",
            "a very long passage: several tasks run together?",
        ),
        other => (other, other),
    };
    lang.t(vi, en).to_string()
}

/// How sure the extractor was: "72%" and a level (below 60% low, from 90% high).
pub fn confidence(lang: Lang, value: Option<f64>) -> (String, &'static str) {
    match value {
        None => (lang.t("chưa đánh giá", "not assessed").to_string(), "none"),
        Some(v) => {
            let level = if v < 0.6 {
                "low"
            } else if v < 0.9 {
                "medium"
            } else {
                "high"
            };
            (format!("{}%", (v * 100.0).round() as i64), level)
        }
    }
}

/// What the register makes of one agency a draft names, in words.
pub fn party_label(lang: Lang, p: &PartyCheck) -> String {
    let role = if p.role == "lead" {
        lang.t("Chủ trì", "Lead")
    } else {
        lang.t("Phối hợp", "Coordinating")
    };
    let name = p.name.trim();
    let agency = p.agency.as_deref().unwrap_or(name);
    let text = match p.state.as_str() {
        "known" => match lang {
            Lang::Vi => format!("{agency} — có trong danh mục"),
            Lang::En => format!("{agency} — in the register"),
        },
        "renamed" => {
            let today = p.today.as_deref().unwrap_or_default();
            match lang {
                Lang::Vi => format!("{agency} → nay {today} (giao cho {today})"),
                Lang::En => format!("{agency} → now {today} (assigned to {today})"),
            }
        }
        "group" => {
            let label = group_label(name.trim_start_matches('@')).unwrap_or(name);
            match lang {
                Lang::Vi => format!("{label} — nhóm: giao cho từng cơ quan trong nhóm"),
                Lang::En => format!("{label} — a group: each member gets the task"),
            }
        }
        "new" => {
            let parent = p.parent.as_deref().unwrap_or_default();
            match lang {
                Lang::Vi => format!(
                    "{name} — chưa có trong danh mục: khi xác nhận sẽ được thêm vào danh mục, trực thuộc {parent}"
                ),
                Lang::En => format!(
                    "{name} — not in the register: confirming adds it to the register, under {parent}"
                ),
            }
        }
        "needs_parent" => match lang {
            Lang::Vi => format!(
                "{name} — chưa có trong danh mục và văn bản không nêu cơ quan ban hành: chọn cơ quan cấp trên của đơn vị"
            ),
            Lang::En => format!(
                "{name} — not in the register, and the document names no issuer: choose the agency it belongs to"
            ),
        },
        "kept" => match lang {
            Lang::Vi => format!("{name} — ngoài danh mục, giữ nguyên tên (không giao nhiệm vụ)"),
            Lang::En => format!("{name} — outside the register, kept by name (no assignment)"),
        },
        _ => {
            let hint = p
                .hint
                .as_deref()
                .map(|h| match lang {
                    Lang::Vi => format!(" (có phải “{h}”?)"),
                    Lang::En => format!(" (did you mean “{h}”?)"),
                })
                .unwrap_or_default();
            match lang {
                Lang::Vi => format!("{name} — không có trong danh mục, cần sửa tên{hint}"),
                Lang::En => format!("{name} — not in the register: correct the name{hint}"),
            }
        }
    };
    format!("{role}: {text}")
}

/// The fields of a draft as stored.
pub fn fields_of(d: &DraftView) -> Fields {
    let mut f = Fields::default();
    let v = &mut f.values;
    v.insert("text".into(), d.text.clone());
    v.insert("ref".into(), d.ref_.clone().unwrap_or_default());
    v.insert("lead".into(), d.lead.join("\n"));
    v.insert("coord".into(), d.coord.join("\n"));
    v.insert("kind".into(), d.deadline.kind.clone());
    v.insert(
        "due".into(),
        d.deadline.due.map(i18n::date).unwrap_or_default(),
    );
    v.insert("product".into(), d.product.clone().unwrap_or_default());
    v.insert(
        "unit_parent".into(),
        d.unit_parent_name.clone().unwrap_or_default(),
    );
    f
}

/// The order of the page: drafts waiting for confirmation first, the most
/// doubtful (lowest confidence) first, then the document's order; the confirmed
/// and dropped ones after them in the document's order.
pub fn review_order(drafts: &[DraftView]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..drafts.len()).collect();
    order.sort_by(|&a, &b| {
        let key = |i: usize| {
            let d = &drafts[i];
            let waiting = d.state == "proposed";
            (
                !waiting,
                if waiting {
                    d.confidence.unwrap_or(1.0)
                } else {
                    0.0
                },
            )
        };
        let (ka, kb) = (key(a), key(b));
        ka.0.cmp(&kb.0).then(ka.1.total_cmp(&kb.1)).then(a.cmp(&b))
    });
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_for_doubt_has_words_in_both_languages() {
        for code in [
            "lead_inherited",
            "unknown_unit",
            "group_lead",
            "no_deadline",
            "deadline_unread",
            "no_verb",
            "long",
        ] {
            assert_ne!(doubt_label(Lang::Vi, code), code);
            assert_ne!(doubt_label(Lang::En, code), code);
            assert_ne!(doubt_label(Lang::Vi, code), doubt_label(Lang::En, code));
        }
        assert_eq!(
            doubt_label(Lang::Vi, "lead_inherited"),
            "cơ quan chủ trì lấy từ đề mục/nơi nhận, không nêu trong câu"
        );
    }

    #[test]
    fn confidence_is_a_percentage_with_a_level() {
        assert_eq!(confidence(Lang::Vi, Some(0.55)), ("55%".into(), "low"));
        assert_eq!(confidence(Lang::Vi, Some(0.7)), ("70%".into(), "medium"));
        assert_eq!(confidence(Lang::En, Some(1.0)), ("100%".into(), "high"));
        assert_eq!(confidence(Lang::En, None).1, "none");
    }
}
