//! The page layout of a printed or converted document, undone: what a PDF-to-text
//! converter (`pdftotext -layout`), an OCR engine or a DOCX/HTML-to-markdown
//! converter leaves around the words is turned into logical lines, one paragraph,
//! heading or table row per line, before the text is normalised.
//!
//! - converter banners ("[Bản trích chữ tự động …]"), page marks ("===== Trang 2
//!   =====", form feeds), page numbers, digital-signature stamps ("Ký bởi: …") and
//!   the footnotes at the foot of a page are dropped;
//! - the two-column letterhead (issuer | national motto, number | place and date)
//!   is split into one line per column, left column first;
//! - markdown pipe rows of the letterhead, the addressees and the signature are split
//!   into one line per cell, their separators and emphasis dropped; pipe rows of a
//!   task table stay rows ("| 1 | Nhiệm vụ … | Bộ Y tế | 2025 |");
//! - tables laid out with spaces (columns from positions) become pipe rows
//!   (`layout_table`);
//! - hard-wrapped paragraphs are joined again: a line continues the one before it
//!   unless it opens an item, is indented as a paragraph start, follows a blank
//!   line, or the line before it ended short.
//!
//! Every step looks at the document's shape, never at its wording beyond the
//! genre's fixed furniture (page marks, stamps, "Kính gửi", "Nơi nhận").

use std::borrow::Cow;
use std::sync::OnceLock;

use regex::Regex;

use crate::layout_table;
use crate::structure::marker;

/// One physical line, with what the page around it says about it.
#[derive(Debug, Clone)]
pub(crate) struct Line {
    /// The line's characters, tabs expanded, without its line end.
    pub text: String,
    /// A page break (form feed or a converter's page mark) stands before it.
    pub page_break: bool,
}

impl Line {
    pub fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }
    /// Leading spaces.
    pub fn indent(&self) -> usize {
        self.text.chars().take_while(|c| *c == ' ').count()
    }
    /// Column just after the last character.
    pub fn end_col(&self) -> usize {
        self.text.trim_end().chars().count()
    }
}

struct Re {
    page_mark: Regex,
    page_number: Regex,
    stamp: Regex,
    footnote: Regex,
    separator: Regex,
}

fn re() -> &'static Re {
    static R: OnceLock<Re> = OnceLock::new();
    R.get_or_init(|| Re {
        // "===== Trang 2 =====", "--- PAGE BREAK ---", "-- Page 3 --", "[Trang 2]".
        page_mark: Regex::new(
            r"(?i)^\s*(?:[=\-]{2,}\s*(?:trang|page)(?:\s+\d+)?\s*[=\-]{2,}|[=\-]{2,}\s*page\s+break\s*[=\-]{2,}|\[\s*(?:trang|page)\s+\d+\s*\]|<!--\s*page(?:\s+\d+)?\s*-->)\s*$",
        )
        .expect("valid"),
        page_number: Regex::new(r"^\s*(?:[-–]\s*)?(?:(?i:trang)\s+)?\d{1,3}(?:\s*[-–])?\s*$")
            .expect("valid"),
        // "Ký bởi:", "Cơ quan:", "Thời gian ký:", also with their first letters lost
        // to OCR ("ý bởi:", "hời gian ký:").
        stamp: Regex::new(r"^\s*\S{0,4}\s*(?i:ký bởi|ý bởi|bởi|cơ quan|ơ quan|thời gian ký|hời gian ký|gian ký|email)\s*:").expect("valid"),
        footnote: Regex::new(r"^\s{0,12}(\d{1,2})\s+\p{Lu}").expect("valid"),
        separator: Regex::new(r"^\s*\|?(?:\s*:?-{3,}:?\s*\|)+\s*(?::?-{3,}:?)?\s*$")
            .expect("valid"),
    })
}

/// The document's text as logical lines (see the module documentation). Text that
/// shows none of the above comes back unchanged.
pub fn prepare(text: &str) -> Cow<'_, str> {
    let needs_work = text.contains('\u{c}')
        || text.contains('|')
        || text.contains("  ")
        || text.contains('\t')
        || text.trim_start().starts_with('[')
        || text.contains("=====")
        || text.contains("--")
        || text.contains('[')
        || text.contains("Kính gửi")
        || has_cut_dash(text);
    if !needs_work {
        return Cow::Borrowed(text);
    }
    let mut lines = split_lines(text);
    drop_front_matter(&mut lines);
    drop_banner(&mut lines);
    drop_site_preamble(&mut lines);
    drop_page_furniture(&mut lines);
    drop_stamp(&mut lines);
    drop_footnotes(&mut lines);
    let mut lines = markdown(lines);
    lines = markdown_headings(lines);
    strip_running_heads(&mut lines);
    split_inline_addressees(&mut lines);
    lines = attach_lone_markers(lines);
    lines = join_cut_dashes(lines);
    lines = layout_table::convert(lines);
    lines = split_letterhead(lines);
    let lines = reflow(lines);
    let mut out = String::with_capacity(text.len());
    for l in &lines {
        out.push_str(&l.text);
        out.push('\n');
    }
    Cow::Owned(out)
}

fn split_lines(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut page_break = false;
    for raw in text.split('\n') {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let mut s = String::with_capacity(raw.len());
        let mut col = 0usize;
        for c in raw.chars() {
            match c {
                '\u{c}' => page_break = true,
                '\t' => {
                    let next = (col / 8 + 1) * 8;
                    while col < next {
                        s.push(' ');
                        col += 1;
                    }
                }
                '\u{a0}' => {
                    s.push(' ');
                    col += 1;
                }
                _ => {
                    s.push(c);
                    col += 1;
                }
            }
        }
        if re().page_mark.is_match(&s) {
            page_break = true;
            continue;
        }
        let blank = s.trim().is_empty();
        out.push(Line {
            text: s,
            page_break,
        });
        if !blank {
            page_break = false;
        }
    }
    // A trailing empty piece after the last newline is not a line.
    if out
        .last()
        .is_some_and(|l| l.text.is_empty() && !l.page_break)
    {
        out.pop();
    }
    out
}

