//! The standing office's review of imported documents: `/van-ban/nhap` takes a
//! notice (a PDF, DOCX or text file, or pasted text), the extractor proposes its
//! tasks as drafts, and `/van-ban/{id}/du-thao` shows each draft beside the
//! passage it came from (the sentence in `<mark>`), with its fields to edit and
//! buttons to save, drop (or restore), merge into another draft and confirm;
//! "confirm all" confirms every draft still proposed. Drafts that likely repeat a
//! task of an earlier document link to it. Everything goes through the service's
//! draft use cases (`tiendo_service::drafts`), which check the permission again.

use askama::Template;
use axum::extract::{Path, Request};
use axum::http::StatusCode;
use tiendo_core::policy::{Role, Write};
use tiendo_core::time::parse_day;
use tiendo_service::ServiceError;
use tiendo_service::drafts::DraftInput;
use tiendo_service::input::DeadlineInput;

use super::draft_card::{
    DraftCard, confidence, doubt_label, fields_of, party_label, passage, review_order, six_label,
};
use super::work::Fields;
use crate::ctx::*;
use crate::i18n::{self, Lang};

/// The kinds of deadline a draft may be given in the page.
const DEADLINE_KINDS: &[(&str, &str, &str)] = &[
    ("date", "Ngày cụ thể", "A day"),
    ("month", "Trong tháng", "Within a month"),
    ("quarter", "Trong quý", "Within a quarter"),
    ("half", "Trong 6 tháng", "Within a half-year"),
    ("year", "Trong năm", "Within a year"),
    ("recurring", "Thường xuyên", "Recurring"),
    ("event", "Theo sự kiện", "Tied to an event"),
    ("none", "Không có thời hạn", "No deadline"),
];

fn require_office(web: &Web) -> Result<(), axum::response::Response> {
    if web.actor.role == Role::Admin && web.actor.may(Write::ManageDocuments) {
        Ok(())
    } else {
        Err(forbidden_page(
            &web.ctx,
            web.ctx.t(
                "Chỉ cơ quan thường trực nhập văn bản và rà soát nhiệm vụ đề xuất.",
                "Only the standing office imports documents and reviews proposed tasks.",
            ),
        ))
    }
}

// ------------------------------------------------------------------ import

#[derive(Template)]
#[template(path = "drafts_import.html")]
struct ImportPage {
    ctx: Ctx,
    f: Fields,
    max_file: String,
}

fn import_page(web: &Web, f: Fields) -> ImportPage {
    ImportPage {
        ctx: web.ctx.clone(),
        f,
        max_file: tiendo_service::evidence::size_label(
            web.service.config.max_evidence_bytes as i64,
        ),
    }
}

pub async fn import_form(web: Web) -> Out {
    let web = web.nav("import");
    require_office(&web)?;
    Ok(render(&import_page(&web, Fields::default())))
}

/// Reads an uploaded notice to text through the extractor (which knows PDF,
/// DOCX and text), in a temporary folder under its own name (the name can date
/// a notice that does not say its date).
async fn import_file(
    web: &Web,
    name: &str,
    bytes: &[u8],
) -> Result<tiendo_service::drafts::ImportedDocument, ServiceError> {
    let mut random = [0u8; 8];
    getrandom::fill(&mut random).map_err(|e| ServiceError::Internal(e.to_string()))?;
    let dir = std::env::temp_dir().join(format!("tiendo-import-{}", hex::encode(random)));
    std::fs::create_dir_all(&dir).map_err(|e| ServiceError::Internal(e.to_string()))?;
    let path = dir.join(tiendo_service::evidence::safe_file_name(name));
    let result = match std::fs::write(&path, bytes) {
        Ok(()) => web.service.import_document_file(&web.actor, &path).await,
        Err(e) => Err(ServiceError::Internal(e.to_string())),
    };
    let _ = std::fs::remove_dir_all(&dir);
    result
}

