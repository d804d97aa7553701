//! Documents: the list, and a document with every task and how far it has come.

use askama::Template;
use axum::extract::Path;
use tiendo_core::status::Status;
use tiendo_core::text::nfc;
use tiendo_store::DocumentFilter;

use super::{Badge, short};
use crate::ctx::*;
use crate::i18n;

pub struct DocLine {
    pub citation: String,
    pub title: String,
    pub href: String,
    pub kind: String,
    pub issued: String,
    pub tasks: String,
}

#[derive(Template)]
#[template(path = "documents.html")]
struct DocumentsPage {
    ctx: Ctx,
    q: String,
    docs: Vec<DocLine>,
    total: String,
    prev: Option<String>,
    next: Option<String>,
}

pub async fn list(web: Web, q: QueryPairs) -> Out {
    let web = web.nav("documents");
    let ctx = &web.ctx;
    let query = q.get("q").map(nfc).unwrap_or_default();
    let page_no = q.int("page").unwrap_or(1).max(1);
    let per_page = 50;
    let res = web
        .service
        .list_documents(
            &web.actor,
            DocumentFilter {
                q: (!query.is_empty()).then(|| query.clone()),
                known_by: ctx.known_by(),
                page: page_no,
                per_page,
                ..Default::default()
            },
        )
        .await
        .or_page(ctx)?;
    let link = |n: i64| {
        let mut p = vec![("q".to_string(), query.clone())];
        if n > 1 {
            p.push(("page".into(), n.to_string()));
        }
        ctx.link(&build("/van-ban", &p))
    };
    let pages = ((res.total + per_page - 1) / per_page).max(1);
    Ok(render(&DocumentsPage {
        docs: res
            .items
            .iter()
            .map(|d| DocLine {
                // The "Số, ký hiệu" column: the number, never the kind (the
                // kind is the tag before the title).
                citation: d
                    .number
                    .clone()
                    .filter(|n| !n.trim().is_empty())
                    .unwrap_or_else(|| ctx.t("Không số", "Unnumbered").to_string()),
                title: short(&d.title, 300),
                href: ctx.link(&format!("/van-ban/{}", d.id)),
                kind: d.kind.clone(),
                issued: i18n::opt_date(d.issued_on),
                tasks: ctx.lang.int(d.task_count),
            })
            .collect(),
        total: ctx.lang.int(res.total),
        prev: (page_no > 1).then(|| link(page_no - 1)),
        next: (page_no < pages).then(|| link(page_no + 1)),
        q: query,
        ctx: ctx.clone(),
    }))
}

pub struct DocTask {
    pub reference: String,
    pub text: String,
    pub href: String,
    pub lead: String,
    pub deadline: String,
    pub badge: Badge,
    pub done: i64,
    pub total: i64,
    pub progress: String,
    /// What it lacks of the "6 rõ", in words.
    pub unclear: String,
}

pub struct Share {
    pub badge: Badge,
    pub count: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "document.html")]
struct DocumentPage {
    ctx: Ctx,
    citation: String,
    title: String,
    meta: Vec<(String, String)>,
    tasks: Vec<DocTask>,
    shares: Vec<Share>,
    total: String,
    on_time_share: String,
    done_share: String,
    body: Option<String>,
    tasks_href: String,
    path_only: String,
    /// The implementation report as files.
    files: Vec<super::printed::Download>,
    /// Tasks lacking one of the "6 rõ", and the task list of them.
    unclear: String,
    unclear_href: String,
    /// The office's links (edit, new task), today only.
    may_edit: bool,
    done: Option<String>,
}

