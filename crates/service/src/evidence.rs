//! Evidence files of progress reports (tệp minh chứng). A file is checked before
//! anything is written: not empty, not larger than `Config::max_evidence_bytes`,
//! and of an allowed kind judged from its bytes (not its name): PDF, Word (DOCX,
//! DOC), Excel (XLSX, XLS), JPEG or PNG. A plain ZIP is refused (it may hold
//! anything). The file is stored in the database with the report, in the same
//! transaction. Only someone who may see the assignment may download it.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tiendo_core::model::ProgressReport;
use tiendo_core::policy::{Actor, Role, Write};
use tiendo_core::text::nfc;
use tiendo_store::{EvidenceMeta, NewEvidence, Stamp};
use utoipa::ToSchema;

use crate::input::ReportInput;
use crate::{Config, Result, Service, ServiceError, require};

/// The default largest evidence file: 10 MiB.
pub const DEFAULT_MAX_EVIDENCE_BYTES: usize = 10 * 1024 * 1024;

/// The kinds of file accepted, as (content type, usual extension, label).
pub const ALLOWED: &[(&str, &str, &str)] = &[
    ("application/pdf", "pdf", "PDF"),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
        "Word (DOCX)",
    ),
    ("application/msword", "doc", "Word (DOC)"),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
        "Excel (XLSX)",
    ),
    ("application/vnd.ms-excel", "xls", "Excel (XLS)"),
    ("image/jpeg", "jpg", "JPEG"),
    ("image/png", "png", "PNG"),
];

/// The most evidence files one request may carry (a report with its decision,
/// its table and its photos).
pub const MAX_FILES_PER_REQUEST: usize = 5;

impl Config {
    /// How many bytes a request carrying evidence files may have: as many
    /// largest files as one request may carry, one more, and 1 MiB for the
    /// form's text. A file larger than the limit but within this is read to its
    /// end (and thrown away) so that the form can come back with the error next
    /// to the field and everything typed kept; beyond this the request is cut (413).
    pub fn upload_body_limit(&self) -> usize {
        self.max_evidence_bytes
            .saturating_mul(MAX_FILES_PER_REQUEST + 1)
            .saturating_add(1024 * 1024)
    }
}

/// A file as it came in a request.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The name the sender gave (any path is dropped).
    pub file_name: String,
    pub bytes: Vec<u8>,
    /// The file had more bytes than the limit (they were not kept).
    pub truncated: bool,
}

/// Why a file was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadProblem {
    Empty,
    TooLarge { max_bytes: usize },
    Refused,
}

impl UploadProblem {
    /// The message in English (the pages have their Vietnamese words).
    pub fn message(&self) -> String {
        match self {
            UploadProblem::Empty => "the file is empty".into(),
            UploadProblem::TooLarge { max_bytes } => {
                format!("the file is larger than {}", size_label(*max_bytes as i64))
            }
            UploadProblem::Refused => format!(
                "only these kinds of file are accepted: {}",
                ALLOWED.iter().map(|a| a.2).collect::<Vec<_>>().join(", ")
            ),
        }
    }

    /// The message in Vietnamese.
    pub fn message_vi(&self) -> String {
        match self {
            UploadProblem::Empty => "Tệp rỗng.".into(),
            UploadProblem::TooLarge { max_bytes } => format!(
                "Tệp lớn hơn mức cho phép ({}).",
                size_label(*max_bytes as i64)
            ),
            UploadProblem::Refused => format!(
                "Chỉ nhận các loại tệp: {}.",
                ALLOWED.iter().map(|a| a.2).collect::<Vec<_>>().join(", ")
            ),
        }
    }
}

/// "10 MB", "1,5 MB", "820 KB" (decimal comma), from bytes (1 MB = 1024² bytes).
pub fn size_label(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        let tenths = (bytes * 10 + 512 * 1024) / (1024 * 1024);
        if tenths % 10 == 0 {
            format!("{} MB", tenths / 10)
        } else {
            format!("{},{} MB", tenths / 10, tenths % 10)
        }
    } else if bytes >= 1024 {
        format!("{} KB", (bytes + 512) / 1024)
    } else {
        format!("{bytes} B")
    }
}

