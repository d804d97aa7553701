//! Reading a file into text: plain text (UTF-8, or UTF-16 with a byte-order mark),
//! DOCX (word/document.xml of the ZIP) and PDF (its text layer), chosen by the
//! content, with the extension only as a hint.

use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::MAX_FILE_BYTES;

/// Why a file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    #[error("cannot read {path}: {source}")]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is {size} bytes; the largest document accepted is {limit} bytes")]
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
    #[error("{path} is empty")]
    Empty { path: PathBuf },
    #[error("{path} is not a text, DOCX or PDF document: {what}")]
    NotADocument { path: PathBuf, what: String },
    #[error(
        "{path} is not UTF-8 text (nor UTF-16 with a byte-order mark): invalid byte at offset {offset}"
    )]
    NotUtf8 { path: PathBuf, offset: usize },
    #[error("{path} is a damaged DOCX file: {problem}")]
    BadDocx { path: PathBuf, problem: String },
    #[error("{path} is a damaged PDF file: {problem}")]
    BadPdf { path: PathBuf, problem: String },
    #[error("{path} is an encrypted PDF: remove the password protection first")]
    EncryptedPdf { path: PathBuf },
    #[error("{path} has no text layer (a scanned PDF?): run OCR on it first")]
    NoTextLayer { path: PathBuf },
}

/// The text of a document file.
pub fn read_document(path: &Path) -> Result<String, ExtractError> {
    let unreadable = |source| ExtractError::Unreadable {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(unreadable)?;
    if meta.is_dir() {
        return Err(ExtractError::NotADocument {
            path: path.to_path_buf(),
            what: "it is a directory".into(),
        });
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(ExtractError::TooLarge {
            path: path.to_path_buf(),
            size: meta.len(),
            limit: MAX_FILE_BYTES,
        });
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .map_err(unreadable)?
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ExtractError::TooLarge {
            path: path.to_path_buf(),
            size: bytes.len() as u64,
            limit: MAX_FILE_BYTES,
        });
    }
    decode(path, &bytes)
}

fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// Decodes the bytes of a file named `path`.
pub fn decode(path: &Path, bytes: &[u8]) -> Result<String, ExtractError> {
    let p = || path.to_path_buf();
    if bytes.is_empty() {
        return Err(ExtractError::Empty { path: p() });
    }
    let ext = extension(path);
    let head = &bytes[..bytes.len().min(1024)];
    if head.windows(5).any(|w| w == b"%PDF-") {
        return crate::input::pdf::text(path, bytes);
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return docx::text(path, bytes);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(ExtractError::NotADocument {
            path: p(),
            what: "an old binary Word/Excel file (.doc/.xls); save it as .docx or PDF".into(),
        });
    }
    if ext == "pdf" {
        return Err(ExtractError::BadPdf {
            path: p(),
            problem: "the file is named .pdf but does not start like a PDF".into(),
        });
    }
    if ext == "docx" {
        return Err(ExtractError::BadDocx {
            path: p(),
            problem: "the file is named .docx but is not a ZIP archive".into(),
        });
    }
    let text = if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        utf16(path, rest, u16::from_le_bytes)?
    } else if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        utf16(path, rest, u16::from_be_bytes)?
    } else {
        let b = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
        match std::str::from_utf8(b) {
            Ok(s) => s.to_string(),
            Err(e) => {
                if looks_binary(b) {
                    return Err(ExtractError::NotADocument {
                        path: p(),
                        what: "binary data".into(),
                    });
                }
                return Err(ExtractError::NotUtf8 {
                    path: p(),
                    offset: e.valid_up_to(),
                });
            }
        }
    };
    if looks_binary(text.as_bytes()) {
        return Err(ExtractError::NotADocument {
            path: p(),
            what: "binary data".into(),
        });
    }
    Ok(text)
}

/// Many NUL or control bytes: not a text.
fn looks_binary(b: &[u8]) -> bool {
    let sample = &b[..b.len().min(8192)];
    if sample.is_empty() {
        return false;
    }
    let bad = sample
        .iter()
        .filter(|&&c| c == 0 || (c < 0x20 && !matches!(c, b'\n' | b'\r' | b'\t' | 0x0c)))
        .count();
    bad * 20 > sample.len() || sample.contains(&0)
}

