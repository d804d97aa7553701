//! Lists as files: CSV (UTF-8 with a byte-order mark, so Excel reads Vietnamese)
//! and XLSX.

use rust_xlsxwriter::{Format, Workbook};

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
}

#[derive(Debug, Clone, Default)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// Column widths in characters (XLSX only).
    pub widths: Vec<f64>,
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r', ';']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// CSV per RFC 4180 (comma, CRLF), preceded by the UTF-8 byte-order mark.
pub fn to_csv(t: &Table) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    let line = |cells: Vec<String>| cells.join(",") + "\r\n";
    out.push_str(&line(t.headers.iter().map(|h| csv_field(h)).collect()));
    for row in &t.rows {
        out.push_str(&line(
            row.iter()
                .map(|c| match c {
                    Cell::Text(s) => csv_field(s),
                    Cell::Int(n) => n.to_string(),
                })
                .collect(),
        ));
    }
    out.into_bytes()
}

/// An XLSX workbook with one sheet: bold header row, frozen, with a filter.
pub fn to_xlsx(t: &Table, sheet: &str) -> Result<Vec<u8>, String> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet).map_err(|e| e.to_string())?;
    let bold = Format::new().set_bold().set_text_wrap();
    let wrap = Format::new().set_text_wrap();
    for (c, h) in t.headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &bold)
            .map_err(|e| e.to_string())?;
        if let Some(w) = t.widths.get(c) {
            ws.set_column_width(c as u16, *w)
                .map_err(|e| e.to_string())?;
        }
    }
    for (r, row) in t.rows.iter().enumerate() {
        let r = (r + 1) as u32;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(s) => ws.write_string_with_format(r, c, s, &wrap),
                Cell::Int(n) => ws.write_number(r, c, *n as f64),
            }
            .map_err(|e| e.to_string())?;
        }
    }
    ws.set_freeze_panes(1, 0).map_err(|e| e.to_string())?;
    if !t.headers.is_empty() {
        ws.autofilter(0, 0, t.rows.len() as u32, (t.headers.len() - 1) as u16)
            .map_err(|e| e.to_string())?;
    }
    wb.save_to_buffer().map_err(|e| e.to_string())
}

/// The `Content-Disposition` of a page's download: Vietnamese words without
/// diacritics and the day as dd-mm-yyyy (`nhiem-vu-16-07-2025.csv`), through
/// the one helper of printed reports (ASCII `filename=` and its RFC 5987 twin).
pub fn disposition(name: &str, day: chrono::NaiveDate, ext: &str) -> axum::http::HeaderValue {
    let file = format!("{name}-{}.{ext}", day.format("%d-%m-%Y"));
    axum::http::HeaderValue::from_str(&tiendo_reports::attachment(&file))
        .unwrap_or(axum::http::HeaderValue::from_static("attachment"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table {
            headers: vec!["Nhiệm vụ".into(), "Số".into()],
            rows: vec![vec![
                Cell::Text("Bộ \"KH&CN\", báo cáo".into()),
                Cell::Int(3),
            ]],
            widths: vec![40.0, 8.0],
        }
    }

    #[test]
    fn csv_has_bom_and_quotes() {
        let bytes = to_csv(&table());
        assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF]);
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.contains("\"Bộ \"\"KH&CN\"\", báo cáo\",3\r\n"));
    }

    #[test]
    fn xlsx_is_a_zip() {
        let bytes = to_xlsx(&table(), "Nhiệm vụ").unwrap();
        assert_eq!(&bytes[..2], b"PK");
    }
}
