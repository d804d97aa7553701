//! The period of the agency card's chart: a year (`nam=2025`) or a range of
//! months (`tu=01/2025&den=06/2025`), chosen with a form; by default the twelve
//! months up to the latest month in which the agency's work changed (not an
//! empty current year).

use chrono::{Datelike, NaiveDate};
use tiendo_core::indicator::Periodicity;
use tiendo_core::scoring::Month;
use tiendo_service::trend::MAX_TREND_MONTHS;

use crate::ctx::*;

/// The form as typed, its errors, and the window it gives.
#[derive(Default, Clone)]
pub struct TrendForm {
    pub year: String,
    pub from: String,
    pub to: String,
    pub year_error: String,
    pub from_error: String,
    pub to_error: String,
    /// "01/2025 – 12/2025".
    pub label: String,
}

impl TrendForm {
    pub fn has_errors(&self) -> bool {
        !(self.year_error.is_empty() && self.from_error.is_empty() && self.to_error.is_empty())
    }
}

/// Twelve months ending with `last`.
pub fn twelve_to(last: Month) -> (Month, Month) {
    let mut first = last;
    for _ in 0..11 {
        first = first.prev();
    }
    (first, last)
}

fn month_of(text: &str) -> Option<Month> {
    tiendo_core::period::parse(text, Periodicity::Month).and_then(|k| Month::parse(&k))
}

/// Reads the period asked for. `Ok(None)`: nothing asked, the default applies.
/// `Err(form)`: what was typed, with its errors by field.
pub fn chosen(
    ctx: &Ctx,
    q: &QueryPairs,
    as_of: NaiveDate,
) -> Result<Option<(Month, Month)>, TrendForm> {
    let mut f = TrendForm {
        year: q.get("nam").unwrap_or_default().to_string(),
        from: q.get("tu").unwrap_or_default().to_string(),
        to: q.get("den").unwrap_or_default().to_string(),
        ..Default::default()
    };
    let now = Month::of(as_of);
    if !f.year.is_empty() {
        let y = f
            .year
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=as_of.year()).contains(y));
        let Some(y) = y else {
            f.year_error = format!(
                "{} {}.",
                ctx.t("Năm phải từ 2000 đến", "The year must be from 2000 to"),
                as_of.year()
            );
            return Err(f);
        };
        let first = Month { year: y, month: 1 };
        let last = Month { year: y, month: 12 }.min(now);
        return Ok(Some((first, last)));
    }
    if f.from.is_empty() && f.to.is_empty() {
        return Ok(None);
    }
    let month_error = ctx.t(
        "Nhập tháng theo dạng tháng/năm, ví dụ 01/2025.",
        "Type the month as month/year, like 01/2025.",
    );
    let from = month_of(&f.from);
    let to = month_of(&f.to);
    if from.is_none() {
        f.from_error = month_error.into();
    }
    if to.is_none() {
        f.to_error = month_error.into();
    }
    let (Some(from), Some(to)) = (from, to) else {
        return Err(f);
    };
    if to > now {
        f.to_error = format!(
            "{} {}.",
            ctx.t(
                "Tháng cuối không được sau",
                "The last month cannot be after"
            ),
            tiendo_core::period::month_vi(now.year, now.month)
        );
    } else if from > to {
        f.from_error = ctx
            .t(
                "Tháng đầu phải trước hoặc trùng tháng cuối.",
                "The first month must not be after the last.",
            )
            .into();
    } else if months_between(from, to) > MAX_TREND_MONTHS {
        f.to_error = format!(
            "{} {MAX_TREND_MONTHS} {}",
            ctx.t("Biểu đồ hiện tối đa", "The chart shows at most"),
            ctx.t("tháng.", "months.")
        );
    }
    if f.has_errors() {
        return Err(f);
    }
    Ok(Some((from, to)))
}

/// How many months from `a` to `b`, both included.
fn months_between(a: Month, b: Month) -> usize {
    ((b.year - a.year) * 12 + b.month as i32 - a.month as i32 + 1).max(0) as usize
}

/// The form shown for a window (the fields keep what was asked).
pub fn shown(q: &QueryPairs, (from, to): (Month, Month)) -> TrendForm {
    TrendForm {
        year: q.get("nam").unwrap_or_default().to_string(),
        from: tiendo_core::period::month_vi(from.year, from.month),
        to: tiendo_core::period::month_vi(to.year, to.month),
        label: format!(
            "{} – {}",
            tiendo_core::period::month_vi(from.year, from.month),
            tiendo_core::period::month_vi(to.year, to.month)
        ),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twelve_months_and_spans() {
        let m = |s: &str| Month::parse(s).unwrap();
        assert_eq!(twelve_to(m("2025-03")), (m("2024-04"), m("2025-03")));
        assert_eq!(months_between(m("2025-01"), m("2025-12")), 12);
        assert_eq!(month_of("03/2025"), Some(m("2025-03")));
        assert_eq!(month_of("13/2025"), None);
    }
}
