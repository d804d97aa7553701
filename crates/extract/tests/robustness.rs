//! Malformed, empty, binary, huge and foreign inputs give a clear error or an empty
//! task list, never a panic or a hang; DOCX and PDF files are read.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use tiendo_extract::{ExtractError, ExtractOptions, extract_path, extract_text};

fn tmp(name: &str, bytes: &[u8]) -> PathBuf {
    let p = std::env::temp_dir().join(format!("tiendo-extract-{}-{name}", std::process::id()));
    std::fs::write(&p, bytes).expect("temp file");
    p
}

fn opts() -> ExtractOptions {
    ExtractOptions::default()
}

const NOTICE: &str = "Số: 12/TB-VPCP\nHà Nội, ngày 16 tháng 11 năm 2025\nTHÔNG BÁO\nKẾT LUẬN CỦA THỦ TƯỚNG\n1. Bộ Y tế xây dựng Kế hoạch triển khai bệnh án điện tử, hoàn thành trước ngày 10 tháng 12 năm 2025.\n2. Bộ Công an chủ trì, phối hợp với Bộ Tư pháp hoàn thiện dữ liệu hộ tịch, hoàn thành trong Quý I/2026.\n";

#[test]
fn empty_and_blank_inputs() {
    assert!(extract_text("", &opts()).tasks.is_empty());
    assert!(extract_text("   \n\n\t ", &opts()).tasks.is_empty());
    let p = tmp("empty.txt", b"");
    assert!(matches!(
        extract_path(&p, &opts()),
        Err(ExtractError::Empty { .. })
    ));
    let _ = std::fs::remove_file(p);
}

#[test]
fn missing_file_and_directory() {
    let e = extract_path(std::path::Path::new("/nonexistent/x.txt"), &opts()).unwrap_err();
    assert!(e.to_string().contains("/nonexistent/x.txt"), "{e}");
    let e = extract_path(&std::env::temp_dir(), &opts()).unwrap_err();
    assert!(matches!(e, ExtractError::NotADocument { .. }), "{e}");
}

#[test]
fn binary_and_non_utf8() {
    let mut junk = Vec::new();
    let mut x: u32 = 12345;
    for _ in 0..100_000 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        junk.push((x >> 16) as u8);
    }
    let p = tmp("junk.bin", &junk);
    let e = extract_path(&p, &opts()).unwrap_err();
    assert!(
        matches!(
            e,
            ExtractError::NotADocument { .. } | ExtractError::NotUtf8 { .. }
        ),
        "{e}"
    );
    let _ = std::fs::remove_file(p);
    // Windows-1258 bytes are not UTF-8.
    let p = tmp("cp1258.txt", b"B\xd4 Y t\xea\n");
    assert!(matches!(
        extract_path(&p, &opts()),
        Err(ExtractError::NotUtf8 { .. })
    ));
    let _ = std::fs::remove_file(p);
    // Whatever the bytes, the text path never panics.
    let lossy = String::from_utf8_lossy(&junk);
    let _ = extract_text(&lossy, &opts());
}

#[test]
fn utf16_text_file() {
    let mut b = vec![0xFF, 0xFE];
    for u in NOTICE.encode_utf16() {
        b.extend(u.to_le_bytes());
    }
    let p = tmp("utf16.txt", &b);
    let x = extract_path(&p, &opts()).expect("UTF-16 reads");
    assert_eq!(x.tasks.len(), 2);
    let _ = std::fs::remove_file(p);
}

#[test]
fn huge_input_is_refused_quickly() {
    let t = Instant::now();
    let big = "Bộ Y tế xây dựng Kế hoạch, hoàn thành trong tháng 12/2025. "
        .repeat(100 * 1024 * 1024 / 60);
    assert!(big.len() >= 100 * 1000 * 1000);
    let x = extract_text(&big, &opts());
    assert!(x.tasks.is_empty());
    assert!(!x.warnings.is_empty());
    drop(big);
    // A 100 MB file: refused from its size, without reading it.
    let p = std::env::temp_dir().join(format!("tiendo-extract-{}-huge.txt", std::process::id()));
    let f = std::fs::File::create(&p).expect("temp file");
    f.set_len(100 * 1024 * 1024).expect("sparse file");
    let e = extract_path(&p, &opts()).unwrap_err();
    assert!(matches!(e, ExtractError::TooLarge { .. }), "{e}");
    assert!(e.to_string().contains("bytes"));
    let _ = std::fs::remove_file(p);
    assert!(
        t.elapsed() < Duration::from_secs(30),
        "took {:?}",
        t.elapsed()
    );
}

