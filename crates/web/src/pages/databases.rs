//! Databases (cơ sở dữ liệu): the quality ranking of the round in force (the six
//! criteria đúng, đủ, sạch, sống, thống nhất, dùng chung and the total), the
//! register, a database's history of rounds, and the self-assessment form of the
//! owner agency's focal point. See docs/databases.md.

use askama::Template;
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::StatusCode;
use tiendo_core::dbquality::{
    Source, kind_label_en, kind_label_vi, status_label_en, status_label_vi,
};
use tiendo_core::policy::Write;
use tiendo_service::ServiceError;
use tiendo_service::dbquality::{
    AssessInput, CriterionView, DbRanking, DbRankingRow, ReassessInput, RoundView,
};

use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;

use crate::ctx::*;
use crate::export::{Cell as XCell, Table, to_csv, to_xlsx};
use crate::i18n::{self, Lang};

/// A number of points as people write it: 100, 77,5, 56,25 (vi); 56.25 (en).
pub fn points(lang: Lang, v: f64) -> String {
    let places = if v.fract() == 0.0 {
        0
    } else if (v * 10.0).fract().abs() < 1e-9 {
        1
    } else {
        2
    };
    lang.dec(v, places)
}

/// Movement since the previous round: ▲ 2, ▼ 1, = , or "new".
pub fn movement(ctx: &Ctx, m: Option<i64>) -> (String, &'static str) {
    match m {
        None => (ctx.t("mới", "new").to_string(), "move-new"),
        Some(0) => ("=".into(), "move-same"),
        Some(n) if n > 0 => (format!("▲ {n}"), "move-up"),
        Some(n) => (format!("▼ {}", -n), "move-down"),
    }
}

fn source_label(ctx: &Ctx, s: Source) -> &'static str {
    match ctx.lang {
        Lang::Vi => s.label_vi(),
        Lang::En => s.label_en(),
    }
}

pub struct Head {
    pub name: String,
    pub weight: i64,
}

fn heads(ctx: &Ctx, criteria: &[CriterionView]) -> Vec<Head> {
    criteria
        .iter()
        .map(|c| Head {
            name: ctx.t(&c.name, &c.name_en).to_string(),
            weight: c.weight,
        })
        .collect()
}

pub struct Cell {
    pub level: i64,
    pub points: String,
}

pub struct RankLine {
    pub rank: i64,
    pub href: String,
    pub name: String,
    pub kind: &'static str,
    pub owner: String,
    pub owner_href: String,
    pub cells: Vec<Cell>,
    pub total: String,
    pub reviewed: bool,
    pub source: &'static str,
    pub movement: String,
    pub movement_class: &'static str,
}

fn kind_label(ctx: &Ctx, kind: &str) -> &'static str {
    match ctx.lang {
        Lang::Vi => kind_label_vi(kind),
        Lang::En => kind_label_en(kind),
    }
}

fn rank_line(ctx: &Ctx, r: &DbRankingRow) -> RankLine {
    let (movement, movement_class) = movement(ctx, r.movement);
    RankLine {
        rank: r.rank,
        href: ctx.link(&format!("/co-so-du-lieu/{}", r.database_code)),
        name: r.database_name.clone(),
        kind: kind_label(ctx, &r.kind),
        owner: r.owner_name.clone(),
        owner_href: ctx.link(&format!("/co-quan/{}", r.owner_agency_id)),
        cells: r
            .criteria
            .iter()
            .map(|c| Cell {
                level: c.level,
                points: points(ctx.lang, c.points),
            })
            .collect(),
        total: points(ctx.lang, r.total),
        reviewed: r.source == Source::Review,
        source: source_label(ctx, r.source),
        movement,
        movement_class,
    }
}

pub struct RegisterLine {
    pub href: String,
    pub code: String,
    pub name: String,
    pub kind: &'static str,
    pub owner: String,
    pub status: &'static str,
    /// The self-assessment form, for the owner's focal point while a round is open.
    pub assess_href: Option<String>,
}

#[derive(Template)]
#[template(path = "databases.html")]
struct RankingPage {
    ctx: Ctx,
    path_only: String,
    ranking: Option<RankingView>,
    register: Vec<RegisterLine>,
    open_round: Option<String>,
}