/// "[Bản trích chữ tự động …]", "[OCR] […]": a converter's note on the first line.
/// A legal-text site's page saved whole: its menus, notices and metadata table
/// ("Số hiệu:", "Loại văn bản:", "Nơi ban hành:", "Ngày ban hành:") stand before the
/// document's own letterhead. When the national motto comes after such metadata, what
/// stands before the letterhead (the issuer's lines just above the motto) is dropped,
/// so that the header is read from the document itself.
fn drop_site_preamble(lines: &mut Vec<Line>) {
    const META: [&str; 5] = [
        "số hiệu",
        "loại văn bản",
        "nơi ban hành",
        "ngày ban hành",
        "người ký",
    ];
    let plain = |l: &Line| {
        l.text
            .trim()
            .trim_matches(|c: char| c == '*' || c == '#' || c == '|' || c.is_whitespace())
            .to_lowercase()
    };
    let Some(motto) = lines.iter().take(200).position(|l| {
        let f = tiendo_core::text::fold(&l.text);
        f.contains("cong hoa xa hoi") || f.contains("doc lap tu do")
    }) else {
        return;
    };
    let metadata = lines[..motto]
        .iter()
        .filter(|l| META.iter().any(|m| plain(l).starts_with(m)))
        .count();
    if motto < 12 || metadata < 2 {
        return;
    }
    // The letterhead's issuer column stands just above the motto: short lines in
    // capitals, rules ("-----") and empty cells.
    let mut start = motto;
    while start > 0 {
        let t = plain(&lines[start - 1]);
        let raw = lines[start - 1].text.trim();
        let issuer_line = !t.is_empty()
            && t.chars().count() < 60
            && raw
                .chars()
                .filter(|c| c.is_alphabetic())
                .all(|c| !c.is_lowercase())
            && !META.iter().any(|m| t.starts_with(m));
        if t.is_empty() || issuer_line {
            start -= 1;
        } else {
            break;
        }
    }
    lines.drain(..start);
}

fn drop_banner(lines: &mut Vec<Line>) {
    let Some(first) = lines.iter().position(|l| !l.is_blank()) else {
        return;
    };
    let t = lines[first].text.trim();
    if first < 3 && t.starts_with('[') && t.ends_with(']') && t.chars().count() > 12 {
        lines.drain(..=first);
    }
}

/// A markdown file's front matter ("--- title: … ---" or "---" lines around
/// "key: value" lines) before the document.
fn drop_front_matter(lines: &mut Vec<Line>) {
    let Some(first) = lines.iter().position(|l| !l.is_blank()) else {
        return;
    };
    let t = lines[first].text.trim();
    if !t.starts_with("---") {
        return;
    }
    let inline = t.len() > 3 && t.contains("title:");
    let close = if inline {
        // "--- title: … original_format: "pdf"" then "---".
        lines[first + 1..]
            .iter()
            .position(|l| l.text.trim() == "---")
            .map(|k| first + 1 + k)
    } else if t == "---" {
        lines[first + 1..]
            .iter()
            .take(40)
            .position(|l| l.text.trim() == "---")
            .map(|k| first + 1 + k)
            .filter(|&end| {
                lines[first + 1..end]
                    .iter()
                    .all(|l| l.is_blank() || l.text.contains(':'))
            })
    } else {
        None
    };
    if let Some(end) = close {
        lines.drain(..=end);
    }
}

/// Page numbers: a number alone on its line, centred, or first or last on a page.
fn drop_page_furniture(lines: &mut Vec<Line>) {
    let n = lines.len();
    let mut drop = vec![false; n];
    for i in 0..n {
        let l = &lines[i];
        if l.is_blank() || !re().page_number.is_match(&l.text) {
            continue;
        }
        let centred = l.indent() >= 12;
        let first_on_page = l.page_break;
        let last_on_page = lines[i + 1..]
            .iter()
            .find(|x| !x.is_blank())
            .is_some_and(|x| x.page_break);
        if centred || first_on_page || last_on_page {
            drop[i] = true;
            if first_on_page {
                // The page break belongs to the next line now.
                if let Some(next) = lines[i + 1..].iter().position(|x| !x.is_blank()) {
                    lines[i + 1 + next].page_break = true;
                }
            }
        }
    }
    let mut k = 0;
    lines.retain(|_| {
        k += 1;
        !drop[k - 1]
    });
    // Blank lines around a page break are the page's margin, not a paragraph break:
    // the text that goes on across the page joins up again in `reflow`.
    let mut i = 0;
    while i < lines.len() {
        if lines[i].page_break && !lines[i].is_blank() {
            let mut j = i;
            while j > 0 && lines[j - 1].is_blank() {
                j -= 1;
            }
            if j < i {
                lines.drain(j..i);
                i = j;
            }
        }
        i += 1;
    }
}

/// The digital-signature stamp printed on the first page ("Ký bởi: Bộ Công
/// Thương", "Cơ quan: …", "Thời gian ký: 02.04.2026 14:24:26 +07:00").
fn drop_stamp(lines: &mut Vec<Line>) {
    let head = lines.len().min(15);
    let signed = lines[..head]
        .iter()
        .any(|l| l.text.contains("bởi:") || l.text.contains("gian ký"));
    if !signed {
        return;
    }
    let mut k = 0;
    lines.retain(|l| {
        k += 1;
        !(k <= head && re().stamp.is_match(&l.text))
    });
}

