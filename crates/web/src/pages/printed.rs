//! The committee's reports as downloads from the pages (`/tai-bao-cao/{kind}`),
//! as of the page's day, through the same use case as the API and the CLI.

use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use tiendo_reports::{Format, Printed};
use tiendo_service::ServiceError;
use tiendo_service::reports::{ReportKind, ReportRequest};

use crate::ctx::*;

/// One download link (XLSX · DOCX · PDF).
pub struct Download {
    pub label: &'static str,
    pub href: String,
}

/// The three download links of a report, as of the page's day.
pub fn links(ctx: &Ctx, kind: &str, params: &[(&str, String)]) -> Vec<Download> {
    Format::ALL
        .iter()
        .map(|f| {
            let mut p: Vec<(String, String)> = params
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect();
            p.push(("format".into(), f.extension().into()));
            Download {
                label: match f {
                    Format::Xlsx => "XLSX",
                    Format::Docx => "DOCX",
                    Format::Pdf => "PDF",
                },
                href: ctx.link(&build(&format!("/tai-bao-cao/{kind}"), &p)),
            }
        })
        .collect()
}

/// A rendered report as an attachment (pages and API).
pub fn report_response(printed: &Printed, format: Format, bytes: Vec<u8>) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(format.content_type()),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&tiendo_reports::content_disposition(printed, format))
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// `GET /tai-bao-cao/{kind}?format=…&agency=…&document=…&month=…&as_of=…`.
pub async fn download(web: Web, Path(kind): Path<String>, q: QueryPairs) -> Out {
    let ctx = &web.ctx;
    let kind = ReportKind::parse(&kind).or_page(ctx)?;
    let format = Format::parse(q.get("format").unwrap_or("pdf"))
        .ok_or_else(|| ServiceError::invalid("format", "must be xlsx, docx or pdf"))
        .or_page(ctx)?;
    let req = ReportRequest {
        kind,
        as_of: Some(ctx.day),
        month: q.get("month").map(str::to_string),
        agency: q.get("agency").map(str::to_string),
        document: q.get("document").map(str::to_string),
    };
    let printed = web.service.report(&web.actor, &req).await.or_page(ctx)?;
    let (printed, bytes) = tokio::task::spawn_blocking(move || {
        let bytes = tiendo_reports::render(&printed, format);
        (printed, bytes)
    })
    .await
    .map_err(|e| ServiceError::Internal(e.to_string()))
    .or_page(ctx)?;
    let bytes = bytes
        .map_err(|e| ServiceError::Internal(e.to_string()))
        .or_page(ctx)?;
    Ok(report_response(&printed, format, bytes))
}
