//! Indicators (chỉ tiêu): targets with numbers, measurements over time, aggregation
//! up the agency hierarchy, and the status of each against its target.
//!
//! Values are kept as integers in a fixed scale ([`SCALE`] = 10 000, four decimals)
//! so that SQLite and PostgreSQL sum them the same way; arithmetic that divides
//! (means, ratios, projections) is done in `f64` from those integers.
//!
//! The status rule ([`evaluate`]) follows Open SDG's idea (observed pace against
//! the pace needed) in its simplest robust form, documented in docs/indicators.md:
//! - `no_target`: no target to judge against (whether measured or not);
//! - `no_data`: no measurement;
//! - `on_track`: the target is met, or the projection of the measured trend to the
//!   target date meets it;
//! - `at_risk`: the projection falls short but covers at least
//!   [`AT_RISK_SHARE`] of the distance from the baseline to the target, and the
//!   target day has not passed;
//! - `off_track`: otherwise.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Four decimals.
pub const SCALE: i64 = 10_000;

/// Share of the baseline-to-target distance a projection must cover to be "at
/// risk" rather than "off track".
pub const AT_RISK_SHARE: f64 = 0.8;

pub fn to_scaled(v: f64) -> i64 {
    (v * SCALE as f64).round() as i64
}

pub fn from_scaled(v: i64) -> f64 {
    v as f64 / SCALE as f64
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Higher is better (coverage, share online).
    Increase,
    /// Lower is better (overdue tasks, cost).
    Decrease,
}

/// How values of agencies combine into the value of their parent (communes into a
/// province, provinces into the nation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Aggregation {
    Sum,
    Mean,
    /// Σ wᵢxᵢ / Σ wᵢ, the weights being another indicator of the same agency and
    /// period (the population for a coverage rate).
    WeightedMean {
        weight: String,
    },
    /// Σ numerator / Σ denominator × factor (100 for a percentage).
    Ratio {
        numerator: String,
        denominator: String,
        factor: i64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Periodicity {
    Month,
    Quarter,
    Year,
}

impl Periodicity {
    pub fn parse(s: &str) -> Option<Periodicity> {
        match s {
            "month" => Some(Periodicity::Month),
            "quarter" => Some(Periodicity::Quarter),
            "year" => Some(Periodicity::Year),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Periodicity::Month => "month",
            Periodicity::Quarter => "quarter",
            Periodicity::Year => "year",
        }
    }

    /// The period containing a day, as its key: "2025-11", "2025-Q4", "2025".
    pub fn key_of(self, day: NaiveDate) -> String {
        match self {
            Periodicity::Month => format!("{:04}-{:02}", day.year(), day.month()),
            Periodicity::Quarter => format!("{:04}-Q{}", day.year(), day.month0() / 3 + 1),
            Periodicity::Year => format!("{:04}", day.year()),
        }
    }

    /// The last day of a period given by its key, or `None` if the key is not of
    /// this periodicity.
    pub fn end_of(self, key: &str) -> Option<NaiveDate> {
        let last_of = |y: i32, m: u32| crate::deadline::last_day_of_month(y, m).ok();
        match self {
            Periodicity::Month => {
                let (y, m) = key.split_once('-')?;
                if m.len() != 2 {
                    return None;
                }
                last_of(y.parse().ok()?, m.parse().ok()?)
            }
            Periodicity::Quarter => {
                let (y, q) = key.split_once("-Q")?;
                let q: u32 = q.parse().ok()?;
                if !(1..=4).contains(&q) {
                    return None;
                }
                last_of(y.parse().ok()?, q * 3)
            }
            Periodicity::Year => {
                if key.len() != 4 {
                    return None;
                }
                last_of(key.parse().ok()?, 12)
            }
        }
    }
}

/// The range a value of an indicator may take.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ValidRange {
    pub min: Option<f64>,
    pub max: Option<f64>,
}

impl ValidRange {
    /// Percentages: 0 to 100.
    pub const PERCENT: ValidRange = ValidRange {
        min: Some(0.0),
        max: Some(100.0),
    };
    /// Counts and amounts: not negative.
    pub const NON_NEGATIVE: ValidRange = ValidRange {
        min: Some(0.0),
        max: None,
    };

