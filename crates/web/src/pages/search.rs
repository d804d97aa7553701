//! One search box for the whole site (issue 14 item 6): `/tim-kiem?q=…` shows the
//! tasks, documents, agencies and indicators that hold every word typed (accents
//! and case ignored), each section with its count, its first results (the
//! passage around the first match, the words in `<mark>`) and a link to its own
//! list filtered the same way. The rule and the permissions are the service's
//! (`tiendo_service::search`).

use askama::Template;
use axum::http::StatusCode;
use tiendo_core::snippet::Piece;
use tiendo_core::text::nfc;
use tiendo_service::ServiceError;
use tiendo_service::search::SiteSearch;

use super::Badge;
use crate::ctx::*;

/// Results shown a section; the count is of all.
const PER_SECTION: i64 = 10;

pub struct Hit {
    pub href: String,
    /// The link's text (a task's place and source, a document's number, a name).
    pub label: Vec<Piece>,
    /// What follows the link (kind, date, unit), plain.
    pub meta: String,
    pub badge: Option<Badge>,
    /// The passage around the first match, when there is one to show.
    pub excerpt: Option<Vec<Piece>>,
}

pub struct Section {
    pub id: &'static str,
    pub title: &'static str,
    pub count: String,
    pub hits: Vec<Hit>,
    /// The section's own list, filtered the same way ("xem tất cả").
    pub all: Option<String>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    ctx: Ctx,
    q: String,
    error: Option<String>,
    sections: Vec<Section>,
    searched: bool,
}

fn plain(text: String) -> Vec<Piece> {
    vec![Piece { text, mark: false }]
}

fn sections(ctx: &Ctx, r: &SiteSearch) -> Vec<Section> {
    let list = |base: &str| ctx.link(&build(base, &[("q".to_string(), r.q.clone())]));
    let section = |id, title, total: i64, hits, all: Option<String>| Section {
        id,
        title,
        count: ctx.lang.int(total),
        hits,
        all: all.filter(|_| total > 0),
    };
    vec![
        section(
            "tasks",
            ctx.t("Nhiệm vụ", "Tasks"),
            r.tasks.total,
            r.tasks
                .items
                .iter()
                .map(|t| Hit {
                    href: ctx.link(&format!("/nhiem-vu/{}", t.id)),
                    label: plain(match &t.ref_ {
                        Some(r) => format!("{r} · {}", t.document_citation),
                        None => t.document_citation.clone(),
                    }),
                    meta: format!("{}: {}", ctx.t("Hạn", "Due"), t.deadline),
                    badge: Some(Badge::of(ctx, t.status)),
                    excerpt: Some(t.excerpt.clone()),
                })
                .collect(),
            Some(list("/nhiem-vu")),
        ),
        section(
            "documents",
            ctx.t("Văn bản", "Documents"),
            r.documents.total,
            r.documents
                .items
                .iter()
                .map(|d| Hit {
                    href: ctx.link(&format!("/van-ban/{}", d.id)),
                    label: d.title.clone(),
                    meta: d.citation.clone(),
                    badge: None,
                    excerpt: d.excerpt.clone(),
                })
                .collect(),
            Some(list("/van-ban")),
        ),
        section(
            "agencies",
            ctx.t("Cơ quan", "Agencies"),
            r.agencies.total,
            r.agencies
                .items
                .iter()
                .map(|a| Hit {
                    href: ctx.link(&format!("/co-quan/{}", a.id)),
                    label: a.name.clone(),
                    meta: a.code.clone(),
                    badge: None,
                    excerpt: a.also.clone(),
                })
                .collect(),
            Some(list("/co-quan")),
        ),
        section(
            "indicators",
            ctx.t("Chỉ tiêu", "Indicators"),
            r.indicators.total,
            r.indicators
                .items
                .iter()
                .map(|i| Hit {
                    href: ctx.link(&format!("/chi-tieu/{}", urlencode(&i.code))),
                    label: i.name.clone(),
                    meta: format!("{} · {}", i.code, i.unit),
                    badge: None,
                    excerpt: None,
                })
                .collect(),
            Some(list("/chi-tieu")),
        ),
    ]
}

pub async fn page(web: Web, q: QueryPairs) -> Out {
    let web = web.nav("search");
    let ctx = &web.ctx;
    let query = q.get("q").map(nfc).unwrap_or_default();
    let query = query.trim().to_string();
    let mut page = SearchPage {
        ctx: ctx.clone(),
        q: query.clone(),
        error: None,
        sections: Vec::new(),
        searched: false,
    };
    if query.is_empty() {
        return Ok(render(&page));
    }
    match web
        .service
        .search(&web.actor, &query, ctx.as_of, PER_SECTION)
        .await
    {
        Ok(r) => {
            page.searched = !r.words.is_empty();
            page.sections = sections(ctx, &r);
            Ok(render(&page))
        }
        Err(ServiceError::Invalid { .. }) => {
            page.error = Some(
                ctx.t(
                    "Từ khóa quá dài: tối đa 200 ký tự và 12 từ.",
                    "The search is too long: at most 200 characters and 12 words.",
                )
                .to_string(),
            );
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(error_page(ctx, e)),
    }
}
