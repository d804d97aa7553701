//! Item markers at the start of a line ("I.", "1.", "a)", "đ)", "(1)", "(i)", "-")
//! and inline enumerations "(1) …; (2) …" inside one paragraph.

use std::sync::OnceLock;

use regex::Regex;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    /// "Điều 2." of a decision.
    Article,
    Roman,
    Arabic,
    Letter,
    Paren,
    ParenRoman,
    Bullet,
    /// A markdown heading of a converter's output ("## Giải pháp"), of its level
    /// (the number of "#").
    Heading(u8),
}

fn marker_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(concat!(
            r"^(?:Điều\s+(?P<article>\d{1,3})[.:]?",
            r"|(?P<roman>[IVX]{1,6})[.)]",
            r"|(?P<arabic>\d{1,2}(?:\.\d{1,2}){0,2})(?:[.)]|/)",
            r"|(?P<letter>[a-zđ])\)",
            r"|\((?P<paren>\d{1,2})\)",
            r"|\((?P<proman>[ivx]{1,5})\)",
            r"|(?P<md>\#{1,6})",
            r"|(?P<bullet>[-–—•+*]))(?:\s+|$)"
        ))
        .expect("marker pattern is valid")
    })
}

fn roman_value(s: &str) -> Option<u32> {
    let mut total = 0i32;
    let mut prev = 0i32;
    for c in s.chars().rev() {
        let v = match c.to_ascii_uppercase() {
            'I' => 1,
            'V' => 5,
            'X' => 10,
            _ => return None,
        };
        if v < prev {
            total -= v;
        } else {
            total += v;
            prev = v;
        }
    }
    (1..=39).contains(&total).then_some(total as u32)
}

/// The marker at the start of a line: its kind, its label and its length in bytes
/// (with the spaces after it).
pub fn marker(line: &str) -> Option<(Marker, String, usize)> {
    let c = marker_re().captures(line)?;
    let len = c.get(0)?.end();
    if let Some(m) = c.name("article") {
        return Some((Marker::Article, m.as_str().to_string(), len));
    }
    if let Some(m) = c.name("roman") {
        roman_value(m.as_str())?;
        return Some((Marker::Roman, m.as_str().to_string(), len));
    }
    if let Some(m) = c.name("arabic") {
        return Some((Marker::Arabic, m.as_str().to_string(), len));
    }
    if let Some(m) = c.name("letter") {
        return Some((Marker::Letter, m.as_str().to_string(), len));
    }
    if let Some(m) = c.name("paren") {
        return Some((Marker::Paren, format!("({})", m.as_str()), len));
    }
    if let Some(m) = c.name("proman") {
        roman_value(m.as_str())?;
        return Some((Marker::ParenRoman, format!("({})", m.as_str()), len));
    }
    if let Some(m) = c.name("md") {
        return Some((Marker::Heading(m.as_str().len() as u8), String::new(), len));
    }
    c.name("bullet")?;
    Some((Marker::Bullet, String::new(), len))
}

/// Inline items "(1) …; (2) …" in `text`: (label, start, end) relative to `text`,
/// each starting at its marker. Only a run numbered 1, 2, 3 … where each marker
/// opens the text or follows ":", ";" or "." counts, and it needs at least two.
pub fn inline_items(text: &str) -> Vec<(String, usize, usize)> {
    let bytes = text.as_bytes();
    let mut found: Vec<(usize, usize)> = Vec::new(); // (number, byte pos)
    let mut want = 1usize;
    let mut i = 0usize;
    while i < bytes.len() {
        if bytes[i] == b'(' {
            let mut j = i + 1;
            while j < bytes.len() && j < i + 4 && bytes[j].is_ascii_digit() {
                j += 1;
            }
            if j > i + 1 && j < bytes.len() && bytes[j] == b')' {
                let n: usize = text[i + 1..j].parse().unwrap_or(0);
                let before = text[..i].trim_end();
                let opens = before.is_empty()
                    || before.ends_with(':')
                    || before.ends_with(';')
                    || before.ends_with('.')
                    || before.ends_with(',');
                if n == want && opens {
                    found.push((n, i));
                    want += 1;
                }
                i = j + 1;
                continue;
            }
        }
        i += 1;
    }
    if found.len() < 2 {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (k, &(n, pos)) in found.iter().enumerate() {
        let end = found.get(k + 1).map_or(text.len(), |&(_, p)| p);
        out.push((format!("({n})"), pos, end));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers() {
        assert_eq!(marker("III. NHIỆM VỤ").map(|m| m.0), Some(Marker::Roman));
        assert_eq!(marker("5. Nhiệm vụ").map(|m| m.1), Some("5".into()));
        assert_eq!(marker("đ) Bộ Xây dựng").map(|m| m.1), Some("đ".into()));
        assert_eq!(marker("(1) Trước ngày").map(|m| m.1), Some("(1)".into()));
        assert_eq!(
            marker("(ii) Rà soát").map(|m| m.0),
            Some(Marker::ParenRoman)
        );
        assert_eq!(marker("- Triển khai").map(|m| m.0), Some(Marker::Bullet));
        // A converter's markdown headings (KH-STTTT Đắk Nông, 2024).
        assert_eq!(
            marker("## Giải pháp").map(|m| m.0),
            Some(Marker::Heading(2))
        );
        assert_eq!(marker("#hashtag"), None);
        assert_eq!(marker("Ngày 15"), None);
        assert_eq!(marker("1.5 triệu"), None);
        // "1/ Các Cục Thuế rà soát …" (4800/TCT-TTr), but not a fraction.
        assert_eq!(marker("1/ Các Cục Thuế").map(|m| m.1), Some("1".into()));
        assert_eq!(marker("1/2 số tỉnh"), None);
        // "Điều 2. Tổ chức thực hiện" of a decision (3176/QĐ-BYT, 2024).
        assert_eq!(
            marker("Điều 2. Tổ chức thực hiện").map(|m| (m.0, m.1)),
            Some((Marker::Article, "2".into()))
        );
    }

    #[test]
    fn inline_runs() {
        let t = "Bộ X: (1) làm A; (2) làm B (2) không; (3) làm C.";
        let items = inline_items(t);
        assert_eq!(items.len(), 3);
        assert!(t[items[1].1..items[1].2].starts_with("(2) làm B (2) không;"));
        assert!(inline_items("các Luật: (4) Luật Quản lý thuế.").is_empty());
    }
}
