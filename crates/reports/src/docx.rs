//! DOCX: WordprocessingML written by hand (the few parts Word needs) and zipped.
//! Text in DejaVu Sans (12 pt, tables 10 pt: its letters are wider and taller than
//! Times New Roman's at the 13 pt of Decree 30/2020, so a date fits its column)
//! embedded in the file (`word/fonts/*.odttf`, obfuscated as ECMA-376 requires),
//! set for every script (`ascii`, `hAnsi`, `cs`, `eastAsia`): the document shows
//! every Vietnamese letter with the same glyphs on any computer, whatever fonts it
//! has. (Times New Roman, the decree's face, cannot be shipped: its licence does not
//! allow it.) The embedded fonts are glyph-preserving subsets (`crate::fonts`):
//! the document's own characters plus every Vietnamese letter, so it can be edited
//! in Vietnamese too. Tables repeat their header row on each page; A4, landscape
//! for the wide appendix.

use std::fmt::Write as _;
use std::io::{Cursor, Write};

use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

use std::collections::BTreeSet;

use unicode_normalization::UnicodeNormalization;

use crate::fonts::{BOLD, FAMILY, REGULAR, subset_keeping_ids};
use crate::{Cell, Printed, RenderError, Section, nfc};

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Default Extension="odttf" ContentType="application/vnd.openxmlformats-officedocument.obfuscatedFont"/><Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>"#;

const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>"#;

const DOC_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/></Relationships>"#;

/// Word embeds TrueType fonts only when the document asks it to keep them.
const SETTINGS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:embedTrueTypeFonts/><w:saveSubsetFonts/></w:settings>"#;

const FONT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/font" Target="fonts/font1.odttf"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/font" Target="fonts/font2.odttf"/></Relationships>"#;

/// The keys the two embedded fonts are obfuscated with (fixed, so the same report
/// gives the same file).
pub const REGULAR_KEY: &str = "{7D4A3C2E-5B1F-4E8A-9C6D-0A1B2C3D4E5F}";
pub const BOLD_KEY: &str = "{8E5B4D3F-6C20-4F9B-8D7E-1B2C3D4E5F60}";

fn font_table() -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <w:fonts xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" \
         xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">\
         <w:font w:name=\"{FAMILY}\"><w:charset w:val=\"00\"/><w:family w:val=\"swiss\"/>\
         <w:pitch w:val=\"variable\"/>\
         <w:embedRegular r:id=\"rId1\" w:fontKey=\"{REGULAR_KEY}\" w:subsetted=\"1\"/>\
         <w:embedBold r:id=\"rId2\" w:fontKey=\"{BOLD_KEY}\" w:subsetted=\"1\"/></w:font></w:fonts>"
    )
}

/// ECMA-376 font obfuscation (Part 1, 17.8.1), its own inverse: the first 32
/// bytes of the font XORed with the key's 16 bytes taken in reverse order.
pub fn obfuscate(font: &mut [u8], key: &str) {
    let hex: Vec<u8> = key.bytes().filter(u8::is_ascii_hexdigit).collect();
    let mut k = [0u8; 16];
    for (i, pair) in hex.chunks(2).take(16).enumerate() {
        let digits = std::str::from_utf8(pair).unwrap_or("00");
        k[i] = u8::from_str_radix(digits, 16).unwrap_or(0);
    }
    for (i, b) in font.iter_mut().take(32).enumerate() {
        *b ^= k[15 - i % 16];
    }
}

/// Every Vietnamese letter (the vowels with each tone mark, in both cases, NFC;
/// đ and Đ), the tone marks alone, and punctuation common in directives.
fn vietnamese_letters() -> impl Iterator<Item = char> {
    const TONES: [char; 5] = ['\u{300}', '\u{301}', '\u{309}', '\u{303}', '\u{323}'];
    "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY"
        .chars()
        .flat_map(|v| {
            std::iter::once(v).chain(
                TONES
                    .iter()
                    .filter_map(move |t| [v, *t].into_iter().nfc().next()),
            )
        })
        .chain("đĐ–—“”‘’…·•°±×≤≥₫".chars())
        .chain(TONES)
}

/// The two fonts, subset to `text`'s characters, printable ASCII and every
/// Vietnamese letter, obfuscated for `word/fonts/`.
pub(crate) fn embedded_fonts(text: &str) -> Result<[Vec<u8>; 2], RenderError> {
    let chars: BTreeSet<char> = text
        .chars()
        .chain(' '..='~')
        .chain(vietnamese_letters())
        .collect();
    let mut out = [Vec::new(), Vec::new()];
    for (slot, (font, key)) in out
        .iter_mut()
        .zip([(REGULAR, REGULAR_KEY), (BOLD, BOLD_KEY)])
    {
        let mut data =
            subset_keeping_ids(font, chars.iter().copied()).map_err(RenderError::Docx)?;
        obfuscate(&mut data, key);
        *slot = data;
    }
    Ok(out)
}

