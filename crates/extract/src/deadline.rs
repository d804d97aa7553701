//! Deadlines written in a clause: "trước ngày 25 tháng 11 năm 2025", "trong tháng
//! 10/2025", "Quý IV/2025", "6 tháng cuối năm", "trong năm 2026", "nhiệm vụ thường
//! xuyên", "cùng thời điểm Luật … có hiệu lực", dates without a year.
//!
//! Every pattern is a `regex` (linear time). Matches that are not deadlines are
//! dropped by context: the date of a cited document ("Nghị quyết số 71/NQ-CP ngày
//! 01 tháng 4 năm 2025"), a start ("từ ngày"), a period naming the work rather than
//! its end ("nhiệm vụ, giải pháp trong 6 tháng cuối năm", "các nhiệm vụ được giao
//! trong năm 2025", "trong năm 2025 và những năm tiếp theo"), and text in quotes (a
//! title: “… đến năm 2030 …”).

use std::sync::OnceLock;

use chrono::NaiveDate;
use regex::Regex;
use tiendo_core::deadline::{Deadline, DeadlineKind};

/// A deadline found in a text: its byte span (relative to the text given) and value.
#[derive(Debug, Clone)]
pub struct Found {
    pub start: usize,
    pub end: usize,
    pub deadline: Deadline,
    /// "thường xuyên" as an adverb ("thường xuyên tổ chức diễn tập"): recurring
    /// only when nothing else in the task gives a deadline.
    pub weak: bool,
}

impl Found {
    pub fn dated(&self) -> bool {
        self.deadline.kind.has_due()
    }
}

struct Patterns {
    /// Dates, months, quarters, halves, years in one alternation.
    main: Regex,
    recurring: Regex,
    event: Regex,
    doc_ref_tail: Regex,
    doc_id_tail: Regex,
    noun_tail: Regex,
    verb_head: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        let main = Regex::new(concat!(
            r"(?i)",
            // d/m/yyyy, d tháng m năm yyyy (optionally after "ngày")
            r"(?P<date>(?:ngày\s+)?(?-u:\b)(?P<d>\d{1,2})\s*(?:tháng\s*|/|-|\.)\s*(?P<m>\d{1,2})\s*(?:năm\s*|/|-|\.)\s*(?P<y>\d{4}))(?-u:\b)",
            // ngày d tháng m / ngày d/m (no year)
            r"|(?P<dateny>ngày\s+(?P<d2>\d{1,2})\s*(?:tháng\s*|/)\s*(?P<m2>\d{1,2}))(?-u:\b)",
            // 6 tháng đầu/cuối năm [yyyy]
            r"|(?P<half>(?:6|sáu)\s+tháng\s+(?P<hw>đầu|cuối)\s+năm(?:\s+(?P<hy>\d{4}))?)",
            // [trong|hết|vào] tháng m[/yyyy | năm yyyy] (a year or a preposition needed)
            r"|(?P<month>(?P<mp>(?:trong|hết|đến hết|cuối|vào)\s+)?tháng\s+(?P<mm>\d{1,2})(?-u:\b)(?:\s*(?:/|năm)\s*(?P<my>\d{4})(?-u:\b))?)",
            // quý I..IV [/yyyy | năm yyyy]
            r"|(?P<quarter>quý\s+(?P<q>IV|III|II|I|[1-4])(?-u:\b)(?:\s*(?:/|năm)\s*(?P<qy>\d{4}))?)",
            // trong năm yyyy, (đến) hết năm yyyy, cuối năm yyyy
            r"|(?P<year>(?:trong|đến hết|hết|đến cuối|cuối|trong cả)\s+năm\s+(?P<yy>\d{4}))(?-u:\b)",
        ))
        .expect("deadline pattern is valid");
        let recurring = Regex::new(r"(?i)(?-u:\b)(?:nhiệm vụ\s+)?thường xuyên(?-u:\b)").expect("valid");
        let event = Regex::new(
            r"(?i)(?:cùng thời điểm|đồng thời với thời điểm|ngay khi|ngay sau khi|kể từ khi)\s+[^.;]{0,160}?có hiệu lực(?:\s+thi hành)?",
        )
        .expect("valid");
        // The end of a cited document's number ("71/NQ-CP", "số 10704/VPCP-KSTT,")
        // or a word that makes the date a start, a signing or an issue date.
        let doc_ref_tail = Regex::new(concat!(
            r"(?i)(?:\d[\w.]*[/-][\w./-]*\w|số\s+\d+\w*|(?-u:\b)(?:từ|kể từ|sau|ký|ban hành|",
            r"nghị quyết|nghị định|thông báo|kết luận|công văn|văn bản|quyết định|chỉ thị|",
            r"kế hoạch|luật|thông tư|hội nghị))\s*,?\s*$"
        ))
        .expect("valid");
        let doc_id_tail =
            Regex::new(r"(?i)(?:\d[\w.]*[/-][\w./-]*\w|số\s+\d+\w*|(?-u:\b)(?:từ|kể từ))\s*,?\s*$")
                .expect("valid");
        // A noun the period belongs to ("nhiệm vụ … trong 6 tháng cuối năm").
        let noun_tail = Regex::new(
            r"(?i)(?:nhiệm vụ|giải pháp|kế hoạch|trọng tâm|tình hình|công tác|được giao|đã giao|chỉ tiêu|sơ kết|tổng kết)\s*,?\s*(?:trong|đến|của)?\s*$",
        )
        .expect("valid");
        // Words that may stand before the deadline and belong to its raw text.
        let verb_head = Regex::new(
            r"(?i)(?:(?:hoàn thành|thực hiện xong|phấn đấu|báo cáo[^,;.()]{0,60}?|trình[^,;.()]{0,60}?|công bố|phê duyệt|ban hành|(?:thông qua )?tại [^,;.()]{0,40}?)\s+)?(?:trước|trong|đến hết|đến|hết|vào|chậm nhất(?: là)?)?\s*\(?\s*$",
        )
        .expect("valid");
        Patterns {
            main,
            recurring,
            event,
            doc_ref_tail,
            doc_id_tail,
            noun_tail,
            verb_head,
        }
    })
}

