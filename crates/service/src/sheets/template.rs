//! The downloadable XLSX templates: a data sheet (bold Vietnamese headers with
//! the English heading on the second row and a note on each header), a sheet of
//! instructions with an example row, and a sheet listing the valid agency names
//! (and indicator codes, statuses).

use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, Format, Formula, Note, Workbook, Worksheet, XlsxError,
};
use tiendo_core::model::FIELDS;

use super::{Column, SheetKind, column_letter};
use crate::{Result, Service, ServiceError};

/// The sheet names.
pub const DATA_SHEET: &str = "Dữ liệu";
pub const HELP_SHEET: &str = "Hướng dẫn";
pub const LIST_SHEET: &str = "Danh mục";

/// The first data row (0-based) of the data sheet: after the two header rows.
pub const FIRST_DATA_ROW: u32 = 2;
const LAST_VALIDATED_ROW: u32 = 200_000;

pub const STATUSES: [&str; 2] = ["Đang thực hiện", "Hoàn thành"];

fn xerr(e: XlsxError) -> ServiceError {
    ServiceError::Internal(format!("writing a template: {e}"))
}

impl Service {
    /// The XLSX template of `kind`, with today's agencies (and indicators).
    pub async fn sheet_template(&self, kind: SheetKind) -> Result<Vec<u8>> {
        let mut agencies: Vec<(String, String, String, String)> = self.with_agencies_list(|all| {
            all.iter()
                .filter(|a| a.valid_to.is_none())
                .map(|a| {
                    (
                        a.name.clone(),
                        a.short_name.clone().unwrap_or_default(),
                        a.code.clone(),
                        a.kind.clone(),
                    )
                })
                .collect()
        });
        agencies.sort_by(|a, b| (kind_rank(&a.3), &a.0).cmp(&(kind_rank(&b.3), &b.0)));
        let indicators = match kind {
            SheetKind::Measurements => self.store.list_indicators(None).await?,
            _ => Vec::new(),
        };
        build(kind, &agencies, &indicators).map_err(xerr)
    }
}

fn kind_rank(kind: &str) -> u8 {
    match kind {
        "ministry" | "ministerial_agency" | "government_agency" => 0,
        "city" | "province" => 1,
        "commune" => 3,
        _ => 2,
    }
}

fn build(
    kind: SheetKind,
    agencies: &[(String, String, String, String)],
    indicators: &[tiendo_store::IndicatorRow],
) -> std::result::Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color("#DDEBF7");
    let english = Format::new().set_italic().set_font_color("#595959");
    let wrap = Format::new().set_text_wrap();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let columns = kind.columns();

    // The data sheet.
    let ws = wb.add_worksheet();
    ws.set_name(DATA_SHEET)?;
    for (i, c) in columns.iter().enumerate() {
        let col = i as u16;
        let title = if c.required {
            format!("{} (*)", c.vi)
        } else {
            c.vi.to_string()
        };
        ws.write_string_with_format(0, col, &title, &bold)?;
        ws.write_string_with_format(1, col, c.en, &english)?;
        let note = if c.help.is_empty() {
            c.en.to_string()
        } else {
            format!("{}\n{}", c.en, c.help)
        };
        ws.insert_note(0, col, &Note::new(note).set_author("tiendo"))?;
        ws.set_column_width(col, width(c))?;
        if matches!(c.field, "reported_on" | "completed_on") {
            ws.set_column_format(col, &date)?;
        }
        if let Some(v) = validation(kind, c, agencies.len())? {
            ws.add_data_validation(FIRST_DATA_ROW, col, LAST_VALIDATED_ROW, col, &v)?;
        }
    }
    ws.set_freeze_panes(FIRST_DATA_ROW, 0)?;

    // Instructions and an example row.
    let help = wb.add_worksheet();
    help.set_name(HELP_SHEET)?;
    help.write_string_with_format(
        0,
        0,
        format!(
            "Mẫu nhập {} — {}",
            kind.label_vi().to_lowercase(),
            kind.as_str()
        ),
        &Format::new().set_bold(),
    )?;
    let rules = [
        "Điền dữ liệu vào sheet 'Dữ liệu' từ dòng 3; giữ nguyên hai dòng tiêu đề. Cột có dấu (*) là bắt buộc.",
        "Fill the sheet 'Dữ liệu' from row 3; keep the two header rows. Columns marked (*) are required.",
        "Tên cơ quan phải đúng như trong sheet 'Danh mục' (tên đầy đủ, tên viết tắt hoặc mã), có dấu.",
        "Ngày ghi dd/mm/yyyy hoặc định dạng ngày của Excel.",
        "Nếu có bất kỳ lỗi nào, không dòng nào được nhập; hệ thống liệt kê mọi lỗi theo dòng và cột.",
        "If any row has a problem nothing is imported; every problem is listed by row and column.",
    ];
    for (i, r) in rules.iter().enumerate() {
        help.write_string(1 + i as u32, 0, *r)?;
    }
    let top = 2 + rules.len() as u32;
    for (j, h) in ["Cột", "Tiêu đề", "Heading", "Bắt buộc", "Cách ghi", "Ví dụ"]
        .iter()
        .enumerate()
    {
        help.write_string_with_format(top, j as u16, *h, &bold)?;
    }
    for (i, c) in columns.iter().enumerate() {
        let r = top + 1 + i as u32;
        help.write_string(r, 0, column_letter(i))?;
        help.write_string(r, 1, c.vi)?;
        help.write_string(r, 2, c.en)?;
        help.write_string(r, 3, if c.required { "Có" } else { "" })?;
        help.write_string_with_format(r, 4, c.help, &wrap)?;
        help.write_string(r, 5, c.example)?;
    }
    let ex = top + 2 + columns.len() as u32;
    help.write_string_with_format(ex, 0, "Dòng ví dụ:", &Format::new().set_bold())?;
    for (i, c) in columns.iter().enumerate() {
        help.write_string_with_format(ex + 1, i as u16, c.vi, &bold)?;
        help.write_string(ex + 2, i as u16, c.example)?;
    }
    help.set_column_width(0, 22)?;
    help.set_column_width(1, 24)?;
    help.set_column_width(2, 24)?;
    help.set_column_width(4, 60)?;
    help.set_column_width(5, 28)?;

    // Valid values.
    let list = wb.add_worksheet();
    list.set_name(LIST_SHEET)?;
    write_lists(list, kind, agencies, indicators, &bold)?;
    wb.save_to_buffer()
}

