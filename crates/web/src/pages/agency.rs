//! Agencies: the list, and an agency's report card (assignments by status,
//! on-time completion rate, overdue list, commitments kept or broken, trend by
//! month).

use askama::Template;
use axum::extract::Path;
use tiendo_core::text::fold;
use tiendo_store::AgencyFilter;

use super::task::{AssignmentLine, assignment_line, commitment_outcome};
use super::{Badge, short};
use crate::chart::{self, Month};
use crate::ctx::*;
use crate::i18n::{self, Lang};

pub struct AgencyItem {
    pub name: String,
    pub short: String,
    pub href: String,
}

pub struct KindGroup {
    pub label: String,
    pub items: Vec<AgencyItem>,
}

#[derive(Template)]
#[template(path = "agencies.html")]
struct AgenciesPage {
    ctx: Ctx,
    q: String,
    groups: Vec<KindGroup>,
    total: String,
}

pub fn kind_label(lang: Lang, kind: &str) -> String {
    let (vi, en) = match kind {
        "ministry" => ("Bộ", "Ministries"),
        "ministerial_agency" => ("Cơ quan ngang bộ", "Ministerial-level agencies"),
        "government_agency" => ("Cơ quan thuộc Chính phủ", "Government agencies"),
        "city" => ("Thành phố trực thuộc trung ương", "Centrally-run cities"),
        "province" => ("Tỉnh", "Provinces"),
        "commune" => ("Xã, phường", "Communes"),
        "party_body" => ("Cơ quan của Đảng", "Party bodies"),
        "state_body" => ("Cơ quan nhà nước khác", "Other state bodies"),
        "enterprise" => ("Doanh nghiệp", "Enterprises"),
        "bank" => ("Ngân hàng", "Banks"),
        _ => ("Khác", "Other"),
    };
    lang.t(vi, en).to_string()
}

pub async fn list(web: Web, q: QueryPairs) -> Out {
    let web = web.nav("agencies");
    let ctx = &web.ctx;
    let query = q.get("q").unwrap_or_default().to_string();
    let all = web
        .service
        .list_agencies(AgencyFilter {
            current_only: true,
            page: 1,
            per_page: 1000,
            ..Default::default()
        })
        .await
        .or_page(ctx)?
        .items;
    let key = fold(&query);
    let mut groups: Vec<KindGroup> = Vec::new();
    let mut total = 0;
    for a in all.iter().filter(|a| web.actor.sees_agency(a.id)) {
        if !key.is_empty() {
            let hay = fold(&format!(
                "{} {} {} {}",
                a.code,
                a.name,
                a.short_name.clone().unwrap_or_default(),
                a.aliases.join(" ")
            ));
            if !key.split(' ').all(|w| hay.contains(w)) {
                continue;
            }
        }
        total += 1;
        let label = kind_label(ctx.lang, &a.kind);
        let item = AgencyItem {
            name: a.name.clone(),
            short: a.short_name.clone().unwrap_or_default(),
            href: ctx.link(&format!("/co-quan/{}", a.id)),
        };
        match groups.iter_mut().find(|g| g.label == label) {
            Some(g) => g.items.push(item),
            None => groups.push(KindGroup {
                label,
                items: vec![item],
            }),
        }
    }
    Ok(render(&AgenciesPage {
        ctx: ctx.clone(),
        q: query,
        groups,
        total: ctx.lang.int(total),
    }))
}

pub struct CountLine {
    pub badge: Badge,
    pub count: String,
    pub href: String,
}

pub struct CommitmentLine {
    pub date: String,
    pub original: String,
    pub letter: String,
    pub state: String,
    pub state_class: &'static str,
    pub href: String,
}

pub struct MonthLine {
    pub label: String,
    pub overdue: String,
    pub completed: String,
}

#[derive(Template)]
#[template(path = "agency.html")]
struct AgencyPage {
    ctx: Ctx,
    name: String,
    short_name: String,
    kind: String,
    counts: Vec<CountLine>,
    total: String,
    on_time_rate: String,
    completed: String,
    overdue: Vec<AssignmentLine>,
    overdue_total: String,
    overdue_href: String,
    commitments: Vec<CommitmentLine>,
    kept: String,
    broken: String,
    pending: String,
    trend: String,
    months: Vec<MonthLine>,
    /// The chart's period: the form and what it shows.
    period: super::agency_trend::TrendForm,
    tasks_href: String,
    path_only: String,
    /// The latest published monthly score (pages/rankings.rs).
    score: Option<super::rankings::ScoreBlock>,
    /// The printed report card as files.
    files: Vec<super::printed::Download>,
    /// The urging letter's form, for the office.
    urging: Option<super::urging::UrgingForm>,
    /// The office's links (edit, merge), today only.
    may_edit: bool,
    /// "Merged into X from …", when the agency has ended.
    ended: Option<String>,
    done: Option<String>,
}

/// "Đã thôi hoạt động sau ngày …; công việc do … tiếp nhận."
fn ended_line(web: &Web, a: &tiendo_core::model::Agency) -> Option<String> {
    let to = a.valid_to?;
    let who = a.successor_id.map(|s| (s, web.service.agency_name(s)));
    Some(match (web.ctx.lang, who) {
        (Lang::Vi, Some((_, n))) => format!(
            "Đã thôi hoạt động sau ngày {}; công việc do {n} tiếp nhận.",
            i18n::date(to)
        ),
        (Lang::Vi, None) => format!("Đã thôi hoạt động sau ngày {}.", i18n::date(to)),
        (Lang::En, Some((_, n))) => {
            format!("Ended on {}; its work is carried by {n}.", i18n::date(to))
        }
        (Lang::En, None) => format!("Ended on {}.", i18n::date(to)),
    })
}

