//! Where the letterhead of an administrative document ends and its body begins,
//! and where its addressees ("Kính gửi: …") stand.
//!
//! The letterhead holds the issuer, the national motto ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA
//! VIỆT NAM – Độc lập - Tự do - Hạnh phúc") or the Party's name, the number ("Số:
//! …"), the place and date, the subject line ("V/v …") of a letter and its
//! continuation, the kind and title in capitals with a subtitle in lower case, and
//! the addressees with their list ("- Sở Công Thương;"). None of it assigns work;
//! the addressees are the lead of a letter's items that have no subject of their
//! own (GOLD-FORMAT.md, "Letters").

use std::sync::OnceLock;

use regex::Regex;

use crate::header::KIND_LINES;
use crate::structure::marker;

/// The letterhead of a document: lines `[0, body)` (indices into the lines given).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Letterhead {
    /// The first line of the body.
    pub body: usize,
    /// The lines of the addressee block (the "Kính gửi" line and its list).
    pub addressees: Option<(usize, usize)>,
}

fn place_date() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"(?i)^[\p{L} .]{2,40},\s*ngày\b").expect("valid"))
}

fn number_line() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"(?i)^số\s*[:\d/ ]").expect("valid"))
}

fn capitals(l: &str) -> bool {
    let mut letters = l.chars().filter(|c| c.is_alphabetic()).peekable();
    letters.peek().is_some() && letters.all(|c| !c.is_lowercase())
}

fn starts_lower(l: &str) -> bool {
    l.chars().next().is_some_and(char::is_lowercase)
}

/// A letter's subject line: "V/v …", also as OCR and typists write it ("v/v", "V/V").
pub(crate) fn subject_line(l: &str) -> bool {
    let t = l.trim_start().as_bytes();
    t.len() >= 3
        && t[0].eq_ignore_ascii_case(&b'v')
        && t[1] == b'/'
        && t[2].eq_ignore_ascii_case(&b'v')
}

/// The words of a subject line after "V/v".
pub(crate) fn subject_of(l: &str) -> &str {
    let t = l.trim();
    if subject_line(t) {
        t[3..].trim_start_matches([':', ' ']).trim()
    } else {
        t
    }
}

/// A line that belongs to a letterhead whatever stands around it.
fn furniture(l: &str) -> bool {
    // Folded, so that OCR's lost marks ("CONG HÒA", "Hanh phúc") still count.
    let f = tiendo_core::text::fold(l);
    number_line().is_match(l)
        || place_date().is_match(l)
        || f.contains("cong hoa xa hoi")
        || f.contains("doc lap tu do")
        || f.starts_with("dang cong san viet nam")
        || l.contains("ĐẢNG CỘNG SẢN VIỆT NAM")
        || subject_line(l)
        || l.chars()
            .all(|c| matches!(c, '-' | '*' | '_' | '=' | ' ' | '–'))
        || (capitals(l) && marker(l).is_none() && l.chars().count() < 120)
}

/// A line of running text: a sentence, not a heading in capitals.
fn prose(l: &str) -> bool {
    l.chars().count() >= 40 && !capitals(l)
}

