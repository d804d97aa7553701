//! Time in tiendo: instants are stored as UTC microseconds; days are the calendar
//! days of Asia/Ho_Chi_Minh (UTC+7, no daylight saving), and show as dd/mm/yyyy.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeZone, Utc};

/// Microseconds since the Unix epoch, UTC: how instants are stored in both databases
/// (one integer format, so SQLite and PostgreSQL compare them the same way).
pub type Micros = i64;

const VIETNAM_OFFSET_SECONDS: i32 = 7 * 3600;

/// Asia/Ho_Chi_Minh. Vietnam has kept UTC+7 without daylight saving since 1975.
pub fn vietnam() -> FixedOffset {
    FixedOffset::east_opt(VIETNAM_OFFSET_SECONDS).expect("UTC+7 is a valid offset")
}

/// Now, in microseconds.
pub fn now_micros() -> Micros {
    Utc::now().timestamp_micros()
}

/// Today in Vietnam.
pub fn today() -> NaiveDate {
    Utc::now().with_timezone(&vietnam()).date_naive()
}

/// The calendar day (in Vietnam) on which an instant falls.
pub fn day_of(instant: Micros) -> NaiveDate {
    DateTime::from_timestamp_micros(instant)
        .unwrap_or_default()
        .with_timezone(&vietnam())
        .date_naive()
}

/// The first instant of a day in Vietnam.
pub fn start_of_day(day: NaiveDate) -> Micros {
    let midnight = day.and_hms_opt(0, 0, 0).expect("midnight exists");
    vietnam()
        .from_local_datetime(&midnight)
        .single()
        .expect("a fixed offset has no gaps")
        .timestamp_micros()
}

/// The instant that ends a day in Vietnam (exclusive): what the system knew "as of"
/// a day is everything recorded strictly before this instant.
pub fn end_of_day(day: NaiveDate) -> Micros {
    match day.succ_opt() {
        Some(next) => start_of_day(next),
        None => Micros::MAX,
    }
}

/// Whether something recorded at `recorded` (RFC 3339, as the model carries
/// instants) was known at the end of `day`: the one as-of rule of every page and
/// list. A text that is not an instant counts as known (it cannot be placed).
pub fn known_on(recorded: &str, day: NaiveDate) -> bool {
    DateTime::parse_from_rfc3339(recorded)
        .map(|t| t.timestamp_micros() < end_of_day(day))
        .unwrap_or(true)
}

/// dd/mm/yyyy, the way Vietnamese documents write dates.
pub fn format_date_vi(day: NaiveDate) -> String {
    format!("{:02}/{:02}/{:04}", day.day(), day.month(), day.year())
}

/// dd/mm/yyyy HH:MM in Vietnam.
pub fn format_instant_vi(instant: Micros) -> String {
    let t = DateTime::from_timestamp_micros(instant)
        .unwrap_or_default()
        .with_timezone(&vietnam());
    format!("{} {}", format_date_vi(t.date_naive()), t.format("%H:%M"))
}

/// RFC 3339 in Vietnam's offset, for JSON.
pub fn instant_rfc3339(instant: Micros) -> String {
    DateTime::from_timestamp_micros(instant)
        .unwrap_or_default()
        .with_timezone(&vietnam())
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// Parses a day written as `YYYY-MM-DD` or `dd/mm/yyyy` (also `d/m/yyyy`).
pub fn parse_day(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some(d);
    }
    let mut parts = text.split('/');
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// The first day tiendo accepts where a day is typed in (a commitment, a report, a
/// score month, a measurement period, an `as_of`, a filter): 01/01/2000.
pub fn first_plausible_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2000, 1, 1).expect("a valid day")
}

/// The last day tiendo accepts where a day is typed in: 31/12/2100.
pub fn last_plausible_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2100, 12, 31).expect("a valid day")
}

/// Why a typed day cannot be meant: outside 2000–2100 (a typo such as 0025 or
/// 20250 for 2025). `None` when it is plausible.
pub fn implausible_day(day: NaiveDate) -> Option<String> {
    (day < first_plausible_day() || day > last_plausible_day())
        .then(|| "must be between 01/01/2000 and 31/12/2100".to_string())
}

