//! Places in a ranking (thứ hạng) and their movement between two months, in one
//! place for every page, export and report: equal scores share a place and the
//! next place skips ("1, 1, 3": competition ranking), and movement compares
//! those tie-aware places, never positions in a sorted list.

use std::collections::HashMap;

use crate::scoring::competition_ranks;

/// The place of each key among `(key, score)` pairs (higher score first; equal
/// scores share a place).
pub fn places(scores: &[(i64, i64)]) -> HashMap<i64, i64> {
    let values: Vec<i64> = scores.iter().map(|(_, s)| *s).collect();
    scores
        .iter()
        .map(|(k, _)| *k)
        .zip(competition_ranks(&values))
        .collect()
}

/// Places gained since the previous month (negative: lost); `None` when there
/// was no place then (nothing to compare, nothing to show).
pub fn movement(previous_place: Option<i64>, place: i64) -> Option<i64> {
    previous_place.map(|p| p - place)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_scores_share_a_place_and_the_next_skips() {
        let p = places(&[(10, 9000), (11, 9000), (12, 7000), (13, 9500)]);
        assert_eq!(p[&13], 1);
        assert_eq!(p[&10], 2);
        assert_eq!(p[&11], 2);
        assert_eq!(p[&12], 4);
        let p = places(&[(1, 10_000), (2, 10_000), (3, 5000)]);
        assert_eq!((p[&1], p[&2], p[&3]), (1, 1, 3));
        assert!(places(&[]).is_empty());
    }

    /// Sixteen agencies tied first last month; the one listed last among them is
    /// still first: no place lost (a position in the list would say "▼15").
    #[test]
    fn movement_compares_tie_aware_places() {
        let before: Vec<(i64, i64)> = (1..=16).map(|k| (k, 10_000)).collect();
        let before = places(&before);
        assert_eq!(before[&16], 1);
        let now = places(&[(16, 10_000), (1, 9000)]);
        assert_eq!(movement(before.get(&16).copied(), now[&16]), Some(0));
        assert_eq!(movement(before.get(&1).copied(), now[&1]), Some(-1));
        assert_eq!(movement(Some(3), 1), Some(2));
        assert_eq!(movement(None, 1), None);
    }
}
