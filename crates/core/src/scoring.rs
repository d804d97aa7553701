//! Monthly scoring (chấm điểm hằng tháng) of agencies and leaders: the rule set,
//! which the standing office can read and change (a TOML text, versioned by the
//! store), and the pure evaluation of one month.
//!
//! Each assignment that is scorable in a month gives one [`Line`]: the points it
//! earned and the points it could have earned ("possible"), both weighted by its
//! task's priority and field. A commitment whose date falls in the month gives a
//! line too. A score is `100 × earned / possible`, kept within 0..=100; a subject
//! without any possible point has no score (not 100). See `docs/scoring.md`.
//!
//! All arithmetic is in integers (hundredths of a point), so a run gives the same
//! result, and the same content hash, on every machine and in any order.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::deadline::DeadlineKind;
use crate::status::AssignmentState;
use crate::time::{Micros, start_of_day};

/// The default rule set, `data/scoring/default.toml`.
pub const DEFAULT_RULES: &str = include_str!("../../../data/scoring/default.toml");

/// A calendar month, "2025-10".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    pub fn parse(text: &str) -> Option<Month> {
        let (y, m) = text.trim().split_once('-')?;
        if y.len() != 4 || m.len() != 2 {
            return None;
        }
        let month = Month {
            year: y.parse().ok()?,
            month: m.parse().ok()?,
        };
        NaiveDate::from_ymd_opt(month.year, month.month, 1)?;
        Some(month)
    }

    pub fn of(day: NaiveDate) -> Month {
        Month {
            year: day.year(),
            month: day.month(),
        }
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("a valid month")
    }

    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().expect("a day before")
    }

    pub fn next(self) -> Month {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    pub fn prev(self) -> Month {
        if self.month == 1 {
            Month {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Month {
                year: self.year,
                month: self.month - 1,
            }
        }
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// One step of a schedule: applies up to `up_to_days` days (inclusive); the last
/// step has no limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    #[serde(default)]
    pub up_to_days: Option<i64>,
    pub points: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Weights {
    pub priority_1: i64,
    pub priority_2: i64,
    pub priority_3: i64,
    pub default_field: i64,
    #[serde(default)]
    pub fields: BTreeMap<String, i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompletedRules {
    pub on_time: i64,
    pub late: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverdueRules {
    pub penalty: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecurringRules {
    pub reported: i64,
    pub not_reported: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommitmentRules {
    pub kept: i64,
    pub broken: i64,
}

/// A rule set, as written in its TOML text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub weights: Weights,
    pub completed: CompletedRules,
    pub overdue: OverdueRules,
    pub recurring: RecurringRules,
    pub commitments: CommitmentRules,
}

/// A problem in a rule set: where (a TOML path) and what.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct RuleError {
    pub path: String,
    pub message: String,
}

fn err(path: &str, message: impl Into<String>) -> RuleError {
    RuleError {
        path: path.into(),
        message: message.into(),
    }
}

fn check_schedule(path: &str, steps: &[Step], min: i64, max: i64) -> Result<(), RuleError> {
    if steps.is_empty() {
        return Err(err(path, "needs at least one step"));
    }
    let mut last = 0;
    for (i, s) in steps.iter().enumerate() {
        let p = format!("{path}[{i}]");
        if !(min..=max).contains(&s.points) {
            return Err(err(&p, format!("points must be between {min} and {max}")));
        }
        match s.up_to_days {
            Some(d) if i + 1 == steps.len() => {
                return Err(err(
                    &p,
                    format!("the last step must have no up_to_days (it has {d})"),
                ));
            }
            Some(d) if d <= last => {
                return Err(err(&p, "up_to_days must increase from step to step"));
            }
            Some(d) => last = d,
            None if i + 1 != steps.len() => {
                return Err(err(&p, "only the last step may omit up_to_days"));
            }
            None => {}
        }
    }
    Ok(())
}

fn schedule(steps: &[Step], days: i64) -> i64 {
    steps
        .iter()
        .find(|s| s.up_to_days.is_none_or(|d| days <= d))
        .map_or(0, |s| s.points)
}

impl Rules {
    /// Reads and checks a rule set.
    pub fn parse(text: &str) -> Result<Rules, RuleError> {
        let rules: Rules = toml::from_str(text).map_err(|e| err("toml", e.to_string()))?;
        rules.validate()?;
        Ok(rules)
    }

    pub fn default_rules() -> Rules {
        Rules::parse(DEFAULT_RULES).expect("the default rules are valid")
    }

    pub fn validate(&self) -> Result<(), RuleError> {
        if self.name.trim().is_empty() {
            return Err(err("name", "must not be empty"));
        }
        let w = &self.weights;
        for (path, v) in [
            ("weights.priority_1", w.priority_1),
            ("weights.priority_2", w.priority_2),
            ("weights.priority_3", w.priority_3),
            ("weights.default_field", w.default_field),
        ] {
            if !(1..=1000).contains(&v) {
                return Err(err(path, "must be a percentage between 1 and 1000"));
            }
        }
        for (field, v) in &w.fields {
            let path = format!("weights.fields.{field}");
            if !crate::model::is_field(field) {
                return Err(err(
                    &path,
                    "unknown field (known: khcn, dmst, cds, da06, cchc)",
                ));
            }
            if !(1..=1000).contains(v) {
                return Err(err(&path, "must be a percentage between 1 and 1000"));
            }
        }
        let on_time = self.completed.on_time;
        if !(1..=1000).contains(&on_time) {
            return Err(err("completed.on_time", "must be between 1 and 1000"));
        }
        check_schedule("completed.late", &self.completed.late, 0, on_time)?;
        check_schedule("overdue.penalty", &self.overdue.penalty, -1000, 0)?;
        if !(1..=1000).contains(&self.recurring.reported) {
            return Err(err("recurring.reported", "must be between 1 and 1000"));
        }
        if !(-1000..=self.recurring.reported).contains(&self.recurring.not_reported) {
            return Err(err(
                "recurring.not_reported",
                "must be between -1000 and recurring.reported",
            ));
        }
        if !(1..=1000).contains(&self.commitments.kept) {
            return Err(err("commitments.kept", "must be between 1 and 1000"));
        }
        if !(-1000..=0).contains(&self.commitments.broken) {
            return Err(err("commitments.broken", "must be between -1000 and 0"));
        }
        Ok(())
    }

    /// A task's weight, as a percentage: priority weight × field weight / 100.
    pub fn weight(&self, priority: i32, field: Option<&str>) -> i64 {
        let p = match priority {
            1 => self.weights.priority_1,
            3 => self.weights.priority_3,
            _ => self.weights.priority_2,
        };
        let f = field
            .and_then(|f| self.weights.fields.get(f).copied())
            .unwrap_or(self.weights.default_field);
        (p * f + 50) / 100
    }
}

/// Why a line gave or took points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    CompletedOnTime,
    CompletedLate,
    Overdue,
    RecurringReported,
    RecurringNotReported,
    CommitmentKept,
    CommitmentBroken,
}

impl Rule {
    pub fn label_vi(self) -> &'static str {
        match self {
            Rule::CompletedOnTime => "Hoàn thành đúng hạn",
            Rule::CompletedLate => "Hoàn thành quá hạn",
            Rule::Overdue => "Quá hạn chưa hoàn thành",
            Rule::RecurringReported => "Nhiệm vụ thường xuyên có báo cáo",
            Rule::RecurringNotReported => "Nhiệm vụ thường xuyên không báo cáo",
            Rule::CommitmentKept => "Thực hiện đúng cam kết",
            Rule::CommitmentBroken => "Không thực hiện đúng cam kết",
        }
    }
}

/// One line of a breakdown: which assignment (of which task) gave or took how many
/// points, and why. Points are weighted; `points_x100`/`possible_x100` are the
/// exact integers (hundredths of a point) that totals add up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Line {
    pub assignment_id: i64,
    pub task_id: i64,
    pub agency_id: i64,
    pub rule: Rule,
    /// The task's weight, a percentage.
    pub weight: i64,
    /// Weighted points earned, in hundredths of a point.
    pub points_x100: i64,
    /// Weighted points the line could have earned, in hundredths of a point.
    pub possible_x100: i64,
    /// The deadline in force (known at the end of the month).
    pub due: Option<NaiveDate>,
    pub completed_on: Option<NaiveDate>,
    /// Days late at completion, or days overdue on the last day of the month.
    pub days_late: Option<i64>,
    /// For a commitment: the committed date and the commitment's id.
    pub committed_on: Option<NaiveDate>,
    pub commitment_id: Option<i64>,
}

/// An assignment as the scoring sees it: its known state at the end of the month
/// and the instant its current knowledge span began.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scorable {
    pub assignment_id: i64,
    pub task_id: i64,
    pub agency_id: i64,
    pub state: AssignmentState,
    pub known_from: Micros,
}

/// A commitment whose date falls in the month, with its assignment's state known
/// at the end of the month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommitmentFact {
    pub commitment_id: i64,
    pub assignment_id: i64,
    pub task_id: i64,
    pub agency_id: i64,
    pub committed_on: NaiveDate,
    pub state: AssignmentState,
}