/// Why an `as_of` day cannot be answered: implausible, or after `today` (what the
/// system knew on a day that has not come yet is not known: statuses as of a
/// future day would be guesses). `None` when it can.
pub fn bad_as_of(day: NaiveDate, today: NaiveDate) -> Option<String> {
    implausible_day(day).or_else(|| {
        (day > today).then(|| {
            format!(
                "cannot be after today ({}): what the system knew on a day to come is not known yet",
                format_date_vi(today)
            )
        })
    })
}

/// Why a day cannot be the day an agency commits to finish by, for a commitment
/// made on `made_on`: implausible, or before that day (a commitment to a day
/// already past would count as broken the moment it is made). `None` when it can.
pub fn bad_commitment_day(day: NaiveDate, made_on: NaiveDate) -> Option<String> {
    implausible_day(day).or_else(|| {
        (day < made_on).then(|| {
            format!(
                "cannot be before the day the commitment is made ({}): commit to that day or a later one",
                format_date_vi(made_on)
            )
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_vietnamese_days() {
        let day: NaiveDate = "2025-07-16".parse().unwrap();
        let start = start_of_day(day);
        // 16/07/2025 00:00 in Hà Nội is 15/07/2025 17:00 UTC.
        assert_eq!(
            DateTime::from_timestamp_micros(start).unwrap().to_rfc3339(),
            "2025-07-15T17:00:00+00:00"
        );
        assert_eq!(day_of(start), day);
        assert_eq!(day_of(end_of_day(day) - 1), day);
        assert_eq!(day_of(end_of_day(day)), day.succ_opt().unwrap());
    }

    #[test]
    fn known_on_a_day_means_recorded_before_its_end_in_ha_noi() {
        let day: NaiveDate = "2025-07-16".parse().unwrap();
        // 23:59 in Hà Nội on the day is known; midnight after it is not.
        assert!(known_on("2025-07-16T23:59:59+07:00", day));
        assert!(!known_on("2025-07-17T00:00:00+07:00", day));
        // 16:59 UTC is 23:59 in Hà Nội; 17:00 UTC is already the next day.
        assert!(known_on("2025-07-16T16:59:59+00:00", day));
        assert!(!known_on("2025-07-16T17:00:00+00:00", day));
        assert!(known_on("not an instant", day));
    }

    #[test]
    fn formats_and_parses_vietnamese_dates() {
        let day: NaiveDate = "2025-07-01".parse().unwrap();
        assert_eq!(format_date_vi(day), "01/07/2025");
        assert_eq!(parse_day("1/7/2025"), Some(day));
        assert_eq!(parse_day("2025-07-01"), Some(day));
        assert_eq!(parse_day("31/2/2025"), None);
        assert_eq!(parse_day("1/7/25"), None);
        assert_eq!(
            format_instant_vi(start_of_day(day) + 3_600_000_000),
            "01/07/2025 01:00"
        );
        assert_eq!(
            instant_rfc3339(start_of_day(day)),
            "2025-07-01T00:00:00+07:00"
        );
    }

    #[test]
    fn typed_days_must_be_plausible() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(implausible_day(d("2000-01-01")), None);
        assert_eq!(implausible_day(d("2100-12-31")), None);
        assert!(implausible_day(d("1999-12-31")).is_some());
        assert!(implausible_day(d("0025-07-16")).is_some());
        assert!(implausible_day(d("2101-01-01")).is_some());
        let today = d("2025-07-16");
        assert_eq!(bad_as_of(today, today), None);
        assert!(
            bad_as_of(d("2025-07-17"), today)
                .unwrap()
                .contains("after today")
        );
        assert!(bad_as_of(d("1990-01-01"), today).is_some());
        // "cam kết hoàn thành trước 01/01/2020", written in 2025: refused.
        assert_eq!(bad_commitment_day(today, today), None);
        assert!(
            bad_commitment_day(d("2020-01-01"), today)
                .unwrap()
                .contains("before the day the commitment is made")
        );
        assert!(bad_commitment_day(d("2200-01-01"), today).is_some());
    }
}
