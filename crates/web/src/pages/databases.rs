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
use tiendo_service::dbquality::{AssessInput, CriterionView, DbRanking, DbRankingRow, RoundView};

use crate::ctx::*;
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

fn ranking_view(ctx: &Ctx, r: &DbRanking) -> RankingView {
    RankingView {
        round_name: r.round_name.clone(),
        published: r
            .published_at
            .as_deref()
            .map(i18n::instant)
            .unwrap_or_default(),
        previous: r.previous_round_name.clone().unwrap_or_default(),
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
        open_round: open.map(|r| r.name),
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
    let criteria = s
        .list_db_criteria(&web.actor)
        .await
        .or_page(ctx)?
        .into_iter()
        .find(|c| c.active)
        .map(|c| c.criteria)
        .unwrap_or_default();
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
            round: r.round_name.clone(),
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
        open_round: open.map(|r| r.name),
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
}

#[derive(Template)]
#[template(path = "databases_assess.html")]
struct AssessPage {
    ctx: Ctx,
    name: String,
    code: String,
    round: String,
    owner: String,
    fields: Vec<CriterionField>,
    note: String,
    error: String,
    reviewed: bool,
}

/// The open round and the database, when the actor may self-assess it.
async fn assess_target(
    web: &Web,
    code: &str,
) -> Result<
    (
        RoundView,
        tiendo_service::dbquality::DatabaseView,
        Vec<CriterionView>,
    ),
    axum::response::Response,
> {
    let ctx = &web.ctx;
    let d = web
        .service
        .database_detail(&web.actor, code)
        .await
        .or_page(ctx)?
        .database;
    if !web.actor.may(Write::AssessDatabase {
        owner: d.owner_agency_id,
    }) {
        return Err(forbidden_page(
            ctx,
            ctx.t(
                "Chỉ đầu mối của cơ quan chủ quản (hoặc cơ quan thường trực) tự đánh giá cơ sở dữ liệu này.",
                "Only the owner agency's focal point (or the standing office) self-assesses this database.",
            ),
        ));
    }
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
    let criteria = web
        .service
        .list_db_criteria(&web.actor)
        .await
        .or_page(ctx)?
        .into_iter()
        .find(|c| c.version == round.criteria_version)
        .map(|c| c.criteria)
        .unwrap_or_default();
    Ok((round, d, criteria))
}

fn fields(
    ctx: &Ctx,
    criteria: &[CriterionView],
    chosen: &dyn Fn(&str) -> Option<i64>,
    error_field: &str,
    error: &str,
) -> Vec<CriterionField> {
    criteria
        .iter()
        .map(|c| {
            let picked = chosen(&c.key);
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
                error: if error_field == format!("levels.{}", c.key) {
                    error.to_string()
                } else {
                    String::new()
                },
            }
        })
        .collect()
}

/// `GET /co-so-du-lieu/{code}/tu-danh-gia`: the form, filled with the current
/// self-assessment when there is one.
pub async fn assess_form(web: Web, Path(code): Path<String>) -> Out {
    let web = web.nav("databases");
    let (round, d, criteria) = assess_target(&web, &code).await?;
    let ctx = &web.ctx;
    let current = round
        .assessments
        .iter()
        .find(|a| a.database_code == d.code)
        .cloned();
    let levels = current
        .as_ref()
        .and_then(|a| a.self_levels.clone())
        .unwrap_or_default();
    Ok(render(&AssessPage {
        fields: fields(ctx, &criteria, &|k| levels.get(k).copied(), "", ""),
        note: current
            .as_ref()
            .and_then(|a| a.self_note.clone())
            .unwrap_or_default(),
        reviewed: current.is_some_and(|a| a.review_levels.is_some()),
        name: d.name,
        code: d.code,
        round: round.name,
        owner: d.owner_name,
        error: String::new(),
        ctx: ctx.clone(),
    }))
}

/// `POST /co-so-du-lieu/{code}/tu-danh-gia`: records the self-assessment through
/// the use case (which checks the owner again); on bad input, the form again with
/// what was typed and the error beside its field.
pub async fn assess_submit(web: Web, Path(code): Path<String>, body: Bytes) -> Out {
    let web = web.nav("databases");
    let form = Form::parse(&body);
    web.check_csrf(&form)?;
    let (round, d, criteria) = assess_target(&web, &code).await?;
    let ctx = &web.ctx;
    let mut levels = tiendo_core::dbquality::Levels::new();
    let mut bad: Option<(String, String)> = None;
    for c in &criteria {
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
    }
    let result = match bad {
        Some((f, m)) => Err(ServiceError::invalid(f, m)),
        None => {
            web.service
                .self_assess(
                    &web.actor,
                    round.id,
                    &AssessInput {
                        database: d.code.clone(),
                        levels,
                        note: form.text("note"),
                    },
                )
                .await
        }
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/co-so-du-lieu/{}?ok=1", d.code))),
        Err(ServiceError::Invalid { field, message }) => {
            let message = format!("{field}: {}", i18n::message(ctx.lang, &message));
            let chosen = |k: &str| form.text(k).and_then(|v| v.parse().ok());
            Ok(render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &AssessPage {
                    fields: fields(ctx, &criteria, &chosen, &field, &message),
                    note: form.raw("note"),
                    reviewed: false,
                    name: d.name,
                    code: d.code,
                    round: round.name,
                    owner: d.owner_name,
                    error: message,
                    ctx: ctx.clone(),
                },
            ))
        }
        Err(e) => Err(error_page(ctx, e)),
    }
}