#[test]
fn pathological_text_stays_linear() {
    // Long lines of markers, colons, nested heads and brackets.
    let pieces = [
        "Các bộ: ",
        "Ủy ban nhân dân các tỉnh, thành phố: ",
        "(1) ",
        "(",
        "“",
        "; ",
        "Bộ Y tế, ",
        "trước ngày 1/1/2025 và ",
        "giao ",
        "thường xuyên ",
        "a) ",
        ": ",
    ];
    let mut s = String::new();
    let mut k = 0usize;
    while s.len() < 600_000 {
        s.push_str(pieces[k % pieces.len()]);
        k = k.wrapping_mul(31).wrapping_add(7) % 9973;
        if s.len() % 5000 < 20 {
            s.push('\n');
        }
    }
    let t = Instant::now();
    let _ = extract_text(&s, &opts());
    let one_line = s.replace('\n', " ");
    let _ = extract_text(&one_line, &opts());
    assert!(
        t.elapsed() < Duration::from_secs(60),
        "took {:?}",
        t.elapsed()
    );
}

#[test]
fn foreign_text_gives_no_tasks() {
    let english = "MOST ministries must report. The Ministry of Health shall submit the plan before 10/12/2025.\n1. Most agencies: report monthly.";
    assert!(extract_text(english, &opts()).tasks.is_empty());
    let chinese = "第一条 各部委应当在2025年12月10日前提交报告。\n二、卫生部负责。";
    assert!(extract_text(chinese, &opts()).tasks.is_empty());
}

#[test]
fn malformed_docx_and_pdf() {
    let p = tmp("bad.docx", b"PK\x03\x04 this is not a zip");
    let e = extract_path(&p, &opts()).unwrap_err();
    assert!(matches!(e, ExtractError::BadDocx { .. }), "{e}");
    let _ = std::fs::remove_file(p);
    let p = tmp(
        "bad.pdf",
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF",
    );
    let e = extract_path(&p, &opts()).unwrap_err();
    assert!(
        matches!(
            e,
            ExtractError::NoTextLayer { .. } | ExtractError::BadPdf { .. }
        ),
        "{e}"
    );
    let _ = std::fs::remove_file(p);
    let p = tmp("named.pdf", b"hello");
    assert!(matches!(
        extract_path(&p, &opts()),
        Err(ExtractError::BadPdf { .. })
    ));
    let _ = std::fs::remove_file(p);
    let p = tmp(
        "trunc.pdf",
        b"%PDF-1.4\n1 0 obj\n<< /Length 9999 /Filter /FlateDecode >>\nstream\nxx",
    );
    let _ = extract_path(&p, &opts());
    let _ = std::fs::remove_file(p);
}

// ---------------------------------------------------------------------------------
// DOCX and PDF built in memory

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A ZIP with one deflated member.
fn zip(name: &str, content: &[u8]) -> Vec<u8> {
    let data = miniz_oxide::deflate::compress_to_vec(content, 6);
    let crc = crc32(content);
    let mut out = Vec::new();
    let le16 = |v: usize| (v as u16).to_le_bytes();
    let le32 = |v: usize| (v as u32).to_le_bytes();
    out.extend(0x0403_4b50u32.to_le_bytes());
    out.extend(le16(20));
    out.extend(le16(0));
    out.extend(le16(8));
    out.extend([0, 0, 0, 0]);
    out.extend(crc.to_le_bytes());
    out.extend(le32(data.len()));
    out.extend(le32(content.len()));
    out.extend(le16(name.len()));
    out.extend(le16(0));
    out.extend(name.as_bytes());
    out.extend(&data);
    let cd = out.len();
    out.extend(0x0201_4b50u32.to_le_bytes());
    out.extend(le16(20));
    out.extend(le16(20));
    out.extend(le16(0));
    out.extend(le16(8));
    out.extend([0, 0, 0, 0]);
    out.extend(crc.to_le_bytes());
    out.extend(le32(data.len()));
    out.extend(le32(content.len()));
    out.extend(le16(name.len()));
    out.extend(le16(0));
    out.extend(le16(0));
    out.extend(le16(0));
    out.extend(le16(0));
    out.extend(le32(0));
    out.extend(le32(0));
    out.extend(name.as_bytes());
    let cd_len = out.len() - cd;
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend(le16(0));
    out.extend(le16(0));
    out.extend(le16(1));
    out.extend(le16(1));
    out.extend(le32(cd_len));
    out.extend(le32(cd));
    out.extend(le16(0));
    out
}

