//! Random input never makes the extractor panic, and what it returns is consistent
//! (text verbatim at its span). Bounded: a fixed number of cases of bounded size.

use proptest::prelude::*;
use tiendo_extract::{ExtractOptions, extract_text};

/// Pieces of directive language, markers and punctuation, so that random strings
/// reach the deep paths (headings, enumerations, deadlines, tables).
const PIECES: &[&str] = &[
    "Bộ Y tế",
    "Bộ Công an",
    "Các bộ: ",
    "Y tế, ",
    "Tài chính",
    "Ủy ban nhân dân các tỉnh, thành phố: ",
    "Hà Nội, ",
    "Cần Thơ ",
    "các bộ, ngành, địa phương ",
    "liên quan ",
    "chủ trì, phối hợp với ",
    "cùng với ",
    "giao ",
    "Thủ tướng yêu cầu ",
    "hoàn thành ",
    "trước ngày 25 tháng 11 năm 2025",
    "trong tháng 10/2025",
    "Quý IV/2025",
    "6 tháng cuối năm",
    "trong năm 2026",
    "nhiệm vụ thường xuyên",
    "cùng thời điểm Luật có hiệu lực",
    "ngày 31/2/2025",
    "tháng 13/2025",
    "Quý V/2025",
    "; ",
    ". ",
    ": ",
    ", ",
    "\n",
    "\n\n",
    "I. ",
    "1. ",
    "a) ",
    "đ) ",
    "(1) ",
    "(2) ",
    "(i) ",
    "- ",
    "(",
    ")",
    "“",
    "”",
    "\"",
    "PHỤ LỤC\n",
    "TT\n",
    "Nhiệm vụ cụ thể\n",
    "Cơ quan chủ trì\n",
    "Thời hạn hoàn thành\n",
    "1.\n",
    "2.\n",
    "30/6/2025\n",
    "Số: 5/TB-VPCP\n",
    "THÔNG BÁO\n",
    "Nơi nhận:\n",
    "Ảnh: VGP",
    "…",
    "\u{0301}",
    "\t",
    "\u{feff}",
    "x",
    "9",
    "đ",
    "Ư",
    "🙂",
    "(VTV)",
    "Bộ trưởng, Thủ trưởng cơ quan ngang bộ, ",
];

fn doc() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(PIECES).prop_map(str::to_string),
            1 => "\\PC{0,12}",
        ],
        0..300,
    )
    .prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, max_shrink_iters: 200, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_and_spans_hold(s in doc()) {
        let x = extract_text(&s, &ExtractOptions::default());
        let norm = x.normalised_text();
        for t in &x.tasks {
            let passage = norm.get(t.span[0]..t.span[1]);
            prop_assert!(passage.is_some_and(|p| p.starts_with(&t.text)), "{:?}", t);
            prop_assert!(!t.lead.is_empty());
            if let Some(d) = t.deadline.due {
                prop_assert!(t.deadline.kind.has_due(), "{:?}", d);
            }
        }
        // Serialises to JSON.
        prop_assert!(serde_json::to_string(&x).is_ok());
    }

    #[test]
    fn arbitrary_unicode_never_panics(s in "\\PC{0,400}") {
        let _ = extract_text(&s, &ExtractOptions::default());
    }
}