/// Footnotes at the foot of a page: a blank line, then "1 Các quy định của …" up to
/// the page break, when the page's text carries the same number glued to a word
/// ("khoáng sản1.").
fn drop_footnotes(lines: &mut Vec<Line>) {
    let mut drop = vec![false; lines.len()];
    let mut page_start = 0usize;
    let ends: Vec<usize> = (1..=lines.len())
        .filter(|&i| i == lines.len() || lines[i].page_break)
        .collect();
    for end in ends {
        // A footnote ends a page that another page follows.
        if end == lines.len() {
            break;
        }
        let page = page_start..end;
        page_start = end;
        let lo = page.end.saturating_sub(20).max(page.start + 1);
        for f in lo..page.end {
            let Some(c) = re().footnote.captures(&lines[f].text) else {
                continue;
            };
            if !lines[f - 1].is_blank() {
                continue;
            }
            let num = &c[1];
            let cited = lines[page.start..f]
                .iter()
                .any(|l| glued_number(&l.text, num));
            if cited {
                for d in drop.iter_mut().take(page.end).skip(f - 1) {
                    *d = true;
                }
                break;
            }
        }
    }
    let mut k = 0;
    lines.retain(|_| {
        k += 1;
        !drop[k - 1]
    });
}

/// Whether `num` follows a letter or closing mark directly in `text` ("sản1.").
fn glued_number(text: &str, num: &str) -> bool {
    let mut from = 0;
    while let Some(p) = text[from..].find(num) {
        let at = from + p;
        let before = text[..at].chars().next_back();
        let after = text[at + num.len()..].chars().next();
        if before.is_some_and(|c| c.is_alphabetic() || c == ')' || c == '”')
            && !after.is_some_and(|c| c.is_ascii_digit() || c.is_alphabetic())
        {
            return true;
        }
        from = at + num.len();
    }
    false
}

/// A web page's running head repeated at the start of lines ("Quyết định 435/QĐ-UBND
/// năm 2020. Điều 1.", "… CHƯƠNG TRÌNH HÀNH ĐỘNG. II. NỘI DUNG"): the first line's
/// title up to its first ". ", when at least two other lines start with it.
fn strip_running_heads(lines: &mut [Line]) {
    let Some(first) = lines.iter().position(|l| !l.is_blank()) else {
        return;
    };
    let t = lines[first].text.trim_start().to_string();
    let Some(p) = t.find(". ") else {
        return;
    };
    let head = &t[..p + 2];
    if head.chars().count() > 100 || head.chars().count() < 8 {
        return;
    }
    let repeats = lines[first + 1..]
        .iter()
        .filter(|l| l.text.trim_start().starts_with(head))
        .count();
    if repeats < 2 {
        return;
    }
    for l in lines.iter_mut() {
        let lead = l.text.len() - l.text.trim_start().len();
        if l.text[lead..].starts_with(head) {
            l.text = l.text[lead + head.len()..].to_string();
            // "CHƯƠNG TRÌNH HÀNH ĐỘNG. II. NỘI DUNG": the page's title before a
            // heading is the running head too.
            if let Some(q) = l.text.find(". ")
                && q < 80
                && l.text[..q]
                    .chars()
                    .filter(|c| c.is_alphabetic())
                    .all(|c| !c.is_lowercase())
                && marker(l.text[q + 2..].trim_start()).is_some()
            {
                l.text = l.text[q + 2..].to_string();
            }
        }
    }
}

/// "Hà Nội, ngày 29 tháng 12 năm 2014 Kính gửi: …" on one line (a page flattened
/// by a crawler): the addressees start a line of their own, and so does each of a
/// dashed list run into it ("Kính gửi: - Ủy ban nhân dân tỉnh, - Các sở …").
fn split_inline_addressees(lines: &mut Vec<Line>) {
    let mut i = 0;
    while i < lines.len().min(80) {
        if let Some(p) = lines[i].text.find(" Kính gửi") {
            let before = lines[i].text[..p].trim_end().to_string();
            if !before.trim().is_empty() {
                let after = lines[i].text[p + 1..].to_string();
                lines[i].text = before;
                lines.insert(
                    i + 1,
                    Line {
                        text: after,
                        page_break: false,
                    },
                );
                i += 1;
            }
        }
        if lines[i].text.trim_start().starts_with("Kính gửi") {
            let parts = split_dashed_run(&lines[i].text);
            if parts.len() > 1 {
                let rest: Vec<Line> = parts[1..]
                    .iter()
                    .map(|t| Line {
                        text: t.clone(),
                        page_break: false,
                    })
                    .collect();
                lines[i].text = parts[0].clone();
                let n = rest.len();
                lines.splice(i + 1..i + 1, rest);
                i += n;
            }
        }
        i += 1;
    }
}

/// "Kính gửi: - A, - B; - C" cut before each " - " that opens a capitalised name.
fn split_dashed_run(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut start = 0;
    for (p, _) in text.match_indices(" - ") {
        if text[p + 3..].chars().next().is_some_and(char::is_uppercase) && p > start {
            parts.push(text[start..p].trim().to_string());
            start = p + 1;
        }
    }
    parts.push(text[start..].trim().to_string());
    parts.retain(|p| !p.is_empty());
    parts
}

fn dotted_marker() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"(?:^|\s)(\d{1,2}(?:\.\d{1,2}){1,2}\.)\s*$").expect("valid"))
}