fn annual() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"(?i)(?:định kỳ\s+)?(?:hằng|hàng)\s+(?:năm|quý|tháng)|định kỳ\s+(?:\d+\s+)?(?:năm|quý|tháng)")
            .expect("valid")
    })
}

fn within_since() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"(?i)trong\s+(?:thời hạn\s+|vòng\s+)?(?:\d{1,3}|một|hai|ba|sáu|mười hai)\s+(?:tháng|ngày|năm)\s*,?\s*kể từ\s+(?:ngày\s+)?[^.;]{0,120}")
            .expect("valid")
    })
}

fn roman_quarter(s: &str) -> Option<u32> {
    match s.to_ascii_uppercase().as_str() {
        "I" | "1" => Some(1),
        "II" | "2" => Some(2),
        "III" | "3" => Some(3),
        "IV" | "4" => Some(4),
        _ => None,
    }
}

/// Byte ranges inside quotation marks (titles and slogans are not deadlines).
fn quoted_ranges(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    let mut straight: Option<usize> = None;
    for (i, c) in text.char_indices() {
        match c {
            '“' => open = Some(i),
            '”' => {
                if let Some(s) = open.take() {
                    out.push((s, i));
                }
            }
            '"' => match straight.take() {
                Some(s) => out.push((s, i)),
                None => straight = Some(i),
            },
            _ => {}
        }
    }
    out
}

fn in_ranges(ranges: &[(usize, usize)], pos: usize) -> bool {
    ranges.iter().any(|&(s, e)| s < pos && pos < e)
}