pub async fn page(web: Web, Path(id): Path<i64>, q: QueryPairs) -> Out {
    let web = web.nav("documents");
    let ctx = &web.ctx;
    let s = &web.service;
    let day = ctx.day;
    let doc = s.get_document(&web.actor, id).await.or_page(ctx)?;
    if !doc.known_on(day) {
        return Err(not_yet_page(
            ctx,
            &match ctx.lang {
                crate::i18n::Lang::Vi => format!(
                    "Văn bản {} chưa có trong hệ thống vào ngày {}.",
                    doc.citation,
                    i18n::date(day)
                ),
                crate::i18n::Lang::En => format!(
                    "Document {} did not exist yet on {}.",
                    doc.citation,
                    i18n::date(day)
                ),
            },
        ));
    }
    let body = s.get_document_body(&web.actor, id).await.or_page(ctx)?;
    // The same tasks and progress as the printed implementation report.
    let (tasks, progress) = s
        .document_tasks(&web.actor, id, day, ctx.as_of.is_some())
        .await
        .or_page(ctx)?;
    let mut totals = std::collections::HashMap::<Status, i64>::new();
    for p in progress.values() {
        for (st, n) in &p.by_status {
            *totals.entry(*st).or_default() += n;
        }
    }
    let all: i64 = totals.values().sum();
    let cancelled = totals.get(&Status::Cancelled).copied().unwrap_or(0);
    let on_time = totals.get(&Status::CompletedOnTime).copied().unwrap_or(0);
    let late = totals.get(&Status::CompletedLate).copied().unwrap_or(0);
    let overdue = totals.get(&Status::Overdue).copied().unwrap_or(0);
    // Shares only once something is due (completed, or past its deadline): with
    // nothing due the denominator is 0 and `percent` answers "—", not "0,0%".
    let live = if on_time + late + overdue > 0 {
        all - cancelled
    } else {
        0
    };
    let task_link = |status: &str| {
        ctx.link(&build(
            "/nhiem-vu",
            &[
                ("document".into(), id.to_string()),
                ("status".into(), status.to_string()),
            ],
        ))
    };
    let mut meta = vec![(ctx.t("Loại", "Kind").to_string(), doc.kind.clone())];
    if let Some(d) = doc.issued_on {
        meta.push((ctx.t("Ngày ban hành", "Issued on").into(), i18n::date(d)));
    }
    if let Some(i) = &doc.issuer {
        meta.push((ctx.t("Cơ quan ban hành", "Issuer").into(), i.clone()));
    }
    if let Some(sg) = &doc.signer {
        meta.push((ctx.t("Người ký", "Signed by").into(), sg.clone()));
    }
    let unclear = tasks
        .iter()
        .filter(|t| tiendo_core::clarity::Lacking::Any.matches(t))
        .count() as i64;
    let page = DocumentPage {
        unclear: ctx.lang.int(unclear),
        unclear_href: if unclear > 0 {
            ctx.link(&format!(
                "/nhiem-vu?document={id}&lacking=any&sort=document"
            ))
        } else {
            String::new()
        },
        citation: doc.citation.clone(),
        title: doc.title.clone(),
        meta,
        tasks: tasks
            .iter()
            .map(|t| {
                let p = progress.get(&t.id).cloned().unwrap_or_default();
                DocTask {
                    reference: t.ref_.clone().unwrap_or_default(),
                    text: short(&t.text, 260),
                    href: ctx.link(&format!("/nhiem-vu/{}", t.id)),
                    lead: t
                        .lead
                        .iter()
                        .map(|p| p.name.clone())
                        .collect::<Vec<_>>()
                        .join("; "),
                    deadline: super::tasks::deadline_label(ctx, &t.deadline),
                    badge: Badge::of(ctx, t.status),
                    done: p.completed(),
                    total: p.total,
                    progress: format!("{}/{}", ctx.lang.int(p.completed()), ctx.lang.int(p.total)),
                    unclear: super::tasks::unclear_label(ctx.lang, t),
                }
            })
            .collect(),
        shares: Status::ALL
            .iter()
            .map(|st| Share {
                badge: Badge::new(ctx, *st),
                count: ctx.lang.int(totals.get(st).copied().unwrap_or(0)),
                href: task_link(st.as_str()),
            })
            .collect(),
        total: ctx.lang.int(all),
        on_time_share: ctx.lang.percent(on_time, live),
        done_share: ctx.lang.percent(on_time + late, live),
        body,
        tasks_href: ctx.link(&format!("/nhiem-vu?document={id}&sort=document")),
        path_only: format!("/van-ban/{id}"),
        files: super::printed::links(ctx, "document", &[("document", id.to_string())]),
        may_edit: ctx.is_admin()
            && ctx.as_of.is_none()
            && web.actor.may(tiendo_core::policy::Write::ManageDocuments),
        done: (q.get("ok") == Some("luu")).then(|| {
            ctx.t("Đã lưu thay đổi.", "The changes are saved.")
                .to_string()
        }),
        ctx: ctx.clone(),
    };
    Ok(render(&page))
}
