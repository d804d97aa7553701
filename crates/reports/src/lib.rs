//! tiendo's printed reports as files: one writer per format over the one model
//! of `tiendo_core::printed` (title, as-of day, headings, paragraphs, key figures,
//! tables). Pure: a model in, bytes out; no IO, no database.
//!
//! - XLSX: rust_xlsxwriter, one sheet, tables with frozen header rows.
//! - DOCX: WordprocessingML written by hand and zipped (tables with repeated
//!   header rows; Vietnamese text in DejaVu Sans / Times New Roman fallback).
//! - PDF: pdf-writer, with DejaVu Sans (regular and bold) embedded as subset
//!   CID TrueType fonts and a ToUnicode map, so text extracts as NFC Vietnamese;
//!   long cells wrap; tables break across pages with their header repeated.
//!
//! The fonts are compiled into the binary (`fonts/`, Bitstream Vera licence in
//! `fonts/LICENSE-DejaVu.txt`): nothing reads system fonts at run time.

pub mod docx;
pub mod fonts;
pub mod letter_docx;
pub mod letter_pdf;
pub mod pdf;
pub mod xlsx;

pub use tiendo_core::letter::Letter;
pub use tiendo_core::printed::{Cell, Printed, Section, Table};

/// The file formats a report is rendered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Xlsx,
    Docx,
    Pdf,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Xlsx, Format::Docx, Format::Pdf];

    /// "xlsx", "docx" or "pdf" (any case); None otherwise.
    pub fn parse(s: &str) -> Option<Format> {
        match s.trim().to_ascii_lowercase().as_str() {
            "xlsx" => Some(Format::Xlsx),
            "docx" => Some(Format::Docx),
            "pdf" => Some(Format::Pdf),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Docx => "docx",
            Format::Pdf => "pdf",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Pdf => "application/pdf",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("xlsx: {0}")]
    Xlsx(String),
    #[error("docx: {0}")]
    Docx(String),
    #[error("pdf: {0}")]
    Pdf(String),
}

/// Renders a report in a format.
pub fn render(report: &Printed, format: Format) -> Result<Vec<u8>, RenderError> {
    match format {
        Format::Xlsx => xlsx::render(report),
        Format::Docx => docx::render(report),
        Format::Pdf => pdf::render(report),
    }
}

/// `bao-cao-qua-han-16-07-2025.pdf`.
pub fn file_name(report: &Printed, format: Format) -> String {
    format!("{}.{}", report.file_stem(), format.extension())
}

/// A `Content-Disposition` value for a download: an ASCII file name (the stem
/// is ASCII by construction) with its RFC 5987 twin.
pub fn content_disposition(report: &Printed, format: Format) -> String {
    attachment(&file_name(report, format))
}

/// `attachment; filename="…"` for an ASCII file name.
pub fn attachment(name: &str) -> String {
    format!("attachment; filename=\"{name}\"; filename*=UTF-8''{name}")
}

/// Renders a letter as DOCX or PDF (a letter is no spreadsheet).
pub fn render_letter(letter: &Letter, format: Format) -> Result<Vec<u8>, RenderError> {
    match format {
        Format::Docx => letter_docx::render(letter),
        Format::Pdf => letter_pdf::render(letter),
        Format::Xlsx => Err(RenderError::Xlsx(
            "a letter is written as DOCX or PDF, not XLSX".into(),
        )),
    }
}

/// `cong-van-don-doc-bo-cong-an-2026-12-05.docx`.
pub fn letter_file_name(letter: &Letter, format: Format) -> String {
    format!("{}.{}", letter.file_stem, format.extension())
}

/// NFC, as every text that leaves tiendo.
pub(crate) fn nfc(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfc().collect()
}