pub struct RankingView {
    pub round_name: String,
    pub published: String,
    pub previous: String,
    pub hash: String,
    pub heads: Vec<Head>,
    pub scale_max: i64,
    pub rows: Vec<RankLine>,
    pub best: Vec<RankLine>,
    pub worst: Vec<RankLine>,
    pub unassessed: Vec<String>,
}

pub fn ranking_view(ctx: &Ctx, r: &DbRanking) -> RankingView {
    RankingView {
        round_name: ctx.lang.period(&r.round_name),
        published: r
            .published_at
            .as_deref()
            .map(i18n::instant)
            .unwrap_or_default(),
        previous: r
            .previous_round_name
            .as_deref()
            .map(|n| ctx.lang.period(n))
            .unwrap_or_default(),
        hash: r.content_hash.clone().unwrap_or_default(),
        heads: heads(ctx, &r.criteria),
        scale_max: r.scale_max,
        rows: r.rows.iter().map(|x| rank_line(ctx, x)).collect(),
        best: r.best.iter().map(|x| rank_line(ctx, x)).collect(),
        worst: r.worst.iter().map(|x| rank_line(ctx, x)).collect(),
        unassessed: r.unassessed.clone(),
    }
}

async fn open_round(web: &Web) -> Result<Option<RoundView>, ServiceError> {
    let rounds = web.service.list_db_rounds(&web.actor).await?;
    Ok(rounds.into_iter().find(|r| r.state == "open"))
}

/// `/co-so-du-lieu`: the ranking of the round in force on the page's day, and the
/// register.
pub async fn ranking(web: Web) -> Out {
    let web = web.nav("databases");
    let ctx = &web.ctx;
    let s = &web.service;
    let ranking = match s.db_ranking(&web.actor, None, ctx.as_of).await {
        Ok(r) => Some(ranking_view(ctx, &r)),
        Err(ServiceError::NotFound(_)) => None,
        Err(e) => return Err(error_page(ctx, e)),
    };
    let open = if ctx.as_of.is_none() {
        open_round(&web).await.or_page(ctx)?
    } else {
        None
    };
    let register = s
        .list_databases(&web.actor, None)
        .await
        .or_page(ctx)?
        .into_iter()
        .map(|d| RegisterLine {
            href: ctx.link(&format!("/co-so-du-lieu/{}", d.code)),
            assess_href: (open.is_some()
                && web.actor.role == tiendo_core::policy::Role::Focal
                && web.actor.may(Write::AssessDatabase {
                    owner: d.owner_agency_id,
                }))
            .then(|| format!("/co-so-du-lieu/{}/tu-danh-gia", d.code)),
            code: d.code,
            name: d.name,
            kind: kind_label(ctx, &d.kind),
            owner: d.owner_name,
            status: match ctx.lang {
                Lang::Vi => status_label_vi(&d.status),
                Lang::En => status_label_en(&d.status),
            },
        })
        .collect();
    Ok(render(&RankingPage {
        path_only: "/co-so-du-lieu".into(),
        ranking,
        register,
        open_round: open.map(|r| ctx.lang.period(&r.name)),
        ctx: ctx.clone(),
    }))
}

pub struct HistoryLine {
    pub round: String,
    pub state: String,
    pub published: String,
    pub rank: String,
    pub cells: Vec<Cell>,
    pub total: String,
    pub source: &'static str,
}

#[derive(Template)]
#[template(path = "databases_detail.html")]
struct DetailPage {
    ctx: Ctx,
    name: String,
    code: String,
    kind: &'static str,
    status: &'static str,
    owner: String,
    owner_href: String,
    legal_basis: String,
    notes: String,
    heads: Vec<Head>,
    rounds: Vec<HistoryLine>,
    assess_href: Option<String>,
    review_href: Option<String>,
    open_round: Option<String>,
}