    /// Why a value is refused, if it is.
    pub fn check(&self, value: f64, unit: &str) -> Result<(), String> {
        if !value.is_finite() {
            return Err("is not a number".into());
        }
        if let Some(min) = self.min
            && value < min
        {
            return Err(format!(
                "{value} {unit} is below the smallest valid value, {min}"
            ));
        }
        if let Some(max) = self.max
            && value > max
        {
            return Err(format!(
                "{value} {unit} is above the largest valid value, {max}"
            ));
        }
        Ok(())
    }
}

/// Aggregates child values (scaled integers) into the parent's value.
/// `weights`, `numerators`, `denominators` come per child in the same order, for
/// the aggregations that need them.
pub fn aggregate(
    aggregation: &Aggregation,
    values: &[i64],
    weights: &[i64],
    numerators: &[i64],
    denominators: &[i64],
) -> Option<f64> {
    match aggregation {
        Aggregation::Sum => (!values.is_empty()).then(|| from_scaled(values.iter().sum())),
        Aggregation::Mean => (!values.is_empty())
            .then(|| from_scaled(values.iter().sum::<i64>()) / values.len() as f64),
        Aggregation::WeightedMean { .. } => {
            let total_weight: i128 = weights.iter().map(|w| *w as i128).sum();
            if values.len() != weights.len() || total_weight == 0 {
                return None;
            }
            let weighted: i128 = values
                .iter()
                .zip(weights)
                .map(|(v, w)| *v as i128 * *w as i128)
                .sum();
            Some(weighted as f64 / total_weight as f64 / SCALE as f64)
        }
        Aggregation::Ratio { factor, .. } => {
            let num: i128 = numerators.iter().map(|v| *v as i128).sum();
            let den: i128 = denominators.iter().map(|v| *v as i128).sum();
            (den != 0).then(|| num as f64 / den as f64 * *factor as f64)
        }
    }
}

/// One measured point: a day (the end of its period) and a value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Point {
    pub day: NaiveDate,
    pub value: f64,
}

/// A target to reach by a day, from a baseline.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Target {
    pub value: f64,
    pub by: NaiveDate,
    pub baseline: Option<Point>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorStatus {
    OnTrack,
    AtRisk,
    OffTrack,
    NoData,
    /// No target to judge against: measured, but neither on nor off track.
    NoTarget,
}

impl IndicatorStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            IndicatorStatus::OnTrack => "on_track",
            IndicatorStatus::AtRisk => "at_risk",
            IndicatorStatus::OffTrack => "off_track",
            IndicatorStatus::NoData => "no_data",
            IndicatorStatus::NoTarget => "no_target",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            IndicatorStatus::OnTrack => "Đúng tiến độ",
            IndicatorStatus::AtRisk => "Có nguy cơ chậm",
            IndicatorStatus::OffTrack => "Chậm tiến độ",
            IndicatorStatus::NoData => "Chưa có số liệu",
            IndicatorStatus::NoTarget => "Chưa có chỉ tiêu mục tiêu",
        }
    }
}

/// The evaluation of an indicator against its target on a day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Evaluation {
    pub status: IndicatorStatus,
    pub latest: Option<Point>,
    /// The value the measured trend (least squares) projects for the target day,
    /// also once that day has passed; `None` with fewer than two points.
    pub projected: Option<f64>,
    /// Where the straight line from the baseline to the target stands on the day.
    pub expected_now: Option<f64>,
    /// Share of the baseline-to-target distance covered by the projection (by the
    /// latest value once the target day has passed).
    pub projected_share: Option<f64>,
}

fn days(a: NaiveDate, b: NaiveDate) -> f64 {
    (b - a).num_days() as f64
}

/// The least-squares line through the measured points, projected to a day (the
/// target's day). With one point and a baseline, the line through both. A trend
/// needs two points on different days: with fewer, `None` ("chưa đủ số liệu để
/// dự báo"), never the latest value repeated.
pub fn project(points: &[Point], baseline: Option<Point>, to: NaiveDate) -> Option<f64> {
    let mut pts: Vec<Point> = points.to_vec();
    if pts.len() < 2
        && let Some(b) = baseline
        && pts.iter().all(|p| p.day != b.day)
    {
        pts.push(b);
    }
    let n = pts.len();
    if n < 2 {
        return None;
    }
    let origin = pts[0].day;
    let xs: Vec<f64> = pts.iter().map(|p| days(origin, p.day)).collect();
    let mean_x = xs.iter().sum::<f64>() / n as f64;
    let mean_y = pts.iter().map(|p| p.value).sum::<f64>() / n as f64;
    let sxx: f64 = xs.iter().map(|x| (x - mean_x).powi(2)).sum();
    if sxx == 0.0 {
        // Every point on one day: no trend to draw.
        return None;
    }
    let sxy: f64 = xs
        .iter()
        .zip(&pts)
        .map(|(x, p)| (x - mean_x) * (p.value - mean_y))
        .sum();
    let slope = sxy / sxx;
    Some(mean_y + slope * (days(origin, to) - mean_x))
}

