//! Deadlines (thời hạn): typed, each resolving to the last day that is still on time.
//!
//! "Trước ngày 25/11/2025" is due 25/11; "trong tháng 10/2025" the last day of
//! October; "Quý IV/2025" and "6 tháng cuối năm 2025" and "trong năm 2025" the 31st
//! of December. Recurring tasks ("nhiệm vụ thường xuyên"), tasks tied to an event
//! ("cùng thời điểm Luật … có hiệu lực") and tasks without a deadline have no due day.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    /// A day.
    Date,
    /// A month: due its last day.
    Month,
    /// A quarter (quý): due its last day.
    Quarter,
    /// A half-year (6 tháng): due its last day.
    Half,
    /// A year: due 31 December.
    Year,
    /// Nhiệm vụ thường xuyên: no due day, reported on regularly.
    Recurring,
    /// Tied to an event whose date is not known yet.
    Event,
    /// No deadline given (a defect of the assignment under "6 rõ").
    None,
}

impl DeadlineKind {
    pub const ALL: [DeadlineKind; 8] = [
        DeadlineKind::Date,
        DeadlineKind::Month,
        DeadlineKind::Quarter,
        DeadlineKind::Half,
        DeadlineKind::Year,
        DeadlineKind::Recurring,
        DeadlineKind::Event,
        DeadlineKind::None,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeadlineKind::Date => "date",
            DeadlineKind::Month => "month",
            DeadlineKind::Quarter => "quarter",
            DeadlineKind::Half => "half",
            DeadlineKind::Year => "year",
            DeadlineKind::Recurring => "recurring",
            DeadlineKind::Event => "event",
            DeadlineKind::None => "none",
        }
    }

    pub fn parse(s: &str) -> Option<DeadlineKind> {
        DeadlineKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether a deadline of this kind has a due day.
    pub fn has_due(self) -> bool {
        !matches!(
            self,
            DeadlineKind::Recurring | DeadlineKind::Event | DeadlineKind::None
        )
    }
}

/// A deadline as assigned: its kind, the last day still on time, and the words.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Deadline {
    pub kind: DeadlineKind,
    pub due: Option<NaiveDate>,
    #[serde(default)]
    pub raw: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    #[error("a `{0}` deadline needs a due date")]
    MissingDue(&'static str),
    #[error("a `{0}` deadline has no due date, but one was given")]
    UnexpectedDue(&'static str),
    #[error(
        "`{0}` is not a deadline kind (date, month, quarter, half, year, recurring, event, none)"
    )]
    UnknownKind(String),
    #[error("month {0} does not exist")]
    BadMonth(u32),
    #[error("quarter {0} does not exist (1 to 4)")]
    BadQuarter(u32),
    #[error("half {0} does not exist (1 or 2)")]
    BadHalf(u32),
    #[error("year {0} is out of range")]
    BadYear(i32),
}

impl Deadline {
    pub fn date(due: NaiveDate) -> Deadline {
        Deadline {
            kind: DeadlineKind::Date,
            due: Some(due),
            raw: String::new(),
        }
    }

    pub fn month(year: i32, month: u32) -> Result<Deadline, DeadlineError> {
        Ok(Deadline {
            kind: DeadlineKind::Month,
            due: Some(last_day_of_month(year, month)?),
            raw: String::new(),
        })
    }

    pub fn quarter(year: i32, quarter: u32) -> Result<Deadline, DeadlineError> {
        if !(1..=4).contains(&quarter) {
            return Err(DeadlineError::BadQuarter(quarter));
        }
        Ok(Deadline {
            kind: DeadlineKind::Quarter,
            due: Some(last_day_of_month(year, quarter * 3)?),
            raw: String::new(),
        })
    }

    pub fn half(year: i32, half: u32) -> Result<Deadline, DeadlineError> {
        if !(1..=2).contains(&half) {
            return Err(DeadlineError::BadHalf(half));
        }
        Ok(Deadline {
            kind: DeadlineKind::Half,
            due: Some(last_day_of_month(year, half * 6)?),
            raw: String::new(),
        })
    }

    pub fn year(year: i32) -> Result<Deadline, DeadlineError> {
        Ok(Deadline {
            kind: DeadlineKind::Year,
            due: Some(last_day_of_month(year, 12)?),
            raw: String::new(),
        })
    }

    pub fn recurring() -> Deadline {
        Deadline {
            kind: DeadlineKind::Recurring,
            due: None,
            raw: String::new(),
        }
    }

    pub fn event() -> Deadline {
        Deadline {
            kind: DeadlineKind::Event,
            due: None,
            raw: String::new(),
        }
    }

    pub fn none() -> Deadline {
        Deadline {
            kind: DeadlineKind::None,
            due: None,
            raw: String::new(),
        }
    }

    pub fn with_raw(mut self, raw: impl Into<String>) -> Deadline {
        self.raw = raw.into();
        self
    }

