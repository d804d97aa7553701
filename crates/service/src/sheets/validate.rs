//! Checking cells: agencies (exact names, with a "did you mean" for near
//! misses), dates, deadlines, fields, priorities and numbers. Every function here
//! is pure; the index of agencies is built once per import from the in-memory
//! agency list.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use tiendo_core::deadline::Deadline;
use tiendo_core::model::Agency;
use tiendo_core::text::{fold, nfc};

use super::read::Cell;

/// The agencies a sheet may name, by their exact forms (code, name, short name,
/// aliases; case ignored, diacritics NOT ignored) and by folded forms for
/// suggestions.
pub struct AgencyIndex {
    exact: HashMap<String, usize>,
    folded: HashMap<String, usize>,
    forms: Vec<(String, usize)>,
    agencies: Vec<Agency>,
}

fn exact_key(s: &str) -> String {
    nfc(&s.split_whitespace().collect::<Vec<_>>().join(" ")).to_lowercase()
}

impl AgencyIndex {
    /// Indexes the agencies in force today (and, for names only they use, the
    /// dissolved ones too, which an import resolves to their successor).
    pub fn new(all: &[Agency]) -> AgencyIndex {
        let mut exact = HashMap::new();
        let mut folded = HashMap::new();
        let mut forms = Vec::new();
        // Current agencies first so that they win a shared form.
        let mut order: Vec<usize> = (0..all.len()).collect();
        order.sort_by_key(|&i| all[i].valid_to.is_some());
        for i in order {
            let a = &all[i];
            let names = std::iter::once(a.code.as_str())
                .chain(std::iter::once(a.name.as_str()))
                .chain(a.short_name.as_deref())
                .chain(a.aliases.iter().map(String::as_str));
            for form in names {
                if form.trim().is_empty() {
                    continue;
                }
                exact.entry(exact_key(form)).or_insert(i);
                let f = fold(form);
                if a.valid_to.is_none() {
                    folded.entry(f.clone()).or_insert(i);
                    forms.push((f, i));
                }
            }
        }
        AgencyIndex {
            exact,
            folded,
            forms,
            agencies: all.to_vec(),
        }
    }

    /// The agency a cell names exactly, or the message saying it is unknown, with
    /// the closest name as a suggestion.
    pub fn resolve(&self, name: &str) -> Result<&Agency, String> {
        if let Some(&i) = self.exact.get(&exact_key(name)) {
            return Ok(&self.agencies[i]);
        }
        Err(match self.suggest(name) {
            Some(a) => format!("unknown agency '{name}' — did you mean '{}'?", a.name),
            None => format!("unknown agency '{name}' (see the sheet 'Danh mục' for the names)"),
        })
    }

    /// The agency whose folded name, short name or alias equals the folded text;
    /// else the one at the smallest edit distance (at most a third of the length).
    pub fn suggest(&self, name: &str) -> Option<&Agency> {
        let key = fold(name);
        if key.is_empty() {
            return None;
        }
        if let Some(&i) = self.folded.get(&key) {
            return Some(&self.agencies[i]);
        }
        let limit = (key.chars().count() / 3).max(1);
        let mut best: Option<(usize, usize)> = None;
        for (form, i) in &self.forms {
            let d = edit_distance(&key, form);
            if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, *i));
            }
        }
        best.map(|(_, i)| &self.agencies[i])
    }
}

/// Levenshtein distance over characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// A list cell: names separated by ';' (or new lines), blanks dropped.
pub fn split_list(text: &str) -> Vec<String> {
    text.split([';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// A day written dd/mm/yyyy (also d/m/yyyy, with '-' or '.'), or yyyy-mm-dd.
/// Refuses impossible days (31/02/2025) with a message that says so.
pub fn parse_day(text: &str) -> Result<NaiveDate, String> {
    let t = text.trim();
    let parts: Vec<&str> = t.split(['/', '-', '.']).map(str::trim).collect();
    let numbers: Option<Vec<u32>> = parts.iter().map(|p| p.parse::<u32>().ok()).collect();
    let (d, m, y) = match (numbers.as_deref(), parts.first()) {
        (Some([y, m, d]), Some(first)) if first.len() == 4 => (*d, *m, *y),
        (Some([d, m, y]), _) if parts[2].len() == 4 => (*d, *m, *y),
        _ => return Err(format!("'{t}' is not a date (write dd/mm/yyyy)")),
    };
    let y = i32::try_from(y).map_err(|_| format!("'{t}' is not a date"))?;
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| {
        if (1..=12).contains(&m) {
            format!("'{t}' is not a real date: {m:02}/{y} has no day {d}")
        } else {
            format!("'{t}' is not a real date: there is no month {m}")
        }
    })
}

/// A date cell: an Excel date or text dd/mm/yyyy.
pub fn cell_day(cell: &Cell) -> Result<Option<NaiveDate>, String> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Date(d) => Ok(Some(*d)),
        Cell::Text(t) => parse_day(t).map(Some),
    }
}

