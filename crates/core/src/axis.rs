//! Round ticks for a chart's value axis: steps of 1, 2 or 5 × 10^k, so that the
//! axis reads 0, 20, 40… or 0; 0,5; 1… and never 0, 22,5, 45.

/// The round step (1, 2 or 5 × 10^k) nearest above `span / count`, so that about
/// `count` steps cover the span. A span that is zero or not finite gives 1.
pub fn nice_step(span: f64, count: usize) -> f64 {
    let span = span.abs();
    if !span.is_finite() || span == 0.0 {
        return 1.0;
    }
    let raw = span / count.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let norm = raw / magnitude;
    let factor = if norm <= 1.0 + 1e-9 {
        1.0
    } else if norm <= 2.0 + 1e-9 {
        2.0
    } else if norm <= 5.0 + 1e-9 {
        5.0
    } else {
        10.0
    };
    factor * magnitude
}

/// Decimals needed to write multiples of a round step: 0 for 1, 20 or 500; 1 for
/// 0,5 or 0,2; 2 for 0,05.
pub fn step_decimals(step: f64) -> usize {
    if !step.is_finite() || step <= 0.0 {
        return 0;
    }
    (-(step.log10() + 1e-9).floor()).max(0.0) as usize
}

/// Ticks covering `[min, max]` with about `count` round steps: from the multiple
/// of the step at or below `min` to the one at or above `max`, rounded to the
/// step's decimals (no 0.30000000000000004). A single value gets the ticks of the
/// span from 0 to it (or one step each side of 0).
pub fn ticks(min: f64, max: f64, count: usize) -> Vec<f64> {
    if !min.is_finite() || !max.is_finite() {
        return Vec::new();
    }
    let (lo, hi) = if min <= max { (min, max) } else { (max, min) };
    let (lo, hi) = if lo == hi {
        if lo == 0.0 {
            (0.0, 1.0)
        } else {
            (lo.min(0.0), hi.max(0.0))
        }
    } else {
        (lo, hi)
    };
    let step = nice_step(hi - lo, count);
    let first = (lo / step + 1e-9).floor() as i64;
    let last = (hi / step - 1e-9).ceil() as i64;
    let scale = 10f64.powi(step_decimals(step) as i32);
    (first..=last)
        .map(|i| {
            let v = (i as f64 * step * scale).round() / scale;
            if v == 0.0 { 0.0 } else { v }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_round(step: f64) -> bool {
        let magnitude = 10f64.powf(step.log10().floor());
        let f = step / magnitude;
        [1.0, 2.0, 5.0, 10.0].iter().any(|r| (f - r).abs() < 1e-9)
    }

    #[test]
    fn steps_are_one_two_or_five_times_a_power_of_ten() {
        assert_eq!(nice_step(39.5, 5), 10.0);
        assert_eq!(nice_step(90.0, 5), 20.0);
        assert_eq!(nice_step(100.0, 5), 20.0);
        assert_eq!(nice_step(0.7, 5), 0.2);
        assert_eq!(nice_step(12_700.0, 5), 5_000.0);
        assert_eq!(nice_step(3.0, 5), 1.0);
        assert_eq!(nice_step(0.0, 5), 1.0);
        for span in [0.013, 0.9, 7.0, 33.3, 101.0, 2_500.0, 1e7] {
            let s = nice_step(span, 5);
            assert!(is_round(s), "{span} → {s}");
            assert!(span / s <= 5.0 + 1e-9 && span / s > 1.0, "{span} → {s}");
        }
    }

    #[test]
    fn ticks_cover_the_values_with_round_numbers() {
        assert_eq!(ticks(0.0, 39.5, 5), vec![0.0, 10.0, 20.0, 30.0, 40.0]);
        assert_eq!(
            ticks(0.0, 90.0, 5),
            vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
        );
        assert_eq!(ticks(0.0, 0.7, 5), vec![0.0, 0.2, 0.4, 0.6, 0.8]);
        assert_eq!(
            ticks(-3.0, 7.0, 5),
            vec![-4.0, -2.0, 0.0, 2.0, 4.0, 6.0, 8.0]
        );
        assert_eq!(ticks(26.0, 39.5, 5), vec![25.0, 30.0, 35.0, 40.0]);
        // One value alone: from 0 to it.
        assert_eq!(ticks(3.0, 3.0, 5), vec![0.0, 1.0, 2.0, 3.0]);
        assert_eq!(ticks(0.0, 0.0, 5), vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        assert!(ticks(f64::NAN, 1.0, 5).is_empty());
        // Exactly representable after rounding: no 0.30000000000000004.
        assert!(ticks(0.0, 0.3, 3).contains(&0.3));
    }

    #[test]
    fn decimals_follow_the_step() {
        assert_eq!(step_decimals(20.0), 0);
        assert_eq!(step_decimals(1.0), 0);
        assert_eq!(step_decimals(0.5), 1);
        assert_eq!(step_decimals(0.1), 1);
        assert_eq!(step_decimals(0.05), 2);
    }
}
