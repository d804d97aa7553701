//! The document header: number ("624/TB-VPCP"), kind ("Thông báo"), date, issuer
//! and title, from the formal header ("Số: …", "Hà Nội, ngày … tháng … năm …",
//! "THÔNG BÁO" and the title in capitals), a web page's metadata table ("Số hiệu",
//! "Ngày ban hành", "Cơ quan ban hành") or a news lead ("Ngày 23/02/2025, Văn phòng
//! Chính phủ có Thông báo số 56/TB-VPCP Kết luận …", "Chiều 18/12, …").

use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};
use regex::Regex;

/// Lines of the header region that the rest of the pipeline needs to know about.
#[derive(Debug, Default, Clone)]
pub struct Header {
    pub number: Option<String>,
    pub kind: Option<String>,
    pub date: Option<NaiveDate>,
    pub issuer_code: Option<String>,
    pub issuer_name: Option<String>,
    pub title: Option<String>,
    /// A formal document (number, kind line, letterhead or addressees found), not
    /// a news report.
    pub formal: bool,
    /// The year of a date line whose day or month is blank or unreadable ("Lào Cai,
    /// ngày    tháng    năm 2025"): the caller may take the date from elsewhere.
    pub year_only: Option<i32>,
    /// A document of the Party (its numbering "104-CTr/TU" or its name in the
    /// letterhead): its Party committees are bodies of their own.
    pub party: bool,
    /// The code after the slash of a number line whose number could not be read
    /// ("Số: 5Ï/TCT-TTKT" → "TCT-TTKT").
    pub garbled_code: Option<String>,
}

struct Re {
    number: Regex,
    party_number: Regex,
    place_year: Regex,
    issued: Regex,
    place_date: Regex,
    lead_date: Regex,
    full_date: Regex,
    issuer_line: Regex,
    garbled_number: Regex,
}

fn re() -> &'static Re {
    static R: OnceLock<Re> = OnceLock::new();
    R.get_or_init(|| Re {
        number: Regex::new(
            r"(?i)(?:(?:^số|(?:^|\s)(?-i:Số))(?:\s*hiệu)?\s*:?|thông báo|kế hoạch|kết luận|chỉ thị|quyết định|công điện)\s*(?:số\s*)?(\d{1,5}\s*/\s*(?:\d{4}/)?[A-ZĐ]{1,8}(?:-[A-ZĐ0-9]{1,12})*(?:/[A-ZĐ0-9-]{1,12})?)",
        )
        .expect("valid"),
        // "Số 104 -CTr/TU", "Số 2449-CV/ĐU": the Party's numbering (number-kind/issuer).
        party_number: Regex::new(
            r"(?i)(?:^số|(?:^|\s)(?-i:Số))\s*:?\s*(\d{1,5})\s*-\s*([A-ZĐ][A-Za-zĐđ]{0,5})\s*/\s*([A-ZĐ]{1,8}(?:-[A-ZĐ]{1,8})?)",
        )
        .expect("valid"),
        place_year: Regex::new(r"(?i)(?:^|\s)\p{Lu}[\p{L}]*(?: \p{L}+){0,3},\s*ngày\b.{0,40}?năm\s+(\d{4})")
            .expect("valid"),
        issued: Regex::new(r"(?i)ngày ban hành\s*:?\s*(\d{1,2})/(\d{1,2})/(\d{4})").expect("valid"),
        // "Hà Nội, ngày 16 tháng 11 năm 2025", also after the number on one line
        // ("Số: 8388/BTC-QLCS Hà Nội, ngày 19 tháng 6 năm 2026").
        place_date: Regex::new(
            r"(?i)(?:^|\s)\p{Lu}[\p{L}]*(?: \p{L}+){0,3},\s*ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})",
        )
        .expect("valid"),
        lead_date: Regex::new(
            r"(?i)^(?:ngày|sáng|chiều|tối|trưa|hôm nay)(?:\s+nay)?\s*(?:\(|,)?\s*(\d{1,2})\s*(?:/|\s+tháng\s+)(\d{1,2})(?:\s*(?:/|\s+năm\s+)(\d{4}))?",
        )
        .expect("valid"),
        full_date: Regex::new(
            r"(?i)(?-u:\b)(\d{1,2})\s*(?:/|\s+tháng\s+)(\d{1,2})\s*(?:/|\s+năm\s+)(\d{4})(?-u:\b)",
        )
        .expect("valid"),
        issuer_line: Regex::new(r"(?i)^cơ quan ban hành\s*:?\s*(.+)$").expect("valid"),
        garbled_number: Regex::new(r"^Số\s*:?\s*\S{1,8}\s*/\s*([A-ZĐ]{1,8}(?:-[A-ZĐ&]{1,12})*)(?:\s|$)")
            .expect("valid"),
    })
}