/// Item numbers cut from their item: "1.4." alone on a line, or "… tiến bộ 1.1." at
/// the end of the line before (a flattened web page). They go to the start of the
/// text they number.
fn attach_lone_markers(lines: Vec<Line>) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::with_capacity(lines.len());
    let mut carry: Option<String> = None;
    for mut l in lines {
        if let Some(m) = carry.take() {
            if l.is_blank() {
                carry = Some(m);
                out.push(l);
                continue;
            }
            let lead = l.text.len() - l.text.trim_start().len();
            l.text = format!("{}{m} {}", &l.text[..lead], l.text[lead..].trim_start());
        }
        let t = l.text.trim_end();
        if let Some(c) = dotted_marker().captures(t)
            && let Some(m) = c.get(1)
        {
            let rest = t[..m.start()].trim_end();
            carry = Some(m.as_str().to_string());
            if rest.is_empty() {
                continue;
            }
            l.text = rest.to_string();
        }
        out.push(l);
    }
    if let Some(m) = carry {
        out.push(Line {
            text: m,
            page_break: false,
        });
    }
    out
}

/// Whether some line opens with "- " and a lower-case word (see `join_cut_dashes`).
fn has_cut_dash(text: &str) -> bool {
    text.match_indices("\n- ")
        .any(|(i, _)| starts_lower(&text[i + 3..]))
}

/// A line broken at the dash of "kinh tế - xã hội" (a PDF's wrapping, a crawler's
/// line breaks) looks like a dash item "- xã hội …". It is not one when the line
/// before ends mid-phrase (no ".", ":", ";", "!", "?" or ",") and is not itself a
/// lower-case dash item (a list whose items are all lower case and unpunctuated):
/// it goes back on that line.
fn join_cut_dashes(lines: Vec<Line>) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::with_capacity(lines.len());
    for l in lines {
        let t = l.text.trim_start();
        let cut = t.strip_prefix("- ").is_some_and(starts_lower)
            && out.last().is_some_and(|p: &Line| {
                let pt = p.text.trim();
                !p.is_blank()
                    && !pt.starts_with('|')
                    && !pt.ends_with(['.', ':', ';', '!', '?', ','])
                    && !pt.strip_prefix("- ").is_some_and(starts_lower)
                    && pt.chars().last().is_some_and(char::is_alphanumeric)
            });
        if cut && let Some(prev) = out.last_mut() {
            let joined = format!("{} {}", prev.text.trim_end(), t);
            prev.text = joined;
            continue;
        }
        out.push(l);
    }
    out
}

/// Cells of a row written with pipes, with or without the outer ones.
pub(crate) fn pipe_cells(line: &str) -> Option<Vec<String>> {
    let t = line.trim();
    let outer = t.starts_with('|') && t.ends_with('|') && t.len() > 1;
    if !outer && !t.contains(" | ") {
        return None;
    }
    let inner = if outer { &t[1..t.len() - 1] } else { t };
    Some(inner.split('|').map(|c| c.trim().to_string()).collect())
}

/// Words that mark a pipe row as letterhead, addressees or signature, not a table
/// of tasks.
fn is_furniture_row(cells: &[String]) -> bool {
    const MARKS: [&str; 12] = [
        "Số:",
        "Kính gửi",
        "CỘNG HÒA",
        "CỘNG HOÀ",
        "Độc lập",
        "Nơi nhận",
        "KT.",
        "TM.",
        "T/M",
        "V/v",
        "ĐẢNG CỘNG SẢN",
        "CHỦ TỊCH",
    ];
    cells.iter().any(|c| MARKS.iter().any(|m| c.contains(m)))
}

/// The runs of "*" in `chars`: (start, end, opens, closes). A run opens before a
/// word (after the line's start, a space, "|" or "(") and closes after one.
fn emphasis_runs(chars: &[char]) -> Vec<(usize, usize, bool, bool)> {
    let mut runs = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '*' {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < chars.len() && chars[j] == '*' {
            j += 1;
        }
        let before = if i == 0 { None } else { Some(chars[i - 1]) };
        let after = chars.get(j).copied();
        let opens = before.is_none_or(|c| c.is_whitespace() || c == '|' || c == '(')
            && after.is_some_and(|c| !c.is_whitespace());
        let closes = before.is_some_and(|c| !c.is_whitespace())
            && after.is_none_or(|c| !c.is_alphanumeric());
        runs.push((i, j, opens, closes));
        i = j;
    }
    runs
}

/// Emphasis runs a line opens less those it closes.
fn emphasis_balance(s: &str) -> i32 {
    if !s.contains('*') {
        return 0;
    }
    let chars: Vec<char> = s.chars().collect();
    emphasis_runs(&chars)
        .into_iter()
        .map(|(_, _, opens, closes)| match (opens, closes) {
            (true, _) => 1,
            (false, true) => -1,
            _ => 0,
        })
        .sum()
}