/// Finds the letterhead among the first lines of a document. `None` when the
/// document has none (a web page, a news report).
pub fn read(lines: &[&str]) -> Option<Letterhead> {
    #[derive(PartialEq)]
    enum State {
        Head,
        Subject,
        Title,
        Addressees,
    }
    let mut state = State::Head;
    let mut last: Option<usize> = None;
    let mut addressees: Option<(usize, usize)> = None;
    let mut seen = 0usize;
    for (i, raw) in lines.iter().enumerate().take(80) {
        let l = raw.trim();
        if l.is_empty() {
            continue;
        }
        if l.starts_with("Kính gửi") {
            state = State::Addressees;
            addressees = Some((i, i + 1));
            last = Some(i);
            seen += 1;
            continue;
        }
        match state {
            State::Addressees => {
                let listed = l.starts_with(['-', '+', '•']);
                let prev = lines[last.unwrap_or(i)].trim_end();
                let open = !prev.ends_with(['.', ';']) || prev.ends_with("Kính gửi:");
                if listed || (open && l.chars().count() < 80 && !prose_start(l)) {
                    last = Some(i);
                    if let Some(a) = addressees.as_mut() {
                        a.1 = i + 1;
                    }
                    continue;
                }
                break;
            }
            State::Subject | State::Title
                if starts_lower(l) || (!prose(l) && !furniture(l) && state == State::Subject) =>
            {
                // "V/v tăng cường công tác quản" / "lý, thanh tra …", or a title's
                // subtitle in lower case ("thực hiện Kết luận số 75-KL/TW …").
                last = Some(i);
                continue;
            }
            _ => {}
        }
        if KIND_LINES.iter().any(|(k, _)| l == *k) {
            state = State::Title;
            last = Some(i);
            seen += 1;
            continue;
        }
        if furniture(l) {
            state = if subject_line(l) {
                State::Subject
            } else if capitals(l) && state == State::Title {
                State::Title
            } else {
                State::Head
            };
            last = Some(i);
            seen += 1;
            continue;
        }
        if seen == 0 && (i == 0 || (i < 4 && l.chars().count() < 30)) {
            // A web page's title line, or noise before the letterhead (a scan's
            // stamp read by OCR).
            continue;
        }
        if prose(l) || marker(l).is_some() {
            break;
        }
        // A short line among the letterhead's ("TỈNH LÀO CAI" in mixed case, "*").
        if seen > 0 {
            last = Some(i);
        }
    }
    let last = last?;
    // An addressee block is a letterhead of its own, even when the lines above it
    // were run together into one that is not recognised.
    if seen < 2 && addressees.is_none() {
        return None;
    }
    Some(Letterhead {
        body: last + 1,
        addressees,
    })
}

/// A line that opens the body rather than goes on with the addressees: a sentence
/// about the document's grounds ("Thực hiện …", "Căn cứ …", "Ngày 20/5/2026, …").
fn prose_start(l: &str) -> bool {
    let low = l.to_lowercase();
    [
        "thực hiện ",
        "căn cứ ",
        "ngày ",
        "về ",
        "để ",
        "theo ",
        "trên cơ sở",
        "tiếp theo",
        "sau khi",
    ]
    .iter()
    .any(|w| low.starts_with(w))
        || l.chars().count() >= 80
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_letter() {
        // 8129/UBND-KT (UBND tỉnh Lào Cai, 10/8/2026) after layout.rs.
        let lines = [
            "ỦY BAN NHÂN DÂN",
            "TỈNH LÀO CAI",
            "Số: 8129 /UBND-KT",
            "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Lào Cai, ngày 10 tháng 8 năm 2026",
            "V/v kiểm tra, xác minh các nội dung theo kiến nghị của Công ty TNHH",
            "Đại Đồng Tiến",
            "Kính gửi:",
            "- Các Sở: Nông nghiệp và Môi trường, Xây dựng,",
            "Công Thương;",
            "- Ủy ban nhân dân xã Văn Chấn.",
            "Ủy ban nhân dân tỉnh nhận được Văn bản số 28/CV-ĐĐT ngày 04/8/2026 về việc lấn chiếm, sử dụng trái phép đất hoạt động khoáng sản.",
        ];
        let h = read(&lines).expect("a letterhead");
        assert_eq!(h.body, 12);
        assert_eq!(h.addressees, Some((8, 12)));
    }

    #[test]
    fn a_programme_with_its_title() {
        // 104-CTr/TU (Tỉnh ủy Lào Cai, 30/8/2026).
        let lines = [
            "TỈNH UỶ LÀO CAI",
            "*",
            "Số 104 -CTr/TU",
            "ĐẢNG CỘNG SẢN VIỆT NAM",
            "Lào Cai, ngày 30 tháng 8 năm 2026",
            "CHƯƠNG TRÌNH HÀNH ĐỘNG",
            "thực hiện Kết luận số 75-KL/TW ngày 28/7/2026 của Ban Chấp hành Trung ương Đảng khóa XIV",
            "-----",
            "Thực hiện Kết luận số 75-KL/TW ngày 28/7/2026 của Ban Chấp hành Trung ương Đảng khóa XIV và Chương trình hành động số 31-CTr/TW.",
        ];
        let h = read(&lines).expect("a letterhead");
        assert_eq!(h.body, 8);
        assert_eq!(h.addressees, None);
    }

    #[test]
    fn a_web_page_has_none() {
        assert_eq!(
            read(&[
                "Thứ 7, 20/12/2025 | English",
                "Chiều 18/12, tại Trụ sở Chính phủ, Thủ tướng chủ trì Hội nghị toàn quốc",
            ]),
            None
        );
    }
}