/// Evaluates one assignment for `month`. `weight` is its task's weight;
/// `reported`: whether it has a progress report dated in the month (entered before
/// the month ended). `None` when it is not scorable in the month.
pub fn evaluate_assignment(
    rules: &Rules,
    month: Month,
    a: &Scorable,
    weight: i64,
    reported: bool,
) -> Option<Line> {
    let s = &a.state;
    if s.cancelled {
        return None;
    }
    let first = month.first_day();
    let last = month.last_day();
    let on_time = rules.completed.on_time;
    let line = |rule: Rule, points: i64, possible: i64, days_late: Option<i64>| Line {
        assignment_id: a.assignment_id,
        task_id: a.task_id,
        agency_id: a.agency_id,
        rule,
        weight,
        points_x100: points * weight,
        possible_x100: possible * weight,
        due: s.due,
        completed_on: s.completed_on,
        days_late,
        committed_on: None,
        commitment_id: None,
    };
    if let Some(done) = s.completed_on {
        // Credited in the month the completion is dated, or — when it was only
        // confirmed later — in the month its confirmation was recorded.
        let dated_in_month = done >= first && done <= last;
        let confirmed_in_month = done < first && a.known_from >= start_of_day(first);
        if !(dated_in_month || confirmed_in_month) {
            return None;
        }
        return Some(match s.due {
            Some(due) if done > due => {
                let late = (done - due).num_days();
                line(
                    Rule::CompletedLate,
                    schedule(&rules.completed.late, late),
                    on_time,
                    Some(late),
                )
            }
            _ => line(Rule::CompletedOnTime, on_time, on_time, Some(0)),
        });
    }
    if s.deadline_kind == DeadlineKind::Recurring {
        return Some(if reported {
            line(
                Rule::RecurringReported,
                rules.recurring.reported,
                rules.recurring.reported,
                None,
            )
        } else {
            line(
                Rule::RecurringNotReported,
                rules.recurring.not_reported,
                rules.recurring.reported,
                None,
            )
        });
    }
    match s.due {
        Some(due) if last > due => {
            let late = (last - due).num_days();
            Some(line(
                Rule::Overdue,
                schedule(&rules.overdue.penalty, late),
                on_time,
                Some(late),
            ))
        }
        _ => None,
    }
}

