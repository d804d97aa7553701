//! The official letter (công văn) attached to an extension request (issue 14
//! item 4): the check of the form's file (its error next to the field), the link
//! shown with the request on the assignment page and the review card, and the
//! download, which the service allows only to someone who may see the assignment.

use std::collections::HashMap;

use axum::extract::Path;
use tiendo_core::policy::Actor;
use tiendo_service::Service;
use tiendo_service::evidence::{Upload, UploadProblem, size_label};
use tiendo_service::letters::{ExtensionLetter, LETTER_KINDS};

use super::evidence::{FileLink, attachment, kind_label, problem_text};
use super::work::Fields;
use crate::ctx::*;
use crate::i18n::Lang;

/// The `accept` attribute of the letter field.
pub const ACCEPT: &str = ".pdf,.docx,.doc,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png";

/// Checks the letter of an extension form; a problem goes next to the `letter`
/// field. Returns the file to store (none when none was sent or on a problem).
pub fn check_letter(web: &Web, f: &mut Fields, uploads: &[Upload], cut: bool) -> Option<Upload> {
    let lang = web.ctx.lang;
    let max = web.service.config.max_evidence_bytes;
    if cut {
        f.err(
            "letter",
            problem_text(lang, &UploadProblem::TooLarge { max_bytes: max }),
        );
        return None;
    }
    match uploads {
        [] => None,
        [u] => match web.service.check_upload(u) {
            Err(UploadProblem::Refused) => {
                f.err("letter", refused(lang));
                None
            }
            Err(p) => {
                f.err("letter", problem_text(lang, &p));
                None
            }
            Ok(n) if !LETTER_KINDS.contains(&n.content_type.as_str()) => {
                f.err("letter", refused(lang));
                None
            }
            Ok(_) => Some(u.clone()),
        },
        _ => {
            f.err(
                "letter",
                lang.t(
                    "Chỉ đính kèm một tệp công văn.",
                    "Attach one letter file only.",
                ),
            );
            None
        }
    }
}

fn refused(lang: Lang) -> String {
    lang.t(
        "Công văn phải là tệp PDF, Word (DOCX, DOC) hoặc ảnh (JPEG, PNG).",
        "The letter must be a PDF, Word (DOCX, DOC), JPEG or PNG file.",
    )
    .to_string()
}

pub fn link(l: &ExtensionLetter) -> FileLink {
    FileLink {
        name: l.file_name.clone(),
        href: format!("/cong-van-gia-han/{}", l.id),
        size: size_label(l.size_bytes),
        kind: kind_label(&l.content_type),
        created: l.created_at.clone(),
    }
}

/// The letters of some requests, by request, as links (only what the actor may see).
pub async fn by_extension(
    service: &Service,
    actor: &Actor,
    extension_ids: &[i64],
) -> HashMap<i64, FileLink> {
    match service.extension_letters(actor, extension_ids).await {
        Ok(letters) => letters.iter().map(|l| (l.extension_id, link(l))).collect(),
        Err(e) => {
            tracing::warn!(error = %e, "letter list");
            HashMap::new()
        }
    }
}

/// `GET /cong-van-gia-han/{id}`: the letter, as an attachment, to someone who may
/// see its assignment; the 403 page to anyone else.
pub async fn download(web: Web, Path(id): Path<i64>) -> Out {
    let (letter, bytes) = web
        .service
        .download_letter(&web.actor, id)
        .await
        .or_page(&web.ctx)?;
    Ok(attachment(&letter.content_type, &letter.file_name, bytes))
}
