//! Spreadsheets in (docs/spreadsheets.md): downloadable XLSX templates for tasks,
//! progress reports and indicator measurements, and an import that checks every
//! row and writes all of them in one transaction, or nothing.
//!
//! - [`template`] writes the templates;
//! - [`read`] turns an XLSX file into rows of NFC text cells;
//! - [`validate`] checks cells (agencies with "did you mean", dates, deadlines);
//! - [`import`] builds the rows of each kind and stores them.

pub mod import;
pub mod read;
pub mod template;
pub mod validate;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use import::SheetImportSummary;

/// The MIME type of an XLSX file.
pub const XLSX_MIME: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// What a sheet holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SheetKind {
    Tasks,
    Reports,
    Measurements,
}

impl SheetKind {
    pub const ALL: [SheetKind; 3] = [
        SheetKind::Tasks,
        SheetKind::Reports,
        SheetKind::Measurements,
    ];

    pub fn parse(s: &str) -> Option<SheetKind> {
        match s {
            "tasks" => Some(SheetKind::Tasks),
            "reports" => Some(SheetKind::Reports),
            "measurements" => Some(SheetKind::Measurements),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SheetKind::Tasks => "tasks",
            SheetKind::Reports => "reports",
            SheetKind::Measurements => "measurements",
        }
    }

    /// The template's file name.
    pub fn file_name(self) -> &'static str {
        match self {
            SheetKind::Tasks => "mau-nhiem-vu.xlsx",
            SheetKind::Reports => "mau-bao-cao-tien-do.xlsx",
            SheetKind::Measurements => "mau-so-lieu-chi-tieu.xlsx",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            SheetKind::Tasks => "Nhiệm vụ",
            SheetKind::Reports => "Báo cáo tiến độ",
            SheetKind::Measurements => "Số liệu chỉ tiêu",
        }
    }

    /// The columns of the data sheet, in template order.
    pub fn columns(self) -> &'static [Column] {
        match self {
            SheetKind::Tasks => TASK_COLUMNS,
            SheetKind::Reports => REPORT_COLUMNS,
            SheetKind::Measurements => MEASUREMENT_COLUMNS,
        }
    }
}

/// A column of a template: its field, its Vietnamese and English headers, whether
/// a row must fill it, and what to write there.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub field: &'static str,
    pub vi: &'static str,
    pub en: &'static str,
    pub required: bool,
    pub help: &'static str,
    pub example: &'static str,
}

const fn col(
    field: &'static str,
    vi: &'static str,
    en: &'static str,
    required: bool,
    help: &'static str,
    example: &'static str,
) -> Column {
    Column {
        field,
        vi,
        en,
        required,
        help,
        example,
    }
}

pub const TASK_COLUMNS: &[Column] = &[
    col(
        "document",
        "Số hiệu văn bản",
        "Document number",
        true,
        "Số hiệu văn bản giao nhiệm vụ, đã có trong hệ thống (vd. 624/TB-VPCP)",
        "624/TB-VPCP",
    ),
    col(
        "text",
        "Nhiệm vụ",
        "Task",
        true,
        "Nội dung nhiệm vụ",
        "Hoàn thành cơ sở dữ liệu quốc gia về y tế",
    ),
    col(
        "lead",
        "Cơ quan chủ trì",
        "Lead agency",
        true,
        "Tên, tên viết tắt hoặc mã cơ quan (xem sheet Danh mục); nhiều cơ quan cách nhau bằng dấu ';'; hoặc @bo-nganh, @dia-phuong",
        "Bộ Y tế",
    ),
    col(
        "coord",
        "Cơ quan phối hợp",
        "Coordinating agencies",
        false,
        "Các cơ quan cách nhau bằng dấu ';'",
        "Bộ Công an; Bộ Tài chính",
    ),
    col(
        "deadline",
        "Thời hạn",
        "Deadline",
        false,
        "Ngày dd/mm/yyyy, hoặc: Tháng 10/2025, Quý III/2025, 6 tháng đầu năm 2025, Năm 2025, Thường xuyên; để trống nếu không có",
        "Quý IV/2025",
    ),
    col(
        "field",
        "Lĩnh vực",
        "Field",
        false,
        "KHCN, ĐMST, CĐS, ĐA06 hoặc CCHC",
        "CĐS",
    ),
    col(
        "priority",
        "Ưu tiên",
        "Priority",
        false,
        "1 (cao), 2 (trung bình, mặc định) hoặc 3 (thấp)",
        "1",
    ),
    col(
        "product",
        "Sản phẩm",
        "Expected product",
        false,
        "Sản phẩm, kết quả cần đạt",
        "Cơ sở dữ liệu vận hành",
    ),
    col(
        "leader",
        "Lãnh đạo chỉ đạo",
        "Directing leader",
        false,
        "Lãnh đạo Chính phủ chỉ đạo",
        "Phó Thủ tướng",
    ),
    col(
        "ref",
        "Số thứ tự",
        "Item in the document",
        false,
        "Vị trí của nhiệm vụ trong văn bản (vd. III.1.a)",
        "III.1.a",
    ),
];

