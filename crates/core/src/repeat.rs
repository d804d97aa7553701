//! Whether a proposed task repeats an earlier one (a conclusion notice restating
//! what was not done, a province's letter restating the programme it carries out):
//! the rule the import applies to flag a draft as a likely repeat, kept here, pure,
//! so that it is measured on the annotated corpus (`data/corpus/repeats.jsonl`,
//! `crates/extract/tests/repeats.rs`, figures in `docs/extraction.md`).
//!
//! Two tasks are compared by the cosine of their *content words*: folded words of
//! two letters or more, without the words every directive uses ("triển khai",
//! "thực hiện", "chủ trì", "các bộ, ngành" …). From `REPEAT_SIMILARITY` on, the
//! closest earlier task is flagged. On the corpus this flags few tasks and most of
//! them rightly (precision over recall: a reviewer is told, never overruled).

use std::collections::HashSet;

use crate::text::fold;

/// Similarity from which a proposed task is flagged as a likely repeat. 0.6 was
/// chosen on 33 documents (precision 0.647); with 38 the same indicator named by
/// a province and a ministry brought precision at 0.6 down to 0.458, and 0.65
/// gives 0.667 (docs/extraction.md, "Repeats").
pub const REPEAT_SIMILARITY: f64 = 0.65;

/// Folded words that every directive uses and that say nothing of the work.
const COMMON: &[&str] = &[
    "va", "cac", "cua", "cho", "trong", "theo", "tai", "voi", "de", "duoc", "la", "co", "cung",
    "tren", "ve", "nhung", "nay", "do", "thuc", "hien", "trien", "khai", "to", "chuc", "bao",
    "dam", "phoi", "hop", "chu", "tri", "lien", "quan", "don", "vi", "bo", "nganh", "dia",
    "phuong", "tinh", "nhiem", "vu", "tiep", "tuc", "tang", "cuong", "day", "manh", "viec", "cong",
    "tac", "ke", "hoach", "khan", "truong", "nam", "so", "nghi", "quyet",
];

/// The content words of a text.
pub fn words(text: &str) -> HashSet<String> {
    fold(text)
        .split(' ')
        .filter(|w| w.chars().count() > 1 && !COMMON.contains(w))
        .map(str::to_string)
        .collect()
}

/// The cosine of two word sets.
pub fn similarity(a: &HashSet<String>, b: &HashSet<String>) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    a.intersection(b).count() as f64 / ((a.len() * b.len()) as f64).sqrt()
}

/// Words to find candidates with (any of them): the three longest content words
/// of four letters or more.
pub fn probe(text: &str) -> Vec<String> {
    let mine = words(text);
    let mut probe: Vec<&String> = mine.iter().filter(|w| w.chars().count() >= 4).collect();
    probe.sort_by(|a, b| b.chars().count().cmp(&a.chars().count()).then(a.cmp(b)));
    probe.into_iter().take(3).cloned().collect()
}

/// The candidate (id, text) a text most likely repeats, if any is close enough.
pub fn likely_repeat<'a, I>(text: &str, candidates: I) -> Option<i64>
where
    I: IntoIterator<Item = (i64, &'a str)>,
{
    let mine = words(text);
    let mut best: Option<(f64, i64)> = None;
    for (id, other) in candidates {
        let score = similarity(&mine, &words(other));
        if score >= REPEAT_SIMILARITY && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, id));
        }
    }
    best.map(|(_, id)| id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_restated_task_is_found() {
        // 2449-CV/ĐU (7/9/2026) restating row 2 of 104-CTr/TU's appendix (30/8/2026).
        let earlier = fold(
            "Xây dựng, ban hành Kế hoạch hoặc Chương trình hành động của Ủy ban nhân dân tỉnh để triển khai thực hiện Chương trình hành động này",
        );
        let other = fold(
            "Đóng cửa 43 bãi chôn lấp chất thải rắn sinh hoạt đảm bảo các yêu cầu về vệ sinh môi trường",
        );
        let later =
            "Xây dựng, ban hành Kế hoạch thực hiện Chương trình hành động của Ủy ban nhân dân tỉnh";
        assert_eq!(
            likely_repeat(later, [(1, earlier.as_str()), (2, other.as_str())]),
            Some(1)
        );
        assert_eq!(
            likely_repeat("Tổ chức hội nghị sơ kết", [(2, other.as_str())]),
            None
        );
    }
}