/// `/co-so-du-lieu/{code}`: a database and its place in every published round.
pub async fn detail(web: Web, Path(code): Path<String>, q: QueryPairs) -> Out {
    let mut web = web.nav("databases");
    if q.get("ok").is_some() {
        web.ctx.notice = Some(
            web.ctx
                .t(
                    "Đã ghi nhận bản tự đánh giá.",
                    "The self-assessment has been recorded.",
                )
                .to_string(),
        );
    }
    let ctx = &web.ctx;
    let s = &web.service;
    let d = s.database_detail(&web.actor, &code).await.or_page(ctx)?;
    let active = s
        .list_db_criteria(&web.actor)
        .await
        .or_page(ctx)?
        .into_iter()
        .find(|c| c.active);
    let reviewer = active
        .as_ref()
        .and_then(|c| s.resolve_agency("reviewer", &c.reviewer, None).ok())
        .map_or(-1, |a| a.id);
    let criteria = active.map(|c| c.criteria).unwrap_or_default();
    let day_end = ctx.as_of.map(tiendo_core::time::end_of_day);
    let rounds = d
        .rounds
        .iter()
        .filter(|r| {
            // As of a past day: the rounds published by then.
            match (
                day_end,
                r.published_at.as_deref().and_then(i18n::instant_day),
            ) {
                (Some(_), Some(p)) => Some(p) <= ctx.as_of,
                _ => true,
            }
        })
        .map(|r| HistoryLine {
            round: ctx.lang.period(&r.round_name),
            state: match r.state.as_str() {
                "replaced" => ctx.t("Đã được đính chính", "Corrected by a later round"),
                _ => ctx.t("Đã công bố", "Published"),
            }
            .to_string(),
            published: r
                .published_at
                .as_deref()
                .map(i18n::instant)
                .unwrap_or_default(),
            rank: format!("{}/{}", r.rank, r.ranked),
            cells: r
                .criteria
                .iter()
                .map(|c| Cell {
                    level: c.level,
                    points: points(ctx.lang, c.points),
                })
                .collect(),
            total: points(ctx.lang, r.total),
            source: source_label(ctx, r.source),
        })
        .collect();
    let open = if ctx.as_of.is_none() {
        open_round(&web).await.or_page(ctx)?
    } else {
        None
    };
    let may_assess = web.actor.may(Write::AssessDatabase {
        owner: d.database.owner_agency_id,
    });
    let may_review = web.actor.may(Write::ReassessDatabase {
        reviewer,
        owner: d.database.owner_agency_id,
    });
    Ok(render(&DetailPage {
        name: d.database.name.clone(),
        code: d.database.code.clone(),
        kind: kind_label(ctx, &d.database.kind),
        status: match ctx.lang {
            Lang::Vi => status_label_vi(&d.database.status),
            Lang::En => status_label_en(&d.database.status),
        },
        owner: d.database.owner_name.clone(),
        owner_href: ctx.link(&format!("/co-quan/{}", d.database.owner_agency_id)),
        legal_basis: d.database.legal_basis.clone().unwrap_or_default(),
        notes: d.database.notes.clone().unwrap_or_default(),
        heads: heads(ctx, &criteria),
        rounds,
        assess_href: (open.is_some() && may_assess)
            .then(|| format!("/co-so-du-lieu/{}/tu-danh-gia", d.database.code)),
        review_href: (open.is_some() && may_review)
            .then(|| format!("/co-so-du-lieu/{}/tham-dinh", d.database.code)),
        open_round: open.map(|r| ctx.lang.period(&r.name)),
        ctx: ctx.clone(),
    }))
}

pub struct LevelChoice {
    pub value: i64,
    pub meaning: String,
    pub checked: bool,
}

pub struct CriterionField {
    pub key: String,
    pub name: String,
    pub weight: i64,
    pub choices: Vec<LevelChoice>,
    pub error: String,
    /// The owner's level, shown beside the reassessment.
    pub own: String,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "databases_assess.html")]
struct AssessPage {
    ctx: Ctx,
    /// false: the owner's self-assessment; true: the reviewing agency's reassessment.
    review: bool,
    action: String,
    name: String,
    code: String,
    round: String,
    owner: String,
    fields: Vec<CriterionField>,
    note: String,
    error: String,
    locked: bool,
}

/// What a form works on: the open round (with the assessments the actor sees),
/// the database and the round's criteria.
struct Target {
    round: RoundView,
    database: tiendo_service::dbquality::DatabaseView,
    criteria: Vec<CriterionView>,
}

