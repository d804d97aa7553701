//! What a notice says, in Vietnamese: its subject, its text, its HTML (for
//! email) and the page it links to.

use chrono::NaiveDate;
use tiendo_core::notify::Trigger;
use tiendo_core::time::format_date_vi;
use tiendo_store::CauseRow;

/// One assignment a notice lists.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Line {
    pub assignment_id: i64,
    pub task: String,
    pub source: String,
    pub due: Option<NaiveDate>,
}

/// What wording needs besides the cause.
pub struct Facts<'a> {
    pub agency: Option<String>,
    pub lines: &'a [Line],
    /// How many assignments the cause is about in all (the list may be cut).
    pub total: usize,
    /// The day the notice is sent (for days late).
    pub today: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wording {
    pub subject: String,
    pub text: String,
    pub html: String,
    /// A path of the pages (`/phan-cong/12`), made absolute for email.
    pub link: String,
}

pub fn word(cause: &CauseRow, facts: &Facts<'_>) -> Wording {
    let p = &cause.payload;
    let agency = facts.agency.clone().unwrap_or_else(|| "các cơ quan".into());
    let n = facts.total;
    let first = facts.lines.first();
    let task = first.map(|l| short(&l.task, 90)).unwrap_or_default();
    let date = |key: &str| {
        p.get(key)
            .and_then(|v| v.as_str())
            .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
            .map(format_date_vi)
            .unwrap_or_default()
    };
    let approved = matches!(
        p.get("state").and_then(|v| v.as_str()),
        Some("accepted" | "approved")
    );
    let (subject, lead) = match cause.trigger {
        Trigger::BeforeDeadline => (
            format!(
                "Nhắc hạn: {n} nhiệm vụ của {agency} đến hạn ngày {}",
                date("due")
            ),
            format!(
                "Còn {} ngày đến hạn hoàn thành ({}) các nhiệm vụ sau của {agency}:",
                p["days"].as_u64().unwrap_or(0),
                date("due")
            ),
        ),
        Trigger::AfterDeadline => (
            format!(
                "Đôn đốc: {n} nhiệm vụ của {agency} đã quá hạn ngày {}",
                date("due")
            ),
            format!(
                "Các nhiệm vụ sau của {agency} đã quá hạn hoàn thành ({}) mà chưa có báo cáo hoàn thành được chấp nhận:",
                date("due")
            ),
        ),
        Trigger::OverdueWeekly => (
            format!(
                "{agency}: {n} nhiệm vụ quá hạn (tuần {})",
                format_date_vi(cause.day)
            ),
            format!(
                "Đến ngày {}, {agency} còn {n} nhiệm vụ quá hạn:",
                format_date_vi(cause.day)
            ),
        ),
        Trigger::AgencyDigest => (
            format!("Tổng hợp tuần {} của {agency}", format_date_vi(cause.day)),
            format!(
                "Trong tuần tới: {} nhiệm vụ đến hạn, {} nhiệm vụ quá hạn, {} báo cáo bị trả lại trong tuần qua, {} đề nghị gia hạn chờ quyết định, {} cam kết đến hẹn.",
                p["due_soon"].as_u64().unwrap_or(0),
                p["overdue"].as_u64().unwrap_or(0),
                p["returned_reports"].as_u64().unwrap_or(0),
                p["pending_extensions"].as_u64().unwrap_or(0),
                p["commitments_due"].as_u64().unwrap_or(0),
            ),
        ),
        Trigger::MonthlyDigest => {
            let c = &p["counts"];
            let num = |k: &str| c.get(k).and_then(|v| v.as_u64()).unwrap_or(0);
            (
                format!(
                    "Tổng hợp tháng {} về tiến độ nhiệm vụ",
                    cause.day.format("%m/%Y")
                ),
                format!(
                    "Đến ngày {}: {} nhiệm vụ đang thực hiện, {} sắp đến hạn, {} quá hạn, {} hoàn thành đúng hạn, {} hoàn thành trễ hạn.",
                    format_date_vi(cause.day),
                    num("in_progress"),
                    num("due_soon"),
                    num("overdue"),
                    num("completed_on_time"),
                    num("completed_late"),
                ),
            )
        }
        Trigger::ReportSubmitted => (
            format!("Báo cáo hoàn thành chờ duyệt: {agency} — {task}"),
            format!(
                "{agency} báo cáo đã hoàn thành nhiệm vụ sau; báo cáo đang chờ Văn phòng xem xét:"
            ),
        ),
        Trigger::ExtensionRequested => (
            format!("Đề nghị gia hạn: {agency} — {task}"),
            format!("{agency} đề nghị gia hạn nhiệm vụ sau; đề nghị đang chờ quyết định:"),
        ),
        Trigger::CommitmentBroken => (
            format!(
                "Không giữ cam kết: {agency} hẹn hoàn thành ngày {} — {task}",
                date("committed_on")
            ),
            format!(
                "{agency} đã cam kết hoàn thành trước ngày {}, nhưng nhiệm vụ sau vẫn chưa hoàn thành:",
                date("committed_on")
            ),
        ),
        Trigger::ReportReviewed => {
            let verdict = if approved {
                "được chấp nhận"
            } else {
                "bị trả lại"
            };
            (
                format!("Báo cáo {verdict}: {task}"),
                format!("Báo cáo của {agency} về nhiệm vụ sau đã {verdict}:"),
            )
        }
        Trigger::CommentAdded => {
            let excerpt = p
                .get("excerpt")
                .and_then(|v| v.as_str())
                .unwrap_or_default();
            (
                format!("Ý kiến mới về nhiệm vụ của {agency}: {task}"),
                format!(
                    "Ý kiến mới trong phần trao đổi: «{}». Nhiệm vụ:",
                    short(excerpt, 300)
                ),
            )
        }
        Trigger::ExtensionDecided => {
            let verdict = if approved {
                "được chấp thuận"
            } else {
                "không được chấp thuận"
            };
            (
                format!("Đề nghị gia hạn {verdict}: {task}"),
                format!("Đề nghị gia hạn của {agency} về nhiệm vụ sau {verdict}:"),
            )
        }
    };
    let link = link_of(cause, facts);
    let mut text = format!("{lead}\n");
    let mut html = format!("<p>{}</p>\n", escape(&lead));
    if !facts.lines.is_empty() {
        html.push_str("<ul>\n");
        for l in facts.lines {
            let due = l.due.map(|d| {
                let late = (facts.today - d).num_days();
                if late > 0 && !matches!(cause.trigger, Trigger::BeforeDeadline) {
                    format!("hạn {}, trễ {late} ngày", format_date_vi(d))
                } else {
                    format!("hạn {}", format_date_vi(d))
                }
            });
            let tail = [Some(l.source.clone()).filter(|s| !s.is_empty()), due]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("; ");
            text.push_str(&format!("- {} ({tail})\n", short(&l.task, 300)));
            html.push_str(&format!(
                "<li>{} <small>({})</small></li>\n",
                escape(&short(&l.task, 300)),
                escape(&tail)
            ));
        }
        html.push_str("</ul>\n");
        if facts.total > facts.lines.len() {
            let more = format!("… và {} nhiệm vụ khác.", facts.total - facts.lines.len());
            text.push_str(&format!("{more}\n"));
            html.push_str(&format!("<p>{}</p>\n", escape(&more)));
        }
    }
    Wording {
        subject,
        text,
        html,
        link,
    }
}

