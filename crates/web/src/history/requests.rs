//! Sentences for extension requests and commitments.

use super::*;

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

/// `extension/withdraw`: the request taken back before a decision.
pub fn extension_withdrawn(lang: Lang, e: &Event, names: &dyn Names) -> String {
    let whose = of(lang, names, "extension", e.entity_id);
    match lang {
        Lang::Vi => {
            format!("rút lại đề nghị gia hạn{whose} trước khi được quyết định; thời hạn không đổi")
        }
        Lang::En => {
            format!("withdrew the extension request{whose} before a decision; the deadline stays")
        }
    }
}

/// `extension/attach_letter`: the letter's name and kind.
pub fn letter_attached(lang: Lang, e: &Event, names: &dyn Names) -> String {
    let c = &e.changes;
    let name = text(c, "file_name").unwrap_or_else(|| lang.t("(không tên)", "(unnamed)").into());
    let kind = c
        .get("content_type")
        .and_then(Value::as_str)
        .map(crate::pages::evidence::kind_label)
        .filter(|k| !k.is_empty())
        .map(|k| format!(" ({k})"))
        .unwrap_or_default();
    let whose = of(lang, names, "extension", e.entity_id);
    match lang {
        Lang::Vi => format!("đính kèm công văn “{name}”{kind} vào đề nghị gia hạn{whose}"),
        Lang::En => format!("attached the letter “{name}”{kind} to the extension request{whose}"),
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