/// The open round and the database, when the actor may self-assess (`review`:
/// reassess) it; else the 403 or 404 page.
async fn target(web: &Web, code: &str, review: bool) -> Result<Target, axum::response::Response> {
    let ctx = &web.ctx;
    let d = web
        .service
        .database_detail(&web.actor, code)
        .await
        .or_page(ctx)?
        .database;
    let Some(open) = open_round(web).await.or_page(ctx)? else {
        return Err(not_found_page(
            ctx,
            ctx.t(
                "Không có đợt đánh giá nào đang mở.",
                "No assessment round is open.",
            ),
        ));
    };
    let round = web
        .service
        .get_db_round(&web.actor, open.id)
        .await
        .or_page(ctx)?;
    let set = web
        .service
        .list_db_criteria(&web.actor)
        .await
        .or_page(ctx)?
        .into_iter()
        .find(|c| c.version == round.criteria_version);
    let allowed = if review {
        let reviewer = set
            .as_ref()
            .and_then(|c| {
                web.service
                    .resolve_agency("reviewer", &c.reviewer, None)
                    .ok()
            })
            .map_or(-1, |a| a.id);
        web.actor.may(Write::ReassessDatabase {
            reviewer,
            owner: d.owner_agency_id,
        })
    } else {
        web.actor.may(Write::AssessDatabase {
            owner: d.owner_agency_id,
        })
    };
    if !allowed {
        return Err(forbidden_page(
            ctx,
            if review {
                ctx.t(
                    "Chỉ đầu mối của cơ quan thẩm định (hoặc cơ quan thường trực) đánh giá lại cơ sở dữ liệu này; cơ quan thẩm định không tự đánh giá lại cơ sở dữ liệu của mình.",
                    "Only the reviewing agency's focal point (or the standing office) reassesses this database; the reviewing agency does not reassess its own.",
                )
            } else {
                ctx.t(
                    "Chỉ đầu mối của cơ quan chủ quản (hoặc cơ quan thường trực) tự đánh giá cơ sở dữ liệu này.",
                    "Only the owner agency's focal point (or the standing office) self-assesses this database.",
                )
            },
        ));
    }
    Ok(Target {
        round,
        database: d,
        criteria: set.map(|c| c.criteria).unwrap_or_default(),
    })
}

fn fields(
    ctx: &Ctx,
    criteria: &[CriterionView],
    chosen: &dyn Fn(&str) -> Option<i64>,
    own: &dyn Fn(&str) -> Option<i64>,
    reason: &dyn Fn(&str) -> String,
    error_field: &str,
    error: &str,
) -> Vec<CriterionField> {
    criteria
        .iter()
        .map(|c| {
            let picked = chosen(&c.key);
            let mine = error_field == format!("levels.{}", c.key)
                || error_field == format!("reasons.{}", c.key);
            CriterionField {
                key: c.key.clone(),
                name: ctx.t(&c.name, &c.name_en).to_string(),
                weight: c.weight,
                choices: c
                    .levels
                    .iter()
                    .enumerate()
                    .map(|(i, m)| LevelChoice {
                        value: i as i64,
                        meaning: m.clone(),
                        checked: picked == Some(i as i64),
                    })
                    .collect(),
                error: if mine {
                    error.to_string()
                } else {
                    String::new()
                },
                own: own(&c.key).map_or_else(|| "—".to_string(), |l| l.to_string()),
                reason: reason(&c.key),
            }
        })
        .collect()
}

fn action(code: &str, review: bool) -> String {
    format!(
        "/co-so-du-lieu/{code}/{}",
        if review { "tham-dinh" } else { "tu-danh-gia" }
    )
}

