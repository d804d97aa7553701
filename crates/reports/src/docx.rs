//! DOCX: WordprocessingML written by hand (the few parts Word needs) and zipped.
//! Times New Roman 13 pt as in the Government's documents (Decree 30/2020), set
//! for every script (`ascii`, `hAnsi`, `cs`, `eastAsia`) so Word never draws the
//! Vietnamese letters in another font; tables repeat their header row on each
//! page; A4, landscape for the wide appendix.

use std::fmt::Write as _;
use std::io::{Cursor, Write};

use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

use crate::{Cell, Printed, RenderError, Section, nfc};

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>"#;

const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>"#;

const DOC_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;

const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="Times New Roman" w:cs="Times New Roman"/><w:sz w:val="26"/><w:szCs w:val="26"/><w:lang w:val="vi-VN"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="60" w:line="264" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:pPr><w:jc w:val="center"/><w:spacing w:before="120" w:after="60"/></w:pPr><w:rPr><w:b/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="180" w:after="60"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="TableText"><w:name w:val="Table Text"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:rPr><w:sz w:val="22"/><w:szCs w:val="22"/></w:rPr></w:style></w:styles>"#;

fn esc(s: &str, out: &mut String) {
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
struct Para<'a> {
    style: Option<&'a str>,
    align: Option<&'a str>,
    bold: bool,
    italic: bool,
}

fn para(out: &mut String, text: &str, p: Para) {
    out.push_str("<w:p>");
    if p.style.is_some() || p.align.is_some() {
        out.push_str("<w:pPr>");
        if let Some(s) = p.style {
            let _ = write!(out, "<w:pStyle w:val=\"{s}\"/>");
        }
        if let Some(a) = p.align {
            let _ = write!(out, "<w:jc w:val=\"{a}\"/>");
        }
        out.push_str("</w:pPr>");
    }
    for (i, line) in text.split('\n').enumerate() {
        out.push_str("<w:r>");
        if p.bold || p.italic {
            out.push_str("<w:rPr>");
            if p.bold {
                out.push_str("<w:b/>");
            }
            if p.italic {
                out.push_str("<w:i/>");
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
            italic: false,
        },
    );
    out.push_str("</w:tc>");
}

fn table(out: &mut String, headers: &[String], widths: &[f32], rows: &[Vec<Cell>], span: u32) {
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

fn core_xml(report: &Printed) -> String {
    let mut title = String::new();
    esc(&report.title, &mut title);
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>{title}</dc:title>\
         <dc:creator>tiendo</dc:creator><dc:language>vi-VN</dc:language></cp:coreProperties>"
    )
}

pub fn render(report: &Printed) -> Result<Vec<u8>, RenderError> {
    let err = |e: zip::result::ZipError| RenderError::Docx(e.to_string());
    let io = |e: std::io::Error| RenderError::Docx(e.to_string());
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    let parts: [(&str, String); 6] = [
        ("[Content_Types].xml", CONTENT_TYPES.to_string()),
        ("_rels/.rels", RELS.to_string()),
        ("docProps/core.xml", core_xml(report)),
        ("word/_rels/document.xml.rels", DOC_RELS.to_string()),
        ("word/styles.xml", STYLES.to_string()),
        ("word/document.xml", document_xml(report)),
    ];
    for (name, body) in parts {
        z.start_file(name, opts).map_err(err)?;
        z.write_all(body.as_bytes()).map_err(io)?;
    }
    Ok(z.finish().map_err(err)?.into_inner())
}