    /// Builds a deadline from its parts as they come from outside (API, files),
    /// checking that the due day agrees with the kind. For month, quarter, half and
    /// year kinds the due day is moved to the last day of its period.
    pub fn from_parts(
        kind: &str,
        due: Option<NaiveDate>,
        raw: impl Into<String>,
    ) -> Result<Deadline, DeadlineError> {
        let kind =
            DeadlineKind::parse(kind).ok_or_else(|| DeadlineError::UnknownKind(kind.into()))?;
        let deadline = match (kind, due) {
            (k, None) if k.has_due() => return Err(DeadlineError::MissingDue(k.as_str())),
            (k, Some(_)) if !k.has_due() => return Err(DeadlineError::UnexpectedDue(k.as_str())),
            (DeadlineKind::Date, Some(d)) => Deadline::date(d),
            (DeadlineKind::Month, Some(d)) => Deadline::month(d.year(), d.month())?,
            (DeadlineKind::Quarter, Some(d)) => Deadline::quarter(d.year(), d.month0() / 3 + 1)?,
            (DeadlineKind::Half, Some(d)) => Deadline::half(d.year(), d.month0() / 6 + 1)?,
            (DeadlineKind::Year, Some(d)) => Deadline::year(d.year())?,
            (DeadlineKind::Recurring, _) => Deadline::recurring(),
            (DeadlineKind::Event, _) => Deadline::event(),
            (DeadlineKind::None, _) => Deadline::none(),
            (_, None) => unreachable!("kinds with a due day were handled above"),
        };
        Ok(deadline.with_raw(raw))
    }

    /// Human label in Vietnamese: "25/11/2025", "tháng 10/2025", "Quý IV/2025",
    /// "6 tháng cuối năm 2025", "năm 2025", "thường xuyên", "theo sự kiện", "không có".
    pub fn label_vi(&self) -> String {
        match (self.kind, self.due) {
            (DeadlineKind::Date, Some(d)) => crate::time::format_date_vi(d),
            (DeadlineKind::Month, Some(d)) => format!("tháng {}/{}", d.month(), d.year()),
            (DeadlineKind::Quarter, Some(d)) => {
                let q = ["I", "II", "III", "IV"][(d.month0() / 3) as usize];
                format!("Quý {q}/{}", d.year())
            }
            (DeadlineKind::Half, Some(d)) if d.month() <= 6 => {
                format!("6 tháng đầu năm {}", d.year())
            }
            (DeadlineKind::Half, Some(d)) => format!("6 tháng cuối năm {}", d.year()),
            (DeadlineKind::Year, Some(d)) => format!("năm {}", d.year()),
            (DeadlineKind::Recurring, _) => "thường xuyên".into(),
            (DeadlineKind::Event, _) if !self.raw.is_empty() => self.raw.clone(),
            (DeadlineKind::Event, _) => "theo sự kiện".into(),
            _ => "không có".into(),
        }
    }
}

/// The last day of a month.
pub fn last_day_of_month(year: i32, month: u32) -> Result<NaiveDate, DeadlineError> {
    if !(1..=12).contains(&month) {
        return Err(DeadlineError::BadMonth(month));
    }
    let (ny, nm) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(ny, nm, 1)
        .and_then(|d| d.pred_opt())
        .ok_or(DeadlineError::BadYear(year))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn periods_resolve_to_their_last_day() {
        assert_eq!(
            Deadline::month(2025, 11).unwrap().due,
            Some(d("2025-11-30"))
        );
        assert_eq!(Deadline::month(2024, 2).unwrap().due, Some(d("2024-02-29")));
        assert_eq!(
            Deadline::quarter(2025, 4).unwrap().due,
            Some(d("2025-12-31"))
        );
        assert_eq!(
            Deadline::quarter(2026, 1).unwrap().due,
            Some(d("2026-03-31"))
        );
        assert_eq!(Deadline::half(2025, 2).unwrap().due, Some(d("2025-12-31")));
        assert_eq!(Deadline::half(2025, 1).unwrap().due, Some(d("2025-06-30")));
        assert_eq!(Deadline::year(2026).unwrap().due, Some(d("2026-12-31")));
        assert!(Deadline::quarter(2025, 5).is_err());
        assert!(Deadline::month(2025, 13).is_err());
    }

    #[test]
    fn parts_must_agree_with_the_kind() {
        let q = Deadline::from_parts("quarter", Some(d("2025-10-01")), "Quý IV/2025").unwrap();
        assert_eq!(q.due, Some(d("2025-12-31")));
        assert_eq!(q.label_vi(), "Quý IV/2025");
        assert_eq!(
            Deadline::from_parts("date", None, ""),
            Err(DeadlineError::MissingDue("date"))
        );
        assert_eq!(
            Deadline::from_parts("recurring", Some(d("2025-01-01")), ""),
            Err(DeadlineError::UnexpectedDue("recurring"))
        );
        assert!(matches!(
            Deadline::from_parts("soon", None, ""),
            Err(DeadlineError::UnknownKind(_))
        ));
        assert_eq!(Deadline::date(d("2025-11-25")).label_vi(), "25/11/2025");
    }
}