/// Whether a ZIP archive holds a member whose name starts with `prefix`, from its
/// local file headers (`PK\x03\x04`, name length at 26, name at 30).
fn zip_has(bytes: &[u8], prefix: &[u8]) -> bool {
    let mut i = 0;
    while i + 30 <= bytes.len() {
        if &bytes[i..i + 4] == b"PK\x03\x04" {
            let n = u16::from_le_bytes([bytes[i + 26], bytes[i + 27]]) as usize;
            if let Some(name) = bytes.get(i + 30..i + 30 + n)
                && name.starts_with(prefix)
            {
                return true;
            }
            i += 4;
        } else {
            i += 1;
        }
    }
    false
}

/// The content type of a file, from its first bytes (and, for the old Office
/// format, whose Word and Excel files look alike, its name's extension).
pub fn sniff(bytes: &[u8], file_name: &str) -> Option<&'static str> {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if bytes.starts_with(b"%PDF-") {
        return Some("application/pdf");
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some("image/png");
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some("image/jpeg");
    }
    if bytes.starts_with(b"PK\x03\x04") {
        if zip_has(bytes, b"word/") {
            return Some(ALLOWED[1].0);
        }
        if zip_has(bytes, b"xl/") {
            return Some(ALLOWED[3].0);
        }
        return None;
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return match ext.as_str() {
            "doc" => Some("application/msword"),
            "xls" => Some("application/vnd.ms-excel"),
            _ => None,
        };
    }
    None
}

/// A file name fit to store and to send back: NFC, without any folder, control
/// characters or characters that mean something in a header or a file system,
/// at most 150 characters (the extension kept); "minh-chung" when nothing is left.
pub fn safe_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = nfc(base)
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '"' | ';' | ':' | '*' | '?' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim().to_string();
    if cleaned.is_empty() {
        return "minh-chung".into();
    }
    if cleaned.chars().count() <= 150 {
        return cleaned;
    }
    let (stem, ext) = match cleaned.rsplit_once('.') {
        Some((s, e)) if e.chars().count() <= 10 => (s.to_string(), format!(".{e}")),
        _ => (cleaned.clone(), String::new()),
    };
    let keep = 150 - ext.chars().count();
    format!("{}{ext}", stem.chars().take(keep).collect::<String>())
}

/// `Content-Disposition` for a download: always an attachment, an ASCII fallback
/// name and the real one in RFC 5987 form.
pub fn content_disposition(file_name: &str) -> String {
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else if c.is_alphanumeric() {
                // "Báo" → "Bao": the letter without its marks, when it has an ASCII base.
                let mut s = [0u8; 4];
                tiendo_core::text::fold(c.encode_utf8(&mut s))
                    .chars()
                    .next()
                    .filter(char::is_ascii_alphanumeric)
                    .unwrap_or('_')
            } else {
                '_'
            }
        })
        .collect();
    let ascii = if ascii.trim_matches(['_', '.']).is_empty() {
        "minh-chung".to_string()
    } else {
        ascii
    };
    let mut encoded = String::new();
    for b in file_name.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'~') {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// A stored file as the API and the pages show it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EvidenceFile {
    pub id: i64,
    pub report_id: i64,
    pub assignment_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    /// Hex SHA-256 of the bytes.
    pub sha256: String,
    pub created_at: String,
    /// Where to download it in the API.
    pub download: String,
}

impl From<EvidenceMeta> for EvidenceFile {
    fn from(m: EvidenceMeta) -> Self {
        EvidenceFile {
            download: format!("/api/v1/evidence/{}", m.id),
            id: m.id,
            report_id: m.report_id,
            assignment_id: m.assignment_id,
            file_name: m.file_name,
            content_type: m.content_type,
            size_bytes: m.size_bytes,
            sha256: m.sha256,
            created_at: m.created_at,
        }
    }
}

