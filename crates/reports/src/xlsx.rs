//! XLSX: one worksheet, the report top to bottom; numbers and days stay numbers
//! and dates (shown `#.##0` and `dd/mm/yyyy`), text is NFC.

use chrono::Datelike;
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet};

use crate::{Cell, Printed, RenderError, Section, nfc};

struct Styles {
    title: Format,
    bold: Format,
    italic: Format,
    header: Format,
    text: Format,
    int: Format,
    num: [Format; 3],
    percent: Format,
    date: Format,
}

fn styles() -> Styles {
    let cell = || {
        Format::new()
            .set_border(FormatBorder::Thin)
            .set_text_wrap()
            .set_align(FormatAlign::Top)
    };
    Styles {
        title: Format::new()
            .set_bold()
            .set_font_size(14)
            .set_align(FormatAlign::Center),
        bold: Format::new().set_bold(),
        italic: Format::new().set_italic().set_align(FormatAlign::Center),
        header: cell()
            .set_bold()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_background_color(0xE8EEF4),
        text: cell(),
        int: cell().set_num_format("#,##0"),
        num: [
            cell().set_num_format("#,##0"),
            cell().set_num_format("#,##0.0"),
            cell().set_num_format("#,##0.00"),
        ],
        percent: cell().set_num_format("0.0\"%\""),
        date: cell().set_num_format("dd/mm/yyyy"),
    }
}

fn err(e: impl std::fmt::Display) -> RenderError {
    RenderError::Xlsx(e.to_string())
}

fn write_cell(
    ws: &mut Worksheet,
    st: &Styles,
    row: u32,
    col: u16,
    cell: &Cell,
) -> Result<(), RenderError> {
    match cell {
        Cell::Text(s) => ws.write_string_with_format(row, col, nfc(s), &st.text),
        Cell::Int(n) => ws.write_number_with_format(row, col, *n as f64, &st.int),
        Cell::Num(x, d) => ws.write_number_with_format(row, col, *x, &st.num[(*d as usize).min(2)]),
        Cell::Percent(x) => ws.write_number_with_format(row, col, *x, &st.percent),
        Cell::Date(d) => {
            let day = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
                .map_err(err)?;
            ws.write_datetime_with_format(row, col, &day, &st.date)
        }
        Cell::Empty => ws.write_blank(row, col, &st.text),
    }
    .map_err(err)?;
    Ok(())
}

pub fn render(report: &Printed) -> Result<Vec<u8>, RenderError> {
    let st = styles();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Báo cáo").map_err(err)?;
    ws.set_paper_size(9); // A4
    if report.landscape {
        ws.set_landscape();
    }
    let ncols = report
        .tables()
        .map(|t| t.headers.len())
        .max()
        .unwrap_or(2)
        .max(2) as u16;
    // Column widths: the widest table's relative widths over ~150 characters.
    if let Some(t) = report.tables().max_by_key(|t| t.headers.len()) {
        let total: f32 = t.widths.iter().sum::<f32>().max(1.0);
        let span = if report.landscape { 150.0 } else { 100.0 };
        for (c, w) in t.widths.iter().enumerate() {
            ws.set_column_width(c as u16, (w / total * span).max(6.0) as f64)
                .map_err(err)?;
        }
    }
    let last = ncols - 1;
    let mut row: u32 = 0;
    for line in &report.issuer {
        ws.write_string_with_format(row, 0, nfc(line), &st.bold)
            .map_err(err)?;
        row += 1;
    }
    if !report.issuer.is_empty() {
        row += 1;
    }
    ws.merge_range(
        row,
        0,
        row,
        last,
        &nfc(&report.title.to_uppercase()),
        &st.title,
    )
    .map_err(err)?;
    row += 1;
    if let Some(sub) = &report.subtitle {
        ws.merge_range(row, 0, row, last, &nfc(sub), &st.italic)
            .map_err(err)?;
        row += 1;
    }
    ws.merge_range(row, 0, row, last, &nfc(&report.dateline()), &st.italic)
        .map_err(err)?;
    row += 2;
    let mut first_header: Option<u32> = None;
    for section in &report.sections {
        match section {
            Section::Heading(h) => {
                ws.write_string_with_format(row, 0, nfc(h), &st.bold)
                    .map_err(err)?;
                row += 1;
            }
            Section::Paragraph(p) => {
                ws.write_string(row, 0, nfc(p)).map_err(err)?;
                row += 1;
            }
            Section::KeyFigures(figs) => {
                for (label, value) in figs {
                    ws.write_string_with_format(row, 0, nfc(label), &st.text)
                        .map_err(err)?;
                    write_cell(ws, &st, row, 1, value)?;
                    row += 1;
                }
                row += 1;
            }
            Section::Table(t) => {
                for (c, h) in t.headers.iter().enumerate() {
                    ws.write_string_with_format(row, c as u16, nfc(h), &st.header)
                        .map_err(err)?;
                }
                first_header.get_or_insert(row);
                row += 1;
                for r in &t.rows {
                    for (c, cell) in r.iter().enumerate() {
                        write_cell(ws, &st, row, c as u16, cell)?;
                    }
                    row += 1;
                }
                row += 1;
            }
        }
    }
    if let Some(h) = first_header {
        ws.set_repeat_rows(h, h).map_err(err)?;
    }
    ws.set_print_fit_to_pages(1, 0);
    wb.save_to_buffer().map_err(err)
}