pub async fn page(web: Web, Path(id): Path<i64>, q: QueryPairs) -> Out {
    let web = web.nav("agencies");
    let ctx = &web.ctx;
    let s = &web.service;
    let day = ctx.day;
    let agency = s.get_agency(id).await.or_page(ctx)?;
    if !web.actor.sees_agency(id) {
        return Err(forbidden_page(
            ctx,
            ctx.t(
                "Đầu mối chỉ xem được công việc của cơ quan mình.",
                "A focal point sees only its own agency's work.",
            ),
        ));
    }
    // The data is the service's (shared with the printed report card).
    let card = s.agency_card(&web.actor, id, day, 100).await.or_page(ctx)?;
    let counts = &card.counts;
    let total = card.total;
    let on_time = card.on_time;
    let late = card.late;
    let tasks_link = |status: Option<&str>| {
        let mut p = vec![("agency".to_string(), agency.code.clone())];
        if let Some(st) = status {
            p.push(("status".into(), st.to_string()));
        }
        ctx.link(&build("/nhiem-vu", &p))
    };
    let commitments = &card.commitments;
    let n_outcome = |o: &str| card.outcomes(o);
    // The chart's period: as asked, else the twelve months up to the latest
    // month in which the agency's work changed.
    let asked = super::agency_trend::chosen(ctx, &q, day);
    let window = match &asked {
        Ok(Some(w)) => *w,
        _ => {
            let last = s
                .agency_last_active_month(&web.actor, id, day)
                .await
                .or_page(ctx)?
                .unwrap_or(tiendo_core::scoring::Month::of(day));
            super::agency_trend::twelve_to(last)
        }
    };
    let default_window =
        super::agency_trend::twelve_to(tiendo_core::scoring::Month::of(day)) == window;
    let points = if default_window {
        card.months.clone()
    } else {
        s.agency_trend(&web.actor, id, window, day)
            .await
            .or_page(ctx)?
    };
    let period = match asked {
        Err(mut f) => {
            f.label = super::agency_trend::shown(&q, window).label;
            f
        }
        Ok(_) => super::agency_trend::shown(&q, window),
    };
    let status = if period.has_errors() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    let months: Vec<Month> = points
        .iter()
        .map(|(d, overdue, completed)| Month {
            label: ctx.lang.month(*d),
            overdue: *overdue,
            completed: *completed,
        })
        .collect();
    let trend = chart::trend(
        ctx.t(
            "Số phân công quá hạn và đã hoàn thành vào cuối mỗi tháng",
            "Overdue and completed assignments at the end of each month",
        ),
        &months,
        (
            ctx.t("Quá hạn", "Overdue"),
            ctx.t("Đã hoàn thành", "Completed"),
        ),
    );
    let page = AgencyPage {
        may_edit: ctx.is_admin()
            && ctx.as_of.is_none()
            && web.actor.may(tiendo_core::policy::Write::ManageAgencies),
        ended: ended_line(&web, &agency),
        done: match q.get("ok") {
            Some("luu") => Some(ctx.t("Đã lưu thay đổi.", "The changes are saved.").into()),
            Some("tao") => Some(ctx.t("Đã thêm cơ quan.", "The agency is added.").into()),
            Some("sap-nhap") => Some(
                ctx.t("Đã ghi nhận việc sáp nhập.", "The merge is recorded.")
                    .into(),
            ),
            _ => None,
        },
        name: agency.name.clone(),
        short_name: agency.short_name.clone().unwrap_or_default(),
        kind: kind_label(ctx.lang, &agency.kind),
        counts: counts
            .iter()
            .map(|(st, n)| CountLine {
                badge: Badge::new(ctx, *st),
                count: ctx.lang.int(*n),
                href: tasks_link(Some(st.as_str())),
            })
            .collect(),
        total: ctx.lang.int(total),
        on_time_rate: ctx.lang.percent(on_time, on_time + late),
        completed: ctx.lang.int(on_time + late),
        overdue_total: ctx.lang.int(card.overdue_total),
        overdue_href: tasks_link(Some("overdue")),
        overdue: card
            .overdue
            .iter()
            .map(|a| {
                let mut l = assignment_line(ctx, a);
                l.agency = short(&a.task_text, 200);
                l.agency_href = ctx.link(&format!("/nhiem-vu/{}", a.task_id));
                l
            })
            .collect(),
        kept: ctx.lang.int(n_outcome("kept")),
        broken: ctx.lang.int(n_outcome("broken")),
        pending: ctx.lang.int(n_outcome("pending")),
        commitments: commitments
            .iter()
            .map(|c| {
                let (state, state_class) = commitment_outcome(ctx, &c.outcome);
                CommitmentLine {
                    date: i18n::date(c.committed_on),
                    original: i18n::opt_date(c.original_due),
                    letter: c.letter_number.clone().unwrap_or_default(),
                    state,
                    state_class,
                    href: ctx.link(&format!("/phan-cong/{}", c.assignment_id)),
                }
            })
            .collect(),
        months: months
            .iter()
            .map(|m| MonthLine {
                label: m.label.clone(),
                overdue: ctx.lang.int(m.overdue),
                completed: ctx.lang.int(m.completed),
            })
            .collect(),
        trend,
        period,
        tasks_href: tasks_link(None),
        path_only: format!("/co-quan/{id}"),
        score: super::rankings::score_block(&web, id, &agency.kind).await,
        files: super::printed::links(ctx, "agency", &[("agency", agency.code.clone())]),
        urging: super::urging::UrgingForm::for_office(ctx, Some(id)),
        ctx: ctx.clone(),
    };
    Ok(render_status(status, &page))
}