fn floor_char(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The text just before `pos` (at most `n` bytes, on a char boundary).
fn before(text: &str, pos: usize, n: usize) -> &str {
    let s = floor_char(text, pos.saturating_sub(n));
    &text[s..pos]
}

/// Every deadline of a clause, in order of position. `year` is the document's year,
/// for dates and periods written without one.
pub fn find(text: &str, year: Option<i32>) -> Vec<Found> {
    let p = patterns();
    let quoted = quoted_ranges(text);
    let mut out: Vec<Found> = Vec::new();
    for caps in p.main.captures_iter(text) {
        let Some(m) = caps.get(0) else { continue };
        let (start, end) = (m.start(), m.end());
        if in_ranges(&quoted, start) {
            continue;
        }
        let head = before(text, start, 80);
        let period_noun = p.noun_tail.is_match(head);
        let num = |name: &str| caps.name(name).and_then(|v| v.as_str().parse::<i64>().ok());
        // "ngày 17 tháng 11 năm 2023 của Văn phòng Chính phủ": a document's date.
        let of_issuer = text[end..].trim_start().starts_with("của ");
        let deadline = if caps.name("date").is_some() {
            if p.doc_ref_tail.is_match(head) || of_issuer {
                continue;
            }
            let (Some(d), Some(mo), Some(y)) = (num("d"), num("m"), num("y")) else {
                continue;
            };
            match NaiveDate::from_ymd_opt(y as i32, mo as u32, d as u32) {
                Some(day) => Deadline::date(day),
                None => continue,
            }
        } else if caps.name("dateny").is_some() {
            if p.doc_ref_tail.is_match(head) {
                continue;
            }
            let (Some(d), Some(mo), Some(y)) = (num("d2"), num("m2"), year) else {
                continue;
            };
            match NaiveDate::from_ymd_opt(y, mo as u32, d as u32) {
                Some(day) => Deadline::date(day),
                None => continue,
            }
        } else if caps.name("half").is_some() {
            if period_noun {
                continue;
            }
            let Some(y) = num("hy").map(|y| y as i32).or(year) else {
                continue;
            };
            let h = match caps.name("hw").map(|v| v.as_str().to_lowercase()) {
                Some(w) if w.starts_with('đ') => 1,
                _ => 2,
            };
            match Deadline::half(y, h) {
                Ok(d) => d,
                Err(_) => continue,
            }
        } else if caps.name("month").is_some() {
            if caps.name("mp").is_none() && caps.name("my").is_none() {
                continue;
            }
            if period_noun || p.doc_id_tail.is_match(head) {
                continue;
            }
            let mo = num("mm");
            let y = num("my").map(|y| y as i32).or(year);
            let (Some(mo), Some(y)) = (mo, y) else {
                continue;
            };
            match Deadline::month(y, mo as u32) {
                Ok(d) => d,
                Err(_) => continue,
            }
        } else if caps.name("quarter").is_some() {
            if period_noun {
                continue;
            }
            let q = caps.name("q").and_then(|v| roman_quarter(v.as_str()));
            let y = num("qy").map(|y| y as i32).or(year);
            let (Some(q), Some(y)) = (q, y) else { continue };
            match Deadline::quarter(y, q) {
                Ok(d) => d,
                Err(_) => continue,
            }
        } else if caps.name("year").is_some() {
            if period_noun {
                continue;
            }
            let rest = &text[end..];
            let rest_l = rest.trim_start().to_lowercase();
            if rest_l.starts_with("và những năm") || rest_l.starts_with("và các năm") {
                continue;
            }
            let Some(y) = num("yy") else { continue };
            match Deadline::year(y as i32) {
                Ok(d) => d,
                Err(_) => continue,
            }
        } else {
            continue;
        };
        out.push(Found {
            start,
            end,
            deadline,
            weak: false,
        });
    }
    for m in p.recurring.find_iter(text) {
        let head = before(text, m.start(), 24).to_lowercase();
        if head.ends_with("chi ") || head.ends_with("kinh phí ") || head.ends_with("nguồn ") {
            continue;
        }
        if in_ranges(&quoted, m.start()) {
            continue;
        }
        let weak = !m.as_str().to_lowercase().starts_with("nhiệm vụ");
        out.push(Found {
            start: m.start(),
            end: m.end(),
            deadline: Deadline::recurring(),
            weak,
        });
    }
    // "định kỳ hằng năm", "Hằng năm, …" opening the clause, "trước ngày 30 tháng 6
    // hằng năm": a recurring deadline (its day, if any, is the day of each year).
    // "hằng năm" elsewhere describes a thing ("kế hoạch 5 năm và hằng năm").
    for m in annual().find_iter(text) {
        let head = before(text, m.start(), 60).to_lowercase();
        let opens = head.trim().is_empty() || head.trim_end().ends_with(['.', ';', ':']);
        let periodic = m.as_str().to_lowercase().starts_with("định kỳ");
        let day_before = out
            .iter()
            .position(|f| f.end <= m.start() && text[f.end..m.start()].trim().is_empty());
        if !(opens || periodic || day_before.is_some()) || in_ranges(&quoted, m.start()) {
            continue;
        }
        let start = match day_before {
            Some(k) => {
                let s = out[k].start;
                out.remove(k);
                s
            }
            None => m.start(),
        };
        out.push(Found {
            start,
            end: m.end(),
            deadline: Deadline::recurring(),
            weak: false,
        });
    }
    // "trong thời hạn 06 tháng, kể từ ngày Nghị định có hiệu lực": tied to an event.
    for m in within_since().find_iter(text) {
        out.push(Found {
            start: m.start(),
            end: m.end(),
            deadline: Deadline::event(),
            weak: false,
        });
    }
    for m in p.event.find_iter(text) {
        out.push(Found {
            start: m.start(),
            end: m.end(),
            deadline: Deadline::event(),
            weak: false,
        });
    }
    out.sort_by_key(|f| f.start);
    for f in &mut out {
        let mut raw_start = f.start;
        // "trước ngày", "trong ngày", "đến ngày", "hoàn thành trong" … belong to it.
        let head = before(text, f.start, 100);
        if let Some(m) = p.verb_head.find(head) {
            raw_start = f.start - (head.len() - m.start());
        }
        let raw_start = floor_char(text, raw_start);
        f.deadline.raw = text[raw_start..f.end].trim().to_string();
    }
    out
}

fn year_range() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"\b((?:19|20)\d\d)-((?:19|20)\d\d)\b").expect("valid"))
}

