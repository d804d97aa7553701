//! Reading an XLSX file (calamine) into rows of NFC text cells, with the header
//! row matched to a template's columns.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::{Duration, NaiveDate};
use tiendo_core::text::{fold, is_nfc, nfc};

use super::{CellError, Column, column_letter};

/// A cell's content: text (NFC, trimmed), or a date Excel stored as a serial
/// number in a date-formatted cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Date(NaiveDate),
}

impl Cell {
    pub fn text(&self) -> Option<&str> {
        match self {
            Cell::Text(t) => Some(t),
            _ => None,
        }
    }

    pub fn is_empty(&self) -> bool {
        matches!(self, Cell::Empty)
    }
}

/// A data row: its Excel row number and a cell per template column.
#[derive(Debug, Clone)]
pub struct SheetRow {
    pub row: u32,
    pub cells: Vec<Cell>,
    /// The Excel column letter of each template column in this file.
    pub letters: Vec<String>,
}

impl SheetRow {
    pub fn letter(&self, i: usize) -> &str {
        &self.letters[i]
    }
}

/// The day of an Excel serial date (1900 system; 1 is 1900-01-01, with Excel's
/// fictitious 29/02/1900 accounted for by counting from 30/12/1899).
pub fn excel_serial_date(serial: f64) -> Option<NaiveDate> {
    if !serial.is_finite() || !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_signed(Duration::days(serial.floor() as i64))
}

fn cell_of(data: &Data) -> Cell {
    let text = |s: &str| {
        let s = s.trim();
        // Most cells are already NFC: copy them as they are.
        let t = if is_nfc(s) { s.to_string() } else { nfc(s) };
        if t.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(t)
        }
    };
    match data {
        Data::Empty => Cell::Empty,
        Data::String(s) => text(s),
        Data::Int(i) => Cell::Text(i.to_string()),
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                Cell::Text(format!("{}", *f as i64))
            } else {
                Cell::Text(f.to_string())
            }
        }
        Data::Bool(b) => Cell::Text(b.to_string()),
        Data::DateTime(d) => match excel_serial_date(d.as_f64()) {
            Some(day) if d.is_datetime() => Cell::Date(day),
            _ => Cell::Text(d.as_f64().to_string()),
        },
        Data::DateTimeIso(s) => {
            match NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d") {
                Ok(day) => Cell::Date(day),
                Err(_) => text(s),
            }
        }
        Data::DurationIso(s) => text(s),
        Data::Error(e) => Cell::Text(format!("#{e:?}")),
    }
}

/// Reads the first worksheet of an XLSX file: finds the header row (the first row
/// with a cell), matches its cells to `columns` by their Vietnamese or English
/// header or field name (diacritics and case ignored), skips a second header row
/// of English labels, and returns the data rows (blank rows dropped).
pub fn read_rows(bytes: &[u8], columns: &[Column]) -> Result<Vec<SheetRow>, Vec<CellError>> {
    let file_error = |message: String| {
        vec![CellError {
            row: 0,
            column: String::new(),
            field: "file".into(),
            message,
        }]
    };
    // The XLSX reader panics on some damaged files (an arithmetic overflow on a
    // cell reference, found by tests/fuzz_imports.rs): a damaged upload is the
    // sender's error, never a crash of the request.
    let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes))
            .map_err(|e| file_error(format!("not an XLSX file: {e}")))?;
        let Some(first) = book.sheet_names().first().cloned() else {
            return Err(file_error("the file has no worksheet".into()));
        };
        book.worksheet_range(&first)
            .map_err(|e| file_error(format!("cannot read the worksheet '{first}': {e}")))
    }));
    let range = match parsed {
        Ok(range) => range?,
        Err(_) => {
            return Err(file_error(
                "the file is damaged: its worksheet cannot be read as XLSX".into(),
            ));
        }
    };
    let (row0, col0) = range.start().unwrap_or((0, 0));
    let mut rows = range
        .rows()
        .enumerate()
        .map(|(i, r)| (row0 + i as u32 + 1, r));
    // The header row: the first with a cell.
    let header = loop {
        match rows.next() {
            Some((n, r)) if r.iter().any(|c| !matches!(c, Data::Empty)) => break Some((n, r)),
            Some(_) => continue,
            None => break None,
        }
    };
    let Some((header_row, header)) = header else {
        return Err(file_error("the worksheet is empty: no header row".into()));
    };
    let mut positions: Vec<Option<usize>> = vec![None; columns.len()];
    let mut errors = Vec::new();
    for (j, cell) in header.iter().enumerate() {
        let Cell::Text(label) = cell_of(cell) else {
            continue;
        };
        let key = fold(&label);
        let found = columns
            .iter()
            .position(|c| fold(c.vi) == key || fold(c.en) == key || c.field == label);
        match found {
            Some(i) if positions[i].is_none() => positions[i] = Some(j),
            Some(_) => errors.push(CellError {
                row: header_row,
                column: column_letter(col0 as usize + j),
                field: "header".into(),
                message: format!("column '{label}' appears twice"),
            }),
            None => errors.push(CellError {
                row: header_row,
                column: column_letter(col0 as usize + j),
                field: "header".into(),
                message: format!(
                    "unknown column '{label}' (the template's columns: {})",
                    columns.iter().map(|c| c.vi).collect::<Vec<_>>().join(", ")
                ),
            }),
        }
    }
    for (i, c) in columns.iter().enumerate() {
        if c.required && positions[i].is_none() {
            errors.push(CellError {
                row: header_row,
                column: String::new(),
                field: c.field.into(),
                message: format!("the required column '{}' ({}) is missing", c.vi, c.en),
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let letters: Vec<String> = positions
        .iter()
        .map(|p| {
            p.map(|j| column_letter(col0 as usize + j))
                .unwrap_or_default()
        })
        .collect();
    let mut out = Vec::new();
    let mut first_data = true;
    for (n, r) in rows {
        let cells: Vec<Cell> = positions
            .iter()
            .map(|p| p.and_then(|j| r.get(j)).map(cell_of).unwrap_or(Cell::Empty))
            .collect();
        if cells.iter().all(Cell::is_empty) {
            continue;
        }
        if first_data {
            first_data = false;
            // A second header row of English labels.
            let english = cells.iter().zip(columns).all(|(cell, c)| match cell {
                Cell::Text(t) => fold(t) == fold(c.en),
                _ => true,
            });
            if english {
                continue;
            }
        }
        out.push(SheetRow {
            row: n,
            cells,
            letters: letters.clone(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_serial_dates() {
        assert_eq!(
            excel_serial_date(45_961.0),
            NaiveDate::from_ymd_opt(2025, 10, 31)
        );
        assert_eq!(excel_serial_date(-3.0), None);
    }
}