/// The page a notice leads to.
fn link_of(cause: &CauseRow, facts: &Facts<'_>) -> String {
    match cause.trigger {
        Trigger::ReportSubmitted | Trigger::ExtensionRequested => "/duyet".into(),
        Trigger::MonthlyDigest => "/".into(),
        Trigger::CommentAdded if !facts.lines.is_empty() => {
            format!("/phan-cong/{}#trao-doi", facts.lines[0].assignment_id)
        }
        _ if facts.total == 1 && facts.lines.len() == 1 => {
            format!("/phan-cong/{}", facts.lines[0].assignment_id)
        }
        _ => match cause.agency_id {
            Some(a) => format!("/co-quan/{a}"),
            None => "/".into(),
        },
    }
}

fn short(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max).collect();
    // End at a word, not in one.
    match cut.rfind(' ') {
        Some(i) if i > max / 2 => format!("{}…", &cut[..i]),
        _ => format!("{cut}…"),
    }
}

pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reminder_names_the_agency_the_day_and_each_task() {
        let cause = CauseRow {
            id: 1,
            key: "k".into(),
            trigger: Trigger::AfterDeadline,
            rule_name: Some("Đôn đốc khi quá hạn".into()),
            entity: None,
            entity_id: None,
            agency_id: Some(10),
            author_id: None,
            day: NaiveDate::from_ymd_opt(2025, 7, 17).unwrap(),
            payload: serde_json::json!({"due": "2025-07-16", "days": 1, "count": 2}),
            created_at: 0,
        };
        let lines = vec![Line {
            assignment_id: 5,
            task: "Xây dựng <cơ sở dữ liệu> học bạ số".into(),
            source: "365/TB-VPCP".into(),
            due: NaiveDate::from_ymd_opt(2025, 7, 16),
        }];
        let w = word(
            &cause,
            &Facts {
                agency: Some("Bộ Giáo dục và Đào tạo".into()),
                lines: &lines,
                total: 2,
                today: NaiveDate::from_ymd_opt(2025, 7, 20).unwrap(),
            },
        );
        assert_eq!(
            w.subject,
            "Đôn đốc: 2 nhiệm vụ của Bộ Giáo dục và Đào tạo đã quá hạn ngày 16/07/2025"
        );
        assert!(
            w.text.contains(
                "- Xây dựng <cơ sở dữ liệu> học bạ số (365/TB-VPCP; hạn 16/07/2025, trễ 4 ngày)"
            ),
            "{}",
            w.text
        );
        assert!(w.text.contains("… và 1 nhiệm vụ khác."));
        assert!(w.html.contains("&lt;cơ sở dữ liệu&gt;") && !w.html.contains("<cơ"));
        assert_eq!(w.link, "/co-quan/10");
    }
}