fn kind_of_code(code: &str) -> Option<&'static str> {
    // The Party's numbering puts the kind before the slash: "104-CTr/TU".
    if let Some((num_kind, _)) = code.split_once('/')
        && let Some((num, kind)) = num_kind.split_once('-')
        && num.chars().all(|c| c.is_ascii_digit())
    {
        return Some(match kind {
            "CTr" => "Chương trình",
            "CV" => "Công văn",
            "KH" => "Kế hoạch",
            "NQ" => "Nghị quyết",
            "CT" => "Chỉ thị",
            "KL" => "Kết luận",
            "TB" => "Thông báo",
            "QĐ" => "Quyết định",
            "BC" => "Báo cáo",
            "HD" => "Hướng dẫn",
            _ => return None,
        });
    }
    let after = code.split('/').nth(1).unwrap_or("");
    let first = after.split('-').next().unwrap_or("");
    let second = code.split('/').nth(2).unwrap_or("");
    Some(match first {
        "TB" => "Thông báo",
        "KH" => "Kế hoạch",
        "KL" => "Kết luận",
        "CT" => "Chỉ thị",
        "QĐ" => "Quyết định",
        "NQ" => "Nghị quyết",
        "NĐ" => "Nghị định",
        "BC" => "Báo cáo",
        "CĐ" => "Công điện",
        _ if !second.is_empty() => return None,
        _ if after.contains('-') => "Công văn",
        _ => return None,
    })
}

pub const KIND_LINES: &[(&str, &str)] = &[
    ("CHƯƠNG TRÌNH HÀNH ĐỘNG", "Chương trình"),
    ("CHƯƠNG TRÌNH", "Chương trình"),
    ("ĐỀ ÁN", "Đề án"),
    ("HƯỚNG DẪN", "Hướng dẫn"),
    ("THÔNG BÁO", "Thông báo"),
    ("KẾ HOẠCH", "Kế hoạch"),
    ("KẾT LUẬN", "Kết luận"),
    ("CHỈ THỊ", "Chỉ thị"),
    ("QUYẾT ĐỊNH", "Quyết định"),
    ("NGHỊ QUYẾT", "Nghị quyết"),
    ("CÔNG ĐIỆN", "Công điện"),
    ("BÁO CÁO", "Báo cáo"),
];

fn ymd(y: &str, m: &str, d: &str) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

fn is_upper_line(line: &str) -> bool {
    let letters = line.chars().filter(|c| c.is_alphabetic()).count();
    letters >= 3
        && line
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(|c| !c.is_lowercase())
}

