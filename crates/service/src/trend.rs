//! An agency's trend over a chosen period (the agency card's chart): overdue and
//! completed assignments at the end of each month, and the month in which its
//! work last changed (the chart's default period ends there, not in an empty
//! current year).

use chrono::NaiveDate;
use tiendo_core::policy::Actor;
use tiendo_core::scoring::Month;
use tiendo_core::status::Status;
use tiendo_store::AssignmentFilter;

use crate::{Result, Service, ServiceError};

/// At most this many months in one chart.
pub const MAX_TREND_MONTHS: usize = 36;

/// The day a month is read at: its last day, or `as_of` for the month of `as_of`.
pub fn month_point(m: Month, as_of: NaiveDate) -> NaiveDate {
    if m == Month::of(as_of) {
        as_of
    } else {
        m.last_day()
    }
}

impl Service {
    /// Overdue and completed assignments of an agency at the end of each month
    /// from `from` to `to` (oldest first), as known on `as_of`; months after
    /// `as_of`'s are left out.
    pub async fn agency_trend(
        &self,
        actor: &Actor,
        agency_id: i64,
        (from, to): (Month, Month),
        as_of: NaiveDate,
    ) -> Result<Vec<(NaiveDate, i64, i64)>> {
        if !actor.sees_agency(agency_id) {
            return Err(ServiceError::Forbidden(
                "a focal point sees only its own agency's report card".into(),
            ));
        }
        let last = to.min(Month::of(as_of));
        let mut out = Vec::new();
        let mut m = from;
        while m <= last && out.len() < MAX_TREND_MONTHS {
            let d = month_point(m, as_of);
            let c = self.status_counts(actor, d, Some(agency_id)).await?;
            let g = |st: Status| c.iter().find(|(s, _)| *s == st).map_or(0, |(_, n)| *n);
            out.push((
                d,
                g(Status::Overdue),
                g(Status::CompletedOnTime) + g(Status::CompletedLate),
            ));
            m = m.next();
        }
        Ok(out)
    }

    /// The latest month, up to `as_of`'s, in which an agency's work changed as
    /// known on `as_of`: an assignment given, completed, or falling overdue (the
    /// day after its deadline). `None` when it has no assignment.
    pub async fn agency_last_active_month(
        &self,
        actor: &Actor,
        agency_id: i64,
        as_of: NaiveDate,
    ) -> Result<Option<Month>> {
        let rows = self
            .list_assignments(
                actor,
                AssignmentFilter {
                    task_id: None,
                    agency_id: Some(agency_id),
                    document_id: None,
                    status: None,
                    as_of,
                    due_soon_days: 0,
                    confined_to: None,
                    page: 1,
                    per_page: 10_000,
                },
            )
            .await?
            .items;
        let latest = rows
            .iter()
            .flat_map(|a| {
                let given = tiendo_core::time::parse_day(a.created_at.get(..10).unwrap_or(""));
                let late = a
                    .deadline
                    .due
                    .filter(|_| a.completed_on.is_none() && !a.cancelled)
                    .and_then(|d| d.succ_opt());
                [given, a.completed_on, late]
            })
            .flatten()
            .filter(|d| *d <= as_of)
            .max();
        Ok(latest.map(Month::of))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_is_read_at_its_end_or_on_the_day() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let m = Month::parse("2025-07").unwrap();
        assert_eq!(month_point(m, d("2025-07-16")), d("2025-07-16"));
        assert_eq!(month_point(m, d("2025-09-01")), d("2025-07-31"));
    }
}
