//! The official letter (công văn) attached to an extension request (issue 14
//! item 4). One file per request, checked as evidence files are (not empty, not
//! larger than `Config::max_evidence_bytes`, its kind judged from its bytes) and
//! narrowed to what a letter is: PDF, Word or an image (a scan or a photo).
//! Stored with the request in one transaction; only someone who may see the
//! assignment may download it.

use serde::{Deserialize, Serialize};
use tiendo_core::policy::Actor;
use tiendo_store::{LetterMeta, NewEvidence};
use utoipa::ToSchema;

use crate::evidence::{Upload, UploadProblem};
use crate::{Result, Service, ServiceError};

/// The kinds a letter may be: PDF, Word (DOCX, DOC), JPEG, PNG.
pub const LETTER_KINDS: &[&str] = &[
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/msword",
    "image/jpeg",
    "image/png",
];

/// What a refused letter is told, in English (the pages have their Vietnamese).
pub const LETTER_REFUSED: &str = "a letter is a PDF, Word (DOCX, DOC), JPEG or PNG file";

/// A stored letter as the API and the pages show it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ExtensionLetter {
    pub id: i64,
    pub extension_id: i64,
    pub assignment_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    /// Hex SHA-256 of the bytes.
    pub sha256: String,
    pub created_at: String,
}

impl From<LetterMeta> for ExtensionLetter {
    fn from(m: LetterMeta) -> Self {
        ExtensionLetter {
            id: m.id,
            extension_id: m.extension_id,
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
    /// Checks a letter: the evidence checks, then the kinds a letter may be.
    pub fn check_letter(&self, upload: &Upload) -> Result<NewEvidence> {
        let f = self.check_upload(upload).map_err(|p| match p {
            UploadProblem::Refused => ServiceError::invalid("letter", LETTER_REFUSED),
            p => ServiceError::invalid("letter", p.message()),
        })?;
        if !LETTER_KINDS.contains(&f.content_type.as_str()) {
            return Err(ServiceError::invalid("letter", LETTER_REFUSED));
        }
        Ok(f)
    }

    /// The letters of some requests that the actor may see.
    pub async fn extension_letters(
        &self,
        actor: &Actor,
        extension_ids: &[i64],
    ) -> Result<Vec<ExtensionLetter>> {
        if extension_ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(self
            .store
            .list_letters(extension_ids)
            .await?
            .into_iter()
            .filter(|m| actor.sees_agency(m.agency_id))
            .map(ExtensionLetter::from)
            .collect())
    }

    /// A letter and its bytes, for someone who may see its assignment.
    pub async fn download_letter(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<(ExtensionLetter, Vec<u8>)> {
        let meta = self
            .store
            .get_letter(id)
            .await?
            .ok_or_else(|| ServiceError::NotFound("letter".into()))?;
        if !actor.sees_agency(meta.agency_id) {
            return Err(ServiceError::Forbidden(
                "this letter belongs to another agency's extension request".into(),
            ));
        }
        let bytes = self
            .store
            .letter_content(id)
            .await?
            .ok_or_else(|| ServiceError::NotFound("letter".into()))?;
        Ok((meta.into(), bytes))
    }
}
