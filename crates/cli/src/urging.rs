//! `tiendo report urging`: the urging letter (công văn đôn đốc, docs/reports.md)
//! written to a file, issued or previewed, and the letterhead flags shared with
//! `serve`.

use anyhow::{Context, Result, anyhow};
use chrono::NaiveDate;
use tiendo_service::Config;

use crate::{DataArgs, open, operator};

/// The letterhead of urging letters (docs/reports.md), from flags or the
/// environment; unset parts keep the default (the Government Office).
#[derive(clap::Args, Debug, Clone, Default)]
pub struct LetterArgs {
    /// Urging letters: the issuing body (default: VĂN PHÒNG CHÍNH PHỦ).
    #[arg(long, env = "TIENDO_LETTER_ISSUER")]
    letter_issuer: Option<String>,
    /// Urging letters: the issuing body's parent, printed above it (default: none).
    #[arg(long, env = "TIENDO_LETTER_PARENT")]
    letter_parent: Option<String>,
    /// Urging letters: the symbol after the number, "Số:   /SYMBOL" (default: VPCP-TH).
    #[arg(long, env = "TIENDO_LETTER_SYMBOL")]
    letter_symbol: Option<String>,
    /// Urging letters: the place of the date line (default: Hà Nội).
    #[arg(long, env = "TIENDO_LETTER_PLACE")]
    letter_place: Option<String>,
}

impl LetterArgs {
    pub fn letterhead(&self) -> tiendo_core::letter::Letterhead {
        let mut head = tiendo_core::letter::Letterhead::default();
        let given = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(tiendo_core::text::nfc)
        };
        if let Some(v) = given(&self.letter_issuer) {
            head.issuer = v;
        }
        head.parent = given(&self.letter_parent);
        if let Some(v) = given(&self.letter_symbol) {
            head.symbol = v;
        }
        if let Some(v) = given(&self.letter_place) {
            head.place = v;
        }
        head
    }
}

/// `tiendo report urging`: the letter, written to `output`; issued (recorded in
/// every listed assignment's history) unless `preview`.
#[allow(clippy::too_many_arguments)]
pub async fn urging(
    data: &DataArgs,
    config: Config,
    as_of: NaiveDate,
    agency: Option<String>,
    finish_by: Option<NaiveDate>,
    preview: bool,
    format: &str,
    output: &std::path::Path,
) -> Result<()> {
    let format = match tiendo_reports::Format::parse(format) {
        Some(f @ (tiendo_reports::Format::Docx | tiendo_reports::Format::Pdf)) => f,
        _ => return Err(anyhow!("--format must be docx or pdf for a letter")),
    };
    let service = open(data, config).await?;
    let actor = operator(&service).await?;
    let agency = match agency.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        Some(name) => Some(
            service
                .resolve_agency("agency", name, Some(as_of))
                .map_err(|e| anyhow!("--{e}"))?
                .id,
        ),
        None => None,
    };
    let mut req = tiendo_service::urging::UrgingRequest::new(as_of, agency, finish_by);
    req.issue = !preview;
    let made = service
        .urging_letter(&actor, &req)
        .await
        .map_err(|e| anyhow!("{e}"))?;
    let bytes = tiendo_reports::render_letter(&made.letter, format).map_err(|e| anyhow!("{e}"))?;
    std::fs::write(output, &bytes).with_context(|| format!("cannot write {}", output.display()))?;
    if preview {
        eprintln!(
            "{} ({} bytes): preview of a letter on {} overdue assignments; nothing recorded",
            output.display(),
            bytes.len(),
            made.assignments
        );
    } else {
        eprintln!(
            "{} ({} bytes): letter issued; recorded in the history of {} assignments",
            output.display(),
            bytes.len(),
            made.recorded
        );
    }
    Ok(())
}
