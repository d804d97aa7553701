//! Agencies: the list, and an agency's report card (assignments by status,
//! on-time completion rate, overdue list, commitments kept or broken, trend by
//! month).

use askama::Template;
use axum::extract::Path;
use chrono::{Datelike, NaiveDate};
use tiendo_core::status::Status;
use tiendo_core::text::fold;
use tiendo_store::{AgencyFilter, AssignmentFilter, CommitmentFilter};

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

fn kind_label(lang: Lang, kind: &str) -> String {
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
                "{} {} {}",
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
    tasks_href: String,
    path_only: String,
    /// The latest published monthly score (pages/rankings.rs).
    score: Option<super::rankings::ScoreBlock>,
}

/// The last day of the month `back` months before `day`'s (the day itself for
/// its own month).
fn month_end(day: NaiveDate, back: u32) -> NaiveDate {
    let total = day.year() * 12 + day.month0() as i32 - back as i32;
    let (y, m) = (total.div_euclid(12), total.rem_euclid(12) as u32 + 1);
    if back == 0 {
        return day;
    }
    let next = if m == 12 {
        NaiveDate::from_ymd_opt(y + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(y, m + 1, 1)
    };
    next.and_then(|d| d.pred_opt()).unwrap_or(day)
}

pub async fn page(web: Web, Path(id): Path<i64>) -> Out {
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
    let counts = s
        .status_counts(&web.actor, day, Some(id))
        .await
        .or_page(ctx)?;
    let get = |st: Status| {
        counts
            .iter()
            .find(|(s, _)| *s == st)
            .map(|(_, n)| *n)
            .unwrap_or(0)
    };
    let total: i64 = counts.iter().map(|(_, n)| n).sum();
    let on_time = get(Status::CompletedOnTime);
    let late = get(Status::CompletedLate);
    let tasks_link = |status: Option<&str>| {
        let mut p = vec![("agency".to_string(), agency.code.clone())];
        if let Some(st) = status {
            p.push(("status".into(), st.to_string()));
        }
        ctx.link(&build("/nhiem-vu", &p))
    };
    let overdue = s
        .list_assignments(
            &web.actor,
            AssignmentFilter {
                task_id: None,
                agency_id: Some(id),
                document_id: None,
                status: Some(Status::Overdue),
                as_of: day,
                due_soon_days: 0,
                confined_to: None,
                page: 1,
                per_page: 100,
            },
        )
        .await
        .or_page(ctx)?;
    let commitments = s
        .list_commitments(
            &web.actor,
            CommitmentFilter {
                agency_id: Some(id),
                page: 1,
                per_page: 200,
                ..Default::default()
            },
            day,
        )
        .await
        .or_page(ctx)?;
    let known_by = tiendo_core::time::end_of_day(day);
    let commitments: Vec<_> = commitments
        .items
        .into_iter()
        .filter(|c| {
            chrono::DateTime::parse_from_rfc3339(&c.created_at)
                .map(|t| t.timestamp_micros() < known_by)
                .unwrap_or(true)
        })
        .collect();
    let n_outcome = |o: &str| commitments.iter().filter(|c| c.outcome == o).count() as i64;
    // Trend: overdue and completed at the end of each of the last 12 months.
    let mut months = Vec::new();
    for back in (0..12).rev() {
        let d = month_end(day, back);
        let c = s
            .status_counts(&web.actor, d, Some(id))
            .await
            .or_page(ctx)?;
        let g = |st: Status| {
            c.iter()
                .find(|(s, _)| *s == st)
                .map(|(_, n)| *n)
                .unwrap_or(0)
        };
        months.push(Month {
            label: ctx.lang.month(d),
            overdue: g(Status::Overdue),
            completed: g(Status::CompletedOnTime) + g(Status::CompletedLate),
        });
    }
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
        overdue_total: ctx.lang.int(overdue.total),
        overdue_href: tasks_link(Some("overdue")),
        overdue: overdue
            .items
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
        tasks_href: tasks_link(None),
        path_only: format!("/co-quan/{id}"),
        score: super::rankings::score_block(&web, id, &agency.kind).await,
        ctx: ctx.clone(),
    };
    Ok(render(&page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_ends() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(month_end(d("2025-07-16"), 0), d("2025-07-16"));
        assert_eq!(month_end(d("2025-07-16"), 1), d("2025-06-30"));
        assert_eq!(month_end(d("2025-03-05"), 3), d("2024-12-31"));
        assert_eq!(month_end(d("2025-03-05"), 1), d("2025-02-28"));
    }
}
