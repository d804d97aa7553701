//! The standing office computes, previews and publishes a month's scores in the
//! pages (issue 14): `/xep-hang/tinh-diem` asks for a month (written 11/2025), the
//! POST computes it without storing anything (`Service::preview_scores`) and
//! shows its ranking and what differs from the run in force; the publishing POST
//! (`/xep-hang/tinh-diem/cong-bo`) needs the confirmation box and the preview's
//! hash, so what is published is what was seen (`Service::publish_scores`, which
//! writes the run and its audit entry). Focal points and viewers get 403.

use askama::Template;
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Datelike;
use tiendo_service::ServiceError;
use tiendo_service::rankings::ScorePreview;

use super::databases::points;
use super::rankings::{Group, group, group_label, month_label};
use crate::ctx::*;
use crate::i18n;

/// One agency whose place or score differs from the published run.
pub struct ChangeLine {
    pub name: String,
    pub group: String,
    pub before_rank: String,
    pub rank: String,
    pub before_score: String,
    pub score: String,
}

pub struct PreviewView {
    /// "2025-11", for the publishing form.
    pub month: String,
    /// 11/2025
    pub label: String,
    pub hash: String,
    pub rules_version: i64,
    pub knowledge_at: String,
    pub scored: i64,
    pub published_run: Option<i64>,
    pub same_as_published: bool,
    pub can_publish: bool,
    pub groups: Vec<Group>,
    pub changes: Vec<ChangeLine>,
}

#[derive(Template)]
#[template(path = "rankings_office.html")]
struct OfficePage {
    ctx: Ctx,
    /// The month as typed.
    typed: String,
    /// Why the month was refused.
    error: Option<String>,
    preview: Option<PreviewView>,
    /// Why publishing was refused (the preview is shown again, fresh).
    publish_error: Option<String>,
    reason: String,
}

/// A month as people write it: "11/2025" (also "11-2025", "2025-11") → "2025-11";
/// `None` when it is not a month of 2000–2100.
pub fn parse_month_input(text: &str) -> Option<String> {
    let (a, b) = text.trim().split_once(['/', '-', '.'])?;
    let (m, y) = if a.trim().len() == 4 { (b, a) } else { (a, b) };
    let (m, y) = (m.trim(), y.trim());
    if y.len() != 4 || m.is_empty() || m.len() > 2 {
        return None;
    }
    let m: u32 = m.parse().ok()?;
    let y: i32 = y.parse().ok()?;
    ((1..=12).contains(&m) && (2000..=2100).contains(&y)).then(|| format!("{y:04}-{m:02}"))
}

fn bad_month(ctx: &Ctx) -> String {
    ctx.t(
        "Tháng viết chưa đúng: hãy ghi tháng/năm, ví dụ 11/2025.",
        "The month is not written right: write month/year, e.g. 11/2025.",
    )
    .to_string()
}

/// The last month that has ended, as 10/2025: the usual month to publish.
fn last_ended_month(ctx: &Ctx) -> String {
    let first = ctx.today.with_day(1).unwrap_or(ctx.today);
    let prev = first.pred_opt().unwrap_or(first);
    tiendo_core::period::month_vi(prev.year(), prev.month())
}

fn view(ctx: &Ctx, p: &ScorePreview) -> PreviewView {
    let rank = |r: Option<i64>| r.map_or_else(|| "—".to_string(), |r| r.to_string());
    let score = |s: Option<f64>| s.map_or_else(|| "—".to_string(), |s| points(ctx.lang, s));
    PreviewView {
        month: p.month.clone(),
        label: month_label(&p.month),
        hash: p.content_hash.clone(),
        rules_version: p.rules_version,
        // The history is read as of the end of the month's last day.
        knowledge_at: tiendo_core::scoring::Month::parse(&p.month)
            .map(|m| i18n::date(m.last_day()))
            .unwrap_or_else(|| i18n::instant(&p.knowledge_at)),
        scored: p.scored_agencies,
        published_run: p.published_run_id,
        same_as_published: p.published_hash.as_deref() == Some(p.content_hash.as_str()),
        can_publish: p.can_publish,
        groups: p.groups.iter().map(|g| group(ctx, g)).collect(),
        changes: p
            .changes
            .iter()
            .map(|c| ChangeLine {
                name: c.agency_name.clone(),
                group: group_label(ctx, &c.group),
                before_rank: rank(c.published_rank),
                rank: rank(c.rank),
                before_score: score(c.published_score),
                score: score(c.score),
            })
            .collect(),
    }
}

fn page_of(web: &Web, typed: String) -> OfficePage {
    OfficePage {
        ctx: web.ctx.clone(),
        typed,
        error: None,
        preview: None,
        publish_error: None,
        reason: String::new(),
    }
}

