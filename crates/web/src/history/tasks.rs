//! Sentences for tasks and their assignments.

use super::*;

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

/// `assignment/urged`: an urging letter (công văn đôn đốc) listed the assignment.
pub fn assignment_urged(lang: Lang, e: &Event, names: &dyn Names) -> String {
    let c = &e.changes;
    let whose = int(c, "agency_id")
        .map(|id| names.agency(id))
        .or_else(|| names.agency_of("assignment", e.entity_id))
        .unwrap_or_else(|| lang.t("một cơ quan", "an agency").into());
    let letter = i18n::opt_date(day(c, "letter_date"));
    let late = int(c, "days_late").unwrap_or(0);
    let mut s = match lang {
        Lang::Vi => format!(
            "đôn đốc {whose} bằng công văn ngày {letter} (trễ {} ngày)",
            lang.int(late)
        ),
        Lang::En => format!(
            "urged {whose} by a letter dated {letter} ({} days late)",
            lang.int(late)
        ),
    };
    if let Some(by) = day(c, "finish_by") {
        s.push_str(&match lang {
            Lang::Vi => format!(", đề nghị hoàn thành trước ngày {}", i18n::date(by)),
            Lang::En => format!(", asking it to finish by {}", i18n::date(by)),
        });
    }
    s
}