/// Markdown emphasis marks around words ("*Nơi nhận:*", "**1. Bộ Y tế**").
fn strip_emphasis(s: &str) -> String {
    if !s.contains('*') {
        return s.to_string();
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut from = 0;
    for (i, j, opens, closes) in emphasis_runs(&chars) {
        out.extend(&chars[from..i]);
        if !(opens || closes) {
            out.extend(&chars[i..j]);
        }
        from = j;
    }
    out.extend(&chars[from..]);
    out
}

/// Markdown headings of a converter ("## Giải pháp"): emphasis dropped; a
/// heading that opens with the document's own number ("## **5. PHỤ LỤC**", "# I.
/// MỤC TIÊU") loses its "#", the number being the structure; a heading that goes
/// on in lower case on the next heading line ("## Tổ chức … đo kiểm chất lượng
/// mạng" / "### và dịch vụ viễn thông") is one heading.
fn markdown_headings(lines: Vec<Line>) -> Vec<Line> {
    let level = |t: &str| {
        let n = t.chars().take_while(|c| *c == '#').count();
        (1..=6).contains(&n) && t[n..].starts_with(' ')
    };
    if !lines.iter().any(|l| level(l.text.trim_start())) {
        return lines;
    }
    let mut out: Vec<Line> = Vec::with_capacity(lines.len());
    let mut last_heading = false;
    for l in lines {
        let t = l.text.trim_start();
        if !level(t) {
            last_heading = last_heading && l.text.trim().is_empty();
            out.push(l);
            continue;
        }
        let hashes = t.chars().take_while(|c| *c == '#').count();
        let body = strip_emphasis(t[hashes..].trim());
        if body.is_empty() {
            continue;
        }
        if last_heading && starts_lower(&body) {
            // The converter broke one heading over two heading lines.
            if let Some(prev) = out.iter_mut().rev().find(|p| !p.text.trim().is_empty()) {
                prev.text = format!("{} {body}", prev.text.trim_end());
                continue;
            }
        }
        let text = if marker(&body).is_some() {
            body
        } else {
            format!("{} {body}", "#".repeat(hashes))
        };
        out.push(Line {
            text,
            page_break: l.page_break,
        });
        last_heading = true;
    }
    out
}

/// Pipe rows: separators dropped, letterhead rows split into one line per cell
/// (a cell "- Bộ Tài chính; - Bộ Tài nguyên và Môi trường." stays one line), task
/// table rows kept as rows with single spaces.
fn markdown(lines: Vec<Line>) -> Vec<Line> {
    if !lines.iter().any(|l| l.text.contains('|')) {
        return lines;
    }
    let mut out: Vec<Line> = Vec::with_capacity(lines.len());
    let mut open_emphasis = 0i32;
    for l in lines {
        if re().separator.is_match(&l.text) {
            continue;
        }
        if !l.is_blank() && l.text.trim().chars().all(|c| c == '|' || c.is_whitespace()) {
            // The empty cells of a web page's layout table, one a line.
            continue;
        }
        let Some(cells) = pipe_cells(&l.text) else {
            let text = strip_emphasis(&l.text);
            if open_emphasis > 0
                && !l.is_blank()
                && let Some(last) = out.last_mut()
            {
                // "*Theo đề nghị của Giám đốc" / "Sở Công Thương tại Tờ trình …*": an
                // emphasis still open goes on with its paragraph on this line.
                join_into(&mut last.text, text.trim());
            } else {
                out.push(Line {
                    text,
                    page_break: l.page_break,
                });
            }
            // A sentence that ends closes the paragraph whatever the marks say (an
            // emphasis closed after a space, "…; *", is not seen as closed).
            let ended = l
                .text
                .trim_end_matches(|c: char| c == '*' || c.is_whitespace())
                .ends_with(['.', ';', ':', '!', '?']);
            open_emphasis = if l.is_blank() || ended {
                0
            } else {
                (open_emphasis + emphasis_balance(&l.text)).clamp(0, 1)
            };
            continue;
        };
        open_emphasis = 0;
        let cells: Vec<String> = cells.iter().map(|c| strip_emphasis(c)).collect();
        if is_furniture_row(&cells) || cells.iter().filter(|c| !c.is_empty()).count() < 2 {
            let mut first = true;
            for c in cells.into_iter().filter(|c| !c.is_empty()) {
                out.push(Line {
                    text: c,
                    page_break: l.page_break && first,
                });
                first = false;
            }
        } else {
            out.push(Line {
                text: format!("| {} |", cells.join(" | ")),
                page_break: l.page_break,
            });
        }
    }
    out
}

/// Fragments of a line separated by runs of at least `gap` spaces: (start column,
/// text).
pub(crate) fn fragments(text: &str, gap: usize) -> Vec<(usize, String)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        while i < chars.len() && chars[i] == ' ' {
            i += 1;
        }
        if i >= chars.len() {
            break;
        }
        let start = i;
        let mut end = i;
        let mut spaces = 0;
        while i < chars.len() {
            if chars[i] == ' ' {
                spaces += 1;
                if spaces >= gap {
                    break;
                }
            } else {
                spaces = 0;
                end = i + 1;
            }
            i += 1;
        }
        out.push((start, chars[start..end].iter().collect()));
    }
    out
}

/// A line of running text: long, one fragment (no column gap).
fn is_prose(l: &Line) -> bool {
    let t = l.text.trim();
    t.chars().count() >= 55 && fragments(&l.text, 3).len() == 1
}

/// The letterhead of a printed document sets two columns side by side (issuer and
/// number on the left, national motto, place and date on the right). Each block of
/// such lines becomes its left column's lines, then its right column's.
fn split_letterhead(lines: Vec<Line>) -> Vec<Line> {
    // The letterhead ends where running text begins.
    let end = lines
        .iter()
        .take(60)
        .position(|l| is_prose(l) || l.text.trim_start().starts_with('|'))
        .unwrap_or(lines.len().min(60));
    // Columns of a letterhead stand far apart; a double space in a sentence is not
    // a column gap, and one such line is not a letterhead.
    let two_col = |l: &Line| fragments(&l.text, 4).len() >= 2;
    if lines[..end].iter().filter(|l| two_col(l)).count() < 2 {
        return lines;
    }
    let mut out = Vec::with_capacity(lines.len() + 8);
    let mut i = 0;
    while i < end {
        if !two_col(&lines[i]) {
            out.push(trimmed(&lines[i]));
            i += 1;
            continue;
        }
        // A block: two-column lines and the single lines between them.
        let mut j = i;
        let mut last_two = i;
        while j < end && (two_col(&lines[j]) || (j < last_two + 3 && !is_kinh_gui(&lines[j]))) {
            if two_col(&lines[j]) {
                last_two = j;
            }
            j += 1;
        }
        let block = &lines[i..=last_two];
        // The split column: the start of the right fragments, as far left as any.
        let split = block
            .iter()
            .filter_map(|l| {
                let f = fragments(&l.text, 4);
                (f.len() >= 2).then(|| f[f.len() - 1].0)
            })
            .min()
            .unwrap_or(40);
        let mut left = Vec::new();
        let mut right = Vec::new();
        for l in block {
            for (col, frag) in fragments(&l.text, 4) {
                if frag.trim().is_empty() {
                    continue;
                }
                let line = Line {
                    text: frag,
                    page_break: false,
                };
                if col + 2 >= split {
                    right.push(line);
                } else {
                    left.push(line);
                }
            }
        }
        out.extend(left);
        out.extend(right);
        i = last_two + 1;
    }
    out.extend(lines.into_iter().skip(end));
    out
}

