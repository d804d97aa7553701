//! The format-agnostic model of a printed report (báo cáo): a title, the day it
//! speaks of, and sections (headings, paragraphs, key figures, tables). The
//! service builds one per report; `tiendo-reports` renders it as XLSX, DOCX or
//! PDF, so four reports in three formats are four builders and three writers.
//!
//! Also the Vietnamese ways of writing numbers and dates on paper: `1.234,5`,
//! `16/07/2025`, "ngày 16 tháng 7 năm 2025".

use chrono::NaiveDate;
use serde::Serialize;

/// A report ready to render.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Printed {
    /// overdue, monthly, agency, document: names the file.
    pub kind: String,
    /// The issuing body, top left in the Vietnamese administrative style
    /// ("BAN CHỈ ĐẠO CỦA CHÍNH PHỦ …"); may be empty.
    pub issuer: Vec<String>,
    /// Bold, centred, upper case in the paper style.
    pub title: String,
    pub subtitle: Option<String>,
    /// The day the report speaks of: everything is as the system knew it then.
    pub as_of: NaiveDate,
    /// A4 landscape (wide tables such as the 365 appendix) or portrait.
    pub landscape: bool,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Section {
    Heading(String),
    Paragraph(String),
    /// Label and value pairs ("Tổng số phân công", "1.234").
    KeyFigures(Vec<(String, Cell)>),
    Table(Table),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    pub headers: Vec<String>,
    /// Relative widths of the columns (any unit; the writers scale them).
    pub widths: Vec<f32>,
    pub rows: Vec<Vec<Cell>>,
}

/// One cell: text (may hold line breaks), a number or a day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Cell {
    Text(String),
    Int(i64),
    /// A value with this many decimals (scores, rates).
    Num(f64, u8),
    /// A share in percent with one decimal.
    Percent(f64),
    Date(NaiveDate),
    Empty,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// How the cell reads on paper, in the Vietnamese style.
    pub fn display(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => vi_int(*n),
            Cell::Num(x, d) => vi_num(*x, *d),
            Cell::Percent(x) => format!("{}%", vi_num(*x, 1)),
            Cell::Date(d) => vi_date(*d),
            Cell::Empty => String::new(),
        }
    }
}

impl Printed {
    /// The file name without extension: `bao-cao-qua-han-16-07-2025`.
    pub fn file_stem(&self) -> String {
        // Vietnamese words without diacritics (ASCII in `filename=`), the day as
        // dd-mm-yyyy: `bao-cao-qua-han-16-07-2025`.
        let kind = &self.kind;
        let words = if kind == "overdue" {
            "qua-han".to_string()
        } else if let Some(month) = kind.strip_prefix("monthly-") {
            // monthly-2025-11 → thang-11-2025
            match month.split_once('-') {
                Some((y, m)) => format!("thang-{m}-{y}"),
                None => format!("thang-{month}"),
            }
        } else if let Some(code) = kind.strip_prefix("agency-") {
            format!("co-quan-{code}")
        } else if let Some(stem) = kind.strip_prefix("document-") {
            format!("van-ban-{stem}")
        } else {
            kind.clone()
        };
        format!("bao-cao-{words}-{}", self.as_of.format("%d-%m-%Y"))
    }

    /// "Hà Nội, ngày 16 tháng 7 năm 2025" under the issuer, as on the notices.
    pub fn dateline(&self) -> String {
        format!("Hà Nội, {}", vi_long_date(self.as_of))
    }

    /// Every table's rows, in order (for tests and counts).
    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.sections.iter().filter_map(|s| match s {
            Section::Table(t) => Some(t),
            _ => None,
        })
    }
}

/// 1234567 → "1.234.567".
pub fn vi_int(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// 1234.5 with 1 decimal → "1.234,5".
pub fn vi_num(x: f64, decimals: u8) -> String {
    if !x.is_finite() {
        return String::new();
    }
    let s = format!("{:.*}", decimals as usize, x.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let int: i64 = int.parse().unwrap_or(0);
    let negative = x < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0');
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    out.push_str(&vi_int(int));
    if !frac.is_empty() {
        out.push(',');
        out.push_str(frac);
    }
    out
}

/// 16/07/2025.
pub fn vi_date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// "ngày 16 tháng 7 năm 2025" (the rule of `letter::admin_long_date`).
pub fn vi_long_date(d: NaiveDate) -> String {
    // One formatter for letters and printed reports.
    crate::letter::admin_long_date(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_numbers_and_dates() {
        assert_eq!(vi_int(0), "0");
        assert_eq!(vi_int(999), "999");
        assert_eq!(vi_int(1000), "1.000");
        assert_eq!(vi_int(-2_000_000), "-2.000.000");
        assert_eq!(vi_num(1234.5, 1), "1.234,5");
        assert_eq!(vi_num(87.456, 2), "87,46");
        assert_eq!(vi_num(-0.01, 1), "0,0");
        assert_eq!(vi_num(3.0, 0), "3");
        let d = NaiveDate::from_ymd_opt(2025, 7, 6).unwrap();
        assert_eq!(vi_date(d), "06/07/2025");
        assert_eq!(vi_long_date(d), "ngày 06 tháng 7 năm 2025");
        let d = NaiveDate::from_ymd_opt(2025, 7, 16).unwrap();
        assert_eq!(vi_long_date(d), "ngày 16 tháng 7 năm 2025");
        assert_eq!(Cell::Percent(66.666).display(), "66,7%");
    }
}