async fn show_form(web: Web, code: String, review: bool) -> Out {
    let web = web.nav("databases");
    let t = target(&web, &code, review).await?;
    let ctx = &web.ctx;
    let current = t
        .round
        .assessments
        .iter()
        .find(|a| a.database_code == t.database.code)
        .cloned();
    let own = current
        .as_ref()
        .and_then(|a| a.self_levels.clone())
        .unwrap_or_default();
    let given = current.as_ref().and_then(|a| a.review_levels.clone());
    let reasons = current
        .as_ref()
        .map(|a| a.review_reasons.clone())
        .unwrap_or_default();
    // The reassessment starts from its earlier levels, else from the owner's.
    let start = if review {
        given.clone().unwrap_or_else(|| own.clone())
    } else {
        own.clone()
    };
    let note = current.as_ref().and_then(|a| {
        if review {
            a.review_note.clone()
        } else {
            a.self_note.clone()
        }
    });
    Ok(render(&AssessPage {
        fields: fields(
            ctx,
            &t.criteria,
            &|k| start.get(k).copied(),
            &|k| own.get(k).copied(),
            &|k| reasons.get(k).cloned().unwrap_or_default(),
            "",
            "",
        ),
        note: note.unwrap_or_default(),
        locked: !review && given.is_some(),
        review,
        action: action(&t.database.code, review),
        name: t.database.name,
        code: t.database.code,
        round: t.round.name,
        owner: t.database.owner_name,
        error: String::new(),
        ctx: ctx.clone(),
    }))
}

async fn submit_form(web: Web, code: String, body: Bytes, review: bool) -> Out {
    let web = web.nav("databases");
    let form = Form::parse(&body);
    web.check_csrf(&form)?;
    let t = target(&web, &code, review).await?;
    let ctx = &web.ctx;
    let mut levels = tiendo_core::dbquality::Levels::new();
    let mut reasons = std::collections::BTreeMap::new();
    let mut bad: Option<(String, String)> = None;
    for c in &t.criteria {
        match form.text(&c.key).map(|v| v.parse::<i64>()) {
            Some(Ok(v)) => {
                levels.insert(c.key.clone(), v);
            }
            Some(Err(_)) => {
                bad.get_or_insert((
                    format!("levels.{}", c.key),
                    ctx.t("phải là một mức của thang", "must be a level of the scale")
                        .into(),
                ));
            }
            None => {}
        }
        if let Some(r) = form.text(&format!("reason_{}", c.key)) {
            reasons.insert(c.key.clone(), r);
        }
    }
    let result = match bad {
        Some((f, m)) => Err(ServiceError::invalid(f, m)),
        None if review => web
            .service
            .reassess(
                &web.actor,
                t.round.id,
                &ReassessInput {
                    database: t.database.code.clone(),
                    levels,
                    reasons,
                    note: form.text("note"),
                },
            )
            .await
            .map(|_| ()),
        None => web
            .service
            .self_assess(
                &web.actor,
                t.round.id,
                &AssessInput {
                    database: t.database.code.clone(),
                    levels,
                    note: form.text("note"),
                },
            )
            .await
            .map(|_| ()),
    };
    match result {
        Ok(()) => Ok(see_other(&format!(
            "/co-so-du-lieu/{}?ok={}",
            t.database.code,
            if review { "review" } else { "self" }
        ))),
        Err(ServiceError::Invalid { field, message }) => {
            let message = format!("{field}: {}", i18n::message(ctx.lang, &message));
            let own = t
                .round
                .assessments
                .iter()
                .find(|a| a.database_code == t.database.code)
                .and_then(|a| a.self_levels.clone())
                .unwrap_or_default();
            Ok(render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &AssessPage {
                    fields: fields(
                        ctx,
                        &t.criteria,
                        &|k| form.text(k).and_then(|v| v.parse().ok()),
                        &|k| own.get(k).copied(),
                        &|k| form.raw(&format!("reason_{k}")),
                        &field,
                        &message,
                    ),
                    note: form.raw("note"),
                    locked: false,
                    review,
                    action: action(&t.database.code, review),
                    name: t.database.name,
                    code: t.database.code,
                    round: t.round.name,
                    owner: t.database.owner_name,
                    error: message,
                    ctx: ctx.clone(),
                },
            ))
        }
        Err(e) => Err(error_page(ctx, e)),
    }
}

/// `GET /co-so-du-lieu/{code}/tu-danh-gia`: the owner's self-assessment form,
/// filled with the current self-assessment when there is one.
pub async fn assess_form(web: Web, Path(code): Path<String>) -> Out {
    show_form(web, code, false).await
}