pub async fn import_submit(web: Web, req: Request) -> Out {
    let web = web.nav("import");
    require_office(&web)?;
    let lang = web.ctx.lang;
    let received = if crate::upload::is_multipart(&req) {
        crate::upload::read(&web.service, req)
            .await
            .map_err(|e| super::evidence::bad_upload(&web.ctx, &e))?
    } else {
        let body = axum::body::to_bytes(req.into_body(), 2 * 1024 * 1024)
            .await
            .map_err(|_| super::evidence::too_large_page(&web))?;
        crate::upload::Received {
            fields: Form::parse(&body).pairs,
            ..Default::default()
        }
    };
    if received.cut && received.field("csrf").is_none() {
        return Err(super::evidence::too_large_page(&web));
    }
    let form = Form {
        pairs: received.fields.clone(),
    };
    web.check_csrf(&form)?;
    let mut f = Fields::from_form(&form);
    let file = received
        .files
        .iter()
        .find(|(k, _)| k == "file")
        .map(|(_, u)| u);
    let text = f.v("text").trim().to_string();
    if received.cut || file.is_some_and(|u| u.truncated) {
        f.err(
            "file",
            match lang {
                Lang::Vi => "Tệp quá lớn.",
                Lang::En => "The file is too large.",
            },
        );
    } else if file.is_none() && text.is_empty() {
        f.err(
            "text",
            lang.t(
                "Dán nội dung văn bản hoặc chọn một tệp.",
                "Paste the document's text or choose a file.",
            ),
        );
    }
    if !f.any() {
        let result = match file {
            Some(u) => import_file(&web, &u.file_name, &u.bytes).await,
            None => web.service.import_document_text(&web.actor, &text).await,
        };
        match result {
            Ok(imported) => {
                return Ok(see_other(&format!(
                    "/van-ban/{}/du-thao?ok=imported&n={}",
                    imported.document.id, imported.drafts_created
                )));
            }
            Err(e @ (ServiceError::Forbidden(_) | ServiceError::Internal(_))) => {
                return Err(error_page(&web.ctx, e));
            }
            Err(e) => {
                f.service_error(lang, &e, &["text", "file"]);
                if let Some(m) = f.errors.remove("form")
                    && file.is_some()
                {
                    f.err("file", m);
                } else if let Some(m) = f.errors.remove("form") {
                    f.err("text", m);
                }
            }
        }
    }
    Ok(render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &import_page(&web, f),
    ))
}

// ------------------------------------------------------------------ review

#[derive(Template)]
#[template(path = "drafts.html")]
struct ReviewPage {
    ctx: Ctx,
    document_id: i64,
    citation: String,
    title: String,
    doc_href: String,
    drafts: Vec<DraftCard>,
    proposed: usize,
    confirmed: usize,
    dropped: usize,
    kinds: Vec<(&'static str, &'static str)>,
    top_error: String,
    /// Names of the current agencies, offered for a new unit's parent.
    agency_names: Vec<String>,
}

/// What to show again for one draft after an error: its typed values and errors.
#[derive(Default)]
struct Again {
    draft: Option<(i64, Fields)>,
    top: String,
}

