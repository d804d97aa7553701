//! The demo's recent progress reports still waiting for the office's review:
//! written in the last days before today (the demo's "today" is the real one),
//! so the review queue `/duyet` is not empty at first sight. Deterministic: the
//! newest open assignments, those still within their deadline first, one an
//! agency.

use chrono::{Duration, NaiveDate};
use tiendo_core::policy::Actor;
use tiendo_core::time::{start_of_day, today};
use tiendo_store::{AssignmentFilter, NewReport, Stamp};

use crate::{Result, Service};

/// How many reports wait for review in the demo.
pub const DEMO_PENDING_REPORTS: usize = 4;

/// (days before today, claims completion, percent, narrative, evidence number)
const REPORTS: [(i64, bool, i32, &str, &str); DEMO_PENDING_REPORTS] = [
    (
        1,
        true,
        100,
        "Đã hoàn thành nhiệm vụ; văn bản báo cáo kết quả gửi kèm theo.",
        "112/BC-DEMO",
    ),
    (
        2,
        false,
        70,
        "Đã hoàn thiện dự thảo, đang lấy ý kiến các bộ, ngành liên quan.",
        "",
    ),
    (
        3,
        true,
        100,
        "Đã ban hành văn bản hướng dẫn và triển khai đến các đơn vị trực thuộc.",
        "87/QĐ-DEMO",
    ),
    (
        4,
        false,
        40,
        "Đang khảo sát, tổng hợp số liệu; dự kiến trình trong tháng tới.",
        "",
    ),
];

impl Service {
    /// Writes the demo's pending reports; returns how many.
    pub(crate) async fn seed_pending_reports(&self, system: &Actor) -> Result<usize> {
        let now = today();
        let open = self
            .store
            .list_assignments(&AssignmentFilter {
                task_id: None,
                agency_id: None,
                document_id: None,
                status: None,
                as_of: now,
                due_soon_days: 0,
                confined_to: None,
                page: 1,
                per_page: 10_000,
            })
            .await?
            .0;
        let mut agencies = Vec::new();
        let mut chosen = Vec::new();
        // Work still within its deadline first, then overdue work, the newest
        // first in each.
        let open_work =
            |a: &&tiendo_store::AssignmentRow| a.state.completed_on.is_none() && !a.state.cancelled;
        let in_time = |a: &&tiendo_store::AssignmentRow| a.state.due.is_some_and(|d| d >= now);
        let candidates = open
            .iter()
            .rev()
            .filter(open_work)
            .filter(in_time)
            .chain(open.iter().rev().filter(open_work).filter(|a| !in_time(a)));
        for a in candidates {
            if agencies.contains(&a.agency_id) {
                continue;
            }
            agencies.push(a.agency_id);
            chosen.push(a.id);
            if chosen.len() == REPORTS.len() {
                break;
            }
        }
        for (id, (back, claims, percent, narrative, evidence)) in chosen.iter().zip(REPORTS) {
            let on: NaiveDate = now - Duration::days(back);
            let report = NewReport {
                assignment_id: *id,
                author_id: system.user_id,
                reported_on: on,
                percent: Some(percent),
                claims_completion: claims,
                completed_on: claims.then_some(on),
                narrative: narrative.to_string(),
                difficulties: None,
                proposals: None,
                evidence_number: (!evidence.is_empty()).then(|| evidence.to_string()),
            };
            let recorded = start_of_day(on) + 10 * 3_600_000_000;
            self.store
                .create_report(&report, &Stamp::backdated(Some(system.user_id), recorded))
                .await?;
        }
        Ok(chosen.len())
    }
}