fn is_kinh_gui(l: &Line) -> bool {
    l.text.trim_start().starts_with("Kính gửi")
}

fn trimmed(l: &Line) -> Line {
    Line {
        text: l.text.trim().to_string(),
        page_break: l.page_break,
    }
}

/// What goes on after "điện thoại:", "địa chỉ:" on the next line rather than
/// opening a paragraph: a number that is not an item's ("0912 200 895"), an
/// e-mail or web address.
fn filler_after_colon(t: &str) -> bool {
    let first = t.split_whitespace().next().unwrap_or("");
    let digits = first.chars().take_while(char::is_ascii_digit).count();
    let number = digits > 0 && marker(t).is_none() && !first[digits..].starts_with(['.', ')', '/']);
    number || first.contains('@') || first.starts_with("http") || first.starts_with("www.")
}

fn starts_lower(s: &str) -> bool {
    s.trim_start()
        .chars()
        .next()
        .is_some_and(char::is_lowercase)
}

/// Whether the text is hard-wrapped: lines that end short of a paragraph's end and
/// go on, in lower case, on the next line.
fn hard_wrapped(lines: &[Line]) -> bool {
    let mut long = 0usize;
    let mut continued = 0usize;
    for w in lines.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        if a.is_blank() || b.is_blank() || a.text.trim_start().starts_with('|') {
            continue;
        }
        let t = a.text.trim_end();
        if t.chars().count() < 30 || t.chars().count() > 160 {
            continue;
        }
        long += 1;
        if starts_lower(&b.text) && marker(b.text.trim()).is_none() {
            continued += 1;
        }
    }
    long >= 4 && continued * 5 >= long
}

/// Joins the lines of hard-wrapped paragraphs (see the module documentation).
fn reflow(lines: Vec<Line>) -> Vec<Line> {
    if !hard_wrapped(&lines) {
        return lines.into_iter().map(|l| trimmed(&l)).collect();
    }
    // The body's left margin and its usual right edge.
    let mut indents: Vec<usize> = Vec::new();
    let mut ends: Vec<usize> = Vec::new();
    for l in &lines {
        if l.is_blank() || l.text.trim_start().starts_with('|') {
            continue;
        }
        indents.push(l.indent());
        ends.push(l.end_col());
    }
    let margin = mode(&indents).unwrap_or(0);
    ends.sort_unstable();
    let width = ends.get(ends.len() * 9 / 10).copied().unwrap_or(80).max(40);
    let mut out: Vec<Line> = Vec::with_capacity(lines.len());
    let mut open = false; // the last output line may be continued
    let mut prev_end = 0usize;
    let mut prev_indent = 0usize;
    for l in lines {
        if l.is_blank() {
            open = false;
            continue;
        }
        let t = l.text.trim();
        let table_row = t.starts_with('|');
        let starts_item = marker(t).is_some();
        let indented = l.indent() > margin + 2 && l.indent() > prev_indent.min(margin + 2);
        let last_text = out.last().map(|x| x.text.as_str()).unwrap_or("");
        // Justified text set in a proportional font ends its lines at varying
        // columns; only a line well short of the measure ends a paragraph.
        let ended_short = prev_end * 10 < width * 7;
        let after_colon = last_text.ends_with(':') && !starts_lower(t) && !filler_after_colon(t);
        let after_sentence = (last_text.ends_with('.') || last_text.ends_with(';'))
            && !starts_lower(t)
            && (ended_short || indented);
        // A line that opens in lower case goes on with the sentence before it;
        // one in capitals does unless a paragraph or sentence plainly ended.
        // "./." ends the body; "Nơi nhận:" opens the recipients.
        let body_ends = last_text.ends_with("./.") || t.starts_with("Nơi nhận");
        // "Điều 2. Sở" / "Công Thương có trách nhiệm …": an item cut after its first
        // word (a crawler's line breaks) goes on, however short its line.
        let stub = marker(last_text).is_some_and(|(_, _, len)| {
            let rest = last_text[len..].trim();
            !rest.is_empty() && !rest.contains(' ') && rest.chars().all(char::is_alphabetic)
        });
        let continues = open
            && !table_row
            && !starts_item
            && !body_ends
            && (starts_lower(t)
                || stub
                || !(indented || ended_short || after_colon || after_sentence));
        if continues && let Some(last) = out.last_mut() {
            join_into(&mut last.text, t);
        } else {
            out.push(Line {
                text: t.to_string(),
                page_break: l.page_break,
            });
        }
        open = !table_row;
        prev_end = l.end_col();
        prev_indent = l.indent();
    }
    out
}

/// Appends a wrapped line: a word cut at a hyphen ("NĐ-" + "CP") joins without a
/// space.
fn join_into(last: &mut String, next: &str) {
    let cut = last.ends_with('-')
        && last
            .chars()
            .rev()
            .nth(1)
            .is_some_and(|c| c.is_alphanumeric())
        && next.chars().next().is_some_and(|c| c.is_alphanumeric());
    if !cut {
        last.push(' ');
    }
    last.push_str(next);
}

