//! Status as of any date (trạng thái tại một ngày).
//!
//! An assignment's history is a sequence of changes, each recorded at an instant.
//! What the system knew at an instant is the fold of the changes recorded before it
//! ([`AssignmentState`]); the status on a day is a pure function of what was known at
//! the end of that day and of the day itself ([`status_on`]). So "which tasks were
//! overdue on 16/07/2025" has one exact answer that later reports cannot change.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::deadline::{Deadline, DeadlineKind};

/// The status of an assignment (or a task) on a day.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    PartialOrd,
    Ord,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Đang thực hiện, trong hạn.
    InProgress,
    /// Sắp đến hạn: due within the configured number of days.
    DueSoon,
    /// Quá hạn.
    Overdue,
    /// Hoàn thành đúng hạn.
    CompletedOnTime,
    /// Hoàn thành quá hạn.
    CompletedLate,
    /// Nhiệm vụ thường xuyên.
    Recurring,
    /// Đã hủy.
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::InProgress,
        Status::DueSoon,
        Status::Overdue,
        Status::CompletedOnTime,
        Status::CompletedLate,
        Status::Recurring,
        Status::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::InProgress => "in_progress",
            Status::DueSoon => "due_soon",
            Status::Overdue => "overdue",
            Status::CompletedOnTime => "completed_on_time",
            Status::CompletedLate => "completed_late",
            Status::Recurring => "recurring",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Status::InProgress => "Đang thực hiện",
            Status::DueSoon => "Sắp đến hạn",
            Status::Overdue => "Quá hạn",
            Status::CompletedOnTime => "Hoàn thành đúng hạn",
            Status::CompletedLate => "Hoàn thành quá hạn",
            Status::Recurring => "Thường xuyên",
            Status::Cancelled => "Đã hủy",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Status::InProgress => "In progress",
            Status::DueSoon => "Due soon",
            Status::Overdue => "Overdue",
            Status::CompletedOnTime => "Completed on time",
            Status::CompletedLate => "Completed late",
            Status::Recurring => "Recurring",
            Status::Cancelled => "Cancelled",
        }
    }

    pub fn is_completed(self) -> bool {
        matches!(self, Status::CompletedOnTime | Status::CompletedLate)
    }

    /// Still open work: in progress, due soon, overdue or recurring.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Status::InProgress | Status::DueSoon | Status::Overdue | Status::Recurring
        )
    }
}

/// What is known of an assignment at an instant: the deadline in force, whether
/// (and on which day) it was completed, whether it was cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignmentState {
    pub deadline_kind: DeadlineKind,
    pub due: Option<NaiveDate>,
    pub completed_on: Option<NaiveDate>,
    pub cancelled: bool,
}

impl AssignmentState {
    pub fn new(deadline: &Deadline) -> AssignmentState {
        AssignmentState {
            deadline_kind: deadline.kind,
            due: deadline.due,
            completed_on: None,
            cancelled: false,
        }
    }

    /// The state after one change.
    pub fn apply(self, change: &StateChange) -> AssignmentState {
        let mut next = self;
        match change {
            StateChange::Assigned { kind, due } | StateChange::DeadlineSet { kind, due } => {
                next.deadline_kind = *kind;
                next.due = *due;
            }
            StateChange::Completed { on } => next.completed_on = Some(*on),
            StateChange::Reopened => next.completed_on = None,
            StateChange::Cancelled => next.cancelled = true,
            StateChange::Restored => next.cancelled = false,
        }
        next
    }
}

/// The changes that move an assignment's status. Everything else (reports,
/// commitments, edits of wording) is history but does not change the status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum StateChange {
    /// The assignment was created with its deadline.
    Assigned {
        kind: DeadlineKind,
        due: Option<NaiveDate>,
    },
    /// The deadline was changed (an approved extension, or a correction).
    DeadlineSet {
        kind: DeadlineKind,
        due: Option<NaiveDate>,
    },
    /// The standing office confirmed completion on a day.
    Completed {
        on: NaiveDate,
    },
    /// A confirmed completion was withdrawn.
    Reopened,
    Cancelled,
    /// A cancellation was withdrawn.
    Restored,
}