/// The office only: 403 for anyone else, before anything is read.
fn office(web: Web) -> Result<Web, Response> {
    let web = web.nav("rankings");
    web.service.may_score_months(&web.actor).or_page(&web.ctx)?;
    Ok(web)
}

/// `GET /xep-hang/tinh-diem`: the month to compute (the last ended one offered).
pub async fn form(web: Web) -> Out {
    let web = office(web)?;
    let typed = last_ended_month(&web.ctx);
    Ok(render(&page_of(&web, typed)))
}

/// Computes the month typed in `thang` for the page. An unusable month (badly
/// written, in the future) is shown next to its field (422); other errors are
/// error pages.
async fn preview_or_page(web: &Web, typed: &str) -> Result<ScorePreview, Response> {
    let mut page = page_of(web, typed.to_string());
    let Some(month) = parse_month_input(typed) else {
        page.error = Some(bad_month(&web.ctx));
        return Err(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page));
    };
    match web.service.preview_scores(&web.actor, &month).await {
        Ok(p) => Ok(p),
        Err(ServiceError::Invalid { message, .. }) => {
            page.error = Some(i18n::message(web.ctx.lang, &message));
            Err(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(error_page(&web.ctx, e)),
    }
}

/// `POST /xep-hang/tinh-diem` (`thang`): the preview; nothing is stored.
pub async fn compute(web: Web, body: Bytes) -> Out {
    let web = office(web)?;
    let form = Form::parse(&body);
    web.check_csrf(&form)?;
    let typed = form.raw("thang");
    let p = match preview_or_page(&web, &typed).await {
        Ok(p) => p,
        Err(page) => return Ok(page),
    };
    let mut page = page_of(&web, month_label(&p.month));
    page.preview = Some(view(&web.ctx, &p));
    Ok(render(&page))
}

/// `POST /xep-hang/tinh-diem/cong-bo` (`thang`, `hash`, `xac_nhan`, `ly_do`):
/// publishes the previewed month, then shows it on `/xep-hang`. Without the
/// confirmation, or when the month changed since the preview, the fresh preview
/// is shown again with the reason.
pub async fn publish(web: Web, body: Bytes) -> Out {
    let web = office(web)?;
    let form = Form::parse(&body);
    web.check_csrf(&form)?;
    let typed = form.raw("thang");
    let hash = form.raw("hash");
    let reason = form.text("ly_do");
    let refused = |status: StatusCode, why: String, p: ScorePreview| {
        let mut page = page_of(&web, month_label(&p.month));
        page.preview = Some(view(&web.ctx, &p));
        page.publish_error = Some(why);
        page.reason = reason.clone().unwrap_or_default();
        Ok(render_status(status, &page))
    };
    let preview = match preview_or_page(&web, &typed).await {
        Ok(p) => p,
        Err(page) => return Ok(page),
    };
    if !form.checked("xac_nhan") {
        let why = web
            .ctx
            .t(
                "Chưa công bố: hãy đánh dấu ô xác nhận đã xem bản xem trước.",
                "Not published: tick the box confirming you have checked the preview.",
            )
            .to_string();
        return refused(StatusCode::UNPROCESSABLE_ENTITY, why, preview);
    }
    match web
        .service
        .publish_scores(&web.actor, &preview.month, &hash, reason.as_deref())
        .await
    {
        Ok(run) => Ok(see_other(
            &web.ctx
                .link(&format!("/xep-hang?month={}&ok=cong-bo", run.month)),
        )),
        Err(ServiceError::Invalid { message, .. }) => refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            i18n::message(web.ctx.lang, &message),
            preview,
        ),
        Err(ServiceError::Conflict(message)) => refused(
            StatusCode::CONFLICT,
            i18n::message(web.ctx.lang, &message),
            preview,
        ),
        Err(e) => Err(error_page(&web.ctx, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_month_input;

    #[test]
    fn months_are_read_as_people_write_them() {
        assert_eq!(parse_month_input("11/2025").as_deref(), Some("2025-11"));
        assert_eq!(parse_month_input(" 3/2026 ").as_deref(), Some("2026-03"));
        assert_eq!(parse_month_input("2025-11").as_deref(), Some("2025-11"));
        assert_eq!(parse_month_input("11-2025").as_deref(), Some("2025-11"));
        for bad in [
            "",
            "2025",
            "13/2025",
            "0/2025",
            "11/25",
            "tháng 11",
            "11/2025/1",
            "1999-12",
        ] {
            assert_eq!(parse_month_input(bad), None, "{bad}");
        }
    }
}
