//! `/nhap-bang-tinh`: spreadsheets in (docs/spreadsheets.md). Links to the three
//! templates (`/nhap-bang-tinh/mau/{kind}`) and a form (CSRF, multipart) that
//! uploads a filled one; a file with problems shows every one in a table by row
//! and column, and nothing is imported. For the standing office (every kind) and
//! focal points (reports and measurements of their own agency).

use askama::Template;
use axum::extract::{Path, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use tiendo_core::policy::Role;
use tiendo_service::ServiceError;
use tiendo_service::sheets::{CellError, SheetImportSummary, SheetKind, XLSX_MIME};

use crate::ctx::*;

#[derive(Template)]
#[template(path = "sheets.html")]
struct SheetsPage {
    ctx: Ctx,
    kinds: Vec<(&'static str, &'static str, &'static str)>,
    chosen: String,
    dry_run: bool,
    problem: Option<String>,
    errors: Vec<CellError>,
    done: Option<SheetImportSummary>,
}

fn kinds(web: &Web) -> Vec<(&'static str, &'static str, &'static str)> {
    SheetKind::ALL
        .iter()
        .filter(|k| web.actor.role == Role::Admin || **k != SheetKind::Tasks)
        .map(|k| {
            (
                k.as_str(),
                k.label_vi(),
                match k {
                    SheetKind::Tasks => "Tasks",
                    SheetKind::Reports => "Progress reports",
                    SheetKind::Measurements => "Indicator measurements",
                },
            )
        })
        .collect()
}

fn page(web: &Web) -> SheetsPage {
    SheetsPage {
        ctx: web.ctx.clone(),
        kinds: kinds(web),
        chosen: String::new(),
        dry_run: false,
        problem: None,
        errors: Vec::new(),
        done: None,
    }
}

fn allowed(web: &Web) -> Result<(), axum::response::Response> {
    match web.actor.role {
        Role::Admin | Role::Focal => Ok(()),
        Role::Viewer => Err(forbidden_page(
            &web.ctx,
            web.ctx.t(
                "Chỉ cơ quan thường trực và đầu mối các cơ quan nhập bảng tính.",
                "Only the standing office and agency focal points import spreadsheets.",
            ),
        )),
    }
}

pub async fn form(web: Web) -> Out {
    let web = web.nav("sheets");
    allowed(&web)?;
    Ok(render(&page(&web)))
}

pub async fn template(web: Web, Path(kind): Path<String>) -> Out {
    let kind = SheetKind::parse(&kind).ok_or_else(|| {
        error_page(
            &web.ctx,
            ServiceError::NotFound(format!("sheet kind '{kind}'")),
        )
    })?;
    let bytes = web
        .service
        .sheet_template(kind)
        .await
        .map_err(|e| error_page(&web.ctx, e))?;
    let mut response = bytes.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(XLSX_MIME));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", kind.file_name()))
    {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

pub async fn submit(web: Web, req: Request) -> Out {
    let web = web.nav("sheets");
    allowed(&web)?;
    if !crate::upload::is_multipart(&req) {
        return Err(super::evidence::bad_upload(
            &web.ctx,
            "send the form as multipart/form-data",
        ));
    }
    let received = crate::upload::read(&web.service, req)
        .await
        .map_err(|e| super::evidence::bad_upload(&web.ctx, &e))?;
    if received.cut && received.field("csrf").is_none() {
        return Err(super::evidence::too_large_page(&web));
    }
    let form = Form {
        pairs: received.fields.clone(),
    };
    web.check_csrf(&form)?;
    let mut p = page(&web);
    p.chosen = received.field("kind").unwrap_or("").to_string();
    p.dry_run = received.field("dry_run").is_some();
    let kind = SheetKind::parse(&p.chosen);
    let file = received
        .files
        .iter()
        .find(|(k, _)| k == "file")
        .map(|(_, u)| u);
    match (kind, file) {
        (None, _) => {
            p.problem = Some(
                web.ctx
                    .t("Chọn loại bảng tính.", "Choose the kind of sheet.")
                    .into(),
            )
        }
        (_, None) => p.problem = Some(web.ctx.t("Chọn tệp XLSX.", "Choose an XLSX file.").into()),
        (_, Some(u)) if received.cut || u.truncated => {
            p.problem = Some(web.ctx.t("Tệp quá lớn.", "The file is too large.").into())
        }
        (Some(kind), Some(u)) => {
            match web
                .service
                .import_sheet(&web.actor, kind, &u.bytes, p.dry_run)
                .await
            {
                Ok(Ok(summary)) => {
                    p.done = Some(summary);
                    return Ok(render(&p));
                }
                Ok(Err(errors)) => p.errors = errors,
                Err(e @ ServiceError::Forbidden(_)) => p.problem = Some(e.to_string()),
                Err(e) => return Err(error_page(&web.ctx, e)),
            }
        }
    }
    Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &p))
}