fn cell_patterns() -> &'static (Regex, Regex, Regex) {
    static P: OnceLock<(Regex, Regex, Regex)> = OnceLock::new();
    P.get_or_init(|| {
        (
            // "Quý II, III/2015", "quý III và IV năm 2026": the last quarter named.
            Regex::new(r"(?i)quý\s+((?:IV|III|II|I|[1-4])(?:\s*(?:,|và|-|–)\s*(?:IV|III|II|I|[1-4]))+)\s*(?:/|năm)\s*(\d{4})")
                .expect("valid"),
            // A year standing alone ("2030", "2026 - 2030", "năm 2026", "Cả năm 2015").
            Regex::new(r"(?:^|[^\d/.\-])((?:19|20)\d\d)(?:$|[^\d/.])").expect("valid"),
            // Recurring and event words of a cell.
            Regex::new(r"(?i)hằng năm|hàng năm|thường xuyên|định kỳ|liên tục|hằng quý|hàng quý|hằng tháng|hàng tháng").expect("valid"),
        )
    })
}

/// The deadline a table cell or a labelled field states ("Thời gian thực hiện:
/// Quý II, III/2015", "2025 - 2028", "Trước ngày 15/10/2026", "Hằng năm", "Đã hoàn
/// thành"): when it names several periods, the last one (GOLD-FORMAT.md); a date
/// or period beats "hằng năm"; "kể từ …" or "sau khi …" without a date ties it to
/// an event; "Đã hoàn thành" is no deadline, with those words.
pub fn cell(text: &str, year: Option<i32>) -> Option<Deadline> {
    let t = text.trim().trim_end_matches(['.', ';', ',']);
    if t.is_empty() {
        return None;
    }
    let low = t.to_lowercase();
    let raw = t.trim_end_matches(['.', ';']).to_string();
    let with_raw = |mut d: Deadline| {
        d.raw = raw.clone();
        d
    };
    if low.starts_with("đã hoàn thành") {
        return Some(with_raw(Deadline::none()));
    }
    // A cell of a deadline column that is only a month ("Tháng 12"): that month
    // of the document's year (in running text "tháng 12" alone is too loose).
    if let Some(m) = low.strip_prefix("tháng").map(str::trim)
        && !m.is_empty()
        && m.len() <= 2
        && let (Ok(mo), Some(y)) = (m.parse::<u32>(), year)
        && let Ok(d) = Deadline::month(y, mo)
    {
        return Some(with_raw(d));
    }
    let (quarters, years, recurring) = cell_patterns();
    // "2022-2030": a range of years, written tight.
    let spaced;
    let t = if t.contains('-') {
        spaced = year_range().replace_all(t, "$1 - $2").into_owned();
        spaced.as_str()
    } else {
        t
    };
    // (end position, deadline) of every period named.
    let mut named: Vec<(usize, Deadline)> = find(t, year)
        .into_iter()
        .filter(|f| f.dated())
        .map(|f| (f.end, f.deadline))
        .collect();
    for c in quarters.captures_iter(t) {
        let (Some(list), Some(y)) = (c.get(1), c.get(2).and_then(|y| y.as_str().parse().ok()))
        else {
            continue;
        };
        let last = list
            .as_str()
            .split([',', '-', '–'])
            .flat_map(|p| p.split(" và "))
            .filter_map(|q| roman_quarter(q.trim()))
            .last();
        if let Some(q) = last
            && let Ok(d) = Deadline::quarter(y, q)
        {
            named.push((c.get(0).map_or(0, |m| m.end()), d));
        }
    }
    for c in years.captures_iter(t) {
        let Some(m) = c.get(1) else { continue };
        // A year already inside a date or period found above is not named again.
        if named
            .iter()
            .any(|(e, _)| *e >= m.end() && *e <= m.end() + 1)
        {
            continue;
        }
        let inside = find(t, year)
            .iter()
            .any(|f| f.start <= m.start() && m.end() <= f.end);
        if inside {
            continue;
        }
        if let Ok(y) = m.as_str().parse()
            && let Ok(d) = Deadline::year(y)
        {
            named.push((m.end(), d));
        }
    }
    if let Some((_, d)) = named.into_iter().max_by_key(|(e, _)| *e) {
        return Some(with_raw(d));
    }
    if low.contains("kể từ")
        || low.starts_with("sau khi")
        || low.starts_with("ngay sau")
        || low.contains("có hiệu lực")
    {
        return Some(with_raw(Deadline::event()));
    }
    if recurring.is_match(t) {
        return Some(with_raw(Deadline::recurring()));
    }
    None
}