/// Reads the header from the first lines of a normalised text.
pub fn read(lines: &[&str]) -> Header {
    let r = re();
    let mut h = Header::default();
    let head: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| !l.trim().is_empty())
        .take(60)
        .collect();
    // Number: in the first lines only (later ones cite other documents).
    for l in head.iter().take(16) {
        if let Some(c) = r.party_number.captures(l.trim()) {
            h.number = Some(format!("{}-{}/{}", &c[1], &c[2], &c[3]));
            break;
        }
        if let Some(c) = r.number.captures(l)
            && let Some(m) = c.get(1)
        {
            // "8129 /UBND-KT" as printed: the number without its spaces.
            h.number = Some(m.as_str().split_whitespace().collect());
            break;
        }
        if let Some(c) = r.garbled_number.captures(l.trim()) {
            // "Số: 5Ï/TCT-TTKT" (OCR): the letterhead's number line, unreadable.
            // The number stays unknown (the file name may give it); the lines after
            // cite other documents ("Quyết định số 33/QĐ-TCT …") and are not read
            // for it. The code after the slash still names the issuer.
            h.garbled_code = Some(c[1].to_string());
            break;
        }
    }
    // Kind: a line in capitals, else the number's code.
    let mut kind_line: Option<usize> = None;
    let mut title_on_kind_line: Option<String> = None;
    for (i, l) in head.iter().enumerate() {
        let t = l.trim();
        if let Some((_, k)) = KIND_LINES.iter().find(|(u, _)| t == *u) {
            h.kind = Some(k.to_string());
            kind_line = Some(i);
            break;
        }
    }
    if kind_line.is_none() {
        // A flattened header (a web page's crawl, a converter that ran the letterhead
        // into one line): "… Lào Cai, ngày 30 tháng 8 năm 2026 CHƯƠNG TRÌNH HÀNH ĐỘNG
        // thực hiện …". The kind in capitals right after the date's year counts.
        for (i, l) in head.iter().take(16).enumerate() {
            if let Some((k, rest)) = kind_after_year(l) {
                h.kind = Some(k.to_string());
                kind_line = Some(i);
                title_on_kind_line = (!rest.is_empty()).then(|| truncate(rest, 300));
                break;
            }
        }
    }
    if h.kind.is_none() {
        h.kind = h
            .number
            .as_deref()
            .and_then(kind_of_code)
            .map(str::to_string);
    }
    // A letterhead (national motto, the Party's name, "Kính gửi", "V/v") makes a
    // formal document even when its number is blank or garbled.
    let letterhead = head.iter().take(20).any(|l| {
        let t = l.trim();
        let f = tiendo_core::text::fold(t);
        f.contains("cong hoa xa hoi")
            || f.contains("doc lap tu do")
            || f.starts_with("dang cong san viet nam")
            || t.starts_with("Kính gửi")
            || crate::letterhead::subject_line(t)
            || r.place_year.is_match(t)
    });
    h.formal = h.number.is_some() || kind_line.is_some() || letterhead;
    h.party = head.iter().take(20).any(|l| {
        tiendo_core::text::fold(l).starts_with("dang cong san viet nam")
            || l.contains("ĐẢNG CỘNG SẢN VIỆT NAM")
            || r.party_number.is_match(l.trim())
    });
    if h.kind.is_none()
        && head
            .iter()
            .take(20)
            .any(|l| crate::letterhead::subject_line(l))
    {
        h.kind = Some("Công văn".to_string());
    }
    if !h.formal {
        h.kind = Some("Bản tin".to_string());
    }
    // Date.
    let mut year_hint: Option<i32> = None;
    for l in head.iter().take(25) {
        if let Some(c) = r.full_date.captures(l)
            && let (Some(d), Some(m), Some(y)) = (c.get(1), c.get(2), c.get(3))
            && let Some(day) = ymd(y.as_str(), m.as_str(), d.as_str())
        {
            year_hint = Some(day.year());
            break;
        }
    }
    let mut date = None;
    for l in &head {
        if let Some(c) = r.issued.captures(l) {
            date = ymd(&c[3], &c[2], &c[1]);
            if date.is_some() {
                break;
            }
        }
    }
    if date.is_none() {
        date = head.iter().find_map(|l| {
            let c = r.place_date.captures(l.trim())?;
            ymd(&c[3], &c[2], &c[1])
        });
    }
    if date.is_none() && h.formal {
        // "Lào Cai, ngày      tháng     năm 2025": the day was left blank for the
        // signature; only the year is known. No other date of the text stands in.
        if let Some(y) = head.iter().take(25).find_map(|l| {
            r.place_year
                .captures(l.trim())
                .and_then(|c| c[1].parse().ok())
        }) {
            h.year_only = Some(y);
            h.date = None;
            return finish_header(h, &head, kind_line, title_on_kind_line);
        }
    }
    if date.is_none() {
        date = head.iter().take(30).find_map(|l| {
            let c = r.lead_date.captures(l.trim())?;
            let y = match c.get(3) {
                Some(y) => y.as_str().parse().ok()?,
                None => year_hint?,
            };
            NaiveDate::from_ymd_opt(y, c[2].parse().ok()?, c[1].parse().ok()?)
        });
    }
    if date.is_none() && h.formal {
        date = head.iter().take(25).find_map(|l| {
            let c = r.full_date.captures(l)?;
            ymd(&c[3], &c[2], &c[1])
        });
    }
    h.date = date;
    finish_header(h, &head, kind_line, title_on_kind_line)
}