fn mode(v: &[usize]) -> Option<usize> {
    let mut counts = std::collections::HashMap::new();
    for &x in v {
        *counts.entry(x).or_insert(0usize) += 1;
    }
    counts
        .into_iter()
        .max_by_key(|&(x, n)| (n, std::cmp::Reverse(x)))
        .map(|(x, _)| x)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The head of a letter of the People's Committee of Lào Cai as `pdftotext
    /// -layout` gives it (5973/UBND-KT, 11/6/2026).
    const LAYOUT_LETTER: &str = "   ỦY BAN NHÂN DÂN                             CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM
     TỈNH LÀO CAI                                         Độc lập - Tự do - Hạnh phúc

     Số: 5973 /UBND-KT                                Lào Cai, ngày 11 tháng 6 năm 2026
V/v tăng cường công tác quản
 lý, thanh tra, kiểm tra hoạt
động khoáng sản trên địa bàn
         tỉnh Lào Cai

                       Kính gửi:
                                       - Các Sở, ban, ngành thuộc UBND tỉnh;
                                       - Công an tỉnh;

     Thực hiện Văn bản số 4250/BNNMT-ĐCKS ngày 29/4/2026 của Bộ
Nông nghiệp và Môi trường về việc tăng cường thanh tra, kiểm tra hoạt động
khoáng sản trên địa bàn và Văn bản số 4643/VPCP-CN ngày 20/5/2026 của Văn
phòng Chính phủ về việc tăng cường công tác quản lý khai thác khoáng sản.
      Để nâng cao hiệu lực, hiệu quả công tác quản lý nhà nước về khoáng sản
và tăng cường công tác thanh tra, kiểm tra hoạt động khoáng sản trên địa bàn,
Chủ tịch Ủy ban nhân dân tỉnh yêu cầu:
        1. Trách nhiệm chung của các cơ quan, đơn vị
      - Lãnh đạo, chỉ đạo tập trung thực hiện nghiêm các quy định của pháp luật
trong công tác quản lý nhà nước về địa chất, khoáng sản1.
       - Thực hiện thanh tra, kiểm tra có trọng tâm, trọng điểm; tập trung vào các
khu vực có hoạt động khoáng sản phức tạp, khu vực giáp ranh giữa các địa
phương, khu vực thường xuyên xảy ra khai thác trái phép.

   1 Các quy định của Luật Địa chất và Khoáng sản năm 2024 và các văn bản hướng dẫn thi hành; Nghị quyết số 10-

NQ/TW ngày 10/02/2022 của Bộ Chính trị về định hướng chiến lược địa chất
\u{c}                                        2

trái phép; (ii) Khai thác khoáng sản ngoài ranh giới.
";

    #[test]
    fn undoes_a_printed_letter() {
        let out = prepare(LAYOUT_LETTER);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            &lines[..6],
            &[
                "ỦY BAN NHÂN DÂN",
                "TỈNH LÀO CAI",
                "Số: 5973 /UBND-KT",
                "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                "Độc lập - Tự do - Hạnh phúc",
                "Lào Cai, ngày 11 tháng 6 năm 2026",
            ]
        );
        assert_eq!(
            lines[6],
            "V/v tăng cường công tác quản lý, thanh tra, kiểm tra hoạt động khoáng sản trên địa bàn tỉnh Lào Cai"
        );
        assert!(out.contains(
            "Thực hiện Văn bản số 4250/BNNMT-ĐCKS ngày 29/4/2026 của Bộ Nông nghiệp và Môi trường về việc"
        ));
        assert!(
            out.contains(
                "trên địa bàn, Chủ tịch Ủy ban nhân dân tỉnh yêu cầu:\n1. Trách nhiệm chung"
            ),
            "{out}"
        );
        assert!(out.contains("\n- Lãnh đạo, chỉ đạo tập trung thực hiện nghiêm các quy định của pháp luật trong công tác"));
        // The footnote and the page number are gone; the item goes on across the page.
        assert!(!out.contains("Các quy định của Luật Địa chất"), "{out}");
        assert!(!out.contains("\n2\n"));
        assert!(
            out.contains("khai thác trái phép. trái phép; (ii)")
                || out.contains("khai thác trái phép.\ntrái phép; (ii)")
        );
    }

    #[test]
    fn drops_banners_page_marks_and_stamps() {
        let ocr = "[OCR] [Bản trích chữ tự động bằng tesseract tiếng Việt từ bản quét CV-2265.pdf — 3 trang.]\n\n===== Trang 1 =====\ný bởi: Bộ Công Thương,\nơ quan: Bộ Công thương,\nhời gian ký: 02.04.2026 14:24:26 +07:00\n\nBỘ CÔNG THƯƠNG CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\n";
        let out = prepare(ocr);
        assert_eq!(
            out.trim(),
            "BỘ CÔNG THƯƠNG CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"
        );
    }

    #[test]
    fn markdown_headings_broken_in_two_are_one_and_numbered_ones_keep_their_number() {
        // KH-STTTT Đắk Nông (2024), as a PDF-to-markdown converter gives it.
        let lines = |t: &str| {
            markdown_headings(split_lines(t))
                .into_iter()
                .map(|l| l.text)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            lines(
                "## Tổ chức hiệu quả công tác quản lý, giám sát, đo kiểm chất lượng mạng\n\n### và dịch vụ viễn thông\n\n* Đo kiểm chất lượng."
            ),
            [
                "## Tổ chức hiệu quả công tác quản lý, giám sát, đo kiểm chất lượng mạng và dịch vụ viễn thông",
                "",
                "",
                "* Đo kiểm chất lượng."
            ]
        );
        assert_eq!(lines("## **5. PHỤ LỤC**"), ["5. PHỤ LỤC"]);
        assert_eq!(
            lines("# GIẢI PHÁP\n## Sở Y tế"),
            ["# GIẢI PHÁP", "## Sở Y tế"]
        );
    }

    #[test]
    fn splits_markdown_letterheads_and_keeps_task_tables() {
        // 648/VPCP-NN as a DOCX-to-markdown converter gives it.
        let md = "| VĂN PHÒNG CHÍNH PHỦ ------- | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc  --------------- |\n| --- | --- |\n| Số: 648/VPCP-NN *V/v phê duyệt Đề án* | *Hà Nội, ngày 26 tháng 01 năm 2022* |\n| Kính gửi: | - Bộ Tài chính; - Bộ Tài nguyên và Môi trường. |\n| TT | Nhiệm vụ | Cơ quan chủ trì |\n|---|---|---|\n| 1 | Xây dựng **Đề án** | Bộ Tài chính |\n";
        let out = prepare(md);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[2], "Số: 648/VPCP-NN V/v phê duyệt Đề án");
        assert_eq!(lines[3], "Hà Nội, ngày 26 tháng 01 năm 2022");
        assert_eq!(lines[4], "Kính gửi:");
        assert_eq!(lines[5], "- Bộ Tài chính; - Bộ Tài nguyên và Môi trường.");
        assert_eq!(lines[6], "| TT | Nhiệm vụ | Cơ quan chủ trì |");
        assert_eq!(lines[7], "| 1 | Xây dựng Đề án | Bộ Tài chính |");
    }

    #[test]
    fn one_paragraph_per_line_is_left_alone() {
        let t = "Số: 624/TB-VPCP\nHà Nội, ngày 16 tháng 11 năm 2025\nTHÔNG BÁO\n1. Bộ Y tế xây dựng Kế hoạch, hoàn thành trong tháng 12 năm 2025.\n";
        assert!(matches!(prepare(t), Cow::Borrowed(_)));
        let spaced = "Số: 624/TB-VPCP\n1. Bộ Y tế  xây dựng Kế hoạch.\n2. Bộ Công an rà soát.\n";
        assert_eq!(prepare(spaced), spaced);
    }

    #[test]
    fn flattened_web_pages() {
        // 435/QĐ-UBND (Kon Tum, 2020) as a legal-texts site gives it.
        let t = "Quyết định 435/QĐ-UBND năm 2020. ỦY BAN NHÂN DÂN TỈNH KON TUM -------\nQuyết định 435/QĐ-UBND năm 2020. Điều 1.\nBan hành kèm theo Quyết định này.\nQuyết định 435/QĐ-UBND năm 2020. CHƯƠNG TRÌNH HÀNH ĐỘNG. II. NỘI DUNG HOẠT ĐỘNG\n1. Tăng cường sự lãnh đạo của cấp ủy 1.1.\nTổ chức nghiên cứu, tuyên truyền.\n1.2. Nâng cao vai trò.\n1.4.\nXây dựng kế hoạch.\n";
        let out = prepare(t);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[1], "Điều 1.");
        assert_eq!(lines[3], "II. NỘI DUNG HOẠT ĐỘNG");
        assert_eq!(lines[4], "1. Tăng cường sự lãnh đạo của cấp ủy");
        assert_eq!(lines[5], "1.1. Tổ chức nghiên cứu, tuyên truyền.");
        assert_eq!(lines[7], "1.4. Xây dựng kế hoạch.");
        let t = "Số: 19046/BTC-TCHQ\nHà Nội, ngày 29 tháng 12 năm 2014 Kính gửi: Cục Hải quan các tỉnh, thành phố.\n";
        assert!(prepare(t).contains("năm 2014\nKính gửi: Cục Hải quan"));
    }

    #[test]
    fn converters_page_marks() {
        for mark in [
            "===== Trang 2 =====",
            "--- PAGE BREAK ---",
            "-- Page 3 --",
            "[Trang 4]",
        ] {
            let t = format!(
                "Bộ Y tế xây dựng Kế hoạch phát triển hệ thống y tế cơ sở\n{mark}\ntrong năm 2026.\n"
            );
            assert!(!prepare(&t).contains(mark), "{mark}");
        }
    }

    #[test]
    fn joins_codes_cut_at_a_hyphen() {
        let mut s = String::from("Nghị định số 178/2026/NĐ-");
        join_into(&mut s, "CP của Chính phủ");
        assert_eq!(s, "Nghị định số 178/2026/NĐ-CP của Chính phủ");
        let mut s = String::from("Lao động -");
        join_into(&mut s, "Thương binh");
        assert_eq!(s, "Lao động - Thương binh");
    }

    #[test]
    fn a_line_cut_at_the_dash_of_a_compound_is_not_a_dash_item() {
        // "kinh tế - xã hội" broken at its dash by a PDF's wrapping (11/CT-TTg
        // re-wrapped), against a real list whose items are all in lower case.
        let text = "1. Tập trung thực hiện nhiệm vụ phát triển kinh tế\n- xã hội, bảo đảm an sinh.\n2. Các bộ thực hiện:\n- rà soát quy hoạch\n- báo cáo kết quả\n";
        let out = prepare(text);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines,
            [
                "1. Tập trung thực hiện nhiệm vụ phát triển kinh tế - xã hội, bảo đảm an sinh.",
                "2. Các bộ thực hiện:",
                "- rà soát quy hoạch",
                "- báo cáo kết quả",
            ]
        );
    }

    #[test]
    fn a_dashed_addressee_list_run_into_one_line_is_split() {
        let text = "Lào Cai, ngày 07 tháng 9 năm 2026 Kính gửi: - Ủy ban nhân dân tỉnh, - Các chi bộ, đảng bộ cơ sở.\nThực hiện Chương trình hành động số 104-CTr/TU, đề nghị:\n";
        let out = prepare(text);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            &lines[..4],
            [
                "Lào Cai, ngày 07 tháng 9 năm 2026",
                "Kính gửi:",
                "- Ủy ban nhân dân tỉnh,",
                "- Các chi bộ, đảng bộ cơ sở.",
            ]
        );
    }
}