impl Service {
    /// Checks a file and makes it ready to store; the problem otherwise.
    pub fn check_upload(&self, upload: &Upload) -> std::result::Result<NewEvidence, UploadProblem> {
        let max = self.config.max_evidence_bytes;
        if upload.truncated || upload.bytes.len() > max {
            return Err(UploadProblem::TooLarge { max_bytes: max });
        }
        if upload.bytes.is_empty() {
            return Err(UploadProblem::Empty);
        }
        let file_name = safe_file_name(&upload.file_name);
        let content_type = sniff(&upload.bytes, &file_name).ok_or(UploadProblem::Refused)?;
        Ok(NewEvidence {
            file_name,
            content_type: content_type.into(),
            sha256: hex::encode(Sha256::digest(&upload.bytes)),
            content: upload.bytes.clone(),
        })
    }

    fn checked_uploads(&self, field: &str, uploads: &[Upload]) -> Result<Vec<NewEvidence>> {
        if uploads.len() > MAX_FILES_PER_REQUEST {
            return Err(ServiceError::invalid(
                field,
                format!("at most {MAX_FILES_PER_REQUEST} files at once"),
            ));
        }
        uploads
            .iter()
            .map(|u| {
                self.check_upload(u)
                    .map_err(|p| ServiceError::invalid(field, p.message()))
            })
            .collect()
    }

    /// Writes a progress report with its evidence files, in one transaction: if
    /// the report or any file is refused, nothing is stored.
    pub async fn create_report_with_evidence(
        &self,
        actor: &Actor,
        input: &ReportInput,
        uploads: &[Upload],
    ) -> Result<(ProgressReport, Vec<EvidenceFile>)> {
        let (agency, _) = self.owner("assignment_id", input.assignment_id).await?;
        require(actor, Write::Report { agency })?;
        let r = self.report_input(actor, input)?;
        let files = self.checked_uploads("file", uploads)?;
        let (id, _) = self
            .store
            .create_report_with_evidence(&r, &files, &Stamp::now(Some(actor.user_id)))
            .await?;
        let report = self.get_report(actor, id).await?;
        let files = self.report_evidence(actor, &[id]).await?;
        Ok((report, files))
    }

    /// Attaches files to a report not accepted yet (a focal point: its own).
    pub async fn attach_evidence(
        &self,
        actor: &Actor,
        report_id: i64,
        uploads: &[Upload],
    ) -> Result<Vec<EvidenceFile>> {
        let report = self.get_report(actor, report_id).await?;
        require(
            actor,
            Write::Report {
                agency: report.agency_id,
            },
        )?;
        if actor.role == Role::Focal && report.author_id != actor.user_id {
            return Err(ServiceError::Forbidden(
                "only the author can add files to a report".into(),
            ));
        }
        if uploads.is_empty() {
            return Err(ServiceError::invalid("file", "send a file"));
        }
        let files = self.checked_uploads("file", uploads)?;
        let ids = self
            .store
            .add_evidence(report_id, &files, &Stamp::now(Some(actor.user_id)))
            .await?;
        let all = self.report_evidence(actor, &[report_id]).await?;
        Ok(all.into_iter().filter(|f| ids.contains(&f.id)).collect())
    }

    /// The files of some reports that the actor may see.
    pub async fn report_evidence(
        &self,
        actor: &Actor,
        report_ids: &[i64],
    ) -> Result<Vec<EvidenceFile>> {
        if report_ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(self
            .store
            .list_evidence(report_ids)
            .await?
            .into_iter()
            .filter(|m| actor.sees_agency(m.agency_id))
            .map(EvidenceFile::from)
            .collect())
    }