/// Evaluates a commitment whose date falls in `month`: kept when the assignment
/// was completed on or before the committed date, broken otherwise. `None` for a
/// cancelled assignment or a date outside the month.
pub fn evaluate_commitment(
    rules: &Rules,
    month: Month,
    c: &CommitmentFact,
    weight: i64,
) -> Option<Line> {
    if c.state.cancelled || c.committed_on < month.first_day() || c.committed_on > month.last_day()
    {
        return None;
    }
    let kept = c.state.completed_on.is_some_and(|d| d <= c.committed_on);
    let (rule, points) = if kept {
        (Rule::CommitmentKept, rules.commitments.kept)
    } else {
        (Rule::CommitmentBroken, rules.commitments.broken)
    };
    Some(Line {
        assignment_id: c.assignment_id,
        task_id: c.task_id,
        agency_id: c.agency_id,
        rule,
        weight,
        points_x100: points * weight,
        possible_x100: rules.commitments.kept * weight,
        due: c.state.due,
        completed_on: c.state.completed_on,
        days_late: None,
        committed_on: Some(c.committed_on),
        commitment_id: Some(c.commitment_id),
    })
}

/// The running total of one subject (an agency or a leader).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub earned_x100: i64,
    pub possible_x100: i64,
    pub lines: Vec<Line>,
}

