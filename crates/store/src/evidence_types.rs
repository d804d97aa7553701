//! Evidence files of progress reports (tệp minh chứng): what is stored and listed.

/// A file to attach: name already made safe (NFC, no path), type already sniffed.
#[derive(Debug, Clone)]
pub struct NewEvidence {
    pub file_name: String,
    pub content_type: String,
    /// Hex SHA-256 of `content`.
    pub sha256: String,
    pub content: Vec<u8>,
}

/// A stored file without its bytes, with the agency of its report's assignment
/// (who may download it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceMeta {
    pub id: i64,
    pub report_id: i64,
    pub assignment_id: i64,
    pub agency_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_by: Option<i64>,
    /// RFC 3339.
    pub created_at: String,
}

/// The letter (công văn) attached to an extension request, without its bytes,
/// with the agency of the request's assignment (who may download it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterMeta {
    pub id: i64,
    pub extension_id: i64,
    pub assignment_id: i64,
    pub agency_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_by: Option<i64>,
    /// RFC 3339.
    pub created_at: String,
}
