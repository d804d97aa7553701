//! An administrative letter (`tiendo_core::letter::Letter`) as DOCX, in the
//! layout of Decree 30/2020/NĐ-CP: A4 portrait, margins 20 mm top and bottom,
//! 30 mm left, 15 mm right; a borderless two-column table for the header (issuing
//! body, a short rule, the number and the subject on the left; national title,
//! motto with its rule, the place and date in italics on the right), the
//! addressees, the body with its table, then a borderless two-column table for
//! "Nơi nhận" (bold italic, smaller) and the signature block, left blank.
//!
//! Same package, styles and embedded font subsets as the reports (`crate::docx`):
//! DejaVu Sans for every script, one point smaller than the decree's Times New
//! Roman sizes since its letters are larger.

use std::fmt::Write as _;

use tiendo_core::letter::{Block, Letter, MOTTO, NATIONAL_TITLE};

use crate::RenderError;
use crate::docx::{Para, package, para, table};

/// A4 portrait, in twentieths of a point.
const PAGE: (u32, u32) = (11906, 16838);
/// 30 mm left, 15 mm right, 20 mm top and bottom.
const MARGINS: (u32, u32, u32) = (1701, 851, 1134);
/// Width of the header's left column (issuer, number, subject).
const LEFT_COL: u32 = 3900;

/// A paragraph property: no space after, single line.
const TIGHT: &str = "<w:spacing w:before=\"0\" w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/>";

/// A borderless table of two cells side by side, each given as its XML content.
fn two_columns(out: &mut String, widths: (u32, u32), left: &str, right: &str) {
    let _ = write!(
        out,
        "<w:tbl><w:tblPr><w:tblW w:w=\"{}\" w:type=\"dxa\"/><w:tblBorders>\
         <w:top w:val=\"nil\"/><w:left w:val=\"nil\"/><w:bottom w:val=\"nil\"/><w:right w:val=\"nil\"/>\
         <w:insideH w:val=\"nil\"/><w:insideV w:val=\"nil\"/></w:tblBorders><w:tblLayout w:type=\"fixed\"/>\
         <w:tblCellMar><w:left w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"0\" w:type=\"dxa\"/></w:tblCellMar>\
         </w:tblPr><w:tblGrid><w:gridCol w:w=\"{}\"/><w:gridCol w:w=\"{}\"/></w:tblGrid><w:tr>",
        widths.0 + widths.1,
        widths.0,
        widths.1
    );
    for (w, content) in [(widths.0, left), (widths.1, right)] {
        let _ = write!(
            out,
            "<w:tc><w:tcPr><w:tcW w:w=\"{w}\" w:type=\"dxa\"/></w:tcPr>{content}</w:tc>"
        );
    }
    out.push_str("</w:tr></w:tbl>");
}

/// A short centred rule: an empty paragraph with a bottom border, indented so
/// that the rule is `length` twentieths of a point in a column of `column`.
fn rule(out: &mut String, column: u32, length: u32) {
    let side = column.saturating_sub(length) / 2;
    let _ = write!(
        out,
        "<w:p><w:pPr><w:pBdr><w:bottom w:val=\"single\" w:sz=\"6\" w:space=\"1\" w:color=\"000000\"/></w:pBdr>\
         <w:spacing w:before=\"0\" w:after=\"120\" w:line=\"60\" w:lineRule=\"exact\"/>\
         <w:ind w:left=\"{side}\" w:right=\"{side}\"/><w:rPr><w:sz w:val=\"4\"/></w:rPr></w:pPr></w:p>"
    );
}

fn centred(out: &mut String, text: &str, bold: bool, italic: bool, size: u32) {
    para(
        out,
        text,
        Para {
            align: Some("center"),
            bold,
            italic,
            size: Some(size),
            extra: TIGHT,
            ..Default::default()
        },
    );
}