fn width(c: &Column) -> f64 {
    match c.field {
        "text" | "narrative" | "difficulties" | "proposals" => 50.0,
        "lead" | "coord" | "agency" | "product" => 30.0,
        _ => 18.0,
    }
}

fn validation(
    kind: SheetKind,
    c: &Column,
    agencies: usize,
) -> std::result::Result<Option<DataValidation>, XlsxError> {
    let v = match c.field {
        "status" => DataValidation::new().allow_list_strings(&STATUSES)?,
        "field" => {
            DataValidation::new().allow_list_strings(&["KHCN", "ĐMST", "CĐS", "ĐA06", "CCHC"])?
        }
        "priority" => DataValidation::new().allow_list_strings(&["1", "2", "3"])?,
        // Names from the list sheet; a warning only, since short names and
        // aliases are accepted too.
        "lead" | "agency" if agencies > 0 => DataValidation::new()
            .allow_list_formula(Formula::new(format!(
                "='{LIST_SHEET}'!$A$2:$A${}",
                agencies + 1
            )))
            .set_error_style(DataValidationErrorStyle::Warning),
        "indicator" if kind == SheetKind::Measurements => DataValidation::new()
            .allow_list_formula(Formula::new(format!("='{LIST_SHEET}'!$F$2:$F$1000")))
            .set_error_style(DataValidationErrorStyle::Warning),
        _ => return Ok(None),
    };
    Ok(Some(v.ignore_blank(true)))
}

fn write_lists(
    ws: &mut Worksheet,
    kind: SheetKind,
    agencies: &[(String, String, String, String)],
    indicators: &[tiendo_store::IndicatorRow],
    bold: &Format,
) -> std::result::Result<(), XlsxError> {
    for (j, h) in ["Tên cơ quan", "Tên viết tắt", "Mã"].iter().enumerate() {
        ws.write_string_with_format(0, j as u16, *h, bold)?;
    }
    for (i, (name, short, code, _)) in agencies.iter().enumerate() {
        let r = 1 + i as u32;
        ws.write_string(r, 0, name)?;
        ws.write_string(r, 1, short)?;
        ws.write_string(r, 2, code)?;
    }
    ws.set_column_width(0, 45)?;
    ws.set_column_width(1, 18)?;
    ws.set_column_width(2, 24)?;
    match kind {
        SheetKind::Tasks => {
            ws.write_string_with_format(0, 4, "Lĩnh vực", bold)?;
            for (i, (code, label)) in FIELDS.iter().enumerate() {
                ws.write_string(
                    1 + i as u32,
                    4,
                    format!("{} — {label}", code.to_uppercase()),
                )?;
            }
            ws.set_column_width(4, 36)?;
        }
        SheetKind::Reports => {
            ws.write_string_with_format(0, 4, "Trạng thái", bold)?;
            for (i, s) in STATUSES.iter().enumerate() {
                ws.write_string(1 + i as u32, 4, *s)?;
            }
            ws.set_column_width(4, 20)?;
        }
        SheetKind::Measurements => {
            for (j, h) in [
                "Mã chỉ tiêu",
                "Tên chỉ tiêu",
                "Đơn vị",
                "Kỳ báo cáo",
                "Giá trị hợp lệ",
            ]
            .iter()
            .enumerate()
            {
                ws.write_string_with_format(0, 5 + j as u16, *h, bold)?;
            }
            for (i, ind) in indicators.iter().enumerate() {
                let r = 1 + i as u32;
                let range = match (ind.valid_min, ind.valid_max) {
                    (Some(a), Some(b)) => format!(
                        "{} – {}",
                        tiendo_core::indicator::from_scaled(a),
                        tiendo_core::indicator::from_scaled(b)
                    ),
                    (Some(a), None) => format!("≥ {}", tiendo_core::indicator::from_scaled(a)),
                    (None, Some(b)) => format!("≤ {}", tiendo_core::indicator::from_scaled(b)),
                    (None, None) => String::new(),
                };
                ws.write_string(r, 5, &ind.code)?;
                ws.write_string(r, 6, &ind.name)?;
                ws.write_string(r, 7, &ind.unit)?;
                ws.write_string(r, 8, &ind.periodicity)?;
                ws.write_string(r, 9, range)?;
            }
            ws.set_column_width(5, 28)?;
            ws.set_column_width(6, 50)?;
        }
    }
    Ok(())
}