/// `POST /co-so-du-lieu/{code}/tu-danh-gia`: records the self-assessment through
/// the use case (which checks the owner again); on bad input, the form again with
/// what was typed and the error beside its field.
pub async fn assess_submit(web: Web, Path(code): Path<String>, body: Bytes) -> Out {
    submit_form(web, code, body, false).await
}

/// `GET /co-so-du-lieu/{code}/tham-dinh`: the reviewing agency's reassessment
/// form: the owner's level beside each criterion, a reason for each change.
pub async fn review_form(web: Web, Path(code): Path<String>) -> Out {
    show_form(web, code, true).await
}

/// `POST /co-so-du-lieu/{code}/tham-dinh`.
pub async fn review_submit(web: Web, Path(code): Path<String>, body: Bytes) -> Out {
    submit_form(web, code, body, true).await
}

// ---------------------------------------------------------------- exports

/// A table as a CSV or XLSX download named `{name}-{dd-mm-yyyy}.{ext}`.
pub fn download(ctx: &Ctx, table: &Table, ext: &str, name: &str, sheet: &str) -> Out {
    let (content_type, bytes) = match ext {
        "csv" => ("text/csv; charset=utf-8", to_csv(table)),
        _ => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            to_xlsx(table, sheet).map_err(|e| error_page(ctx, ServiceError::Internal(e)))?,
        ),
    };
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CONTENT_DISPOSITION,
                crate::export::disposition(name, ctx.day, ext),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// The ranking in force on the page's day as a table (points as written on the page).
async fn ranking_table(web: &Web) -> Result<Table, axum::response::Response> {
    let ctx = &web.ctx;
    let r = web
        .service
        .db_ranking(&web.actor, None, ctx.as_of)
        .await
        .or_page(ctx)?;
    let mut headers: Vec<String> = [
        ctx.t("Đợt", "Round"),
        ctx.t("Hạng", "Rank"),
        ctx.t("Cơ sở dữ liệu", "Database"),
        ctx.t("Mã", "Code"),
        ctx.t("Loại", "Kind"),
        ctx.t("Cơ quan chủ quản", "Owner"),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for c in &r.criteria {
        headers.push(format!("{} ({})", ctx.t(&c.name, &c.name_en), c.weight));
    }
    for h in [
        ctx.t("Tổng điểm", "Total"),
        ctx.t("Nguồn điểm", "Scored from"),
        ctx.t("Hạng đợt trước", "Previous rank"),
        ctx.t("Thay đổi", "Movement"),
    ] {
        headers.push(h.to_string());
    }
    let rows = r
        .rows
        .iter()
        .map(|row| {
            let mut cells = vec![
                XCell::Text(ctx.lang.period(&r.round_name)),
                XCell::Int(row.rank),
                XCell::Text(row.database_name.clone()),
                XCell::Text(row.database_code.clone()),
                XCell::Text(kind_label(ctx, &row.kind).into()),
                XCell::Text(row.owner_name.clone()),
            ];
            cells.extend(
                row.criteria
                    .iter()
                    .map(|c| XCell::Text(points(ctx.lang, c.points))),
            );
            cells.push(XCell::Text(points(ctx.lang, row.total)));
            cells.push(XCell::Text(source_label(ctx, row.source).into()));
            cells.push(
                row.previous_rank
                    .map_or(XCell::Text(String::new()), XCell::Int),
            );
            cells.push(XCell::Text(movement(ctx, row.movement).0));
            cells
        })
        .collect();
    let mut widths = vec![18.0, 6.0, 44.0, 24.0, 18.0, 28.0];
    widths.extend(r.criteria.iter().map(|_| 11.0));
    widths.extend([10.0, 22.0, 10.0, 10.0]);
    Ok(Table {
        headers,
        rows,
        widths,
    })
}

/// `/co-so-du-lieu.csv`, `/co-so-du-lieu.xlsx`: the ranking in force.
pub async fn export_csv(web: Web) -> Out {
    let table = ranking_table(&web).await?;
    download(&web.ctx, &table, "csv", "xep-hang-csdl", "")
}

pub async fn export_xlsx(web: Web) -> Out {
    let table = ranking_table(&web).await?;
    download(
        &web.ctx,
        &table,
        "xlsx",
        "xep-hang-csdl",
        web.ctx.t("Xếp hạng CSDL", "Database ranking"),
    )
}
