//! Database assessment rounds from the pages (issue 14 item 4): the office lists
//! the rounds with their state, opens a round (or a correction of a published
//! one), follows the assessments and the score computed so far, and publishes
//! after a confirmation step. Everyone signed in sees the list and a published
//! round's ranking; an open round's figures are for the office only. See
//! docs/databases.md.

use askama::Template;
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::StatusCode;
use tiendo_core::policy::Write;
use tiendo_service::ServiceError;
use tiendo_service::dbquality::{RoundInput, RoundView};

use crate::ctx::*;
use crate::i18n;
use crate::pages::databases::{RankingView, ranking_view};

pub struct RoundLine {
    pub href: String,
    pub name: String,
    pub state: String,
    pub state_class: &'static str,
    pub created: String,
    pub published: String,
    pub note: String,
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The open-a-round form as typed, with the field in error.
#[derive(Default)]
pub struct OpenForm {
    pub name: String,
    pub replaces: String,
    pub reason: String,
    pub field: String,
    pub message: String,
}

impl OpenForm {
    pub fn has(&self, f: &str) -> bool {
        self.field == f
    }
}

#[derive(Template)]
#[template(path = "databases_rounds.html")]
struct RoundsPage {
    ctx: Ctx,
    rounds: Vec<RoundLine>,
    office: bool,
    open_name: Option<String>,
    choices: Vec<Choice>,
    f: OpenForm,
}

fn state_label(ctx: &Ctx, state: &str) -> (String, &'static str) {
    match state {
        "open" => (ctx.t("Đang mở", "Open").into(), "due_soon"),
        "replaced" => (
            ctx.t("Đã được đính chính", "Corrected by a later round")
                .into(),
            "cancelled",
        ),
        _ => (ctx.t("Đã công bố", "Published").into(), "done"),
    }
}

fn round_line(ctx: &Ctx, r: &RoundView) -> RoundLine {
    let (state, state_class) = state_label(ctx, &r.state);
    let mut note = Vec::new();
    if let Some(old) = r.replaces {
        note.push(format!(
            "{} {old}",
            ctx.t("Đính chính đợt số", "Corrects round")
        ));
    }
    if let Some(by) = r.replaced_by {
        note.push(format!(
            "{} {by}",
            ctx.t("Được đính chính bởi đợt số", "Corrected by round")
        ));
    }
    RoundLine {
        href: format!("/co-so-du-lieu/dot/{}", r.id),
        name: r.name.clone(),
        state,
        state_class,
        created: i18n::instant(&r.created_at),
        published: r
            .published_at
            .as_deref()
            .map(i18n::instant)
            .unwrap_or_default(),
        note: note.join("; "),
    }
}

fn office(web: &Web) -> bool {
    web.actor.may(Write::ManageDatabases)
}

fn office_only(web: &Web) -> Result<(), axum::response::Response> {
    if office(web) {
        Ok(())
    } else {
        Err(forbidden_page(
            &web.ctx,
            web.ctx.t(
                "Chỉ cơ quan thường trực mở, theo dõi và công bố đợt đánh giá; kết quả của đợt chưa công bố không được xem.",
                "Only the standing office opens, follows and publishes assessment rounds; an unpublished round's figures are not shown.",
            ),
        ))
    }
}

async fn rounds_page(web: &Web, f: OpenForm, status: StatusCode) -> Out {
    let ctx = &web.ctx;
    let rounds = web.service.list_db_rounds(&web.actor).await.or_page(ctx)?;
    let choices = rounds
        .iter()
        .filter(|r| r.state == "published")
        .map(|r| Choice {
            value: r.id.to_string(),
            label: format!("{} ({} {})", r.name, ctx.t("số", "no."), r.id),
            selected: f.replaces == r.id.to_string(),
        })
        .collect();
    Ok(render_status(
        status,
        &RoundsPage {
            office: office(web),
            open_name: rounds
                .iter()
                .find(|r| r.state == "open")
                .map(|r| r.name.clone()),
            rounds: rounds.iter().map(|r| round_line(ctx, r)).collect(),
            choices,
            f,
            ctx: ctx.clone(),
        },
    ))
}

/// `GET /co-so-du-lieu/dot`: the rounds, newest first, with their state; the
/// office also sees the form that opens a round.
pub async fn list(web: Web, q: QueryPairs) -> Out {
    let mut web = web.nav("databases");
    if let Some(ok) = q.get("ok") {
        web.ctx.notice = Some(
            match ok {
                "published" => web
                    .ctx
                    .t("Đã công bố đợt đánh giá.", "The round has been published."),
                _ => web
                    .ctx
                    .t("Đã mở đợt đánh giá.", "The round has been opened."),
            }
            .to_string(),
        );
    }
    rounds_page(&web, OpenForm::default(), StatusCode::OK).await
}

/// A service refusal of the open form, in Vietnamese, by its field.
fn open_error(ctx: &Ctx, e: &ServiceError) -> Option<(String, String, StatusCode)> {
    let vi = |vi: &str, en: &str| ctx.t(vi, en).to_string();
    match e {
        ServiceError::Invalid { field, message } => {
            let m = match (field.as_str(), message.as_str()) {
                ("name", m) if m.contains("must not be empty") => {
                    vi("Cần đặt tên cho đợt đánh giá.", "Give the round a name.")
                }
                ("name", m) if m.contains("at most") => vi(
                    "Tên đợt quá dài (tối đa 200 ký tự).",
                    "The name is too long (200 characters at most).",
                ),
                ("reason", m) if m.contains("at most") => vi(
                    "Lý do quá dài (tối đa 2.000 ký tự).",
                    "The reason is too long (2,000 characters at most).",
                ),
                ("reason", _) => vi(
                    "Đợt đính chính cần ghi lý do đính chính.",
                    "A correction must say why.",
                ),
                ("replaces", _) => vi(
                    "Chỉ đính chính được một đợt đã công bố.",
                    "Only a published round can be corrected.",
                ),
                (_, m) => i18n::message(ctx.lang, m),
            };
            Some((field.clone(), m, StatusCode::UNPROCESSABLE_ENTITY))
        }
        ServiceError::Conflict(m) if m.contains("still open") => Some((
            String::new(),
            vi(
                "Đang có một đợt đánh giá mở: hãy công bố đợt đó trước khi mở đợt mới.",
                "A round is still open: publish it before opening another.",
            ),
            StatusCode::CONFLICT,
        )),
        ServiceError::Conflict(m) if m.contains("replaced") => Some((
            "replaces".into(),
            vi(
                "Đợt này đã được một đợt khác đính chính.",
                "This round has already been corrected by another.",
            ),
            StatusCode::CONFLICT,
        )),
        _ => None,
    }
}

/// `POST /co-so-du-lieu/dot`: opens a round through the use case (the office
/// only); on bad input, the page again with what was typed and the message by
/// its field.
pub async fn open(web: Web, body: Bytes) -> Out {
    let web = web.nav("databases");
    let form = Form::parse(&body);
    web.check_csrf(&form)?;
    office_only(&web)?;
    let ctx = &web.ctx;
    let mut f = OpenForm {
        name: form.raw("name"),
        replaces: form.raw("replaces"),
        reason: form.raw("reason"),
        ..OpenForm::default()
    };
    let replaces = match form.text("replaces").map(|v| v.parse::<i64>()) {
        None => None,
        Some(Ok(v)) => Some(v),
        Some(Err(_)) => {
            f.field = "replaces".into();
            f.message = ctx
                .t(
                    "Hãy chọn một đợt trong danh sách.",
                    "Choose a round from the list.",
                )
                .into();
            return rounds_page(&web, f, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let input = RoundInput {
        name: form.raw("name"),
        replaces,
        reason: form.text("reason"),
    };
    match web.service.open_db_round(&web.actor, &input).await {
        Ok(r) => Ok(see_other(&format!("/co-so-du-lieu/dot/{}?ok=opened", r.id))),
        Err(e) => match open_error(ctx, &e) {
            Some((field, message, status)) => {
                f.field = field;
                f.message = message;
                rounds_page(&web, f, status).await
            }
            None => Err(error_page(ctx, e)),
        },
    }
}

pub struct AssessedLine {
    pub href: String,
    pub name: String,
    pub owner: String,
    pub self_at: String,
    pub review_at: String,
    pub total: String,
    pub reviewed: bool,
    pub review_href: String,
}

#[derive(Template)]
#[template(path = "databases_round.html")]
struct RoundPage {
    ctx: Ctx,
    id: i64,
    name: String,
    state: String,
    state_class: &'static str,
    open: bool,
    office: bool,
    created: String,
    published: String,
    reason: String,
    hash: String,
    assessed: i64,
    reassessed: i64,
    lines: Vec<AssessedLine>,
    /// The score computed now (open round) or as published.
    ranking: Option<RankingView>,
}

/// `GET /co-so-du-lieu/dot/{id}`: a round. Open: for the office, each database's
/// self-assessment and reassessment, a link to reassess it and the score
/// computed from what is entered so far, with the way to publish. Published:
/// its ranking, for everyone signed in.
pub async fn page(web: Web, Path(id): Path<i64>, q: QueryPairs) -> Out {
    let mut web = web.nav("databases");
    if let Some(ok) = q.get("ok") {
        web.ctx.notice = Some(
            match ok {
                "published" => web.ctx.t(
                    "Đã công bố đợt đánh giá; kết quả không thay đổi nữa.",
                    "The round has been published; its results never change.",
                ),
                _ => web
                    .ctx
                    .t("Đã mở đợt đánh giá.", "The round has been opened."),
            }
            .to_string(),
        );
    }
    let ctx = &web.ctx;
    let s = &web.service;
    let summary = s
        .list_db_rounds(&web.actor)
        .await
        .or_page(ctx)?
        .into_iter()
        .find(|r| r.id == id);
    let Some(summary) = summary else {
        return Err(not_found_page(
            ctx,
            ctx.t("Không có đợt đánh giá này.", "No such assessment round."),
        ));
    };
    let open = summary.state == "open";
    if open {
        office_only(&web)?;
    }
    let round = s.get_db_round(&web.actor, id).await.or_page(ctx)?;
    let ranking = match s.db_ranking(&web.actor, Some(id), None).await {
        Ok(r) => Some(ranking_view(ctx, &r)),
        Err(ServiceError::Forbidden(_)) => None,
        Err(e) => return Err(error_page(ctx, e)),
    };
    let lines = if open {
        round
            .assessments
            .iter()
            .map(|a| AssessedLine {
                href: format!("/co-so-du-lieu/{}", a.database_code),
                name: a.database_name.clone(),
                owner: a.owner_name.clone(),
                self_at: a.self_at.as_deref().map(i18n::instant).unwrap_or_default(),
                review_at: a
                    .review_at
                    .as_deref()
                    .map(i18n::instant)
                    .unwrap_or_default(),
                total: a
                    .total
                    .map(|t| crate::pages::databases::points(ctx.lang, t))
                    .unwrap_or_default(),
                reviewed: a.review_levels.is_some(),
                review_href: format!("/co-so-du-lieu/{}/tham-dinh", a.database_code),
            })
            .collect()
    } else {
        Vec::new()
    };
    let (state, state_class) = state_label(ctx, &round.state);
    Ok(render(&RoundPage {
        id,
        name: round.name.clone(),
        state,
        state_class,
        open,
        office: office(&web),
        created: i18n::instant(&round.created_at),
        published: round
            .published_at
            .as_deref()
            .map(i18n::instant)
            .unwrap_or_default(),
        reason: round.reason.clone().unwrap_or_default(),
        hash: round.content_hash.clone().unwrap_or_default(),
        assessed: round.assessed,
        reassessed: round.reassessed,
        lines,
        ranking,
        ctx: ctx.clone(),
    }))
}

#[derive(Template)]
#[template(path = "databases_publish.html")]
struct PublishPage {
    ctx: Ctx,
    id: i64,
    name: String,
    ranked: usize,
    unassessed: usize,
    self_only: usize,
    best: Vec<String>,
    error: String,
}

async fn publish_page(web: &Web, id: i64, error: String, status: StatusCode) -> Out {
    let ctx = &web.ctx;
    let r = web
        .service
        .db_ranking(&web.actor, Some(id), None)
        .await
        .or_page(ctx)?;
    if r.state != "preview" {
        return Err(error_page(
            ctx,
            ServiceError::Conflict(format!(
                "round {id} is already published; a correction is a new round"
            )),
        ));
    }
    Ok(render_status(
        status,
        &PublishPage {
            id,
            name: r.round_name.clone(),
            ranked: r.rows.len(),
            unassessed: r.unassessed.len(),
            self_only: r
                .rows
                .iter()
                .filter(|x| x.source != tiendo_core::dbquality::Source::Review)
                .count(),
            best: r
                .best
                .iter()
                .map(|x| {
                    format!(
                        "{}. {} — {}",
                        x.rank,
                        x.database_name,
                        crate::pages::databases::points(ctx.lang, x.total)
                    )
                })
                .collect(),
            error,
            ctx: ctx.clone(),
        },
    ))
}

/// `GET /co-so-du-lieu/dot/{id}/cong-bo`: the confirmation step before
/// publishing (the office): what will be published, and that it never changes.
pub async fn confirm(web: Web, Path(id): Path<i64>) -> Out {
    let web = web.nav("databases");
    office_only(&web)?;
    publish_page(&web, id, String::new(), StatusCode::OK).await
}

/// `POST /co-so-du-lieu/dot/{id}/cong-bo`: publishes when the box is ticked.
pub async fn publish(web: Web, Path(id): Path<i64>, body: Bytes) -> Out {
    let web = web.nav("databases");
    let form = Form::parse(&body);
    web.check_csrf(&form)?;
    office_only(&web)?;
    let ctx = &web.ctx;
    if !form.checked("confirm") {
        let m = ctx.t(
            "Hãy đánh dấu ô xác nhận: sau khi công bố, kết quả của đợt không thay đổi được nữa.",
            "Tick the confirmation: once published, the round's results never change.",
        );
        return publish_page(&web, id, m.into(), StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    match web.service.publish_db_round(&web.actor, id).await {
        Ok(_) => Ok(see_other(&format!("/co-so-du-lieu/dot/{id}?ok=published"))),
        Err(ServiceError::Invalid { .. }) => {
            let m = ctx.t(
                "Chưa có cơ sở dữ liệu nào được đánh giá trong đợt này: chưa công bố được.",
                "No database has been assessed in this round: nothing to publish.",
            );
            publish_page(&web, id, m.into(), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(ServiceError::Conflict(m)) if m.contains("changed meanwhile") => {
            let m = ctx.t(
                "Đã có đánh giá mới trong lúc công bố: hãy xem lại kết quả rồi công bố lại.",
                "An assessment arrived meanwhile: check the results and publish again.",
            );
            publish_page(&web, id, m.into(), StatusCode::CONFLICT).await
        }
        Err(e) => Err(error_page(ctx, e)),
    }
}
