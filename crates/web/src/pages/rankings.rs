//! Monthly rankings of agencies (xếp hạng hằng tháng, issue 5): for a published
//! month, the ranking of each group (ministries and central agencies, provinces
//! and cities, others) with each agency's movement since the previous month, the
//! best and the worst; a month picker. As of a past day, only the months published
//! by then are offered. Places are the service's, tie-aware ("1, 1, 3"); movement
//! is shown only when the agency had a place the month before. The run number and
//! its hash are the office's (behind a details toggle); the office computes and
//! publishes months in `rankings_office`.

use askama::Template;
use tiendo_service::scoring::{GROUPS, Ranking, RankingRow};

use super::databases::{download, movement, points};
use crate::ctx::*;
use crate::export::{Cell as XCell, Table};
use crate::i18n;

pub struct Line {
    pub rank: i64,
    pub name: String,
    pub href: String,
    pub score: String,
    pub previous: String,
    pub movement: String,
    pub movement_class: &'static str,
}

pub struct Group {
    pub key: String,
    pub label: String,
    pub previous_month: String,
    pub rows: Vec<Line>,
    pub best: Vec<Line>,
    pub worst: Vec<Line>,
    pub unscored: Vec<String>,
}

pub struct MonthChoice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "rankings.html")]
struct RankingsPage {
    ctx: Ctx,
    path_only: String,
    month_label: String,
    months: Vec<MonthChoice>,
    groups: Vec<Group>,
    /// The office sees the run number and hash (others do not).
    office: bool,
    run_id: i64,
    hash: String,
    csv_href: String,
    xlsx_href: String,
}

pub(crate) fn group_label(ctx: &Ctx, key: &str) -> String {
    match key {
        "central" => ctx.t("Bộ, cơ quan trung ương", "Ministries and central agencies"),
        "provinces" => ctx.t("Tỉnh, thành phố", "Provinces and cities"),
        _ => ctx.t("Cơ quan, đơn vị khác", "Other bodies"),
    }
    .to_string()
}

/// "2025-10" as 10/2025 (`tiendo_core::period`).
pub(crate) fn month_label(month: &str) -> String {
    tiendo_core::period::label_vi(month)
}

/// Movement on the pages: nothing when there was no place the month before.
pub(crate) fn rank_movement(ctx: &Ctx, m: Option<i64>) -> (String, &'static str) {
    match m {
        None => (String::new(), "move-none"),
        Some(_) => movement(ctx, m),
    }
}

fn line(ctx: &Ctx, r: &RankingRow) -> Line {
    let (movement, movement_class) = rank_movement(ctx, r.movement);
    Line {
        rank: r.rank,
        name: r.agency_name.clone(),
        href: ctx.link(&format!("/co-quan/{}", r.agency_id)),
        score: points(ctx.lang, r.score),
        previous: r
            .previous_rank
            .map(|p| p.to_string())
            .unwrap_or_else(|| "—".into()),
        movement,
        movement_class,
    }
}

pub(crate) fn group(ctx: &Ctx, r: &Ranking) -> Group {
    Group {
        key: r.group.clone(),
        label: group_label(ctx, &r.group),
        previous_month: month_label(&r.previous_month),
        rows: r.rows.iter().map(|x| line(ctx, x)).collect(),
        best: r.best.iter().map(|x| line(ctx, x)).collect(),
        worst: r.worst.iter().map(|x| line(ctx, x)).collect(),
        unscored: r.unscored.clone(),
    }
}

/// The published months (as of the page's day, newest first), the month shown
/// and its rankings by group.
struct Chosen {
    runs: Vec<tiendo_service::scoring::ScoreRunView>,
    months: Vec<String>,
    month: Option<String>,
    rankings: Vec<Ranking>,
}

async fn choose(web: &Web, q: &QueryPairs) -> Result<Chosen, axum::response::Response> {
    let ctx = &web.ctx;
    let s = &web.service;
    let runs = s.list_score_runs(&web.actor, None).await.or_page(ctx)?;
    let mut months: Vec<String> = Vec::new();
    for r in &runs {
        let published_by_then = r
            .created_at
            .as_deref()
            .and_then(i18n::instant_day)
            .is_some_and(|d| d <= ctx.day);
        if published_by_then && !months.contains(&r.month) {
            months.push(r.month.clone());
        }
    }
    months.sort_by(|a, b| b.cmp(a));
    let month = q
        .get("month")
        .filter(|m| months.iter().any(|x| x == m))
        .map(str::to_string)
        .or_else(|| months.first().cloned());
    let mut rankings = Vec::new();
    if let Some(m) = &month {
        for g in GROUPS {
            rankings.push(s.ranking(&web.actor, m, g).await.or_page(ctx)?);
        }
    }
    Ok(Chosen {
        runs,
        months,
        month,
        rankings,
    })
}