fn utf16(path: &Path, b: &[u8], f: fn([u8; 2]) -> u16) -> Result<String, ExtractError> {
    let units: Vec<u16> = b.chunks_exact(2).map(|c| f([c[0], c[1]])).collect();
    String::from_utf16(&units).map_err(|_| ExtractError::NotUtf8 {
        path: path.to_path_buf(),
        offset: 0,
    })
}

/// "…_2025-09-24.txt" → 2025-09-24.
pub fn date_from_file_name(path: &Path) -> Option<NaiveDate> {
    let stem = path.file_stem()?.to_str()?;
    let b = stem.as_bytes();
    (0..b.len().saturating_sub(9)).rev().find_map(|i| {
        let s = stem.get(i..i + 10)?;
        let ok = s.as_bytes().iter().enumerate().all(|(k, c)| {
            if k == 4 || k == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
        if ok { s.parse().ok() } else { None }
    })
}

/// Inflates raw DEFLATE data, refusing more than `limit` bytes of output.
pub(crate) fn inflate(data: &[u8], zlib: bool, limit: usize) -> Result<Vec<u8>, String> {
    let r = if zlib {
        miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(data, limit)
    } else {
        miniz_oxide::inflate::decompress_to_vec_with_limit(data, limit)
    };
    r.map_err(|e| match e.status {
        miniz_oxide::inflate::TINFLStatus::HasMoreOutput => {
            format!("a compressed part expands beyond {limit} bytes")
        }
        s => format!("compressed data is corrupt ({s:?})"),
    })
}

pub(crate) mod docx {
    //! DOCX: the ZIP's central directory, `word/document.xml`, paragraphs and table
    //! cells one per line.

    use std::path::Path;

    use super::{ExtractError, inflate};

    const MAX_XML: usize = 256 * 1024 * 1024;

    fn u16_at(b: &[u8], i: usize) -> Option<u16> {
        Some(u16::from_le_bytes([*b.get(i)?, *b.get(i + 1)?]))
    }
    fn u32_at(b: &[u8], i: usize) -> Option<u32> {
        Some(u32::from_le_bytes([
            *b.get(i)?,
            *b.get(i + 1)?,
            *b.get(i + 2)?,
            *b.get(i + 3)?,
        ]))
    }

    /// The bytes of one member of a ZIP archive.
    pub fn member(zip: &[u8], name: &str) -> Result<Option<Vec<u8>>, String> {
        let min = zip.len().saturating_sub(22 + 65535);
        let eocd = (min..zip.len().saturating_sub(21))
            .rev()
            .find(|&i| u32_at(zip, i) == Some(0x0605_4b50))
            .ok_or("no end of central directory (truncated archive?)")?;
        let count = u16_at(zip, eocd + 10).ok_or("short directory")? as usize;
        let mut p = u32_at(zip, eocd + 16).ok_or("short directory")? as usize;
        for _ in 0..count {
            if u32_at(zip, p) != Some(0x0201_4b50) {
                return Err("corrupt central directory".into());
            }
            let flags = u16_at(zip, p + 8).ok_or("short entry")?;
            let method = u16_at(zip, p + 10).ok_or("short entry")?;
            let csize = u32_at(zip, p + 20).ok_or("short entry")? as usize;
            let usize_ = u32_at(zip, p + 24).ok_or("short entry")? as usize;
            let nlen = u16_at(zip, p + 28).ok_or("short entry")? as usize;
            let elen = u16_at(zip, p + 30).ok_or("short entry")? as usize;
            let clen = u16_at(zip, p + 32).ok_or("short entry")? as usize;
            let local = u32_at(zip, p + 42).ok_or("short entry")? as usize;
            let entry_name = zip.get(p + 46..p + 46 + nlen).ok_or("short entry")?;
            p += 46 + nlen + elen + clen;
            if entry_name != name.as_bytes() {
                continue;
            }
            if flags & 1 != 0 {
                return Err("the document is encrypted".into());
            }
            if u32_at(zip, local) != Some(0x0403_4b50) {
                return Err("corrupt local header".into());
            }
            let ln = u16_at(zip, local + 26).ok_or("short header")? as usize;
            let le = u16_at(zip, local + 28).ok_or("short header")? as usize;
            let start = local + 30 + ln + le;
            let data = zip
                .get(start..start + csize)
                .ok_or("member runs past the end")?;
            return match method {
                0 => Ok(Some(data.to_vec())),
                8 => inflate(data, false, usize_.clamp(1, MAX_XML)).map(Some),
                m => Err(format!("unsupported compression method {m}")),
            };
        }
        Ok(None)
    }

    fn entity(s: &str) -> Option<char> {
        match s {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => {
                let n = s.strip_prefix('#')?;
                let v = match n.strip_prefix(['x', 'X']) {
                    Some(h) => u32::from_str_radix(h, 16).ok()?,
                    None => n.parse().ok()?,
                };
                char::from_u32(v)
            }
        }
    }

    /// The text of WordprocessingML: `<w:t>` runs, one paragraph per line, and each
    /// table row as a pipe row ("| 1 | Xây dựng … | Bộ Y tế | 2025 |") that the table
    /// reader knows: the paragraphs of a cell join with a space, a cell spanning
    /// columns (`w:gridSpan`) is followed by empty cells, a cell merged with the one
    /// above (`w:vMerge`) arrives empty. Tables inside tables stay text of their
    /// cell.
    pub fn xml_text(xml: &str) -> String {
        let mut out = String::with_capacity(xml.len() / 4);
        let mut in_t = false;
        let mut depth = 0usize;
        let mut span = 1usize;
        let mut rest = xml;
        while let Some(lt) = rest.find('<') {
            if in_t {
                let chunk = &rest[..lt];
                let mut c = chunk;
                while let Some(amp) = c.find('&') {
                    out.push_str(&c[..amp]);
                    match c[amp..].find(';') {
                        Some(semi) if semi < 12 => {
                            match entity(&c[amp + 1..amp + semi]) {
                                Some(ch) => out.push(ch),
                                None => out.push_str(&c[amp..=amp + semi]),
                            }
                            c = &c[amp + semi + 1..];
                        }
                        _ => {
                            out.push('&');
                            c = &c[amp + 1..];
                        }
                    }
                }
                out.push_str(c);
            }
            let Some(gt) = rest[lt..].find('>') else {
                break;
            };
            let tag = &rest[lt + 1..lt + gt];
            rest = &rest[lt + gt + 1..];
            let closing = tag.starts_with('/');
            let name = tag
                .trim_start_matches('/')
                .split([' ', '/', '\t', '\n'])
                .next()
                .unwrap_or("");
            let in_cell = depth > 0;
            match name {
                "w:t" => in_t = !closing && !tag.ends_with('/'),
                "w:tab" if !closing => out.push(' '),
                "w:br" | "w:cr" if !closing => out.push(if in_cell { ' ' } else { '\n' }),
                "w:p" if closing => out.push(if in_cell { ' ' } else { '\n' }),
                "w:tbl" if !closing => depth += 1,
                "w:tbl" if closing => depth = depth.saturating_sub(1),
                "w:tr" if !closing && depth == 1 => out.push('|'),
                "w:tr" if closing && depth == 1 => out.push('\n'),
                "w:tc" if !closing && depth == 1 => out.push(' '),
                "w:gridSpan" if !closing && depth == 1 => {
                    span = attr(tag, "w:val")
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(1)
                        .clamp(1, 50);
                }
                "w:tc" if closing && depth == 1 => {
                    let t = out.trim_end().len();
                    out.truncate(t);
                    out.push_str(" |");
                    for _ in 1..span {
                        out.push_str("  |");
                    }
                    span = 1;
                }
                _ => {}
            }
        }
        out
    }

    /// The value of an attribute in a tag's text (`w:val="3"`).
    fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
        let at = tag.find(&format!("{name}=\""))? + name.len() + 2;
        let end = tag[at..].find('"')?;
        Some(&tag[at..at + end])
    }

    pub fn text(path: &Path, bytes: &[u8]) -> Result<String, ExtractError> {
        let bad = |problem: String| ExtractError::BadDocx {
            path: path.to_path_buf(),
            problem,
        };
        let xml = member(bytes, "word/document.xml").map_err(bad)?;
        let Some(xml) = xml else {
            return Err(ExtractError::NotADocument {
                path: path.to_path_buf(),
                what: "a ZIP archive without word/document.xml (not a DOCX)".into(),
            });
        };
        let xml = String::from_utf8(xml).map_err(|_| bad("document.xml is not UTF-8".into()))?;
        Ok(xml_text(&xml))
    }
}

pub(crate) mod pdf;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_file_names() {
        assert_eq!(
            date_from_file_name(Path::new("data/phien-hop-4_2025-09-24.txt")),
            "2025-09-24".parse().ok()
        );
        assert_eq!(date_from_file_name(Path::new("x.txt")), None);
    }

    #[test]
    fn utf16_and_bom() {
        let mut b = vec![0xFF, 0xFE];
        for u in "Bộ Y tế".encode_utf16() {
            b.extend(u.to_le_bytes());
        }
        assert_eq!(decode(Path::new("a.txt"), &b).unwrap(), "Bộ Y tế");
        assert!(matches!(
            decode(Path::new("a.txt"), &[0x41, 0xFF, 0x41]),
            Err(ExtractError::NotUtf8 { .. })
        ));
        assert!(matches!(
            decode(Path::new("a.bin"), &[0, 1, 2, 3, 0, 0, 9]),
            Err(ExtractError::NotADocument { .. })
        ));
    }

    #[test]
    fn docx_xml() {
        let xml = r#"<w:document><w:body><w:p><w:r><w:t>Bộ Y tế &amp; Bộ</w:t></w:r><w:r><w:t xml:space="preserve"> Công an</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>1.</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:body></w:document>"#;
        assert_eq!(docx::xml_text(xml), "Bộ Y tế & Bộ Công an\n| 1. |\n");
    }

    #[test]
    fn docx_tables_as_pipe_rows() {
        // Rows of Phụ lục 2 of 104-CTr/TU (Tỉnh ủy Lào Cai, 2026) as Word lays them
        // out: a group row spanning the table, a cell of two paragraphs, a lead cell
        // merged over two rows.
        let cell = |t: &str| format!("<w:tc><w:p><w:r><w:t>{t}</w:t></w:r></w:p></w:tc>");
        let xml = format!(
            "<w:tbl><w:tr>{}{}{}{}</w:tr><w:tr>{}<w:tc><w:tcPr><w:gridSpan w:val=\"3\"/></w:tcPr><w:p><w:r><w:t>Hoàn thiện thể chế</w:t></w:r></w:p></w:tc></w:tr><w:tr>{}<w:tc><w:p><w:r><w:t>Rà soát, hoàn thiện hệ thống văn bản</w:t></w:r></w:p><w:p><w:r><w:t>trên địa bàn tỉnh</w:t></w:r></w:p></w:tc><w:tc><w:tcPr><w:vMerge w:val=\"restart\"/></w:tcPr><w:p><w:r><w:t>Đảng ủy UBND tỉnh</w:t></w:r></w:p></w:tc>{}</w:tr><w:tr>{}{}<w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>{}</w:tr></w:tbl>",
            cell("TT"),
            cell("Nhiệm vụ cụ thể"),
            cell("Cơ quan chủ trì"),
            cell("Thời hạn"),
            cell("II.1"),
            cell("1"),
            cell("2026 - 2030"),
            cell("2"),
            cell("Xây dựng Kế hoạch bảo vệ môi trường"),
            cell("2029 - 2030"),
        );
        assert_eq!(
            docx::xml_text(&xml),
            "| TT | Nhiệm vụ cụ thể | Cơ quan chủ trì | Thời hạn |\n| II.1 | Hoàn thiện thể chế |  |  |\n| 1 | Rà soát, hoàn thiện hệ thống văn bản trên địa bàn tỉnh | Đảng ủy UBND tỉnh | 2026 - 2030 |\n| 2 | Xây dựng Kế hoạch bảo vệ môi trường | | 2029 - 2030 |\n"
        );
        // Read as tasks: the merged lead carries to the second row.
        let x = crate::extract_text(
            &format!(
                "Số: 1/KH-UBND\nLào Cai, ngày 1 tháng 9 năm 2026\nKẾ HOẠCH\nPHỤ LỤC\n{}",
                docx::xml_text(&xml)
            ),
            &crate::ExtractOptions::default(),
        );
        let rows: Vec<(&str, Vec<String>, Option<String>)> = x
            .tasks
            .iter()
            .map(|t| {
                (
                    t.reference.as_str(),
                    t.lead.clone(),
                    t.deadline.due.map(|d| d.to_string()),
                )
            })
            .collect();
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert_eq!(rows[0].0, "PL.II.1.1");
        assert_eq!(rows[1].1, rows[0].1);
        assert_eq!(rows[1].2.as_deref(), Some("2030-12-31"));
    }
}