impl Tally {
    pub fn add(&mut self, line: Line) {
        self.earned_x100 += line.points_x100;
        self.possible_x100 += line.possible_x100;
        self.lines.push(line);
    }

    /// The score in hundredths (0..=10000), `None` without any possible point.
    pub fn score_x100(&self) -> Option<i64> {
        score_x100(self.earned_x100, self.possible_x100)
    }
}

/// `100 × earned / possible` in hundredths, rounded half up, kept within 0..=10000;
/// `None` when nothing was possible.
pub fn score_x100(earned: i64, possible: i64) -> Option<i64> {
    if possible <= 0 {
        return None;
    }
    let e = i128::from(earned.max(0));
    let p = i128::from(possible);
    let s = (e * 10_000 * 2 + p) / (2 * p);
    Some((s as i64).clamp(0, 10_000))
}

/// Ranks by score, highest first; equal scores share a rank ("1, 2, 2, 4").
/// `items` are (key, score_x100); returns the ranks in the same order.
pub fn competition_ranks(scores: &[i64]) -> Vec<i64> {
    scores
        .iter()
        .map(|s| 1 + scores.iter().filter(|o| *o > s).count() as i64)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::end_of_day;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn oct() -> Month {
        Month::parse("2025-10").unwrap()
    }

    fn scorable(kind: DeadlineKind, due: Option<&str>, done: Option<&str>) -> Scorable {
        Scorable {
            assignment_id: 1,
            task_id: 1,
            agency_id: 1,
            state: AssignmentState {
                deadline_kind: kind,
                due: due.map(d),
                completed_on: done.map(d),
                cancelled: false,
            },
            known_from: end_of_day(d("2025-10-15")) - 1,
        }
    }

    #[test]
    fn months_parse_and_step() {
        let m = oct();
        assert_eq!(m.to_string(), "2025-10");
        assert_eq!(m.first_day(), d("2025-10-01"));
        assert_eq!(m.last_day(), d("2025-10-31"));
        assert_eq!(Month::parse("2024-02").unwrap().last_day(), d("2024-02-29"));
        assert_eq!(
            Month::parse("2025-01").unwrap().prev().to_string(),
            "2024-12"
        );
        assert_eq!(
            Month::parse("2025-12").unwrap().next().to_string(),
            "2026-01"
        );
        for bad in ["2025-13", "2025-1", "25-10", "2025/10", ""] {
            assert!(Month::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn the_default_rules_parse_and_weigh() {
        let r = Rules::default_rules();
        assert_eq!(r.weight(1, None), 150);
        assert_eq!(r.weight(2, Some("cds")), 100);
        assert_eq!(r.weight(3, Some("da06")), 75);
        assert_eq!(schedule(&r.completed.late, 1), 7);
        assert_eq!(schedule(&r.completed.late, 7), 7);
        assert_eq!(schedule(&r.completed.late, 8), 5);
        assert_eq!(schedule(&r.completed.late, 91), 1);
        assert_eq!(schedule(&r.overdue.penalty, 30), -2);
        assert_eq!(schedule(&r.overdue.penalty, 31), -5);
        assert_eq!(schedule(&r.overdue.penalty, 400), -10);
    }

    #[test]
    fn bad_rules_are_refused_with_their_path() {
        let text = DEFAULT_RULES.replace("{ points = 1 }", "{ up_to_days = 365, points = 1 }");
        assert_eq!(Rules::parse(&text).unwrap_err().path, "completed.late[3]");
        let text = DEFAULT_RULES.replace("kept = 5", "kept = 0");
        assert_eq!(Rules::parse(&text).unwrap_err().path, "commitments.kept");
        let text = DEFAULT_RULES.replace("cchc = 100", "xyz = 100");
        assert_eq!(Rules::parse(&text).unwrap_err().path, "weights.fields.xyz");
        let text = DEFAULT_RULES.replace(
            "{ up_to_days = 30, points = -2 }",
            "{ up_to_days = 30, points = 2 }",
        );
        assert_eq!(Rules::parse(&text).unwrap_err().path, "overdue.penalty[0]");
        assert_eq!(Rules::parse("name = 1").unwrap_err().path, "toml");
    }

    #[test]
    fn each_rule_on_a_hand_made_case() {
        let r = Rules::default_rules();
        let m = oct();
        let eval = |s: Scorable, w: i64, rep: bool| evaluate_assignment(&r, m, &s, w, rep);
        // On time, weight 150: 10 × 1.5 = 15 of 15.
        let l = eval(
            scorable(DeadlineKind::Date, Some("2025-10-20"), Some("2025-10-18")),
            150,
            false,
        )
        .unwrap();
        assert_eq!(
            (l.rule, l.points_x100, l.possible_x100),
            (Rule::CompletedOnTime, 1500, 1500)
        );
        // 12 days late: 5 of 10.
        let l = eval(
            scorable(DeadlineKind::Date, Some("2025-09-30"), Some("2025-10-12")),
            100,
            false,
        )
        .unwrap();
        assert_eq!(
            (l.rule, l.points_x100, l.possible_x100, l.days_late),
            (Rule::CompletedLate, 500, 1000, Some(12))
        );
        // Overdue since 30/6: 123 days on 31/10 → −8 of 10.
        let l = eval(
            scorable(DeadlineKind::Date, Some("2025-06-30"), None),
            100,
            false,
        )
        .unwrap();
        assert_eq!(
            (l.rule, l.points_x100, l.days_late),
            (Rule::Overdue, -800, Some(123))
        );
        // Due on the last day and still open: on time, not scorable.
        assert!(
            eval(
                scorable(DeadlineKind::Date, Some("2025-10-31"), None),
                100,
                false
            )
            .is_none()
        );
        // Completed in an earlier month, confirmed then: not scorable.
        let mut s = scorable(DeadlineKind::Date, Some("2025-09-30"), Some("2025-09-20"));
        s.known_from = end_of_day(d("2025-09-21"));
        assert!(eval(s, 100, false).is_none());
        // … but confirmed in October: credited in October.
        s.known_from = end_of_day(d("2025-10-02"));
        assert_eq!(eval(s, 100, false).unwrap().rule, Rule::CompletedOnTime);
        // Recurring: reported 5 of 5, not reported 0 of 5.
        let l = eval(scorable(DeadlineKind::Recurring, None, None), 75, true).unwrap();
        assert_eq!(
            (l.rule, l.points_x100, l.possible_x100),
            (Rule::RecurringReported, 375, 375)
        );
        let l = eval(scorable(DeadlineKind::Recurring, None, None), 100, false).unwrap();
        assert_eq!(
            (l.rule, l.points_x100, l.possible_x100),
            (Rule::RecurringNotReported, 0, 500)
        );
        // Cancelled: nothing.
        let mut s = scorable(DeadlineKind::Date, Some("2025-06-30"), None);
        s.state.cancelled = true;
        assert!(eval(s, 100, false).is_none());
        // Commitments.
        let c = CommitmentFact {
            commitment_id: 9,
            assignment_id: 1,
            task_id: 1,
            agency_id: 1,
            committed_on: d("2025-10-15"),
            state: scorable(DeadlineKind::Date, Some("2025-06-30"), Some("2025-10-14")).state,
        };
        let l = evaluate_commitment(&r, m, &c, 100).unwrap();
        assert_eq!(
            (l.rule, l.points_x100, l.possible_x100),
            (Rule::CommitmentKept, 500, 500)
        );
        let broken = CommitmentFact {
            state: scorable(DeadlineKind::Date, Some("2025-06-30"), None).state,
            ..c
        };
        let l = evaluate_commitment(&r, m, &broken, 100).unwrap();
        assert_eq!((l.rule, l.points_x100), (Rule::CommitmentBroken, -500));
        let november = CommitmentFact {
            committed_on: d("2025-11-01"),
            ..c
        };
        assert!(evaluate_commitment(&r, m, &november, 100).is_none());
    }

    #[test]
    fn scores_normalise_and_clamp() {
        assert_eq!(score_x100(1500, 1500), Some(10_000));
        // 15 + 5 − 8 + 0 = 12 of 15 + 10 + 10 + 5 = 40 → 30 %.
        assert_eq!(score_x100(1200, 4000), Some(3000));
        assert_eq!(score_x100(-500, 1000), Some(0));
        assert_eq!(score_x100(1, 3), Some(3333));
        assert_eq!(score_x100(2, 3), Some(6667));
        assert_eq!(score_x100(0, 0), None);
        assert_eq!(
            competition_ranks(&[9000, 8000, 9000, 7000]),
            vec![1, 3, 1, 4]
        );
    }
}