/// The body of `word/document.xml`.
pub fn document_xml(letter: &Letter) -> String {
    let mut out = String::with_capacity(32 * 1024);
    out.push_str(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" \
         xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><w:body>",
    );
    let (left_m, right_m, top_m) = MARGINS;
    let span = PAGE.0 - left_m - right_m;
    let right_col = span - LEFT_COL;

    // Header, left: parent body, issuing body (bold), rule, number, subject.
    let mut left = String::new();
    if let Some(p) = &letter.head.parent {
        centred(&mut left, &p.to_uppercase(), false, false, 24);
    }
    centred(
        &mut left,
        &letter.head.issuer.to_uppercase(),
        true,
        false,
        24,
    );
    rule(&mut left, LEFT_COL, LEFT_COL / 3);
    centred(&mut left, &letter.number_line(), false, false, 24);
    para(
        &mut left,
        &letter.subject,
        Para {
            align: Some("center"),
            size: Some(22),
            extra: "<w:spacing w:before=\"120\" w:after=\"0\"/>",
            ..Default::default()
        },
    );
    // Header, right: national title, motto, rule, place and date.
    let mut right = String::new();
    centred(&mut right, NATIONAL_TITLE, true, false, 22);
    centred(&mut right, MOTTO, true, false, 24);
    rule(&mut right, right_col, right_col * 55 / 100);
    para(
        &mut right,
        &letter.dateline(),
        Para {
            align: Some("center"),
            italic: true,
            size: Some(24),
            ..Default::default()
        },
    );
    two_columns(&mut out, (LEFT_COL, right_col), &left, &right);

    // Kính gửi.
    let lines = letter.addressee_lines();
    let many = lines.len() > 1;
    for (i, l) in lines.iter().enumerate() {
        let indent = if many && i > 0 {
            "<w:ind w:left=\"2835\"/>"
        } else {
            "<w:ind w:left=\"1418\"/>"
        };
        let spacing = if i == 0 {
            "<w:spacing w:before=\"360\" w:after=\"0\"/>"
        } else {
            "<w:spacing w:before=\"0\" w:after=\"0\"/>"
        };
        para(
            &mut out,
            l,
            Para {
                extra: &format!("{spacing}{indent}"),
                ..Default::default()
            },
        );
    }
    para(&mut out, "", Para::default());

    // Body.
    for b in &letter.body {
        match b {
            Block::Paragraph(p) => para(
                &mut out,
                p,
                Para {
                    align: Some("both"),
                    extra: "<w:spacing w:before=\"0\" w:after=\"120\"/><w:ind w:firstLine=\"567\"/>",
                    ..Default::default()
                },
            ),
            Block::Table(t) => table(&mut out, &t.headers, &t.widths, &t.rows, span),
        }
    }

    // Nơi nhận (left) and the signature block (right), left blank for the signer.
    let mut rec = String::new();
    para(
        &mut rec,
        "Nơi nhận:",
        Para {
            bold: true,
            italic: true,
            size: Some(22),
            extra: TIGHT,
            ..Default::default()
        },
    );
    for l in letter.recipient_lines() {
        para(
            &mut rec,
            &l,
            Para {
                size: Some(20),
                extra: TIGHT,
                ..Default::default()
            },
        );
    }
    let mut sign = String::new();
    centred(
        &mut sign,
        letter.signer_title.as_deref().unwrap_or(""),
        true,
        false,
        24,
    );
    for _ in 0..5 {
        centred(&mut sign, "", false, false, 24);
    }
    para(&mut out, "", Para::default());
    two_columns(&mut out, (span / 2, span - span / 2), &rec, &sign);

    let (w, h) = PAGE;
    let _ = write!(
        out,
        "<w:sectPr><w:pgSz w:w=\"{w}\" w:h=\"{h}\"/>\
         <w:pgMar w:top=\"{top_m}\" w:right=\"{right_m}\" w:bottom=\"{top_m}\" w:left=\"{left_m}\" \
         w:header=\"567\" w:footer=\"567\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>"
    );
    out
}

pub fn render(letter: &Letter) -> Result<Vec<u8>, RenderError> {
    package(&letter.subject, &document_xml(letter))
}
