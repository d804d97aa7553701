//! The page handlers, one module per area.

pub mod account;
pub mod agency;
pub mod agency_edit;
pub mod agency_merge;
pub mod agency_trend;
pub mod auth;
pub mod comments;
pub mod dashboard;
pub mod databases;
pub mod databases_rounds;
pub mod document;
pub mod document_edit;
pub mod draft_card;
pub mod drafts;
pub mod edit;
pub mod evidence;
pub mod indicators;
pub mod letters;
pub mod notices;
pub mod office;
pub mod parts;
pub mod printed;
pub mod rankings;
pub mod rankings_office;
pub mod restore;
pub mod review;
pub mod search;
pub mod security;
pub mod setup;
pub mod sheets;
pub mod task;
pub mod task_edit;
pub mod task_new;
pub mod tasks;
pub mod urging;
pub mod user;
pub mod users;
pub mod withdraw;
pub mod work;

use tiendo_core::status::Status;

use crate::ctx::Ctx;

/// A status as shown: its code (for the CSS class) and its label.
#[derive(Debug, Clone)]
pub struct Badge {
    pub class: &'static str,
    pub label: &'static str,
}

impl Badge {
    pub fn new(ctx: &Ctx, s: Status) -> Badge {
        Badge {
            class: s.as_str(),
            label: ctx.lang.status(s),
        }
    }

    pub fn of(ctx: &Ctx, s: Option<Status>) -> Badge {
        match s {
            Some(s) => Badge::new(ctx, s),
            None => Badge {
                class: "none",
                label: ctx.t("Chưa giao", "Not assigned"),
            },
        }
    }
}

/// Text cut to `max` characters at the end of a word, with an ellipsis.
pub fn short(s: &str, max: usize) -> String {
    tiendo_core::text::clip_words(s, max)
}

/// A long text shown around the words searched for (folded, as a search matches
/// them), so that a result shows why it matched: a passage around each word's
/// first occurrence as a word of its own (else inside a word), passages that
/// meet joined, the rest left out ("… thành lập … cơ sở dữ liệu …"). Its
/// beginning, cut to `max` characters, when no word is given or found.
pub fn excerpt(text: &str, words: &[String], max: usize) -> String {
    const AROUND: usize = 40;
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= max || words.is_empty() {
        return short(text, max);
    }
    // The text folded character by character (a space for what folds to
    // nothing), with the character each folded byte comes from.
    let mut folded = String::new();
    let mut from = Vec::new();
    for (i, c) in chars.iter().enumerate() {
        let f = tiendo_core::text::fold(&c.to_string());
        let f = if f.is_empty() { " ".to_string() } else { f };
        from.extend(std::iter::repeat_n(i, f.len()));
        folded.push_str(&f);
    }
    let bytes = folded.as_bytes();
    let mut spans: Vec<(usize, usize)> = words
        .iter()
        .filter(|w| !w.is_empty())
        .filter_map(|w| {
            let places: Vec<usize> = folded.match_indices(w.as_str()).map(|(at, _)| at).collect();
            let whole = places.iter().copied().find(|&at| {
                (at == 0 || bytes[at - 1] == b' ')
                    && bytes.get(at + w.len()).is_none_or(|b| *b == b' ')
            });
            let at = whole.or(places.first().copied())?;
            Some((from[at], from[at + w.len() - 1]))
        })
        .map(|(a, b)| (a.saturating_sub(AROUND), (b + AROUND + 1).min(chars.len())))
        .collect();
    if spans.is_empty() {
        return short(text, max);
    }
    spans.sort();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (a, b) in spans {
        match merged.last_mut() {
            Some(last) if a <= last.1 + 10 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    let mut out = String::new();
    for (k, (mut a, mut b)) in merged.iter().copied().enumerate() {
        // Begin and end on word boundaries, never inside a word.
        a = tiendo_core::text::word_start_after(&chars, a, b);
        b = tiendo_core::text::word_end_before(&chars, b, a);
        if a > 0 || k > 0 {
            out.push_str(if k > 0 { " … " } else { "…" });
        }
        out.push_str(chars[a..b].iter().collect::<String>().trim());
        if k + 1 == merged.len() && b < chars.len() {
            out.push('…');
        }
    }
    out
}

#[cfg(test)]
mod excerpt_tests {
    use super::*;

    fn folded(q: &str) -> Vec<String> {
        tiendo_core::text::fold(q)
            .split(' ')
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn a_long_result_shows_the_words_searched_for() {
        // Row 27 of the appendix of 365/TB-VPCP, found by "thanh lap uy ban du lieu".
        let text = "Bộ Khoa học và Công nghệ - (1) Chủ trì, phối hợp với Bộ Tài chính xây dựng Nghị định quy định về việc thành lập, tổ chức hoạt động của các quỹ đầu tư mạo hiểm cho khởi nghiệp sáng tạo, ươm tạo công nghệ và chuyển đổi số; Nghị định quy định về đầu tư và cơ chế tài chính cho hoạt động khoa học, công nghệ, đổi mới sáng tạo; (2) Chủ trì, phối hợp với Văn phòng Trung ương Đảng và các cơ quan liên quan xây dựng, ban hành quy định về thu thập, cập nhật, chia sẻ và khai thác dữ liệu của quốc gia về khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số.";
        let e = excerpt(text, &folded("thanh lap uy ban du lieu"), 120);
        assert!(e.contains("thành lập") && e.contains("dữ liệu"), "{e}");
        assert!(e.starts_with('…') && e.contains(" … "), "{e}");
        assert!(e.chars().count() < text.chars().count(), "{e}");
        // Short texts and searches without words are as before.
        assert_eq!(
            excerpt("Tham mưu thành lập", &folded("thanh lap"), 120),
            "Tham mưu thành lập"
        );
        assert_eq!(excerpt(text, &[], 20), short(text, 20));
        assert_eq!(excerpt(text, &folded("xyzw"), 20), short(text, 20));
    }

    /// Every passage of an excerpt is made of whole words of the text.
    fn whole_words(text: &str, e: &str) {
        let words: std::collections::HashSet<&str> = text.split_whitespace().collect();
        for passage in e.split('…') {
            for w in passage.split_whitespace() {
                assert!(words.contains(w), "{w:?} is cut from a word: {e}");
            }
        }
    }

    #[test]
    fn excerpts_begin_and_end_on_whole_words() {
        let text = "Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương khẩn trương rà soát, hoàn thiện cơ sở dữ liệu đất đai, kết nối liên thông với cơ sở dữ liệu quốc gia về dân cư, bảo đảm đúng, đủ, sạch, sống; báo cáo kết quả về Bộ Nông nghiệp và Môi trường trước ngày 31 tháng 12 năm 2025 để tổng hợp báo cáo Thủ tướng Chính phủ.";
        for q in [
            "dat dai",
            "dan cu",
            "tong hop",
            "thu tuong",
            "uy ban",
            "lien thong bao dam",
        ] {
            for max in [60, 90, 120] {
                let e = excerpt(text, &folded(q), max);
                whole_words(text, &e);
            }
        }
        for max in [10, 17, 33, 64] {
            let s = short(text, max);
            assert!(s.chars().count() <= max, "{s}");
            whole_words(text, &s);
        }
    }
}