/// A deadline cell: a date (Excel date or dd/mm/yyyy) or a phrase the extractor
/// reads in notices ("Quý III/2025", "Tháng 10/2025", "Năm 2025", "6 tháng đầu
/// năm 2025", "Thường xuyên"). Empty is no deadline.
pub fn cell_deadline(cell: &Cell) -> Result<Deadline, String> {
    let text = match cell {
        Cell::Empty => return Ok(Deadline::none()),
        Cell::Date(d) => return Ok(Deadline::date(*d)),
        Cell::Text(t) => t.as_str(),
    };
    let looks_like_date = text
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '/' | '-' | '.' | ' '))
        && text.chars().filter(|c| c.is_ascii_digit()).count() >= 6;
    if looks_like_date {
        return parse_day(text).map(|d| Deadline::date(d).with_raw(text));
    }
    let key = fold(text);
    if key == "nam" || key.is_empty() {
        return Err(format!("'{text}' is not a deadline"));
    }
    // "Năm 2025" alone: the extractor wants a preposition; a sheet's cell is the
    // deadline itself.
    if let Some(year) = key.strip_prefix("nam ").and_then(|y| y.parse::<i32>().ok()) {
        return Deadline::year(year)
            .map(|d| d.with_raw(text))
            .map_err(|e| e.to_string());
    }
    if let Some(year) = key
        .parse::<i32>()
        .ok()
        .filter(|y| (1900..=2200).contains(y))
    {
        return Deadline::year(year)
            .map(|d| d.with_raw(text))
            .map_err(|e| e.to_string());
    }
    match tiendo_extract::parse_deadline(text, None) {
        Some(d) if d.kind.has_due() && d.due.is_none() => Err(format!("'{text}' has no year")),
        Some(d) => {
            if let Some(due) = d.due
                && !(1900..=2200).contains(&due.year())
            {
                return Err(format!("'{text}': the year is out of range"));
            }
            Ok(d.with_raw(text))
        }
        None => Err(format!(
            "'{text}' is not a deadline (write dd/mm/yyyy, Tháng 10/2025, Quý III/2025, Năm 2025 or Thường xuyên)"
        )),
    }
}

/// A field cell: the code or its Vietnamese name, diacritics ignored.
pub fn parse_field(text: &str) -> Result<String, String> {
    let key = fold(text).replace(' ', "");
    let code = match key.as_str() {
        "khcn" | "khoahoccongnghe" | "khoahocvacongnghe" => "khcn",
        "dmst" | "doimoisangtao" => "dmst",
        "cds" | "chuyendoiso" => "cds",
        "da06" | "dean06" | "dean6" => "da06",
        "cchc" | "caicachhanhchinh" => "cchc",
        _ => {
            return Err(format!(
                "unknown field '{text}' (KHCN, ĐMST, CĐS, ĐA06 or CCHC)"
            ));
        }
    };
    Ok(code.into())
}

/// A priority cell: 1, 2 or 3, or cao / trung bình / thấp.
pub fn parse_priority(text: &str) -> Result<i32, String> {
    match fold(text).as_str() {
        "1" | "cao" => Ok(1),
        "2" | "trung binh" => Ok(2),
        "3" | "thap" => Ok(3),
        _ => Err(format!("priority '{text}' must be 1, 2 or 3")),
    }
}