async fn render_review(web: &Web, document_id: i64, again: Again, status: StatusCode) -> Out {
    let ctx = &web.ctx;
    let s = &web.service;
    let doc = s.get_document(&web.actor, document_id).await.or_page(ctx)?;
    let body = s
        .get_document_body(&web.actor, document_id)
        .await
        .or_page(ctx)?
        .unwrap_or_default();
    let drafts = s.list_drafts(&web.actor, document_id).await.or_page(ctx)?;
    let labels: Vec<(i64, String)> = drafts
        .iter()
        .enumerate()
        .filter(|(_, d)| d.state == "proposed")
        .map(|(i, d)| {
            (
                d.id,
                format!(
                    "{} {}{}: {}",
                    ctx.t("Đề xuất", "Proposal"),
                    i + 1,
                    d.ref_
                        .as_ref()
                        .map(|r| format!(" ({r})"))
                        .unwrap_or_default(),
                    super::short(&d.text, 60)
                ),
            )
        })
        .collect();
    let mut cards = Vec::new();
    let (mut proposed, mut confirmed, mut dropped) = (0, 0, 0);
    for i in review_order(&drafts) {
        let d = &drafts[i];
        let (before, marked, after) = passage(&body, d.span);
        let (state_label, open) = match d.state.as_str() {
            "proposed" => {
                proposed += 1;
                (ctx.t("Chờ xác nhận", "Waiting"), true)
            }
            "confirmed" => {
                confirmed += 1;
                (ctx.t("Đã xác nhận", "Confirmed"), false)
            }
            _ => {
                dropped += 1;
                (ctx.t("Đã bỏ", "Dropped"), false)
            }
        };
        let f = match &again.draft {
            Some((id, f)) if *id == d.id => f.clone(),
            _ => fields_of(d),
        };
        let (confidence, confidence_level) = confidence(ctx.lang, d.confidence);
        cards.push(DraftCard {
            id: d.id,
            number: i + 1,
            reference: d.ref_.clone().unwrap_or_default(),
            state: d.state.clone(),
            state_label,
            // Forms are not offered in a past view.
            open: open && ctx.as_of.is_none(),
            before,
            marked,
            after,
            missing: d
                .six_clear
                .iter()
                .map(|k| six_label(ctx.lang, k))
                .collect::<Vec<_>>()
                .join(", "),
            confidence,
            confidence_level,
            doubts: d.doubts.iter().map(|c| doubt_label(ctx.lang, c)).collect(),
            parties: d
                .parties
                .iter()
                .map(|p| (party_label(ctx.lang, p), p.state.clone()))
                .collect(),
            asks_parent: d.unit_parent.is_some()
                || f.has("unit_parent")
                || d.parties
                    .iter()
                    .any(|p| p.state == "new" || p.state == "needs_parent"),
            repeat_href: d
                .repeat_of
                .map(|t| ctx.link(&format!("/nhiem-vu/{t}")))
                .unwrap_or_default(),
            repeat_text: d.repeat_of_text.clone().unwrap_or_default(),
            task_href: d
                .task_id
                .map(|t| ctx.link(&format!("/nhiem-vu/{t}")))
                .unwrap_or_default(),
            f,
            merge_into: labels
                .iter()
                .filter(|(id, _)| *id != d.id)
                .cloned()
                .collect(),
        });
    }
    let agency_names = if cards.iter().any(|c| c.asks_parent && c.open) {
        s.current_agency_names()
    } else {
        Vec::new()
    };
    let page = ReviewPage {
        ctx: ctx.clone(),
        document_id,
        citation: doc.citation.clone(),
        title: doc.title.clone(),
        doc_href: ctx.link(&format!("/van-ban/{document_id}")),
        drafts: cards,
        proposed,
        confirmed,
        dropped,
        kinds: DEADLINE_KINDS
            .iter()
            .map(|(k, vi, en)| (*k, ctx.t(vi, en)))
            .collect(),
        top_error: again.top,
        agency_names,
    };
    Ok(render_status(status, &page))
}

pub async fn review(web: Web, Path(id): Path<i64>, q: QueryPairs) -> Out {
    let mut web = web.nav("review");
    require_office(&web)?;
    web.ctx.notice = match q.get("ok") {
        Some("imported") => Some(match web.ctx.lang {
            Lang::Vi => format!(
                "Đã đọc văn bản: {} nhiệm vụ đề xuất mới.",
                q.get("n").unwrap_or("0")
            ),
            Lang::En => format!(
                "The document was read: {} new proposed tasks.",
                q.get("n").unwrap_or("0")
            ),
        }),
        Some("saved") => Some(web.ctx.t("Đã lưu.", "Saved.").to_string()),
        Some("dropped") => Some(
            web.ctx
                .t("Đã bỏ đề xuất.", "The proposal was dropped.")
                .to_string(),
        ),
        Some("restored") => Some(
            web.ctx
                .t("Đã khôi phục đề xuất.", "The proposal was restored.")
                .to_string(),
        ),
        Some("merged") => Some(
            web.ctx
                .t("Đã gộp hai đề xuất.", "The two proposals were merged.")
                .to_string(),
        ),
        Some("confirmed") => Some(
            web.ctx
                .t(
                    "Đã xác nhận: nhiệm vụ đã được tạo.",
                    "Confirmed: the task was created.",
                )
                .to_string(),
        ),
        Some("all") => Some(match web.ctx.lang {
            Lang::Vi => format!("Đã xác nhận {} nhiệm vụ.", q.get("n").unwrap_or("0")),
            Lang::En => format!("{} tasks confirmed.", q.get("n").unwrap_or("0")),
        }),
        _ => None,
    };
    render_review(&web, id, Again::default(), StatusCode::OK).await
}

