//! Evidence files in the pages: the checks of the report form's file (errors
//! next to the field, in the user's language), the links shown with reports, and
//! the download, which the service allows only to someone who may see the
//! assignment.

use std::collections::HashMap;

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tiendo_core::policy::Actor;
use tiendo_service::Service;
use tiendo_service::evidence::{
    ALLOWED, EvidenceFile, Upload, UploadProblem, content_disposition, size_label,
};

use super::work::Fields;
use crate::ctx::*;
use crate::i18n::Lang;

/// The `accept` attribute of the evidence field.
pub const ACCEPT: &str =
    ".pdf,.docx,.doc,.xlsx,.xls,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png";

pub fn problem_text(lang: Lang, p: &UploadProblem) -> String {
    match lang {
        Lang::Vi => p.message_vi(),
        Lang::En => {
            let mut m = p.message();
            if let Some(first) = m.get(..1) {
                m = format!("{}{}.", first.to_uppercase(), &m[1..]);
            }
            m
        }
    }
}

/// Checks the files of a report form; a problem goes next to the `file` field.
/// Returns the files to store (none when there is a problem).
pub fn check_files(web: &Web, f: &mut Fields, uploads: &[Upload], cut: bool) -> Vec<Upload> {
    let lang = web.ctx.lang;
    let max = web.service.config.max_evidence_bytes;
    if cut {
        f.err(
            "file",
            problem_text(lang, &UploadProblem::TooLarge { max_bytes: max }),
        );
        return Vec::new();
    }
    let most = tiendo_service::evidence::MAX_FILES_PER_REQUEST;
    if uploads.len() > most {
        f.err(
            "file",
            match lang {
                Lang::Vi => format!("Chọn tối đa {most} tệp mỗi lần gửi."),
                Lang::En => format!("Choose at most {most} files at once."),
            },
        );
        return Vec::new();
    }
    for u in uploads {
        if let Err(p) = web.service.check_upload(u) {
            f.err("file", problem_text(lang, &p));
            return Vec::new();
        }
    }
    uploads.to_vec()
}

/// A file as a link.
#[derive(Debug, Clone)]
pub struct FileLink {
    pub name: String,
    pub href: String,
    pub size: String,
    pub kind: &'static str,
    /// When it was stored (RFC 3339), for pages viewed as of a past day.
    pub created: String,
}

pub fn kind_label(content_type: &str) -> &'static str {
    ALLOWED
        .iter()
        .find(|a| a.0 == content_type)
        .map(|a| a.2)
        .unwrap_or("")
}

pub fn link(f: &EvidenceFile) -> FileLink {
    FileLink {
        name: f.file_name.clone(),
        href: format!("/minh-chung/{}", f.id),
        size: size_label(f.size_bytes),
        kind: kind_label(&f.content_type),
        created: f.created_at.clone(),
    }
}

/// The files of some reports, by report, as links (only what the actor may see).
pub async fn by_report(
    service: &Service,
    actor: &Actor,
    report_ids: &[i64],
) -> HashMap<i64, Vec<FileLink>> {
    let mut out: HashMap<i64, Vec<FileLink>> = HashMap::new();
    match service.report_evidence(actor, report_ids).await {
        Ok(files) => {
            for f in &files {
                out.entry(f.report_id).or_default().push(link(f));
            }
        }
        Err(e) => tracing::warn!(error = %e, "evidence list"),
    }
    out
}

/// `GET /minh-chung/{id}`: the file, as an attachment, to someone who may see its
/// assignment; the 403 page to anyone else.
pub async fn download(web: Web, Path(id): Path<i64>) -> Out {
    let (file, bytes) = web
        .service
        .download_evidence(&web.actor, id)
        .await
        .or_page(&web.ctx)?;
    Ok(file_response(&file, bytes))
}

/// The answer carrying a file: its sniffed type, as an attachment with a safe
/// name, never sniffed again by the browser, not cached by shared caches.
pub fn file_response(file: &EvidenceFile, bytes: Vec<u8>) -> Response {
    attachment(&file.content_type, &file.file_name, bytes)
}

/// A stored file (evidence, a letter) as an attachment: see `file_response`.
pub fn attachment(content_type: &str, file_name: &str, bytes: Vec<u8>) -> Response {
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&content_disposition(file_name))
            .unwrap_or(HeaderValue::from_static("attachment")),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    r
}

/// The page for a request larger than the route accepts (413).
pub fn too_large_page(web: &Web) -> Response {
    let ctx = &web.ctx;
    let max = size_label(web.service.config.max_evidence_bytes as i64);
    render_status(
        StatusCode::PAYLOAD_TOO_LARGE,
        &ErrorPage {
            ctx: ctx.clone(),
            code: 413,
            title: ctx.t("Tệp quá lớn", "File too large").to_string(),
            detail: match ctx.lang {
                Lang::Vi => format!(
                    "Yêu cầu gửi lên quá lớn. Tệp minh chứng tối đa {max}; hãy quay lại và chọn tệp nhỏ hơn."
                ),
                Lang::En => format!(
                    "The request is too large. Evidence files may have at most {max}; go back and choose a smaller file."
                ),
            },
        },
    )
}

/// The page for a malformed multipart body (400).
pub fn bad_upload(ctx: &Ctx, detail: &str) -> Response {
    render_status(
        StatusCode::BAD_REQUEST,
        &ErrorPage {
            ctx: ctx.clone(),
            code: 400,
            title: ctx.t("Yêu cầu không hợp lệ", "Bad request").to_string(),
            detail: detail.to_string(),
        },
    )
}