/// The status on `day` of an assignment whose known state (at the end of `day`) is
/// `state`. `due_soon_days`: a task due within that many days (today included, so 0
/// means "due today") counts as due soon.
pub fn status_on(state: &AssignmentState, day: NaiveDate, due_soon_days: u32) -> Status {
    if state.cancelled {
        return Status::Cancelled;
    }
    if let Some(done) = state.completed_on {
        return match state.due {
            Some(due) if done > due => Status::CompletedLate,
            _ => Status::CompletedOnTime,
        };
    }
    if state.deadline_kind == DeadlineKind::Recurring {
        return Status::Recurring;
    }
    match state.due {
        None => Status::InProgress,
        Some(due) if day > due => Status::Overdue,
        Some(due) if (due - day).num_days() <= i64::from(due_soon_days) => Status::DueSoon,
        Some(_) => Status::InProgress,
    }
}

/// Days late on `day` (0 when not overdue), for overdue lists.
pub fn days_late(state: &AssignmentState, day: NaiveDate) -> i64 {
    match (state.due, state.completed_on) {
        (Some(due), None) if !state.cancelled => (day - due).num_days().max(0),
        (Some(due), Some(done)) => (done - due).num_days().max(0),
        _ => 0,
    }
}

/// A task's status from its assignments' statuses: the most urgent open status
/// wins (overdue, then due soon, in progress, recurring); when nothing is open,
/// late if any assignment was completed late, else on time; cancelled only when all
/// are cancelled.
pub fn task_status(statuses: impl IntoIterator<Item = Status>) -> Option<Status> {
    let mut seen = [false; 7];
    let mut any = false;
    for s in statuses {
        any = true;
        seen[s as usize] = true;
    }
    if !any {
        return None;
    }
    let order = [
        Status::Overdue,
        Status::DueSoon,
        Status::InProgress,
        Status::Recurring,
        Status::CompletedLate,
        Status::CompletedOnTime,
        Status::Cancelled,
    ];
    order.into_iter().find(|s| seen[*s as usize])
}

/// A span of knowledge: from `known_from` (inclusive) until `known_to` (exclusive,
/// `None` while it is the latest), the assignment was known to be in `state`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownSpan {
    pub known_from: i64,
    pub known_to: Option<i64>,
    pub state: AssignmentState,
}

/// Folds changes recorded at increasing instants into knowledge spans. Changes at
/// the same instant collapse into one span. Returns `None` when the first change
/// is not `Assigned` or the instants go backwards.
pub fn spans(changes: &[(i64, StateChange)]) -> Option<Vec<KnownSpan>> {
    let mut out: Vec<KnownSpan> = Vec::with_capacity(changes.len());
    for (at, change) in changes {
        let state = match (out.last(), change) {
            (None, StateChange::Assigned { kind, due }) => AssignmentState {
                deadline_kind: *kind,
                due: *due,
                completed_on: None,
                cancelled: false,
            },
            (None, _) => return None,
            (Some(last), _) if *at < last.known_from => return None,
            (Some(last), c) => last.state.apply(c),
        };
        match out.last_mut() {
            Some(last) if last.known_from == *at => last.state = state,
            Some(last) => {
                last.known_to = Some(*at);
                out.push(KnownSpan {
                    known_from: *at,
                    known_to: None,
                    state,
                });
            }
            None => out.push(KnownSpan {
                known_from: *at,
                known_to: None,
                state,
            }),
        }
    }
    Some(out)
}