pub const REPORT_COLUMNS: &[Column] = &[
    col(
        "task_id",
        "Mã nhiệm vụ",
        "Task id",
        false,
        "Mã số nhiệm vụ trong hệ thống; hoặc để trống và điền số hiệu văn bản và số thứ tự",
        "12",
    ),
    col(
        "document",
        "Số hiệu văn bản",
        "Document number",
        false,
        "Khi không có mã nhiệm vụ: số hiệu văn bản giao nhiệm vụ",
        "624/TB-VPCP",
    ),
    col(
        "ref",
        "Số thứ tự",
        "Item in the document",
        false,
        "Khi không có mã nhiệm vụ: số thứ tự nhiệm vụ trong văn bản",
        "III.1.a",
    ),
    col(
        "agency",
        "Cơ quan báo cáo",
        "Reporting agency",
        true,
        "Cơ quan được giao (xem sheet Danh mục)",
        "Bộ Y tế",
    ),
    col(
        "status",
        "Trạng thái",
        "Status",
        true,
        "Đang thực hiện hoặc Hoàn thành",
        "Đang thực hiện",
    ),
    col(
        "percent",
        "Tỷ lệ hoàn thành (%)",
        "Percent done",
        false,
        "Số từ 0 đến 100",
        "60",
    ),
    col(
        "narrative",
        "Kết quả thực hiện",
        "Progress narrative",
        true,
        "Tóm tắt kết quả",
        "Đã hoàn thành thiết kế hệ thống",
    ),
    col(
        "difficulties",
        "Khó khăn, vướng mắc",
        "Difficulties",
        false,
        "",
        "Thiếu kinh phí",
    ),
    col(
        "proposals",
        "Đề xuất, kiến nghị",
        "Proposals",
        false,
        "",
        "",
    ),
    col(
        "evidence_number",
        "Số văn bản minh chứng",
        "Evidence document number",
        false,
        "",
        "123/BYT-CNTT",
    ),
    col(
        "reported_on",
        "Ngày báo cáo",
        "Reported on",
        false,
        "dd/mm/yyyy; mặc định hôm nay",
        "20/11/2025",
    ),
    col(
        "completed_on",
        "Ngày hoàn thành",
        "Completed on",
        false,
        "dd/mm/yyyy; chỉ khi trạng thái là Hoàn thành",
        "",
    ),
];

pub const MEASUREMENT_COLUMNS: &[Column] = &[
    col(
        "indicator",
        "Mã chỉ tiêu",
        "Indicator code",
        true,
        "Mã chỉ tiêu (xem sheet Danh mục)",
        "phu-song-5g",
    ),
    col(
        "agency",
        "Cơ quan",
        "Agency",
        false,
        "Cơ quan có số liệu; để trống cho số liệu toàn quốc (chỉ Văn phòng thường trực)",
        "Bộ Y tế",
    ),
    col(
        "period",
        "Kỳ",
        "Period",
        true,
        "Tháng: 2025-11 hoặc 11/2025; Quý: 2025-Q4 hoặc Quý IV/2025; Năm: 2025",
        "2025-11",
    ),
    col(
        "value",
        "Giá trị",
        "Value",
        true,
        "Số; dấu thập phân là dấu chấm",
        "39.5",
    ),
    col(
        "source",
        "Nguồn",
        "Source",
        false,
        "Văn bản hoặc hệ thống nguồn số liệu",
        "Báo cáo 45/BC-BKHCN",
    ),
    col("note", "Ghi chú", "Note", false, "", ""),
];

/// A problem with one cell (or a whole row, `column` empty) of an import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CellError {
    /// The row as Excel numbers it (1 is the first row).
    pub row: u32,
    /// The column letter ("C"); empty for a problem with the whole row or file.
    pub column: String,
    /// The template's field ("lead").
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for CellError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.column.is_empty() {
            write!(f, "row {}: {}", self.row, self.message)
        } else {
            write!(
                f,
                "row {}, column {}: {}",
                self.row, self.column, self.message
            )
        }
    }
}

/// The column letters of a zero-based index: 0 → "A", 26 → "AA".
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        out.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(2), "C");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
    }

    #[test]
    fn error_display_names_row_and_column() {
        let e = CellError {
            row: 14,
            column: "C".into(),
            field: "lead".into(),
            message: "unknown agency 'Bo Y te' — did you mean 'Bộ Y tế'?".into(),
        };
        assert_eq!(
            e.to_string(),
            "row 14, column C: unknown agency 'Bo Y te' — did you mean 'Bộ Y tế'?"
        );
    }
}