/// The kind of document in capitals after a date's year on one line ("… năm 2024
/// QUYẾT ĐỊNH SỬA ĐỔI …"), and the words after it.
fn kind_after_year(line: &str) -> Option<(&'static str, &str)> {
    let t = line.trim();
    let mut from = 0;
    while let Some(p) = t[from..].find("năm ") {
        let at = from + p + "năm ".len();
        from = at;
        let digits = t[at..].bytes().take_while(u8::is_ascii_digit).count();
        if digits != 4 {
            continue;
        }
        let after = t[at + digits..].trim_start();
        for (upper, kind) in KIND_LINES {
            if let Some(rest) = after.strip_prefix(upper)
                && (rest.is_empty() || rest.starts_with(' '))
            {
                return Some((kind, rest.trim()));
            }
        }
    }
    None
}

/// Issuer code and title, once number, kind and date are known.
fn finish_header(
    mut h: Header,
    head: &[&str],
    kind_line: Option<usize>,
    title_on_kind_line: Option<String>,
) -> Header {
    let r = re();
    // Issuer: the metadata line, else the number's suffix (resolved by the caller).
    for l in head {
        if let Some(c) = r.issuer_line.captures(l.trim()) {
            h.issuer_name = Some(c[1].trim().to_string());
            break;
        }
    }
    let code_source = h
        .number
        .clone()
        .or_else(|| h.garbled_code.as_ref().map(|c| format!("0/{c}")));
    if let Some(num) = &code_source {
        // "624/TB-VPCP": kind, then issuer; "19046/BTC-TCHQ", "8129/UBND-KT": issuer,
        // then its unit; "104-CTr/TU": the Party's issuer after the slash.
        let after = num.split('/').next_back().unwrap_or("");
        let parts: Vec<&str> = after.split('-').collect();
        const KINDS: [&str; 12] = [
            "TB", "KH", "KL", "CT", "QĐ", "NQ", "NĐ", "BC", "CĐ", "TTr", "HD", "CTr",
        ];
        let code = match parts.as_slice() {
            [k, issuer, ..] if KINDS.contains(k) => issuer,
            [first, ..] => first,
            [] => "",
        };
        if !code.is_empty() && code.chars().all(|c| c.is_uppercase()) {
            h.issuer_code = Some(code.to_string());
        }
    }
    // Title: the capital lines after the kind line; else the words after the number.
    if let Some(title) = title_on_kind_line {
        h.title = Some(title);
    } else if let Some(k) = kind_line {
        let mut parts = Vec::new();
        for l in head.iter().skip(k + 1) {
            let t = l.trim();
            if !is_upper_line(t) || t.starts_with("Số") || crate::structure::marker(t).is_some() {
                break;
            }
            parts.push(t);
            if parts.len() >= 4 {
                break;
            }
        }
        if !parts.is_empty() {
            h.title = Some(parts.join(" "));
        }
    }
    if h.title.is_none()
        && let Some(vv) = head
            .iter()
            .find(|l| crate::letterhead::subject_line(l))
            .map(|l| crate::letterhead::subject_of(l))
            .or_else(|| {
                // "Số: 778/TCHQ-GSQL V/v xử lý vướng mắc …" (a flattened letterhead).
                head.iter().take(16).find_map(|l| {
                    let p = l.find(" V/v ")?;
                    Some(l[p + 5..].trim())
                })
            })
    {
        // A letter's subject line: "V/v tăng cường công tác quản lý …".
        h.title = Some(truncate(vv, 300));
    }
    if h.title.is_none()
        && let Some(num) = &h.number
        && let Some(l) = head
            .iter()
            .find(|l| l.contains(num.as_str()) && l.len() > num.len() + 40)
        && let Some(pos) = l.find(num.as_str())
    {
        let rest = l[pos + num.len()..].trim_start_matches([' ', ',', ':']);
        let rest = rest.strip_prefix("năm ").map_or(rest, |r| {
            r.trim_start_matches(|c: char| c.is_ascii_digit())
                .trim_start()
        });
        if !rest.is_empty() {
            h.title = Some(truncate(rest, 300));
        }
    }
    if h.title.is_none() {
        h.title = head
            .iter()
            .find(|l| l.split_whitespace().count() >= 10)
            .map(|l| truncate(l.split(". ").next().unwrap_or(l), 300));
    }
    h
}