    /// A file and its bytes, for someone who may see its assignment.
    pub async fn download_evidence(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<(EvidenceFile, Vec<u8>)> {
        let meta = self
            .store
            .get_evidence(id)
            .await?
            .ok_or_else(|| ServiceError::NotFound("evidence file".into()))?;
        if !actor.sees_agency(meta.agency_id) {
            return Err(ServiceError::Forbidden(
                "this file belongs to another agency's report".into(),
            ));
        }
        let bytes = self
            .store
            .evidence_content(id)
            .await?
            .ok_or_else(|| ServiceError::NotFound("evidence file".into()))?;
        Ok((meta.into(), bytes))
    }
}

/// An imported document whose proposed tasks wait for review (the office's queue).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DocumentDrafts {
    pub document: tiendo_core::model::Document,
    pub proposed: i64,
    pub total: i64,
}

impl Service {
    /// Imported documents with drafts, latest import first (the office only).
    pub async fn documents_with_drafts(&self, actor: &Actor) -> Result<Vec<DocumentDrafts>> {
        require(actor, Write::ManageDocuments)?;
        let mut out = Vec::new();
        for (id, proposed, total) in self.store.documents_with_drafts(50).await? {
            if let Some(document) = self.store.get_document(id).await? {
                out.push(DocumentDrafts {
                    document,
                    proposed,
                    total,
                });
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_told_by_their_bytes() {
        assert_eq!(sniff(b"%PDF-1.7\n...", "a.png"), Some("application/pdf"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n....", "x"), Some("image/png"));
        assert_eq!(
            sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0], "x.jpg"),
            Some("image/jpeg")
        );
        let mut docx = b"PK\x03\x04".to_vec();
        docx.extend_from_slice(&[0; 22]);
        docx.extend_from_slice(&(17u16).to_le_bytes());
        docx.extend_from_slice(&[0, 0]);
        docx.extend_from_slice(b"word/document.xml");
        assert_eq!(sniff(&docx, "bc.docx"), Some(ALLOWED[1].0));
        let plain_zip = {
            let mut z = b"PK\x03\x04".to_vec();
            z.extend_from_slice(&[0; 22]);
            z.extend_from_slice(&(7u16).to_le_bytes());
            z.extend_from_slice(&[0, 0]);
            z.extend_from_slice(b"run.exe");
            z
        };
        assert_eq!(sniff(&plain_zip, "x.docx"), None);
        let ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0];
        assert_eq!(sniff(&ole, "Báo cáo.DOC"), Some("application/msword"));
        assert_eq!(sniff(&ole, "x.msi"), None);
        assert_eq!(sniff(b"MZ\x90\x00", "report.pdf"), None);
        assert_eq!(sniff(b"<html>", "a.html"), None);
    }

    #[test]
    fn file_names_are_made_safe() {
        assert_eq!(safe_file_name("C:\\tmp\\Báo cáo.pdf"), "Báo cáo.pdf");
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_file_name("a\"b;c\r\n.pdf"), "a_b_c__.pdf");
        assert_eq!(safe_file_name(""), "minh-chung");
        assert_eq!(safe_file_name("..."), "minh-chung");
        // NFD in, NFC out.
        assert_eq!(safe_file_name("Ba\u{0301}o.pdf"), "Báo.pdf");
        let long = format!("{}.pdf", "x".repeat(400));
        let s = safe_file_name(&long);
        assert_eq!(s.chars().count(), 150);
        assert!(s.ends_with(".pdf"));
    }

    #[test]
    fn downloads_are_attachments_with_both_names() {
        let h = content_disposition("Báo cáo 1.pdf");
        assert!(
            h.starts_with("attachment; filename=\"Bao_cao_1.pdf\""),
            "{h}"
        );
        assert!(
            h.contains("filename*=UTF-8''B%C3%A1o%20c%C3%A1o%201.pdf"),
            "{h}"
        );
        assert!(h.is_ascii());
        assert_eq!(size_label(10 * 1024 * 1024), "10 MB");
        assert_eq!(size_label(1536 * 1024), "1,5 MB");
        assert_eq!(size_label(2048), "2 KB");
    }
}
