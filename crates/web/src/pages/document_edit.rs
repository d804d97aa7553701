//! The office corrects a document's metadata (issue 14.4): `/van-ban/{id}/sua`
//! changes its number, kind, date, issuer and title (its signer and full text
//! are kept). Errors sit by their field (422; 409 for a number another document
//! has) with everything typed kept; the change is audited by the service
//! (`document/update`). A focal point or a viewer gets 403, GET and POST.

use askama::Template;
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::StatusCode;
use chrono::NaiveDate;
use tiendo_core::model::Document;
use tiendo_core::policy::Write;
use tiendo_core::time::{implausible_day, parse_day};
use tiendo_service::ServiceError;
use tiendo_service::input::DocumentInput;

use super::office::{self, Errors};
use crate::ctx::*;
use crate::i18n::{self, Lang};

/// The kinds offered (any other may be typed).
pub const DOC_KINDS: [&str; 8] = [
    "Thông báo",
    "Nghị quyết",
    "Quyết định",
    "Chỉ thị",
    "Kế hoạch",
    "Công văn",
    "Công điện",
    "Nghị định",
];

#[derive(Debug, Default, Clone)]
pub struct DocFields {
    pub number: String,
    pub kind: String,
    pub issued_on: String,
    pub issuer: String,
    pub title: String,
    pub errors: Errors,
}

#[derive(Template)]
#[template(path = "document_edit.html")]
struct EditPage {
    ctx: Ctx,
    id: i64,
    citation: String,
    kinds: Vec<&'static str>,
    f: DocFields,
}

pub fn gate(web: &Web) -> Result<(), axum::response::Response> {
    office::require(
        web,
        Write::ManageDocuments,
        "Chỉ cơ quan thường trực sửa văn bản.",
        "Only the standing office edits documents.",
    )
}

async fn load(web: &Web, id: i64) -> Result<Document, axum::response::Response> {
    web.service
        .get_document(&web.actor, id)
        .await
        .or_page(&web.ctx)
}

fn page(web: &Web, doc: &Document, status: StatusCode, f: DocFields) -> Out {
    Ok(render_status(
        status,
        &EditPage {
            ctx: web.ctx.clone(),
            id: doc.id,
            citation: doc.citation.clone(),
            kinds: DOC_KINDS.to_vec(),
            f,
        },
    ))
}

pub async fn form(web: Web, Path(id): Path<i64>) -> Out {
    let web = web.nav("documents");
    gate(&web)?;
    let doc = load(&web, id).await?;
    let f = DocFields {
        number: doc.number.clone().unwrap_or_default(),
        kind: doc.kind.clone(),
        issued_on: i18n::opt_date(doc.issued_on),
        issuer: doc.issuer.clone().unwrap_or_default(),
        title: doc.title.clone(),
        errors: Errors::default(),
    };
    page(&web, &doc, StatusCode::OK, f)
}

/// A day typed dd/mm/yyyy (or YYYY-MM-DD), or its error by `field`.
pub fn typed_day(lang: Lang, errors: &mut Errors, field: &str, s: &str) -> Option<NaiveDate> {
    if s.trim().is_empty() {
        return None;
    }
    match parse_day(s) {
        None => {
            errors.add(
                field,
                lang.t(
                    "Ngày không hợp lệ (dạng dd/mm/yyyy).",
                    "Not a date (use dd/mm/yyyy).",
                ),
            );
            None
        }
        Some(d) if implausible_day(d).is_some() => {
            errors.add(
                field,
                lang.t(
                    "Ngày phải trong khoảng 01/01/2000 đến 31/12/2100.",
                    "The date must be between 01/01/2000 and 31/12/2100.",
                ),
            );
            None
        }
        Some(d) => Some(d),
    }
}

/// A text field's length limit, in characters.
fn too_long(lang: Lang, errors: &mut Errors, field: &str, s: &str, max: usize) {
    if s.trim().chars().count() > max {
        errors.add(
            field,
            match lang {
                Lang::Vi => format!("Dài quá {max} ký tự."),
                Lang::En => format!("Longer than {max} characters."),
            },
        );
    }
}

pub async fn save(web: Web, Path(id): Path<i64>, body: Bytes) -> Out {
    let web = web.nav("documents");
    gate(&web)?;
    let form = Form::parse(&body);
    web.check_csrf(&form)?;
    let doc = load(&web, id).await?;
    let lang = web.ctx.lang;
    let mut f = DocFields {
        number: form.raw("number"),
        kind: form.raw("kind"),
        issued_on: form.raw("issued_on"),
        issuer: form.raw("issuer"),
        title: form.raw("title"),
        errors: Errors::default(),
    };
    let mut e = Errors::default();
    if f.kind.trim().is_empty() {
        e.add(
            "kind",
            lang.t(
                "Cần nhập loại văn bản (Thông báo, Nghị quyết, …).",
                "Type the kind of document.",
            ),
        );
    }
    if f.title.trim().is_empty() {
        e.add(
            "title",
            lang.t("Cần nhập trích yếu văn bản.", "The title is required."),
        );
    }
    too_long(lang, &mut e, "number", &f.number, 100);
    too_long(lang, &mut e, "kind", &f.kind, 100);
    too_long(lang, &mut e, "issuer", &f.issuer, 300);
    too_long(lang, &mut e, "title", &f.title, 2000);
    let issued_on = typed_day(lang, &mut e, "issued_on", &f.issued_on);
    if !e.is_empty() {
        f.errors = e;
        return page(&web, &doc, StatusCode::UNPROCESSABLE_ENTITY, f);
    }
    let input = DocumentInput {
        number: Some(f.number.trim().to_string()).filter(|s| !s.is_empty()),
        kind: f.kind.trim().to_string(),
        title: f.title.trim().to_string(),
        issued_on,
        issuer: Some(f.issuer.trim().to_string()).filter(|s| !s.is_empty()),
        signer: doc.signer.clone(),
        body: None,
    };
    match web.service.update_document(&web.actor, id, &input).await {
        Ok(_) => Ok(see_other(&format!("/van-ban/{id}?ok=luu"))),
        Err(ServiceError::Conflict(_)) => {
            f.errors.add(
                "number",
                lang.t(
                    "Số, ký hiệu này đã là của một văn bản khác.",
                    "Another document has this number.",
                ),
            );
            page(&web, &doc, StatusCode::CONFLICT, f)
        }
        Err(ServiceError::Invalid { field, message }) => {
            let key = match field.as_str() {
                "number" | "kind" | "title" | "issuer" | "issued_on" => field.clone(),
                _ => "other".into(),
            };
            f.errors.add(&key, i18n::message(lang, &message));
            page(&web, &doc, StatusCode::UNPROCESSABLE_ENTITY, f)
        }
        Err(e) => Err(error_page(&web.ctx, e)),
    }
}