fn truncate(s: &str, n: usize) -> String {
    if s.len() <= n {
        return s.trim().to_string();
    }
    let mut end = n;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    let cut = s[..end].rfind(' ').unwrap_or(end);
    format!("{}…", s[..cut].trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_header_run_into_one_line() {
        // A crawler's flattening of a Party programme's letterhead.
        let lines = [
            "TỈNH UỶ LÀO CAI * Số 104 -CTr/TU ĐẢNG CỘNG SẢN VIỆT NAM Lào Cai, ngày 30 tháng 8 năm 2026 CHƯƠNG TRÌNH HÀNH ĐỘNG thực hiện Kết luận số 75-KL/TW",
            "Thực hiện Kết luận số 75-KL/TW ngày 28/7/2026 của Ban Chấp hành Trung ương",
        ];
        let h = read(&lines);
        assert_eq!(h.number.as_deref(), Some("104-CTr/TU"));
        assert_eq!(h.kind.as_deref(), Some("Chương trình"));
        assert!(h.party);
        assert_eq!(h.title.as_deref(), Some("thực hiện Kết luận số 75-KL/TW"));
        assert_eq!(h.date, NaiveDate::from_ymd_opt(2026, 8, 30));
    }

    #[test]
    fn reads_a_formal_header() {
        let lines = [
            "Số: 624/TB-VPCP",
            "Hà Nội, ngày 16 tháng 11 năm 2025",
            "THÔNG BÁO",
            "KẾT LUẬN PHIÊN HỌP LẦN THỨ NĂM",
            "Ngày 15 tháng 11 năm 2025, tại Trụ sở Chính phủ",
        ];
        let h = read(&lines);
        assert_eq!(h.number.as_deref(), Some("624/TB-VPCP"));
        assert_eq!(h.kind.as_deref(), Some("Thông báo"));
        assert_eq!(h.date.map(|d| d.to_string()).as_deref(), Some("2025-11-16"));
        assert_eq!(h.issuer_code.as_deref(), Some("VPCP"));
        assert_eq!(h.title.as_deref(), Some("KẾT LUẬN PHIÊN HỌP LẦN THỨ NĂM"));
    }

    #[test]
    fn reads_a_printed_letterhead() {
        // 8129/UBND-KT (Lào Cai, 2026) and 104-CTr/TU (Tỉnh ủy Lào Cai), letterheads
        // as layout.rs leaves them.
        let h = read(&[
            "ỦY BAN NHÂN DÂN",
            "TỈNH LÀO CAI",
            "Số: 8129 /UBND-KT",
            "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Lào Cai, ngày 10 tháng 8 năm 2026",
            "V/v kiểm tra, xác minh các nội dung theo kiến nghị",
            "Kính gửi:",
        ]);
        assert!(h.formal);
        assert_eq!(h.number.as_deref(), Some("8129/UBND-KT"));
        assert_eq!(h.kind.as_deref(), Some("Công văn"));
        assert_eq!(h.date.map(|d| d.to_string()).as_deref(), Some("2026-08-10"));
        assert_eq!(
            h.title.as_deref(),
            Some("kiểm tra, xác minh các nội dung theo kiến nghị")
        );
        let h = read(&[
            "TỈNH UỶ LÀO CAI",
            "*",
            "Số 104 -CTr/TU",
            "ĐẢNG CỘNG SẢN VIỆT NAM",
        ]);
        assert_eq!(h.number.as_deref(), Some("104-CTr/TU"));
        // A date left blank for the signature: only its year.
        let h = read(&[
            "UỶ BAN NHÂN DÂN TỈNH LÀO CAI",
            "Số: /UBND-KT",
            "Lào Cai, ngày tháng năm 2025",
            "Ngày 20/5/2026, Chính phủ ban hành",
        ]);
        assert_eq!(h.date, None);
        assert_eq!(h.year_only, Some(2025));
    }

    #[test]
    fn reads_a_news_lead() {
        let h = read(&[
            "Thứ 7, 20/12/2025 | English",
            "Chiều 18/12, tại Trụ sở Chính phủ, Thủ tướng chủ trì Hội nghị",
        ]);
        assert!(!h.formal);
        assert_eq!(h.date.map(|d| d.to_string()).as_deref(), Some("2025-12-18"));
        let h = read(&[
            "Ngày 23/02/2025, Văn phòng Chính phủ có Thông báo số 56/TB-VPCP Kết luận Phiên họp tổng kết hoạt động năm 2024",
        ]);
        assert_eq!(h.number.as_deref(), Some("56/TB-VPCP"));
        assert_eq!(h.date.map(|d| d.to_string()).as_deref(), Some("2025-02-23"));
        assert_eq!(
            h.title.as_deref(),
            Some("Kết luận Phiên họp tổng kết hoạt động năm 2024")
        );
    }
}