/// `/xep-hang?month=YYYY-MM`: the month asked for, else the latest published.
pub async fn page(web: Web, q: QueryPairs) -> Out {
    let mut web = web.nav("rankings");
    if q.get("ok") == Some("cong-bo") {
        web.ctx.notice = Some(
            web.ctx
                .t(
                    "Đã công bố điểm của tháng.",
                    "The month's scores are published.",
                )
                .to_string(),
        );
    }
    let ctx = &web.ctx;
    let office = web.service.may_score_months(&web.actor).is_ok();
    let Chosen {
        runs,
        months,
        month,
        rankings,
    } = choose(&web, &q).await?;
    let run_id = rankings.first().map_or(0, |r| r.run_id);
    let hash = runs
        .iter()
        .find(|r| r.id == Some(run_id))
        .map(|r| r.content_hash.clone())
        .unwrap_or_default();
    let groups: Vec<Group> = rankings.iter().map(|r| group(ctx, r)).collect();
    Ok(render(&RankingsPage {
        path_only: "/xep-hang".into(),
        month_label: month.as_deref().map(month_label).unwrap_or_default(),
        months: months
            .iter()
            .map(|m| MonthChoice {
                value: m.clone(),
                label: month_label(m),
                selected: Some(m) == month.as_ref(),
            })
            .collect(),
        groups,
        office,
        run_id: if office { run_id } else { 0 },
        hash: if office { hash } else { String::new() },
        csv_href: ctx.link(&format!(
            "/xep-hang.csv?month={}",
            month.as_deref().unwrap_or_default()
        )),
        xlsx_href: ctx.link(&format!(
            "/xep-hang.xlsx?month={}",
            month.as_deref().unwrap_or_default()
        )),
        ctx: ctx.clone(),
    }))
}

async fn rankings_table(web: &Web, q: &QueryPairs) -> Result<Table, axum::response::Response> {
    let ctx = &web.ctx;
    let chosen = choose(web, q).await?;
    if chosen.month.is_none() {
        return Err(not_found_page(
            ctx,
            ctx.t(
                "Chưa có tháng nào được công bố điểm.",
                "No month's scores have been published yet.",
            ),
        ));
    }
    let headers = [
        ctx.t("Tháng", "Month"),
        ctx.t("Nhóm", "Group"),
        ctx.t("Hạng", "Rank"),
        ctx.t("Cơ quan", "Agency"),
        ctx.t("Điểm", "Score"),
        ctx.t("Hạng tháng trước", "Previous month's rank"),
        ctx.t("Thay đổi", "Movement"),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut rows = Vec::new();
    for r in &chosen.rankings {
        for row in &r.rows {
            rows.push(vec![
                XCell::Text(month_label(&r.month)),
                XCell::Text(group_label(ctx, &r.group)),
                XCell::Int(row.rank),
                XCell::Text(row.agency_name.clone()),
                XCell::Text(points(ctx.lang, row.score)),
                row.previous_rank
                    .map_or(XCell::Text(String::new()), XCell::Int),
                XCell::Text(movement(ctx, row.movement).0),
            ]);
        }
    }
    Ok(Table {
        headers,
        rows,
        widths: vec![10.0, 30.0, 6.0, 44.0, 8.0, 12.0, 10.0],
    })
}

/// `/xep-hang.csv?month=`, `/xep-hang.xlsx?month=`: every group's ranking.
pub async fn export_csv(web: Web, q: QueryPairs) -> Out {
    let table = rankings_table(&web, &q).await?;
    download(&web.ctx, &table, "csv", "xep-hang", "")
}

pub async fn export_xlsx(web: Web, q: QueryPairs) -> Out {
    let table = rankings_table(&web, &q).await?;
    download(
        &web.ctx,
        &table,
        "xlsx",
        "xep-hang",
        web.ctx.t("Xếp hạng", "Rankings"),
    )
}

/// An agency's place in the latest published month (as of the page's day), for
/// its report card.
pub struct ScoreBlock {
    pub month: String,
    pub group: String,
    pub score: String,
    pub rank: i64,
    pub of: usize,
    pub movement: String,
    pub movement_class: &'static str,
    pub href: String,
}

/// The score block of an agency's page; `None` when no month is published or the
/// agency had nothing scorable in it.
pub async fn score_block(web: &Web, agency_id: i64, kind: &str) -> Option<ScoreBlock> {
    let ctx = &web.ctx;
    let runs = web.service.list_score_runs(&web.actor, None).await.ok()?;
    let month = runs
        .iter()
        .filter(|r| {
            r.created_at
                .as_deref()
                .and_then(i18n::instant_day)
                .is_some_and(|d| d <= ctx.day)
        })
        .map(|r| r.month.clone())
        .max()?;
    let group_key = tiendo_service::scoring::group_of(kind);
    let ranking = web
        .service
        .ranking(&web.actor, &month, group_key)
        .await
        .ok()?;
    let row = ranking.rows.iter().find(|r| r.agency_id == agency_id)?;
    let (movement, movement_class) = rank_movement(ctx, row.movement);
    Some(ScoreBlock {
        month: month_label(&month),
        group: group_label(ctx, group_key),
        score: points(ctx.lang, row.score),
        rank: row.rank,
        of: ranking.rows.len(),
        movement,
        movement_class,
        href: ctx.link(&format!("/xep-hang?month={month}#h-{group_key}")),
    })
}