/// A number cell ("39.5", "39,5", "1 234").
pub fn parse_number(text: &str) -> Result<f64, String> {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let t = t.trim_end_matches('%');
    let t = if t.contains(',') && !t.contains('.') {
        t.replace(',', ".")
    } else {
        t.replace(',', "")
    };
    t.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| format!("'{text}' is not a number"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tiendo_core::deadline::DeadlineKind;

    fn agency(id: i64, code: &str, name: &str, short: Option<&str>) -> Agency {
        Agency {
            id,
            code: code.into(),
            kind: "ministry".into(),
            name: name.into(),
            short_name: short.map(Into::into),
            bare: None,
            aliases: Vec::new(),
            groups: Vec::new(),
            valid_from: None,
            valid_to: None,
            successor_id: None,
            parent_id: None,
        }
    }

    #[test]
    fn agencies_resolve_exactly_and_suggest_near_misses() {
        let all = vec![
            agency(1, "bo-y-te", "Bộ Y tế", Some("BYT")),
            agency(2, "bo-cong-an", "Bộ Công an", Some("BCA")),
        ];
        let idx = AgencyIndex::new(&all);
        assert_eq!(idx.resolve("Bộ Y tế").unwrap().id, 1);
        assert_eq!(idx.resolve("bộ y tế").unwrap().id, 1);
        assert_eq!(idx.resolve("BCA").unwrap().id, 2);
        assert_eq!(
            idx.resolve("Bo Y te").unwrap_err(),
            "unknown agency 'Bo Y te' — did you mean 'Bộ Y tế'?"
        );
        assert!(
            idx.resolve("Bộ Công ann")
                .unwrap_err()
                .contains("did you mean 'Bộ Công an'")
        );
        assert!(
            !idx.resolve("Tập đoàn Viettel")
                .unwrap_err()
                .contains("did you mean")
        );
    }

    #[test]
    fn days_and_impossible_days() {
        assert_eq!(
            parse_day("05/10/2025"),
            Ok(NaiveDate::from_ymd_opt(2025, 10, 5).unwrap())
        );
        assert_eq!(
            parse_day("2025-10-05"),
            Ok(NaiveDate::from_ymd_opt(2025, 10, 5).unwrap())
        );
        assert!(parse_day("31/02/2025").unwrap_err().contains("no day 31"));
        assert!(parse_day("12/13/2025").unwrap_err().contains("no month 13"));
        assert!(parse_day("hôm qua").is_err());
    }

    #[test]
    fn deadlines_as_the_notices_write_them() {
        let d = |s: &str| cell_deadline(&Cell::Text(s.into())).unwrap();
        let q = d("Quý III/2025");
        assert_eq!(
            (q.kind, q.due),
            (DeadlineKind::Quarter, NaiveDate::from_ymd_opt(2025, 9, 30))
        );
        let m = d("Tháng 10/2025");
        assert_eq!(
            (m.kind, m.due),
            (DeadlineKind::Month, NaiveDate::from_ymd_opt(2025, 10, 31))
        );
        let y = d("Năm 2025");
        assert_eq!(
            (y.kind, y.due),
            (DeadlineKind::Year, NaiveDate::from_ymd_opt(2025, 12, 31))
        );
        assert_eq!(d("Thường xuyên").kind, DeadlineKind::Recurring);
        let day = d("31/12/2025");
        assert_eq!(
            (day.kind, day.due),
            (DeadlineKind::Date, NaiveDate::from_ymd_opt(2025, 12, 31))
        );
        assert!(cell_deadline(&Cell::Text("31/02/2025".into())).is_err());
        assert!(cell_deadline(&Cell::Text("sớm".into())).is_err());
        assert_eq!(
            cell_deadline(&Cell::Empty).unwrap().kind,
            DeadlineKind::None
        );
    }

    #[test]
    fn fields_priorities_numbers() {
        assert_eq!(parse_field("CĐS").unwrap(), "cds");
        assert_eq!(parse_field("Đề án 06").unwrap(), "da06");
        assert!(parse_field("y tế").is_err());
        assert_eq!(parse_priority("Cao"), Ok(1));
        assert!(parse_priority("4").is_err());
        assert_eq!(parse_number("39,5"), Ok(39.5));
        assert_eq!(parse_number("1,234.5"), Ok(1234.5));
        assert!(parse_number("abc").is_err());
    }
}