/// The deadline that counts for a clause: the first one with a due day, else a
/// recurring one, else one tied to an event.
/// Whether the text ties a dated deadline to the work ("trước ngày …", "hoàn thành
/// trong …", "Quý III/2025") rather than naming a bare day ("ngày 16/6/2025"), which
/// may be a law's or a meeting's.
pub fn tied(f: &Found) -> bool {
    let r = f.deadline.raw.to_lowercase();
    f.dated() && !r.starts_with("ngày") && !r.chars().next().is_some_and(|c| c.is_ascii_digit())
}

pub fn pick(found: &[Found]) -> Option<&Found> {
    found
        .iter()
        .find(|f| tied(f))
        .or_else(|| found.iter().find(|f| f.dated()))
        .or_else(|| {
            found
                .iter()
                .find(|f| f.deadline.kind == DeadlineKind::Recurring && !f.weak)
        })
        .or_else(|| {
            found
                .iter()
                .find(|f| f.deadline.kind == DeadlineKind::Event)
        })
}

/// An adverbial "thường xuyên", for a task that has no other deadline.
pub fn weak(found: &[Found]) -> Option<&Found> {
    found.iter().find(|f| f.weak)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> (DeadlineKind, Option<String>) {
        let f = find(text, Some(2025));
        let p = pick(&f)
            .or_else(|| weak(&f))
            .map(|f| f.deadline.clone())
            .unwrap_or_else(Deadline::none);
        (p.kind, p.due.map(|d| d.to_string()))
    }

    #[test]
    fn reads_the_seed_forms() {
        use DeadlineKind::*;
        let d = |s: &str| Some(s.to_string());
        assert_eq!(
            one("hoàn thành trước ngày 25 tháng 11 năm 2025"),
            (Date, d("2025-11-25"))
        );
        assert_eq!(
            one("báo cáo trước ngày 10/10/2025"),
            (Date, d("2025-10-10"))
        );
        assert_eq!(
            one("báo cáo trong ngày 20 tháng 11"),
            (Date, d("2025-11-20"))
        );
        assert_eq!(
            one("hoàn thành trong tháng 10/2025"),
            (Month, d("2025-10-31"))
        );
        assert_eq!(one("trong tháng 12 năm 2025"), (Month, d("2025-12-31")));
        assert_eq!(
            one("hoàn thành trong Quý IV/2025"),
            (Quarter, d("2025-12-31"))
        );
        assert_eq!(
            one("Báo cáo lộ trình thực hiện trong Quý I năm 2025"),
            (Quarter, d("2025-03-31"))
        );
        assert_eq!(
            one("Trong 6 tháng đầu năm 2025, tập trung"),
            (Half, d("2025-06-30"))
        );
        assert_eq!(one("trong 6 tháng cuối năm"), (Half, d("2025-12-31")));
        assert_eq!(
            one("công bố kết quả trong năm 2026"),
            (Year, d("2026-12-31"))
        );
        assert_eq!(one("nhiệm vụ thường xuyên"), (Recurring, Option::None));
        assert_eq!(
            one(
                "Hoàn thành cùng thời điểm Luật Khoa học, công nghệ và đổi mới sáng tạo có hiệu lực thi hành"
            ),
            (Event, Option::None)
        );
        assert_eq!(
            one("chậm nhất trong quý IV/2025"),
            (Quarter, d("2025-12-31"))
        );
        assert_eq!(one("hoàn thành tháng 11/2025"), (Month, d("2025-11-30")));
        assert_eq!(
            one("tại phiên họp tháng 3 năm 2025"),
            (Month, d("2025-03-31"))
        );
    }

    #[test]
    fn recurring_and_event_forms() {
        use DeadlineKind::*;
        // 07/CT-TTg (2012) 1.d, 435/QĐ-UBND (2020), 8388/BTC-QLCS (2026) 5.a.
        assert_eq!(
            one("Hằng năm, tiến hành rà soát các KCN"),
            (Recurring, Option::None)
        );
        assert_eq!(
            one("báo cáo định kỳ hằng năm về Bộ Tư pháp"),
            (Recurring, Option::None)
        );
        assert_eq!(
            one("báo cáo kết quả trước ngày 30 tháng 6 hằng năm"),
            (Recurring, Option::None)
        );
        assert_eq!(
            one("thành các chương trình, đề án, kế hoạch 5 năm và hằng năm để triển khai"),
            (DeadlineKind::None, Option::None)
        );
        assert_eq!(
            one(
                "Trong thời hạn 06 tháng, kể từ ngày Nghị định số 178/2026/NĐ-CP có hiệu lực thi hành, các bộ thực hiện"
            ),
            (Event, Option::None)
        );
    }

    #[test]
    fn ignores_what_is_not_a_deadline() {
        use DeadlineKind::*;
        assert_eq!(
            one("tại Nghị quyết số 71/NQ-CP ngày 01 tháng 4 năm 2025").0,
            None
        );
        assert_eq!(
            one("Công văn số 10704/VPCP-KSTT ngày 04 tháng 11 năm 2025 về việc").0,
            None
        );
        assert_eq!(
            one("Đề án 06 trong năm 2025 và những năm tiếp theo").0,
            None
        );
        assert_eq!(
            one("hoàn thành các nhiệm vụ được giao trong năm 2025").0,
            None
        );
        assert_eq!(
            one("nhiệm vụ, giải pháp trong 6 tháng cuối năm 2025").0,
            None
        );
        assert_eq!(
            one("Chương trình “Phát triển nhân lực trong năm 2030”").0,
            None
        );
        assert_eq!(one("chi thường xuyên, hoàn thành").0, None);
        assert_eq!(one("thực hiện từ ngày 01/7/2025").0, None);
        assert_eq!(one("Luật Giao dịch điện tử năm 2023").0, None);
    }

    #[test]
    fn reads_table_cells_and_fields() {
        let c = |t: &str| {
            cell(t, Some(2026)).map(|d| (format!("{:?}", d.kind), d.due.map(|x| x.to_string())))
        };
        let q = |s: &str| Some(("Quarter".to_string(), Some(s.to_string())));
        let y = |s: &str| Some(("Year".to_string(), Some(s.to_string())));
        // 173/QĐ-BTP (2015), 104-CTr/TU (2026), GOLD-FORMAT.md's examples.
        assert_eq!(c("Quý II, III/2015"), q("2015-09-30"));
        assert_eq!(
            cell("Tháng 12", Some(2024)).map(|d| (d.kind, d.due)),
            Some((DeadlineKind::Month, NaiveDate::from_ymd_opt(2024, 12, 31)))
        );
        assert_eq!(cell("Tháng 12", None), None);
        assert_eq!(c("Quý III, IV/2026"), q("2026-12-31"));
        assert_eq!(c("Quý IV/2026, 2027"), y("2027-12-31"));
        assert_eq!(c("2025 - 2028"), y("2028-12-31"));
        assert_eq!(c("2022-2030"), y("2030-12-31"));
        assert_eq!(
            c("2026 – 2030 (Ngay sau khi các sự cố phát sinh)"),
            y("2030-12-31")
        );
        assert_eq!(c("Cả năm 2015"), y("2015-12-31"));
        assert_eq!(c("2030"), y("2030-12-31"));
        assert_eq!(
            c("Trước ngày 15/10/2026"),
            Some(("Date".to_string(), Some("2026-10-15".to_string())))
        );
        assert_eq!(c("Hằng năm"), Some(("Recurring".to_string(), None)));
        assert_eq!(
            c("Thực hiện thường xuyên"),
            Some(("Recurring".to_string(), None))
        );
        assert_eq!(
            c("Thực hiện định kỳ hằng năm; Riêng năm 2020 hoàn thành trong quý II/2020"),
            q("2020-06-30")
        );
        assert_eq!(
            c("Trong 06 tháng kể từ ngày Luật có hiệu lực"),
            Some(("Event".to_string(), None))
        );
        assert_eq!(c("Đã hoàn thành"), Some(("None".to_string(), None)));
    }

    #[test]
    fn raw_keeps_the_words() {
        let f = find("hoàn thành trước ngày 25 tháng 11 năm 2025.", Some(2025));
        assert_eq!(
            f[0].deadline.raw,
            "hoàn thành trước ngày 25 tháng 11 năm 2025"
        );
    }
}