/// The styles: the embedded family for every script, sizes, paragraph spacing.
pub(crate) fn styles() -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="{FAMILY}" w:hAnsi="{FAMILY}" w:eastAsia="{FAMILY}" w:cs="{FAMILY}"/><w:sz w:val="24"/><w:szCs w:val="24"/><w:lang w:val="vi-VN"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="60" w:line="264" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:pPr><w:jc w:val="center"/><w:spacing w:before="120" w:after="60"/></w:pPr><w:rPr><w:b/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="180" w:after="60"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="TableText"><w:name w:val="Table Text"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:rPr><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr></w:style></w:styles>"#
    )
}

pub(crate) fn esc(s: &str, out: &mut String) {
    for c in nfc(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
}

#[derive(Clone, Copy, Default)]
pub(crate) struct Para<'a> {
    pub style: Option<&'a str>,
    pub align: Option<&'a str>,
    pub bold: bool,
    pub italic: bool,
    /// Font size in half-points (the style's when absent).
    pub size: Option<u32>,
    /// Raw paragraph properties appended to `<w:pPr>` (spacing, indents, borders).
    pub extra: &'a str,
}

pub(crate) fn para(out: &mut String, text: &str, p: Para) {
    out.push_str("<w:p>");
    if p.style.is_some() || p.align.is_some() || !p.extra.is_empty() {
        out.push_str("<w:pPr>");
        if let Some(s) = p.style {
            let _ = write!(out, "<w:pStyle w:val=\"{s}\"/>");
        }
        out.push_str(p.extra);
        if let Some(a) = p.align {
            let _ = write!(out, "<w:jc w:val=\"{a}\"/>");
        }
        out.push_str("</w:pPr>");
    }
    for (i, line) in text.split('\n').enumerate() {
        out.push_str("<w:r>");
        if p.bold || p.italic || p.size.is_some() {
            out.push_str("<w:rPr>");
            if p.bold {
                out.push_str("<w:b/>");
            }
            if p.italic {
                out.push_str("<w:i/>");
            }
            if let Some(sz) = p.size {
                let _ = write!(out, "<w:sz w:val=\"{sz}\"/><w:szCs w:val=\"{sz}\"/>");
            }
            out.push_str("</w:rPr>");
        }
        if i > 0 {
            out.push_str("<w:br/>");
        }
        out.push_str("<w:t xml:space=\"preserve\">");
        esc(line, out);
        out.push_str("</w:t></w:r>");
    }
    out.push_str("</w:p>");
}

fn cell(out: &mut String, width: u32, text: &str, header: bool, right: bool) {
    let _ = write!(
        out,
        "<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/>{}</w:tcPr>",
        if header {
            "<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"E8EEF4\"/><w:vAlign w:val=\"center\"/>"
        } else {
            ""
        }
    );
    let align = if header {
        Some("center")
    } else if right {
        Some("right")
    } else {
        None
    };
    para(
        out,
        text,
        Para {
            style: Some("TableText"),
            align,
            bold: header,
            ..Default::default()
        },
    );
    out.push_str("</w:tc>");
}

