//! The urging letter (công văn đôn đốc) from the pages: a form on an agency's
//! page and on the dashboard's overdue section, for the standing office only
//! (hidden from focal points and viewers, refused with 403 when they post it).
//! Posting it (`POST /cong-van-don-doc`, with the CSRF field) answers the letter
//! as DOCX or PDF; "Ban hành" records it in the history of every assignment it
//! lists, "Xem trước" only drafts it. Both through the use case of the API and
//! the CLI (`Service::urging_letter`).

use axum::body::Bytes;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use tiendo_core::letter::Letter;
use tiendo_core::policy::Write;
use tiendo_core::time::parse_day;
use tiendo_reports::Format;
use tiendo_service::ServiceError;
use tiendo_service::urging::{DEFAULT_FINISH_DAYS, UrgingRequest};

use crate::ctx::*;

/// What the form needs: the agency (none: every agency) and the default day
/// to finish by, shown as its placeholder.
pub struct UrgingForm {
    /// The agency's id, empty for all.
    pub agency: String,
    /// dd/mm/yyyy of the page's day + 15.
    pub finish_by: String,
}

impl UrgingForm {
    /// The form for the office in today's view; `None` for anyone else, and in
    /// a past view (no page offers a form there: the letter is dated the day it
    /// is issued; the API and the CLI take a past `as_of`).
    pub fn for_office(ctx: &Ctx, agency: Option<i64>) -> Option<UrgingForm> {
        (ctx.is_admin() && ctx.as_of.is_none()).then(|| UrgingForm {
            agency: agency.map(|a| a.to_string()).unwrap_or_default(),
            finish_by: crate::i18n::date(
                ctx.day
                    .checked_add_days(chrono::Days::new(DEFAULT_FINISH_DAYS))
                    .unwrap_or(ctx.day),
            ),
        })
    }
}

/// A rendered letter as an attachment (pages and API), with the number of
/// assignments whose history recorded it.
pub fn letter_response(
    letter: &Letter,
    format: Format,
    bytes: Vec<u8>,
    recorded: usize,
) -> Response {
    let name = tiendo_reports::letter_file_name(letter, format);
    let mut r = (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(format.content_type()),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&tiendo_reports::attachment(&name))
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
        ],
        bytes,
    )
        .into_response();
    r.headers_mut()
        .insert("x-urged-assignments", HeaderValue::from(recorded));
    r
}

/// `POST /cong-van-don-doc`: agency (id, empty for all), as_of, finish_by
/// (dd/mm/yyyy), format (docx|pdf), action (issue|preview), csrf.
pub async fn post(web: Web, body: Bytes) -> Out {
    let ctx = &web.ctx;
    if !web.actor.may(Write::Urge) {
        return Err(forbidden_page(
            ctx,
            ctx.t(
                "Chỉ cơ quan thường trực ban hành công văn đôn đốc.",
                "Only the standing office issues urging letters.",
            ),
        ));
    }
    let form = Form::parse(&body);
    web.check_csrf(&form)?;
    let day = |field: &str| -> Result<Option<chrono::NaiveDate>, Response> {
        match form.text(field) {
            None => Ok(None),
            Some(t) => parse_day(&t)
                .map(Some)
                .ok_or_else(|| ServiceError::invalid(field, "must be a date written dd/mm/yyyy"))
                .or_page(ctx),
        }
    };
    let as_of = day("as_of")?.unwrap_or(ctx.day);
    let finish_by = day("finish_by")?;
    let agency = match form.text("agency") {
        None => None,
        Some(a) => Some(
            a.parse::<i64>()
                .map_err(|_| ServiceError::invalid("agency", "must be an agency id"))
                .or_page(ctx)?,
        ),
    };
    let format = match form.get("format").unwrap_or("docx") {
        "pdf" => Format::Pdf,
        "docx" => Format::Docx,
        _ => {
            return Err(error_page(
                ctx,
                ServiceError::invalid("format", "must be docx or pdf"),
            ));
        }
    };
    let mut req = UrgingRequest::new(as_of, agency, finish_by);
    req.issue = form.get("action") != Some("preview");
    let made = web
        .service
        .urging_letter(&web.actor, &req)
        .await
        .or_page(ctx)?;
    let (made, bytes) = tokio::task::spawn_blocking(move || {
        let bytes = tiendo_reports::render_letter(&made.letter, format);
        (made, bytes)
    })
    .await
    .map_err(|e| ServiceError::Internal(e.to_string()))
    .or_page(ctx)?;
    let bytes = bytes
        .map_err(|e| ServiceError::Internal(e.to_string()))
        .or_page(ctx)?;
    Ok(letter_response(&made.letter, format, bytes, made.recorded))
}
