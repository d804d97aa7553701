//! tiendo-extract: reads directive documents (conclusion notices "Thông báo kết
//! luận", plans, news reports of conferences) and proposes the tasks they assign,
//! each linked to the words it came from.
//!
//! The pipeline (see `docs/extraction.md`): read the file (text, DOCX, PDF) →
//! normalise (NFC, spaces) → tokens and agency gazetteer → document header →
//! regions (body, closing, appendix, web clutter) → item tree (I., 1., a), (1), -,
//! agency headings) → clauses and task segments (lead, coordination, deadline,
//! product) → appendix table rows. Every step is linear in the size of the text.
//!
//! ```
//! use tiendo_extract::{extract_text, ExtractOptions};
//! let doc = "Số: 1/TB-VPCP\nHà Nội, ngày 16 tháng 11 năm 2025\nTHÔNG BÁO\n\
//!            1. Bộ Y tế xây dựng Kế hoạch, hoàn thành trong tháng 12 năm 2025.";
//! let x = extract_text(doc, &ExtractOptions::default());
//! assert_eq!(x.tasks.len(), 1);
//! assert_eq!(x.tasks[0].lead, ["Bộ Y tế"]);
//! assert_eq!(x.tasks[0].deadline.due.unwrap().to_string(), "2025-12-31");
//! ```

mod appendix;
mod closing;
mod deadline;
mod doubt;
mod fields;
mod header;
mod input;
mod layout;
mod layout_table;
mod letterhead;
mod lexicon;
mod normalize;
mod pipeline;
mod roles;
mod structure;
mod table;
mod tables;
mod units;

use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tiendo_core::agency::AgencyRegistry;
use tiendo_core::deadline::Deadline;

pub use input::ExtractError;
/// The text of a file's bytes (DOCX, PDF or plain text), as extraction reads it.
pub use input::decode;
pub use table::render_table;

/// Largest file `extract_path` reads (bytes on disk).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// Largest text `extract_text` analyses; a longer one gives no tasks and a warning.
pub const MAX_TEXT_BYTES: usize = 64 * 1024 * 1024;

/// How to extract.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExtractOptions {
    /// Write agency names as in force on this day (e.g. today's successors) instead
    /// of the names in force on the document's date.
    pub as_of_names: Option<NaiveDate>,
    /// The agencies to recognise; the builtin registry when `None`.
    pub registry: Option<&'static AgencyRegistry>,
}

/// The document's own identity, read from its header.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentInfo {
    /// "624/TB-VPCP".
    pub number: Option<String>,
    /// "Thông báo", "Kế hoạch", … ("Bản tin" for a news report).
    pub kind: Option<String>,
    pub date: Option<NaiveDate>,
    /// "Văn phòng Chính phủ".
    pub issuer: Option<String>,
    pub title: Option<String>,
}

/// One proposed task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    /// Where it stands: the document's numbering, outermost first ("III.5.a.(2)");
    /// "PL.7" for an appendix row.
    #[serde(rename = "ref")]
    pub reference: String,
    /// The first words of the task, verbatim from the normalised text (what a gold
    /// annotation's `text` holds, for matching).
    pub text: String,
    /// The whole task as the document writes it: its sentence or cell on one line,
    /// without the words that hand it over ("Giao …", "Đề nghị …"), capitalised.
    #[serde(default)]
    pub full_text: String,
    /// Official names (or `@bo-nganh` / `@dia-phuong`) of the agencies that must do it.
    pub lead: Vec<String>,
    /// Agencies named as coordinating.
    pub coord: Vec<String>,
    pub deadline: Deadline,
    /// The expected result, where the text names one.
    pub product: Option<String>,
    /// Byte offsets `[start, end)` of the whole task in the normalised text; `text`
    /// is its beginning.
    pub span: [usize; 2],
    /// Which of the "6 rõ" the task leaves unclear: `no_person`, `no_agency`,
    /// `no_deadline`, `no_product`, `no_authority`.
    pub six_clear: Vec<String>,
    /// For an appendix row: the document that first assigned the task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_doc: Option<String>,
    /// For an appendix row: the units that had not finished it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incomplete: Option<Vec<String>>,
    /// How sure the reader is of this task, from 0 to 1.
    #[serde(default = "full_confidence")]
    pub confidence: f32,
    /// Why it may be wrong: `lead_inherited`, `unknown_unit`, `group_lead`,
    /// `no_deadline`, `deadline_unread`, `no_verb`, `long` (see `doubt.rs`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub doubts: Vec<String>,
}

fn full_confidence() -> f32 {
    1.0
}

/// A body the document gives work to that the agency register does not hold: a
/// unit of the issuer ("Cục Biến đổi khí hậu", "Sở Tài chính"), or a province's own
/// group as written ("Ủy ban nhân dân các xã, phường"). Confirming an import adds
/// it to the register under the issuing agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitInfo {
    pub name: String,
    /// `unit` (one body), `department` (a province's Sở) or `group` (several).
    pub kind: String,
}

/// What one document yields.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Extraction {
    pub document: DocumentInfo,
    pub tasks: Vec<Task>,
    /// The bodies outside the register that the tasks name (lead or coordination).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<UnitInfo>,
    /// Problems that did not stop the extraction (input too long, no date found …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    #[serde(skip)]
    text: String,
}

impl Extraction {
    /// The normalised text that `span` offsets and `text` refer to.
    pub fn normalised_text(&self) -> &str {
        &self.text
    }

    /// The full source passage of a task (its `span` in the normalised text).
    pub fn passage(&self, task: &Task) -> Option<&str> {
        self.text.get(task.span[0]..task.span[1])
    }
}

/// Extracts the tasks of a text (any encoding already decoded to UTF-8).
pub fn extract_text(text: &str, options: &ExtractOptions) -> Extraction {
    pipeline::run(text, options)
}

/// Reads a file (.txt, .docx or .pdf, by content sniffing with the extension as a
/// hint) and extracts its tasks.
pub fn extract_path(path: &Path, options: &ExtractOptions) -> Result<Extraction, ExtractError> {
    let text = input::read_document(path)?;
    let mut x = extract_text(&text, options);
    if x.document.date.is_none()
        && let Some(day) = input::date_from_file_name(path)
    {
        // The file name carries the date ("…_2025-09-24.txt"): use it and read again,
        // so that names and year-less deadlines follow it.
        x = pipeline::run_with_date(&text, options, Some(day));
        x.warnings
            .push(format!("document date taken from the file name: {day}"));
    }
    Ok(x)
}

/// The deadline a short text states ("Quý III/2025", "trong tháng 10/2025",
/// "Thường xuyên", "31/12/2025"), as the extractor reads it in a clause: the
/// first dated one, else a recurring or event one; `None` when there is none.
/// `year` completes dates written without one.
pub fn parse_deadline(text: &str, year: Option<i32>) -> Option<tiendo_core::deadline::Deadline> {
    let found = deadline::find(text, year);
    deadline::pick(&found)
        .or_else(|| deadline::weak(&found))
        .map(|f| f.deadline.clone())
}