/// Evaluates measured points (oldest first, only those known on `day`) against a
/// target. See the module documentation for the rule.
pub fn evaluate(
    points: &[Point],
    target: Option<&Target>,
    direction: Direction,
    day: NaiveDate,
) -> Evaluation {
    let known: Vec<Point> = points.iter().copied().filter(|p| p.day <= day).collect();
    let latest = known.last().copied();
    let Some(target) = target else {
        // Nothing to judge against: never "on track" for want of a target.
        return Evaluation {
            status: IndicatorStatus::NoTarget,
            latest,
            projected: None,
            expected_now: None,
            projected_share: None,
        };
    };
    let Some(latest_point) = latest else {
        return Evaluation {
            status: IndicatorStatus::NoData,
            latest: None,
            projected: None,
            expected_now: None,
            projected_share: None,
        };
    };
    let better_or_equal = |a: f64, b: f64| match direction {
        Direction::Increase => a >= b,
        Direction::Decrease => a <= b,
    };
    let expected_now = target.baseline.map(|b| {
        let total = days(b.day, target.by);
        if total <= 0.0 {
            target.value
        } else {
            let t = (days(b.day, day) / total).clamp(0.0, 1.0);
            b.value + (target.value - b.value) * t
        }
    });
    // The forecast is always the trend at the target day; but past the target
    // day, the latest value is what the status is judged on.
    let projected = project(&known, target.baseline, target.by);
    let judged = if day >= target.by {
        Some(latest_point.value)
    } else {
        projected
    };
    let start = target.baseline.map(|b| b.value).unwrap_or(known[0].value);
    let distance = target.value - start;
    let share = judged.map(|p| {
        if distance == 0.0 {
            1.0
        } else {
            (p - start) / distance
        }
    });
    let status = if better_or_equal(latest_point.value, target.value)
        || judged.is_some_and(|p| better_or_equal(p, target.value))
    {
        IndicatorStatus::OnTrack
    } else if day > target.by {
        // The target day has passed without the target met.
        IndicatorStatus::OffTrack
    } else if share.is_some_and(|s| s >= AT_RISK_SHARE) {
        IndicatorStatus::AtRisk
    } else {
        IndicatorStatus::OffTrack
    };
    Evaluation {
        status,
        latest,
        projected,
        expected_now,
        projected_share: share,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn p(day: &str, value: f64) -> Point {
        Point { day: d(day), value }
    }

    #[test]
    fn five_g_coverage_is_off_track_for_2025() {
        // 26% at the 4th session (24/09/2025), 39.5% at the 5th (16/11/2025), 90% due in 2025.
        let points = [p("2025-09-24", 26.0), p("2025-11-16", 39.5)];
        let target = Target {
            value: 90.0,
            by: d("2025-12-31"),
            baseline: None,
        };
        let e = evaluate(&points, Some(&target), Direction::Increase, d("2025-11-16"));
        assert_eq!(e.status, IndicatorStatus::OffTrack);
        let projected = e.projected.unwrap();
        // 13.5 points in 53 days, 45 days more: 39.5 + 13.5 × 45 / 53 ≈ 50.96.
        assert!((projected - 50.962).abs() < 0.01, "{projected}");
    }

    #[test]
    fn status_rule_on_constructed_series() {
        let target = Target {
            value: 100.0,
            by: d("2026-12-31"),
            baseline: Some(p("2025-12-31", 0.0)),
        };
        let on = [p("2026-03-31", 30.0), p("2026-06-30", 60.0)];
        assert_eq!(
            evaluate(&on, Some(&target), Direction::Increase, d("2026-07-01")).status,
            IndicatorStatus::OnTrack
        );
        // Slower: 20 per quarter projects to 80 of 100 → at risk (80% of the way).
        let slow = [p("2026-03-31", 20.0), p("2026-06-30", 40.0)];
        let e = evaluate(&slow, Some(&target), Direction::Increase, d("2026-07-01"));
        assert_eq!(e.status, IndicatorStatus::AtRisk, "{e:?}");
        let slower = [p("2026-03-31", 10.0), p("2026-06-30", 20.0)];
        assert_eq!(
            evaluate(&slower, Some(&target), Direction::Increase, d("2026-07-01")).status,
            IndicatorStatus::OffTrack
        );
        assert_eq!(
            evaluate(&[], Some(&target), Direction::Increase, d("2026-07-01")).status,
            IndicatorStatus::NoData
        );
        // Without a target: neither on nor off track, measured or not.
        let e = evaluate(&on, None, Direction::Increase, d("2026-07-01"));
        assert_eq!(e.status, IndicatorStatus::NoTarget);
        assert_eq!(e.latest, Some(p("2026-06-30", 60.0)));
        assert_eq!(
            evaluate(&[], None, Direction::Increase, d("2026-07-01")).status,
            IndicatorStatus::NoTarget
        );
        assert_eq!(
            IndicatorStatus::NoTarget.label_vi(),
            "Chưa có chỉ tiêu mục tiêu"
        );
        // Met early.
        let met = [p("2026-03-31", 100.0)];
        assert_eq!(
            evaluate(&met, Some(&target), Direction::Increase, d("2026-04-01")).status,
            IndicatorStatus::OnTrack
        );
        // Lower is better: overdue tasks from 50 to 0.
        let down = Target {
            value: 0.0,
            by: d("2026-12-31"),
            baseline: Some(p("2025-12-31", 50.0)),
        };
        let falling = [p("2026-03-31", 35.0), p("2026-06-30", 20.0)];
        assert_eq!(
            evaluate(&falling, Some(&down), Direction::Decrease, d("2026-07-01")).status,
            IndicatorStatus::OnTrack
        );
        let rising = [p("2026-03-31", 55.0), p("2026-06-30", 60.0)];
        assert_eq!(
            evaluate(&rising, Some(&down), Direction::Decrease, d("2026-07-01")).status,
            IndicatorStatus::OffTrack
        );
        // After the target day the latest value decides: short of it is off track.
        let late = [p("2026-12-31", 95.0)];
        assert_eq!(
            evaluate(&late, Some(&target), Direction::Increase, d("2027-01-15")).status,
            IndicatorStatus::OffTrack
        );
        assert_eq!(
            evaluate(&late, Some(&target), Direction::Increase, d("2026-12-31")).status,
            IndicatorStatus::AtRisk
        );
        // The trajectory stands halfway at mid-year.
        let e = evaluate(&on, Some(&target), Direction::Increase, d("2026-07-02"));
        assert!((e.expected_now.unwrap() - 50.0).abs() < 0.5);
        // Points after the day are not known on the day.
        let e = evaluate(&on, Some(&target), Direction::Increase, d("2026-04-15"));
        assert_eq!(e.latest, Some(p("2026-03-31", 30.0)));
    }

    #[test]
    fn the_forecast_follows_the_trend() {
        let by = d("2026-12-31");
        // Rising 10 a quarter: 10, 20, 30 → 60 at the end of 2026, above the latest.
        let rising = [
            p("2026-03-31", 10.0),
            p("2026-06-30", 20.0),
            p("2026-09-30", 30.0),
        ];
        let f = project(&rising, None, by).unwrap();
        assert!(f > 30.0 && (f - 40.1).abs() < 0.5, "{f}");
        // Falling 5 a quarter: 50, 45, 40 → about 35.
        let falling = [
            p("2026-03-31", 50.0),
            p("2026-06-30", 45.0),
            p("2026-09-30", 40.0),
        ];
        let f = project(&falling, None, by).unwrap();
        assert!(f < 40.0 && (f - 34.95).abs() < 0.3, "{f}");
        // Flat: stays.
        let flat = [p("2026-03-31", 7.0), p("2026-06-30", 7.0)];
        assert!((project(&flat, None, by).unwrap() - 7.0).abs() < 1e-9);
        // Least squares, not the last two points: 0, 10, 5 over equal steps.
        let noisy = [
            p("2026-01-01", 0.0),
            p("2026-01-11", 10.0),
            p("2026-01-21", 5.0),
        ];
        let f = project(&noisy, None, d("2026-01-31")).unwrap();
        assert!((f - 10.0).abs() < 1e-9, "{f}");
        // Too few points: no forecast, not the latest value repeated.
        assert_eq!(project(&[p("2026-03-31", 7.0)], None, by), None);
        assert_eq!(project(&[], None, by), None);
        let same_day = [p("2026-03-31", 7.0), p("2026-03-31", 9.0)];
        assert_eq!(project(&same_day, None, by), None);
        // One point and a baseline make two.
        let base = Some(p("2025-12-31", 0.0));
        let f = project(&[p("2026-06-30", 50.0)], base, by).unwrap();
        assert!((f - 100.8).abs() < 0.1, "{f}");
        // Past the target day the forecast is still the trend, not the latest.
        let target = Target {
            value: 90.0,
            by: d("2025-12-31"),
            baseline: None,
        };
        let five_g = [p("2025-09-24", 26.0), p("2025-11-16", 39.5)];
        let e = evaluate(&five_g, Some(&target), Direction::Increase, d("2026-12-05"));
        assert_eq!(e.status, IndicatorStatus::OffTrack);
        assert!((e.projected.unwrap() - 50.962).abs() < 0.01, "{e:?}");
        let e = evaluate(
            &five_g[..1],
            Some(&target),
            Direction::Increase,
            d("2026-12-05"),
        );
        assert_eq!(e.projected, None);
    }

    #[test]
    fn aggregation_by_hand() {
        let v = |xs: &[f64]| xs.iter().map(|x| to_scaled(*x)).collect::<Vec<_>>();
        assert_eq!(
            aggregate(&Aggregation::Sum, &v(&[1.5, 2.25, 3.0]), &[], &[], &[]),
            Some(6.75)
        );
        assert_eq!(
            aggregate(&Aggregation::Mean, &v(&[10.0, 20.0, 60.0]), &[], &[], &[]),
            Some(30.0)
        );
        // Coverage 90% of 1,000,000 people and 40% of 250,000: (900,000 + 100,000) / 1,250,000 = 80%.
        let wm = Aggregation::WeightedMean {
            weight: "dan-so".into(),
        };
        let weights = v(&[1_000_000.0, 250_000.0]);
        assert_eq!(
            aggregate(&wm, &v(&[90.0, 40.0]), &weights, &[], &[]),
            Some(80.0)
        );
        // 11.7 of 12.7 trillion allocated, from two ministries' numbers: a ratio of sums, not a mean of ratios.
        let ratio = Aggregation::Ratio {
            numerator: "da-phan-bo".into(),
            denominator: "du-toan".into(),
            factor: 100,
        };
        let r = aggregate(&ratio, &[], &[], &v(&[10.0, 1.7]), &v(&[10.5, 2.2])).unwrap();
        assert!((r - 11.7 / 12.7 * 100.0).abs() < 1e-9, "{r}");
        assert_eq!(aggregate(&Aggregation::Mean, &[], &[], &[], &[]), None);
        assert_eq!(aggregate(&ratio, &[], &[], &[1], &[0]), None);
    }

    #[test]
    fn periods_and_ranges() {
        assert_eq!(Periodicity::Month.key_of(d("2025-11-16")), "2025-11");
        assert_eq!(Periodicity::Quarter.key_of(d("2025-11-16")), "2025-Q4");
        assert_eq!(Periodicity::Year.key_of(d("2025-11-16")), "2025");
        assert_eq!(
            Periodicity::Quarter.end_of("2025-Q4"),
            Some(d("2025-12-31"))
        );
        assert_eq!(Periodicity::Month.end_of("2024-02"), Some(d("2024-02-29")));
        assert_eq!(Periodicity::Month.end_of("2025-13"), None);
        assert_eq!(Periodicity::Quarter.end_of("2025-Q5"), None);
        assert!(ValidRange::PERCENT.check(100.5, "%").is_err());
        assert!(ValidRange::PERCENT.check(39.5, "%").is_ok());
        assert!(ValidRange::NON_NEGATIVE.check(-1.0, "CSDL").is_err());
        assert!(ValidRange::NON_NEGATIVE.check(f64::NAN, "").is_err());
    }
}