/// The state known at instant `at` (exclusive), or `None` if the assignment did not
/// exist yet.
pub fn known_at(spans: &[KnownSpan], at: i64) -> Option<AssignmentState> {
    spans
        .iter()
        .rev()
        .find(|s| s.known_from < at)
        .map(|s| s.state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::end_of_day;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn state(kind: DeadlineKind, due: Option<&str>) -> AssignmentState {
        AssignmentState {
            deadline_kind: kind,
            due: due.map(d),
            completed_on: None,
            cancelled: false,
        }
    }

    #[test]
    fn every_deadline_kind_gives_its_status() {
        let day = d("2025-07-16");
        // Appendix row 3 of 365/TB-VPCP: due 31/3/2025, not done on 16/7 → overdue.
        let s = state(DeadlineKind::Date, Some("2025-03-31"));
        assert_eq!(status_on(&s, day, 7), Status::Overdue);
        assert_eq!(days_late(&s, day), 107);
        // "Trước ngày 18 tháng 7 năm 2025": two days ahead → due soon.
        let s = state(DeadlineKind::Date, Some("2025-07-18"));
        assert_eq!(status_on(&s, day, 7), Status::DueSoon);
        assert_eq!(status_on(&s, day, 0), Status::InProgress);
        // Due today is still on time (and due soon); the next day it is overdue.
        let s = state(DeadlineKind::Date, Some("2025-07-16"));
        assert_eq!(status_on(&s, day, 0), Status::DueSoon);
        assert_eq!(status_on(&s, d("2025-07-17"), 0), Status::Overdue);
        let s = state(DeadlineKind::Date, Some("2025-07-23"));
        assert_eq!(status_on(&s, day, 7), Status::DueSoon);
        assert_eq!(status_on(&s, day, 6), Status::InProgress);
        // Month, quarter, half, year: on time until their last day.
        for (kind, due) in [
            (DeadlineKind::Month, "2025-07-31"),
            (DeadlineKind::Quarter, "2025-09-30"),
            (DeadlineKind::Half, "2025-12-31"),
            (DeadlineKind::Year, "2025-12-31"),
        ] {
            let s = state(kind, Some(due));
            assert_eq!(status_on(&s, day, 7), Status::InProgress, "{kind:?}");
            let after = d(due).succ_opt().unwrap();
            assert_eq!(status_on(&s, after, 7), Status::Overdue, "{kind:?}");
        }
        assert_eq!(
            status_on(&state(DeadlineKind::Recurring, None), day, 7),
            Status::Recurring
        );
        assert_eq!(
            status_on(&state(DeadlineKind::Event, None), day, 7),
            Status::InProgress
        );
        assert_eq!(
            status_on(&state(DeadlineKind::None, None), day, 7),
            Status::InProgress
        );
    }

    #[test]
    fn completion_on_time_late_and_cancellation() {
        let s = state(DeadlineKind::Date, Some("2025-06-30"));
        let on_time = s.apply(&StateChange::Completed {
            on: d("2025-06-30"),
        });
        assert_eq!(
            status_on(&on_time, d("2025-12-01"), 7),
            Status::CompletedOnTime
        );
        let late = s.apply(&StateChange::Completed {
            on: d("2025-07-02"),
        });
        assert_eq!(status_on(&late, d("2025-12-01"), 7), Status::CompletedLate);
        assert_eq!(days_late(&late, d("2025-12-01")), 2);
        let reopened = late.apply(&StateChange::Reopened);
        assert_eq!(status_on(&reopened, d("2025-07-03"), 7), Status::Overdue);
        let cancelled = reopened.apply(&StateChange::Cancelled);
        assert_eq!(status_on(&cancelled, d("2025-07-03"), 7), Status::Cancelled);
        let restored = cancelled.apply(&StateChange::Restored);
        assert_eq!(status_on(&restored, d("2025-07-03"), 7), Status::Overdue);
        // A recurring task completed counts as completed (on time: it has no due day).
        let rec = state(DeadlineKind::Recurring, None).apply(&StateChange::Completed {
            on: d("2025-07-03"),
        });
        assert_eq!(status_on(&rec, d("2025-08-01"), 7), Status::CompletedOnTime);
    }

    #[test]
    fn extension_moves_the_deadline_but_not_the_past() {
        let created = end_of_day(d("2025-05-01")) - 1;
        let extended = end_of_day(d("2025-07-20")) - 1; // approved on 20/7
        let changes = [
            (
                created,
                StateChange::Assigned {
                    kind: DeadlineKind::Date,
                    due: Some(d("2025-06-30")),
                },
            ),
            (
                extended,
                StateChange::DeadlineSet {
                    kind: DeadlineKind::Month,
                    due: Some(d("2025-09-30")),
                },
            ),
        ];
        let spans = spans(&changes).unwrap();
        assert_eq!(spans.len(), 2);
        let on_16_7 = known_at(&spans, end_of_day(d("2025-07-16"))).unwrap();
        assert_eq!(status_on(&on_16_7, d("2025-07-16"), 7), Status::Overdue);
        let on_25_7 = known_at(&spans, end_of_day(d("2025-07-25"))).unwrap();
        assert_eq!(status_on(&on_25_7, d("2025-07-25"), 7), Status::InProgress);
        assert!(known_at(&spans, end_of_day(d("2025-04-30"))).is_none());
    }

    #[test]
    fn late_report_does_not_rewrite_what_was_known() {
        // Completed on 10/7 but only confirmed on 20/7: on 16/7 it was overdue.
        let created = end_of_day(d("2025-04-01")) - 1;
        let confirmed = end_of_day(d("2025-07-20")) - 1;
        let spans = spans(&[
            (
                created,
                StateChange::Assigned {
                    kind: DeadlineKind::Date,
                    due: Some(d("2025-06-30")),
                },
            ),
            (
                confirmed,
                StateChange::Completed {
                    on: d("2025-07-10"),
                },
            ),
        ])
        .unwrap();
        let then = known_at(&spans, end_of_day(d("2025-07-16"))).unwrap();
        assert_eq!(status_on(&then, d("2025-07-16"), 7), Status::Overdue);
        let now = known_at(&spans, end_of_day(d("2025-08-01"))).unwrap();
        assert_eq!(status_on(&now, d("2025-08-01"), 7), Status::CompletedLate);
    }

    #[test]
    fn spans_reject_bad_histories() {
        assert!(spans(&[(1, StateChange::Reopened)]).is_none());
        let assigned = StateChange::Assigned {
            kind: DeadlineKind::None,
            due: None,
        };
        assert!(spans(&[(5, assigned), (4, StateChange::Cancelled)]).is_none());
        let same_instant = spans(&[(5, assigned), (5, StateChange::Cancelled)]).unwrap();
        assert_eq!(same_instant.len(), 1);
        assert!(same_instant[0].state.cancelled);
    }

    #[test]
    fn task_status_takes_the_most_urgent() {
        use Status::*;
        assert_eq!(
            task_status([CompletedOnTime, Overdue, InProgress]),
            Some(Overdue)
        );
        assert_eq!(
            task_status([CompletedOnTime, CompletedLate]),
            Some(CompletedLate)
        );
        assert_eq!(
            task_status([Cancelled, CompletedOnTime]),
            Some(CompletedOnTime)
        );
        assert_eq!(task_status([Cancelled]), Some(Cancelled));
        assert_eq!(task_status([]), None);
    }

    fn arb_change() -> impl Strategy<Value = StateChange> {
        let kinds = prop::sample::select(DeadlineKind::ALL.to_vec());
        let day = (0i64..800).prop_map(|n| d("2025-01-01") + chrono::Duration::days(n));
        prop_oneof![
            (kinds, prop::option::of(day.clone())).prop_map(|(kind, due)| {
                StateChange::DeadlineSet {
                    kind,
                    due: if kind.has_due() { due } else { None },
                }
            }),
            day.prop_map(|on| StateChange::Completed { on }),
            Just(StateChange::Reopened),
            Just(StateChange::Cancelled),
            Just(StateChange::Restored),
        ]
    }

    proptest! {
        /// History never changes: the status known at an instant depends only on the
        /// changes recorded before it, whatever is appended afterwards.
        #[test]
        fn appending_changes_never_alters_the_past(
            changes in prop::collection::vec((1i64..5, arb_change()), 0..12),
            probe in 0usize..12,
        ) {
            let mut at = 10i64;
            let mut history = vec![(at, StateChange::Assigned { kind: DeadlineKind::Date, due: Some(d("2025-06-30")) })];
            for (step, c) in changes {
                at += step;
                history.push((at, c));
            }
            let full = spans(&history).unwrap();
            let cut = probe.min(history.len() - 1) + 1;
            let prefix = spans(&history[..cut]).unwrap();
            let instant = history[cut - 1].0 + 1;
            let day = d("2025-08-01");
            let before = known_at(&prefix, instant).map(|s| status_on(&s, day, 7));
            let after = known_at(&full, instant).map(|s| status_on(&s, day, 7));
            prop_assert_eq!(before, after);
        }
    }
}