/// A sample report for tests and the benchmark: every kind of section.
pub fn sample() -> Printed {
    use chrono::NaiveDate;
    let day = NaiveDate::from_ymd_opt(2025, 7, 16).unwrap_or_default();
    let rows = (1..=40)
        .map(|i| {
            vec![
                Cell::Int(i),
                Cell::text(format!(
                    "Nhiệm vụ số {i}: hoàn thiện Cơ sở dữ liệu quốc gia về dân cư, kết nối, chia sẻ dữ liệu với các bộ, ngành, địa phương theo đúng tiến độ"
                )),
                Cell::text("Thông báo 365/TB-VPCP"),
                Cell::text("Bộ Khoa học và Công nghệ"),
                Cell::Date(day),
                Cell::text("Bộ Công an\nỦy ban nhân dân Thành phố Hà Nội"),
            ]
        })
        .collect();
    Printed {
        kind: "sample".into(),
        issuer: vec!["BAN CHỈ ĐẠO CỦA CHÍNH PHỦ".into()],
        title: "Danh mục nhiệm vụ quá hạn".into(),
        subtitle: Some("Số liệu đến hết ngày 16/07/2025".into()),
        as_of: day,
        landscape: true,
        sections: vec![
            Section::Heading("I. Số liệu chung".into()),
            Section::KeyFigures(vec![
                ("Tổng số phân công".into(), Cell::Int(12345)),
                ("Tỷ lệ đúng hạn".into(), Cell::Percent(87.26)),
            ]),
            Section::Paragraph("Đường Đồng Nai, Quảng Ngãi, Đắk Lắk — tiếng Việt có dấu.".into()),
            Section::Table(Table {
                headers: vec![
                    "TT".into(),
                    "Nhiệm vụ".into(),
                    "Văn bản giao".into(),
                    "Cơ quan chủ trì".into(),
                    "Thời hạn".into(),
                    "Đơn vị chưa hoàn thành".into(),
                ],
                widths: vec![4.0, 40.0, 14.0, 16.0, 10.0, 20.0],
                rows,
            }),
        ],
    }
}

/// A sample urging letter for tests: two agencies, a table of overdue tasks.
pub fn sample_letter() -> Letter {
    use chrono::NaiveDate;
    use tiendo_core::letter::{Block, Letterhead};
    let day = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap_or_default();
    let due = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
    let rows = (1..=12)
        .map(|i| {
            vec![
                Cell::Int(i),
                Cell::text(format!(
                    "Nhiệm vụ số {i}: hoàn thiện Cơ sở dữ liệu quốc gia về dân cư, kết nối, chia sẻ dữ liệu với các bộ, ngành, địa phương"
                )),
                Cell::text("Thông báo số 365/TB-VPCP ngày 16/07/2025"),
                Cell::text(if i % 2 == 0 { "Bộ Công an" } else { "Ủy ban nhân dân tỉnh Đắk Lắk" }),
                Cell::Date(due),
                Cell::Int(12),
            ]
        })
        .collect();
    Letter {
        file_stem: "cong-van-don-doc-2026-12-05".into(),
        head: Letterhead::default(),
        date: day,
        subject: "V/v đôn đốc thực hiện nhiệm vụ quá hạn".into(),
        addressees: vec!["Bộ Công an".into(), "Ủy ban nhân dân tỉnh Đắk Lắk".into()],
        body: vec![
            Block::Paragraph("Theo dõi trên Hệ thống, đến hết ngày 05/12/2026 các cơ quan còn 12 nhiệm vụ quá hạn, cụ thể như sau:".into()),
            Block::Table(Table {
                headers: vec![
                    "TT".into(),
                    "Nhiệm vụ".into(),
                    "Văn bản giao".into(),
                    "Cơ quan".into(),
                    "Thời hạn".into(),
                    "Số ngày quá hạn".into(),
                ],
                widths: vec![5.0, 33.0, 20.0, 15.0, 14.0, 13.0],
                rows,
            }),
            Block::Paragraph("Đề nghị các cơ quan khẩn trương hoàn thành các nhiệm vụ nêu trên trước ngày 20/12/2026.".into()),
        ],
        recipients: vec!["Bộ Công an".into(), "Ủy ban nhân dân tỉnh Đắk Lắk".into()],
        signer_title: None,
    }
}
