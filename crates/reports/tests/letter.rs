//! The letter writers over the sample urging letter, read back: the DOCX's
//! document.xml and embedded fonts, the PDF's fonts and text (the extract
//! crate's PDF reader).

use std::io::{Cursor, Read};
use std::path::Path;

use tiendo_core::letter::{MOTTO, NATIONAL_TITLE};
use tiendo_reports::{Format, render_letter, sample_letter};

fn docx_part(bytes: &[u8], name: &str) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut part = zip.by_name(name).unwrap_or_else(|_| panic!("no {name}"));
    let mut out = Vec::new();
    part.read_to_end(&mut out).unwrap();
    out
}

#[test]
fn docx_letter_has_the_administrative_layout_and_its_fonts() {
    let bytes = render_letter(&sample_letter(), Format::Docx).unwrap();
    if let Ok(dir) = std::env::var("TIENDO_LETTER_OUT") {
        std::fs::write(Path::new(&dir).join("letter.docx"), &bytes).unwrap();
    }
    let xml = String::from_utf8(docx_part(&bytes, "word/document.xml")).unwrap();
    for needle in [
        NATIONAL_TITLE,
        MOTTO,
        "VĂN PHÒNG CHÍNH PHỦ",
        "Số:        /VPCP-TH",
        "Hà Nội, ngày 05 tháng 12 năm 2026",
        "V/v đôn đốc thực hiện nhiệm vụ quá hạn",
        "Kính gửi:",
        "- Bộ Công an;",
        "- Ủy ban nhân dân tỉnh Đắk Lắk.",
        "Thông báo số 365/TB-VPCP ngày 16/07/2025",
        "23/11/2026",
        "Nơi nhận:",
        "- Bộ Công an;",
        "- Lưu: VT, TH.",
    ] {
        assert!(xml.contains(needle), "{needle} missing");
    }
    // The header is two borderless columns; the rules are paragraph borders.
    assert!(xml.contains("<w:insideV w:val=\"nil\"/>"));
    assert!(xml.contains("<w:pBdr><w:bottom w:val=\"single\""));
    // Fonts: embedded, obfuscated, with the letter's Vietnamese letters drawn.
    let table = String::from_utf8(docx_part(&bytes, "word/fontTable.xml")).unwrap();
    assert!(table.contains("<w:embedRegular") && table.contains("<w:embedBold"));
    let mut font = docx_part(&bytes, "word/fonts/font2.odttf");
    tiendo_reports::docx::obfuscate(&mut font, tiendo_reports::docx::BOLD_KEY);
    let face = ttf_parser::Face::parse(&font, 0).expect("a valid font");
    for c in "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập Hạnh phúc".chars() {
        if c.is_whitespace() {
            continue;
        }
        let gid = face.glyph_index(c).expect("mapped");
        assert!(face.glyph_bounding_box(gid).is_some(), "{c} not drawn");
    }
    // And the extract crate reads it as a document.
    let text = tiendo_extract::decode(Path::new("l.docx"), &bytes).unwrap();
    assert!(text.contains("Kính gửi"), "{text}");
}

#[test]
fn pdf_letter_embeds_its_fonts_and_its_text_extracts() {
    let bytes = render_letter(&sample_letter(), Format::Pdf).unwrap();
    if let Ok(dir) = std::env::var("TIENDO_LETTER_OUT") {
        std::fs::write(Path::new(&dir).join("letter.pdf"), &bytes).unwrap();
    }
    assert!(bytes.starts_with(b"%PDF-"));
    let raw = String::from_utf8_lossy(&bytes);
    assert_eq!(raw.matches("/FontFile2").count(), 2, "two embedded fonts");
    assert!(raw.contains("DejaVuSans") && raw.contains("/ToUnicode"));
    let text = tiendo_extract::decode(Path::new("l.pdf"), &bytes).unwrap();
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for needle in [
        NATIONAL_TITLE,
        "Độc lập - Tự do - Hạnh phúc",
        "VĂN PHÒNG CHÍNH PHỦ",
        "Hà Nội, ngày 05 tháng 12 năm 2026",
        // The subject wraps beside the date line.
        "V/v đôn đốc thực hiện nhiệm vụ",
        "Kính gửi:",
        "Bộ Công an",
        "365/TB-VPCP",
        "23/11/2026",
        "Nơi nhận:",
        "Lưu: VT, TH.",
    ] {
        assert!(text.contains(needle), "{needle} missing from: {text}");
    }
}

#[test]
fn a_letter_is_not_a_spreadsheet() {
    assert!(render_letter(&sample_letter(), Format::Xlsx).is_err());
}
