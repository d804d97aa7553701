//! The retry schedule of failed deliveries.
//!
//! `attempt` counts the attempts already made (the first send is attempt 1). After attempt
//! `n` failed transiently, wait `next_attempt_delay(n)` before attempt `n + 1`:
//!
//! | failed attempt | wait before the next |
//! | --- | --- |
//! | 1 | 1 min |
//! | 2 | 5 min |
//! | 3 | 30 min |
//! | 4 | 2 h |
//! | 5, 6, 7 | 6 h (the cap) |
//! | 8 and later | `None`: give up, the notice is failed |
//!
//! So a notice is tried [`MAX_ATTEMPTS`] = 8 times over about 20 h 36 min, which covers a
//! relay or receiver down for a night. Permanent failures are never retried.

use std::time::Duration;

/// Attempts made in all before a notice is given up.
pub const MAX_ATTEMPTS: u32 = 8;

/// The wait after failed attempt 1, 2, 3, … (index 0 is after attempt 1); the last entry
/// is the cap used until [`MAX_ATTEMPTS`].
pub const SCHEDULE: [Duration; 5] = [
    Duration::from_secs(60),
    Duration::from_secs(5 * 60),
    Duration::from_secs(30 * 60),
    Duration::from_secs(2 * 60 * 60),
    Duration::from_secs(6 * 60 * 60),
];

/// The wait before the next attempt after `attempt` attempts failed, or `None` when the
/// notice should be given up. `attempt == 0` (nothing tried yet) means send now.
pub fn next_attempt_delay(attempt: u32) -> Option<Duration> {
    if attempt == 0 {
        return Some(Duration::ZERO);
    }
    if attempt >= MAX_ATTEMPTS {
        return None;
    }
    let index = usize::try_from(attempt - 1).unwrap_or(usize::MAX);
    Some(SCHEDULE[index.min(SCHEDULE.len() - 1)])
}

/// [`next_attempt_delay`] plus a deterministic jitter of 0–10 % derived from `seed` (use
/// the notice's id) and the attempt, so many notices failed at once do not all come back
/// in the same second, while tests can still assert exact values.
pub fn next_attempt_delay_jittered(attempt: u32, seed: u64) -> Option<Duration> {
    let base = next_attempt_delay(attempt)?;
    let fraction = splitmix64(seed ^ u64::from(attempt).rotate_left(32)) % 1001; // 0..=1000 ‰ of 10 %
    let extra_ms = base.as_millis() as u64 / 10 * fraction / 1000;
    Some(base + Duration::from_millis(extra_ms))
}

fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: Duration = Duration::from_secs(60);

    #[test]
    fn the_documented_schedule() {
        let waits: Vec<Option<Duration>> = (0..=9).map(next_attempt_delay).collect();
        assert_eq!(
            waits,
            vec![
                Some(Duration::ZERO),
                Some(MIN),
                Some(5 * MIN),
                Some(30 * MIN),
                Some(120 * MIN),
                Some(360 * MIN),
                Some(360 * MIN),
                Some(360 * MIN),
                None,
                None,
            ]
        );
        assert_eq!(next_attempt_delay(u32::MAX), None);
    }

    #[test]
    fn the_whole_schedule_lasts_about_twenty_hours() {
        let total: Duration = (1..MAX_ATTEMPTS).filter_map(next_attempt_delay).sum();
        assert_eq!(total, Duration::from_secs(20 * 3600 + 36 * 60));
    }

    #[test]
    fn jitter_is_deterministic_and_bounded() {
        for attempt in 1..MAX_ATTEMPTS {
            let base = next_attempt_delay(attempt).unwrap();
            for seed in [0_u64, 1, 42, 7_000_000_001, u64::MAX] {
                let a = next_attempt_delay_jittered(attempt, seed).unwrap();
                assert_eq!(a, next_attempt_delay_jittered(attempt, seed).unwrap());
                assert!(a >= base && a <= base + base / 10, "{attempt} {seed} {a:?}");
            }
        }
        assert_eq!(next_attempt_delay_jittered(MAX_ATTEMPTS, 5), None);
        // different notices spread out
        let spread: std::collections::BTreeSet<Duration> = (0..50)
            .map(|seed| next_attempt_delay_jittered(3, seed).unwrap())
            .collect();
        assert!(spread.len() > 40);
    }
}