pub(crate) fn table(
    out: &mut String,
    headers: &[String],
    widths: &[f32],
    rows: &[Vec<Cell>],
    span: u32,
) {
    let total: f32 = widths.iter().sum::<f32>().max(1.0);
    let n = headers.len().max(1);
    let cols: Vec<u32> = (0..n)
        .map(|i| {
            let w = widths.get(i).copied().unwrap_or(total / n as f32);
            (w / total * span as f32) as u32
        })
        .collect();
    out.push_str(
        "<w:tbl><w:tblPr><w:tblW w:w=\"5000\" w:type=\"pct\"/><w:tblBorders>\
         <w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
         <w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
         <w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
         <w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
         <w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
         <w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
         </w:tblBorders><w:tblLayout w:type=\"fixed\"/>\
         <w:tblCellMar><w:left w:w=\"70\" w:type=\"dxa\"/><w:right w:w=\"70\" w:type=\"dxa\"/></w:tblCellMar>\
         </w:tblPr><w:tblGrid>",
    );
    for w in &cols {
        let _ = write!(out, "<w:gridCol w:w=\"{w}\"/>");
    }
    out.push_str("</w:tblGrid>");
    out.push_str("<w:tr><w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>");
    for (i, h) in headers.iter().enumerate() {
        cell(out, cols[i], h, true, false);
    }
    out.push_str("</w:tr>");
    for r in rows {
        out.push_str("<w:tr><w:trPr><w:cantSplit/></w:trPr>");
        for (i, w) in cols.iter().enumerate() {
            let c = r.get(i).unwrap_or(&Cell::Empty);
            let right = matches!(c, Cell::Int(_) | Cell::Num(..) | Cell::Percent(_));
            cell(out, *w, &c.display(), false, right);
        }
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl>");
    para(out, "", Para::default());
}

/// The body of `word/document.xml`.
pub fn document_xml(report: &Printed) -> String {
    let mut out = String::with_capacity(64 * 1024);
    out.push_str(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" \
         xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><w:body>",
    );
    // A4 in twentieths of a point; 2 cm margins (3 cm left, as Decree 30/2020).
    let (w, h) = if report.landscape {
        (16838, 11906)
    } else {
        (11906, 16838)
    };
    let (left, right) = (1701, 1134);
    let span = w - left - right;
    for line in &report.issuer {
        para(
            &mut out,
            line,
            Para {
                bold: true,
                ..Default::default()
            },
        );
    }
    para(
        &mut out,
        &report.dateline(),
        Para {
            align: Some("right"),
            italic: true,
            ..Default::default()
        },
    );
    para(
        &mut out,
        &report.title.to_uppercase(),
        Para {
            style: Some("Title"),
            ..Default::default()
        },
    );
    if let Some(sub) = &report.subtitle {
        para(
            &mut out,
            sub,
            Para {
                align: Some("center"),
                italic: true,
                ..Default::default()
            },
        );
    }
    for s in &report.sections {
        match s {
            Section::Heading(t) => para(
                &mut out,
                t,
                Para {
                    style: Some("Heading1"),
                    ..Default::default()
                },
            ),
            Section::Paragraph(t) => para(
                &mut out,
                t,
                Para {
                    align: Some("both"),
                    ..Default::default()
                },
            ),
            Section::KeyFigures(figs) => {
                let rows: Vec<Vec<Cell>> = figs
                    .iter()
                    .map(|(l, v)| vec![Cell::Text(l.clone()), v.clone()])
                    .collect();
                table(
                    &mut out,
                    &["Chỉ tiêu".into(), "Số liệu".into()],
                    &[3.0, 1.0],
                    &rows,
                    span,
                );
            }
            Section::Table(t) => table(&mut out, &t.headers, &t.widths, &t.rows, span),
        }
    }
    let orient = if report.landscape {
        " w:orient=\"landscape\""
    } else {
        ""
    };
    let _ = write!(
        out,
        "<w:sectPr><w:pgSz w:w=\"{w}\" w:h=\"{h}\"{orient}/>\
         <w:pgMar w:top=\"1134\" w:right=\"{right}\" w:bottom=\"1134\" w:left=\"{left}\" \
         w:header=\"567\" w:footer=\"567\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>"
    );
    out
}

fn core_xml(text: &str) -> String {
    let mut title = String::new();
    esc(text, &mut title);
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>{title}</dc:title>\
         <dc:creator>tiendo</dc:creator><dc:language>vi-VN</dc:language></cp:coreProperties>"
    )
}

pub fn render(report: &Printed) -> Result<Vec<u8>, RenderError> {
    package(&report.title, &document_xml(report))
}

/// The zipped document: `document` as `word/document.xml`, with the styles, the
/// embedded font subsets and the core properties (`title`).
pub(crate) fn package(title: &str, document: &str) -> Result<Vec<u8>, RenderError> {
    let err = |e: zip::result::ZipError| RenderError::Docx(e.to_string());
    let io = |e: std::io::Error| RenderError::Docx(e.to_string());
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    let [regular, bold] = embedded_fonts(document)?;
    let (core, fonts, styles) = (core_xml(title), font_table(), styles());
    let parts: [(&str, &[u8]); 11] = [
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", RELS.as_bytes()),
        ("docProps/core.xml", core.as_bytes()),
        ("word/_rels/document.xml.rels", DOC_RELS.as_bytes()),
        ("word/styles.xml", styles.as_bytes()),
        ("word/settings.xml", SETTINGS.as_bytes()),
        ("word/fontTable.xml", fonts.as_bytes()),
        ("word/_rels/fontTable.xml.rels", FONT_RELS.as_bytes()),
        ("word/fonts/font1.odttf", &regular),
        ("word/fonts/font2.odttf", &bold),
        ("word/document.xml", document.as_bytes()),
    ];
    for (name, body) in parts {
        z.start_file(name, opts).map_err(err)?;
        z.write_all(body).map_err(io)?;
    }
    Ok(z.finish().map_err(err)?.into_inner())
}
