//! Sentences for progress reports and their evidence files.

use super::*;

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

/// `progress_report/withdraw`: the report taken back before its review.
pub fn report_withdrawn(lang: Lang, e: &Event, names: &dyn Names) -> String {
    let whose = of(lang, names, "progress_report", e.entity_id);
    match lang {
        Lang::Vi => format!("rút lại báo cáo tiến độ{whose} trước khi được duyệt"),
        Lang::En => format!("withdrew the progress report{whose} before its review"),
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