#[test]
fn reads_a_docx() {
    let mut xml_ok = String::from(r#"<w:document><w:body>"#);
    for line in NOTICE.lines() {
        let mid = line
            .char_indices()
            .nth(line.chars().count() / 2)
            .map_or(0, |(i, _)| i);
        xml_ok.push_str(&format!(
            r#"<w:p><w:r><w:t>{}</w:t></w:r><w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
            &line[..mid],
            &line[mid..]
        ));
    }
    xml_ok.push_str("</w:body></w:document>");
    let p = tmp("notice.docx", &zip("word/document.xml", xml_ok.as_bytes()));
    let x = extract_path(&p, &opts()).expect("docx reads");
    assert_eq!(x.document.number.as_deref(), Some("12/TB-VPCP"));
    assert_eq!(x.tasks.len(), 2, "{:?}", x.tasks);
    assert_eq!(x.tasks[1].lead, ["Bộ Công an"]);
    let _ = std::fs::remove_file(p);
    // A ZIP that is not a DOCX.
    let p = tmp("other.zip", &zip("readme.txt", b"hello"));
    assert!(matches!(
        extract_path(&p, &opts()),
        Err(ExtractError::NotADocument { .. })
    ));
    let _ = std::fs::remove_file(p);
}

/// A PDF whose text is drawn with 2-byte glyph codes and a ToUnicode CMap (as
/// Word and LibreOffice write Vietnamese), in a compressed content stream.
fn pdf(lines: &[&str], encrypt: bool, with_text: bool) -> Vec<u8> {
    let runs: Vec<(f64, f64, &str)> = if with_text {
        lines
            .iter()
            .enumerate()
            .map(|(k, l)| (50.0, 800.0 - 14.0 * k as f64, *l))
            .collect()
    } else {
        Vec::new()
    };
    pdf_runs(&runs, lines, encrypt)
}

/// A PDF that draws each run at its (x, y) with its own text matrix, as Word and
/// LibreOffice draw the cells of a table.
fn pdf_runs(runs: &[(f64, f64, &str)], all_text: &[&str], encrypt: bool) -> Vec<u8> {
    let mut chars: Vec<char> = all_text
        .iter()
        .copied()
        .chain(runs.iter().map(|r| r.2))
        .flat_map(|l| l.chars())
        .collect();
    chars.sort_unstable();
    chars.dedup();
    let code = |c: char| chars.iter().position(|&x| x == c).unwrap_or(0) + 1;
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n",
    );
    cmap.push_str(&format!("{} beginbfchar\n", chars.len()));
    for &c in &chars {
        let mut u = [0u16; 2];
        let units = c.encode_utf16(&mut u);
        let hex: String = units.iter().map(|x| format!("{x:04X}")).collect();
        cmap.push_str(&format!("<{:04X}> <{hex}>\n", code(c)));
    }
    cmap.push_str("endbfchar\nendcmap\nend end\n");
    let mut content = String::from("BT\n/F1 11 Tf\n");
    for (x, y, l) in runs {
        let hex: String = l.chars().map(|c| format!("{:04X}", code(c))).collect();
        content.push_str(&format!("1 0 0 1 {x} {y} Tm\n<{hex}> Tj\n"));
    }
    content.push_str("ET\n");
    let content_z = miniz_oxide::deflate::compress_to_vec_zlib(content.as_bytes(), 6);
    let mut objs: Vec<Vec<u8>> = Vec::new();
    objs.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    objs.push(b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec());
    objs.push(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".to_vec());
    let mut o4 = format!(
        "<< /Length {} /Filter /FlateDecode >>\nstream\n",
        content_z.len()
    )
    .into_bytes();
    o4.extend(&content_z);
    o4.extend(b"\nendstream");
    objs.push(o4);
    objs.push(b"<< /Type /Font /Subtype /Type0 /BaseFont /Arial /Encoding /Identity-H /ToUnicode 6 0 R >>".to_vec());
    let mut o6 = format!("<< /Length {} >>\nstream\n", cmap.len()).into_bytes();
    o6.extend(cmap.as_bytes());
    o6.extend(b"\nendstream");
    objs.push(o6);
    let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objs.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend(o);
        out.extend(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objs.len() + 1).as_bytes());
    for off in offsets {
        out.extend(format!("{off:010} 00000 n \n").as_bytes());
    }
    let enc = if encrypt { " /Encrypt 9 0 R" } else { "" };
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R{enc} >>\nstartxref\n{xref}\n%%EOF\n",
            objs.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[test]
fn reads_a_pdf_text_layer() {
    let lines: Vec<&str> = NOTICE.lines().collect();
    let p = tmp("notice.pdf", &pdf(&lines, false, true));
    let x = extract_path(&p, &opts()).expect("pdf reads");
    assert_eq!(
        x.document.date.map(|d| d.to_string()).as_deref(),
        Some("2025-11-16")
    );
    assert_eq!(x.tasks.len(), 2, "{}", x.normalised_text());
    assert_eq!(x.tasks[0].lead, ["Bộ Y tế"]);
    let _ = std::fs::remove_file(p);

    let p = tmp("locked.pdf", &pdf(&lines, true, true));
    assert!(matches!(
        extract_path(&p, &opts()),
        Err(ExtractError::EncryptedPdf { .. })
    ));
    let _ = std::fs::remove_file(p);

    let p = tmp("scan.pdf", &pdf(&lines, false, false));
    let e = extract_path(&p, &opts()).unwrap_err();
    assert!(matches!(e, ExtractError::NoTextLayer { .. }), "{e}");
    assert!(e.to_string().contains("OCR"));
    let _ = std::fs::remove_file(p);
}

#[test]
fn reads_a_pdf_table_from_positions() {
    // Phụ lục 2 of 104-CTr/TU (Tỉnh ủy Lào Cai, 30/8/2026), two rows, each cell
    // drawn where its column stands, the task cell on two lines, the lead cell
    // centred on the row.
    let head = [
        "TỈNH ỦY LÀO CAI",
        "Số 104-CTr/TU",
        "Lào Cai, ngày 30 tháng 8 năm 2026",
        "PHỤ LỤC 2",
    ];
    let mut runs: Vec<(f64, f64, &str)> = head
        .iter()
        .enumerate()
        .map(|(k, l)| (50.0, 800.0 - 14.0 * k as f64, *l))
        .collect();
    let (c0, c1, c2, c3) = (50.0, 80.0, 330.0, 460.0);
    runs.extend([
        (c0, 730.0, "TT"),
        (c1, 730.0, "Nhiệm vụ cụ thể"),
        (c2, 730.0, "Cơ quan chủ trì"),
        (c3, 730.0, "Thời hạn"),
        (c1, 700.0, "Rà soát, hoàn thiện hệ thống văn bản quy phạm"),
        (c0, 693.0, "1"),
        (c2, 693.0, "Đảng ủy UBND tỉnh"),
        (c3, 693.0, "2026 - 2030"),
        (c1, 686.0, "pháp luật về bảo vệ môi trường"),
        (c1, 660.0, "Xây dựng Kế hoạch quản lý tài nguyên nước tỉnh"),
        (c0, 653.0, "2"),
        (c2, 653.0, "Đảng ủy UBND tỉnh"),
        (c3, 653.0, "Trước ngày 15/10/2026"),
        (c1, 646.0, "đến năm 2035, tầm nhìn đến năm 2075"),
    ]);
    let p = tmp("table.pdf", &pdf_runs(&runs, &[], false));
    let x = extract_path(&p, &opts()).expect("pdf reads");
    let _ = std::fs::remove_file(p);
    let tasks: Vec<(&str, &str, String, Option<String>)> = x
        .tasks
        .iter()
        .map(|t| {
            (
                t.reference.as_str(),
                t.full_text.as_str(),
                t.lead.join("; "),
                t.deadline.due.map(|d| d.to_string()),
            )
        })
        .collect();
    assert_eq!(tasks.len(), 2, "{}\n{tasks:?}", x.normalised_text());
    assert_eq!(
        tasks[0].1,
        "Rà soát, hoàn thiện hệ thống văn bản quy phạm pháp luật về bảo vệ môi trường"
    );
    assert_eq!(tasks[0].2, "Đảng ủy Ủy ban nhân dân tỉnh");
    assert_eq!(tasks[0].3.as_deref(), Some("2030-12-31"));
    assert_eq!(tasks[1].3.as_deref(), Some("2026-10-15"));
}

#[test]
fn truncated_documents_do_not_panic() {
    let lines: Vec<&str> = NOTICE.lines().collect();
    let full = pdf(&lines, false, true);
    let docx = zip(
        "word/document.xml",
        b"<w:document><w:body><w:p><w:r><w:t>Bo</w:t></w:r></w:p></w:body></w:document>",
    );
    for cut in (0..full.len()).step_by(37) {
        let p = tmp("cut.pdf", &full[..cut]);
        let _ = extract_path(&p, &opts());
        let _ = std::fs::remove_file(p);
    }
    for cut in 0..docx.len() {
        let p = tmp("cut.docx", &docx[..cut]);
        let _ = extract_path(&p, &opts());
        let _ = std::fs::remove_file(p);
    }
}
