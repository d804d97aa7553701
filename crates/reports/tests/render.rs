//! The three writers over the sample report, read back with real readers:
//! calamine (XLSX), the extract crate's DOCX reader, poppler's pdftotext and
//! pdffonts (PDF; skipped with a notice when poppler-utils is missing, a failure
//! when CI=true).

use std::io::Cursor;
use std::path::Path;
use std::process::Command;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use tiendo_reports::{Format, render, sample};

/// Whether a poppler tool is installed; panics under CI when it is not.
pub fn poppler(tool: &str) -> bool {
    let ok = Command::new(tool)
        .arg("-v")
        .output()
        .map(|o| o.status.success() || !o.stderr.is_empty())
        .unwrap_or(false);
    if !ok {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("{tool} is missing (apt-get install -y poppler-utils)");
        }
        eprintln!("NOTICE: {tool} not installed; PDF text checks skipped");
    }
    ok
}

fn run(tool: &str, args: &[&str], file: &Path) -> String {
    let out = Command::new(tool)
        .args(args)
        .arg(file)
        .args(if tool == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .expect(tool);
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn xlsx_reads_back() {
    let bytes = render(&sample(), Format::Xlsx).unwrap();
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let range = wb.worksheet_range("Báo cáo").unwrap();
    let rows: Vec<_> = range.rows().collect();
    let header = rows
        .iter()
        .position(|r| r.first() == Some(&Data::String("TT".into())))
        .expect("header row");
    assert_eq!(
        rows[header][5],
        Data::String("Đơn vị chưa hoàn thành".into())
    );
    let body = &rows[header + 1..];
    let tasks: Vec<_> = body
        .iter()
        .take_while(|r| matches!(r.first(), Some(Data::Float(_))))
        .collect();
    assert_eq!(tasks.len(), 40);
    assert_eq!(tasks[0][0], Data::Float(1.0));
    assert_eq!(tasks[39][0], Data::Float(40.0));
    assert_eq!(tasks[3][3], Data::String("Bộ Khoa học và Công nghệ".into()));
    // The deadline stays a date.
    assert!(
        matches!(tasks[0][4], Data::DateTime(_)),
        "{:?}",
        tasks[0][4]
    );
}

#[test]
fn docx_reads_back() {
    let bytes = render(&sample(), Format::Docx).unwrap();
    let text = tiendo_extract::decode(Path::new("r.docx"), &bytes).unwrap();
    assert!(text.contains("DANH MỤC NHIỆM VỤ QUÁ HẠN"), "{text}");
    assert!(text.contains("Bộ Khoa học và Công nghệ"));
    assert!(text.contains("ngày 16 tháng 7 năm 2025"));
    assert!(text.contains("12.345"), "Vietnamese thousands separator");
    assert!(text.contains("87,3%"), "Vietnamese decimal comma");
    assert_eq!(text.matches("Nhiệm vụ số ").count(), 40);
    // The header row repeats on each page.
    let xml = tiendo_reports::docx::document_xml(&sample());
    assert!(xml.contains("<w:tblHeader/>"));
    assert!(xml.contains("w:orient=\"landscape\""));
}

fn docx_part(bytes: &[u8], name: &str) -> Vec<u8> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut part = zip.by_name(name).unwrap_or_else(|_| panic!("no {name}"));
    let mut out = Vec::new();
    part.read_to_end(&mut out).unwrap();
    out
}

#[test]
fn docx_embeds_its_fonts_with_every_vietnamese_letter_drawn() {
    use tiendo_reports::docx::{BOLD_KEY, REGULAR_KEY, obfuscate};
    let bytes = render(&sample(), Format::Docx).unwrap();
    let text = |name| String::from_utf8(docx_part(&bytes, name)).unwrap();
    // The text is set in the embedded family, which Word is told to keep.
    assert!(text("word/styles.xml").contains("w:ascii=\"DejaVu Sans\""));
    assert!(text("word/settings.xml").contains("<w:embedTrueTypeFonts/>"));
    let table = text("word/fontTable.xml");
    assert!(
        table.contains(&format!(
            "<w:embedRegular r:id=\"rId1\" w:fontKey=\"{REGULAR_KEY}\""
        )),
        "{table}"
    );
    assert!(
        table.contains(&format!(
            "<w:embedBold r:id=\"rId2\" w:fontKey=\"{BOLD_KEY}\""
        )),
        "{table}"
    );
    assert!(text("[Content_Types].xml").contains("Extension=\"odttf\""));
    assert!(text("word/_rels/fontTable.xml.rels").contains("Target=\"fonts/font2.odttf\""));
    for (part, key) in [
        ("word/fonts/font1.odttf", REGULAR_KEY),
        ("word/fonts/font2.odttf", BOLD_KEY),
    ] {
        let mut font = docx_part(&bytes, part);
        // Obfuscated: not a font as stored, a valid one once the key is applied.
        assert!(
            ttf_parser::Face::parse(&font, 0).is_err(),
            "{part} stored in the clear"
        );
        obfuscate(&mut font, key);
        let face = ttf_parser::Face::parse(&font, 0).expect("a valid font");
        assert!(
            font.len() < 200_000,
            "{part}: {} bytes: not subset",
            font.len()
        );
        // The document's words and every tone of every vowel have their outlines.
        for c in "Bộ Khoa học và Công nghệ Ủy ban nhân dân Đắk Lắk 12.345 87,3% ằẳẵặỳỷỹỵ"
            .chars()
            .filter(|c| !c.is_whitespace())
        {
            let gid = face
                .glyph_index(c)
                .unwrap_or_else(|| panic!("{part}: {c} unmapped"));
            assert!(
                face.glyph_bounding_box(gid).is_some(),
                "{part}: {c} has no outline"
            );
        }
        // A script the report does not use is left out.
        let zhe = face.glyph_index('Ж').expect("mapped");
        assert!(face.glyph_bounding_box(zhe).is_none(), "{part}: not subset");
    }
}

#[test]
fn pdf_has_vietnamese_text_and_embedded_fonts() {
    let bytes = render(&sample(), Format::Pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    if !poppler("pdftotext") || !poppler("pdffonts") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("tiendo-reports-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("sample.pdf");
    std::fs::write(&file, &bytes).unwrap();
    // Wrapped cells come out a line at a time: compare with spaces collapsed.
    let text = run("pdftotext", &["-enc", "UTF-8"], &file);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("DANH MỤC NHIỆM VỤ QUÁ HẠN"), "{text}");
    assert!(text.contains("Bộ Khoa học và Công nghệ"));
    assert!(text.contains("Ủy ban nhân dân Thành phố Hà Nội"));
    assert!(text.contains("Đắk Lắk"));
    assert!(text.contains("Trang 1/"));
    // 40 long rows do not fit on one landscape page: the table breaks and its
    // header is drawn again.
    assert!(
        text.matches("Đơn vị chưa hoàn thành").count() >= 2,
        "{text}"
    );
    for n in 1..=40 {
        assert!(text.contains(&format!("Nhiệm vụ số {n}:")), "row {n}");
    }
    let fonts = run("pdffonts", &[], &file);
    let lines: Vec<&str> = fonts.lines().filter(|l| l.contains("DejaVuSans")).collect();
    assert_eq!(lines.len(), 2, "{fonts}");
    for l in lines {
        let cols: Vec<&str> = l.split_whitespace().collect();
        // name type(2 words) encoding emb sub uni object ID
        assert!(l.contains("CID TrueType"), "{l}");
        assert_eq!(cols[cols.len() - 5], "yes", "embedded: {l}");
        assert_eq!(cols[cols.len() - 3], "yes", "ToUnicode: {l}");
    }
    // Subset: far smaller than the two fonts (1.4 MB).
    assert!(bytes.len() < 200_000, "{} bytes", bytes.len());
    std::fs::remove_dir_all(&dir).ok();
}