fn lines(text: &str) -> Vec<String> {
    text.split(['\n', ';'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// The fields a draft form can name, and where a service error's field goes: a
/// body outside the register that has no parent to join it under goes to the
/// parent's field.
fn field_key(field: &str, message: &str) -> &'static str {
    if message.contains("(unit_parent)") {
        return "unit_parent";
    }
    let f = field.rsplit('.').next().unwrap_or(field);
    let f = f.split('[').next().unwrap_or(f);
    match f {
        "text" => "text",
        "lead" => "lead",
        "coord" => "coord",
        "deadline" | "due" | "kind" => "due",
        "product" => "product",
        "ref" => "ref",
        "into" => "into",
        "unit_parent" => "unit_parent",
        _ => "form",
    }
}

fn put_error(f: &mut Fields, lang: Lang, e: &ServiceError) {
    match e {
        ServiceError::Invalid { field, message } => {
            f.err(field_key(field, message), i18n::message(lang, message))
        }
        other => f.err("form", i18n::message(lang, &other.to_string())),
    }
}

/// `POST /du-thao/{id}`: the draft's form, with `action` = save, drop, restore,
/// merge or confirm (confirm saves what was typed first).
pub async fn act(web: Web, Path(id): Path<i64>, body: axum::body::Bytes) -> Out {
    let web = web.nav("review");
    let form = Form::parse(&body);
    web.check_csrf(&form)?;
    require_office(&web)?;
    let ctx = &web.ctx;
    let lang = ctx.lang;
    let s = &web.service;
    // The draft's document (and a 404 for an unknown draft).
    let document_id = match form.get("document").and_then(|d| d.parse::<i64>().ok()) {
        Some(d) => d,
        None => {
            return Err(not_found_page(
                ctx,
                ctx.t(
                    "Thiếu văn bản của đề xuất.",
                    "The proposal's document is missing.",
                ),
            ));
        }
    };
    let drafts = s.list_drafts(&web.actor, document_id).await.or_page(ctx)?;
    let Some(current) = drafts.iter().find(|d| d.id == id) else {
        return Err(not_found_page(
            ctx,
            ctx.t("Không có đề xuất này.", "No such proposal."),
        ));
    };
    let mut f = Fields::from_form(&form);
    let action = form.get("action").unwrap_or("save").to_string();
    let result: Result<&str, ServiceError> = match action.as_str() {
        "drop" | "restore" => s
            .update_draft(
                &web.actor,
                id,
                &DraftInput {
                    dropped: Some(action == "drop"),
                    ..Default::default()
                },
            )
            .await
            .map(|_| {
                if action == "drop" {
                    "dropped"
                } else {
                    "restored"
                }
            }),
        "merge" => match form.get("into").and_then(|v| v.parse::<i64>().ok()) {
            Some(into) => s.merge_drafts(&web.actor, id, into).await.map(|_| "merged"),
            None => Err(ServiceError::invalid(
                "into",
                lang.t(
                    "Chọn đề xuất để gộp vào.",
                    "Pick the proposal to merge into.",
                ),
            )),
        },
        "save" | "confirm" => {
            // The page's own checks first: the deadline's day.
            let kind = f.v("kind").trim().to_string();
            let due_text = f.v("due").trim().to_string();
            let due = if due_text.is_empty() {
                None
            } else {
                match parse_day(&due_text) {
                    Some(d) => Some(d),
                    None => {
                        f.err(
                            "due",
                            lang.t(
                                "Ngày không hợp lệ (dạng dd/mm/yyyy).",
                                "Not a date (use dd/mm/yyyy).",
                            ),
                        );
                        None
                    }
                }
            };
            if f.v("text").trim().is_empty() {
                f.err(
                    "text",
                    lang.t("Cần nhập nội dung này.", "This is required."),
                );
            }
            if f.any() {
                Err(ServiceError::invalid("form", ""))
            } else {
                let same_deadline = kind == current.deadline.kind && due == current.deadline.due;
                let input = DraftInput {
                    ref_: Some(f.v("ref").to_string()),
                    text: Some(f.v("text").to_string()),
                    lead: Some(lines(f.v("lead"))),
                    coord: Some(lines(f.v("coord"))),
                    deadline: Some(DeadlineInput {
                        kind: kind.clone(),
                        due,
                        raw: if same_deadline {
                            current.deadline.raw.clone()
                        } else {
                            String::new()
                        },
                    }),
                    product: Some(f.v("product").to_string()),
                    // Only when the form offered it: else the choice stays.
                    unit_parent: form.get("unit_parent").map(str::to_string),
                    dropped: None,
                };
                match s.update_draft(&web.actor, id, &input).await {
                    Err(e) => Err(e),
                    Ok(_) if action == "save" => Ok("saved"),
                    Ok(_) => s.confirm_draft(&web.actor, id).await.map(|_| "confirmed"),
                }
            }
        }
        _ => Err(ServiceError::invalid("form", "unknown action")),
    };
    match result {
        Ok(ok) => Ok(see_other(&format!(
            "/van-ban/{document_id}/du-thao?ok={ok}#d{id}"
        ))),
        Err(
            e
            @ (ServiceError::Forbidden(_) | ServiceError::NotFound(_) | ServiceError::Internal(_)),
        ) => Err(error_page(ctx, e)),
        Err(e) => {
            if !f.any() {
                put_error(&mut f, lang, &e);
            }
            render_review(
                &web,
                document_id,
                Again {
                    draft: Some((id, f)),
                    top: String::new(),
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// `POST /van-ban/{id}/du-thao/xac-nhan`: confirms every proposed draft; stops at
/// the first that cannot be (an unknown agency, say), whose field shows the error.
pub async fn confirm_all(web: Web, Path(id): Path<i64>, body: axum::body::Bytes) -> Out {
    let web = web.nav("review");
    let form = Form::parse(&body);
    web.check_csrf(&form)?;
    require_office(&web)?;
    let lang = web.ctx.lang;
    match web.service.confirm_all_drafts(&web.actor, id).await {
        Ok(tasks) => Ok(see_other(&format!(
            "/van-ban/{id}/du-thao?ok=all&n={}",
            tasks.len()
        ))),
        Err(
            e
            @ (ServiceError::Forbidden(_) | ServiceError::NotFound(_) | ServiceError::Internal(_)),
        ) => Err(error_page(&web.ctx, e)),
        Err(e) => {
            // "drafts[12].lead: …" names the draft that stopped the run.
            let mut again = Again::default();
            if let ServiceError::Invalid { field, message } = &e
                && let Some(draft) = field
                    .strip_prefix("drafts[")
                    .and_then(|r| r.split(']').next())
                    .and_then(|n| n.parse::<i64>().ok())
            {
                let drafts = web
                    .service
                    .list_drafts(&web.actor, id)
                    .await
                    .or_page(&web.ctx)?;
                if let Some(d) = drafts.iter().find(|d| d.id == draft) {
                    let mut f = fields_of(d);
                    f.err(field_key(field, message), i18n::message(lang, message));
                    again.draft = Some((draft, f));
                }
            }
            again.top = match lang {
                Lang::Vi => "Chưa xác nhận hết: một đề xuất cần sửa (xem lỗi bên dưới); các đề xuất trước đó đã được xác nhận.".into(),
                Lang::En => "Not all confirmed: a proposal needs correcting (see the error below); the ones before it were confirmed.".into(),
            };
            if again.draft.is_none() {
                again.top = format!("{} {}", again.top, i18n::message(lang, &e.to_string()));
            }
            render_review(&web, id, again, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

/// Documents with drafts, for the office's queue: (review link, citation,
/// proposed, total).
pub async fn pending_documents(web: &Web) -> Vec<(String, String, i64, i64)> {
    match web.service.documents_with_drafts(&web.actor).await {
        Ok(list) => list
            .into_iter()
            .map(|d| {
                (
                    format!("/van-ban/{}/du-thao", d.document.id),
                    d.document.citation,
                    d.proposed,
                    d.total,
                )
            })
            .collect(),
        Err(_) => Vec::new(),
    }
}
