//! Indicators (chỉ tiêu): every indicator with its status, and a page per
//! indicator with its chart (measured values against the trajectory to the
//! target) and the table of agencies for a period.

use askama::Template;
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::StatusCode;
use tiendo_core::indicator::{IndicatorStatus, Periodicity};
use tiendo_core::policy::Role;
use tiendo_service::ServiceError;
use tiendo_service::indicators::{
    IndicatorDetail, IndicatorSummary, MeasurementInput, PeriodTable,
};

use crate::chart::esc;
use crate::ctx::*;
use crate::i18n;

pub struct IndicatorLine {
    pub href: String,
    pub name: String,
    pub latest: String,
    pub target: String,
    pub status_class: &'static str,
    pub status_label: &'static str,
}

fn status_view(ctx: &Ctx, s: IndicatorStatus) -> (&'static str, &'static str) {
    match s {
        IndicatorStatus::OnTrack => ("completed_on_time", ctx.t("Đúng tiến độ", "On track")),
        IndicatorStatus::AtRisk => ("due_soon", ctx.t("Có nguy cơ chậm", "At risk")),
        IndicatorStatus::OffTrack => ("overdue", ctx.t("Chậm tiến độ", "Off track")),
        IndicatorStatus::NoData => ("none", ctx.t("Chưa có số liệu", "No data")),
        IndicatorStatus::NoTarget => ("none", ctx.t("Chưa có chỉ tiêu mục tiêu", "No target set")),
    }
}

fn value(ctx: &Ctx, v: f64, unit: &str) -> String {
    let places = if v.fract() == 0.0 { 0 } else { 1 };
    ctx.lang.quantity(v, places, unit)
}

fn line(ctx: &Ctx, i: &IndicatorSummary) -> IndicatorLine {
    let (status_class, status_label) = status_view(ctx, i.status);
    IndicatorLine {
        href: ctx.link(&format!("/chi-tieu/{}", i.code)),
        name: i.name.clone(),
        latest: i
            .latest
            .as_ref()
            .map(|p| {
                format!(
                    "{} ({})",
                    value(ctx, p.value, &i.unit),
                    ctx.lang.period(&p.period)
                )
            })
            .unwrap_or_else(|| "—".into()),
        target: i
            .target
            .as_ref()
            .map(|t| format!("{} — {}", value(ctx, t.value, &i.unit), i18n::date(t.due)))
            .unwrap_or_else(|| "—".into()),
        status_class,
        status_label,
    }
}

#[derive(Template)]
#[template(path = "indicators.html")]
struct IndicatorsPage {
    ctx: Ctx,
    rows: Vec<IndicatorLine>,
    /// The words searched for (code or name, accents optional), from the site
    /// search's "see all".
    q: String,
}

pub async fn list(web: Web, q: QueryPairs) -> Out {
    let web = web.nav("indicators");
    let ctx = &web.ctx;
    let day = ctx.as_of.unwrap_or_else(tiendo_core::time::today);
    let query = q.get("q").map(tiendo_core::text::nfc).unwrap_or_default();
    let query = query.trim().to_string();
    let all = web
        .service
        .list_indicators((!query.is_empty()).then_some(query.as_str()), day)
        .await
        .or_page(ctx)?;
    Ok(render(&IndicatorsPage {
        rows: all.iter().map(|i| line(ctx, i)).collect(),
        ctx: ctx.clone(),
        q: query,
    }))
}

pub struct AgencyLine {
    pub name: String,
    pub value: String,
    pub computed: bool,
}

#[derive(Template)]
#[template(path = "indicator.html")]
struct IndicatorPage {
    ctx: Ctx,
    line: IndicatorLine,
    source: String,
    projected: String,
    chart: String,
    period: String,
    national: String,
    agencies: Vec<AgencyLine>,
    missing: usize,
    /// Where the entry form posts.
    action: String,
    unit: String,
    /// The entry form, for an admin or a focal point viewing today.
    entry: Option<EntryForm>,
}

/// The measurement entry form: the agencies the user may enter for, what was
/// typed, and the errors by field.
#[derive(Default)]
pub struct EntryForm {
    /// The agencies of the select, (code, name): a focal point's own only; every
    /// current agency for the office.
    pub agencies: Vec<(String, String)>,
    /// Whether "Cả nước" (the national figure) is offered: the office only.
    pub national: bool,
    /// The periodicity's word ("quý") and an example as people write it ("Quý IV/2025").
    pub period_word: String,
    pub period_example: String,
    /// Recent periods of the indicator's periodicity, newest first (a datalist).
    pub periods: Vec<String>,
    pub agency: String,
    pub period: String,
    pub value: String,
    pub source: String,
    pub agency_error: String,
    pub period_error: String,
    pub value_error: String,
    /// An error that belongs to no field.
    pub error: String,
}

impl EntryForm {
    fn has_errors(&self) -> bool {
        !(self.agency_error.is_empty()
            && self.period_error.is_empty()
            && self.value_error.is_empty()
            && self.error.is_empty())
    }
}

/// The periodicity's word in the page's language.
fn period_word(ctx: &Ctx, p: Periodicity) -> &'static str {
    match p {
        Periodicity::Month => ctx.t("tháng", "month"),
        Periodicity::Quarter => ctx.t("quý", "quarter"),
        Periodicity::Year => ctx.t("năm", "year"),
    }
}

/// The `n` periods up to the one containing `day`, newest first.
fn recent_periods(p: Periodicity, day: chrono::NaiveDate, n: usize) -> Vec<String> {
    use chrono::Datelike;
    let mut out = Vec::with_capacity(n);
    let mut d = day;
    for _ in 0..n {
        out.push(p.key_of(d));
        let first = match p {
            Periodicity::Month => d.with_day(1),
            Periodicity::Quarter => {
                chrono::NaiveDate::from_ymd_opt(d.year(), d.month0() / 3 * 3 + 1, 1)
            }
            Periodicity::Year => chrono::NaiveDate::from_ymd_opt(d.year(), 1, 1),
        };
        match first.and_then(|f| f.pred_opt()) {
            Some(prev) => d = prev,
            None => break,
        }
    }
    out
}

/// A message about one field of the form (from the service's, in English), in
/// the page's language, Vietnamese first.
fn field_message(ctx: &Ctx, field: &str, text: &str, unit: &str, entry: &EntryForm) -> String {
    let (word, example) = (&entry.period_word, &entry.period_example);
    let (vi, en) = match field {
        "period" => (
            format!("Kỳ phải theo {word}, ví dụ {example}, từ năm 2000 đến 2100."),
            format!("The period must be a {word}, like {example}, from 2000 to 2100."),
        ),
        "value" => {
            if let Some((_, max)) = text.split_once("largest valid value, ") {
                (
                    format!(
                        "Giá trị vượt mức tối đa cho phép ({}).",
                        i18n::with_unit(max.trim_end_matches('.').to_string(), unit)
                    ),
                    text.to_string(),
                )
            } else if let Some((_, min)) = text.split_once("smallest valid value, ") {
                (
                    format!(
                        "Giá trị nhỏ hơn mức tối thiểu cho phép ({}).",
                        i18n::with_unit(min.trim_end_matches('.').to_string(), unit)
                    ),
                    text.to_string(),
                )
            } else {
                ("Nhập một số, ví dụ 39,5.".into(), text.to_string())
            }
        }
        "agency" => (
            "Không có cơ quan này trong danh mục hiện hành.".into(),
            text.to_string(),
        ),
        _ => (i18n::message(ctx.lang, text), text.to_string()),
    };
    ctx.t(&vi, &en).to_string()
}

/// Measured values (dots joined by a line), the straight trajectory from the
/// baseline (or first value) to the target, and the target, as an inline SVG.
/// The value axis has round ticks (1, 2 or 5 × 10^k, [`tiendo_core::axis`]) in
/// the page's notation and carries the unit; the time axis names the period.
fn chart(ctx: &Ctx, d: &IndicatorDetail, title: &str) -> String {
    let series = &d.series;
    let target = d.summary.target.as_ref();
    let unit = &d.summary.unit;
    if series.is_empty() {
        return String::new();
    }
    let first_day = target
        .and_then(|t| t.baseline_on)
        .unwrap_or(series[0].day)
        .min(series[0].day);
    let last_day = target
        .map(|t| t.due)
        .unwrap_or(series[series.len() - 1].day)
        .max(series[series.len() - 1].day);
    let span = (last_day - first_day).num_days().max(1) as f64;
    let mut values: Vec<f64> = series.iter().map(|p| p.value).collect();
    if let Some(t) = target {
        values.push(t.value);
        values.extend(t.baseline_value);
    }
    let low = values.iter().cloned().fold(0.0_f64, f64::min);
    let high = values.iter().cloned().fold(f64::MIN, f64::max);
    let ticks = tiendo_core::axis::ticks(low, high, 5);
    let (lo, hi) = match (ticks.first(), ticks.last()) {
        (Some(a), Some(b)) if b > a => (*a, *b),
        _ => (0.0, 1.0),
    };
    let places = tiendo_core::axis::step_decimals(ticks.get(1).map_or(1.0, |t| t - lo));
    let (w, h, left, top, bottom) = (640.0, 284.0, 56.0, 24.0, 46.0);
    let x = |day: chrono::NaiveDate| {
        left + (day - first_day).num_days() as f64 / span * (w - left - 16.0)
    };
    let y = |v: f64| (h - bottom) - (v - lo) / (hi - lo) * (h - bottom - top);
    let mut svg = format!(
        "<svg viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{}\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\">",
        esc(title)
    );
    // The value axis: its unit on top, a gridline and a label per round tick.
    svg.push_str(&format!(
        "<text class=\"axis-unit\" x=\"{:.1}\" y=\"14\" font-size=\"12\" text-anchor=\"end\" fill=\"#333\">{}</text>",
        left - 6.0,
        esc(unit)
    ));
    for v in &ticks {
        svg.push_str(&format!(
            "<line x1=\"{left}\" y1=\"{:.1}\" x2=\"{}\" y2=\"{:.1}\" stroke=\"#ddd\"/><text class=\"tick\" x=\"{}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"#333\">{}</text>",
            y(*v),
            w - 8.0,
            y(*v),
            left - 6.0,
            y(*v) + 4.0,
            esc(&ctx.lang.dec(*v, places))
        ));
    }
    svg.push_str(&format!(
        "<line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{}\" stroke=\"#555\"/><line x1=\"{left}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#555\"/>",
        h - bottom,
        y(lo.max(0.0).min(hi)),
        w - 8.0,
        y(lo.max(0.0).min(hi))
    ));
    // The time axis: what its labels are.
    let period_word = match d.summary.periodicity {
        Periodicity::Month => ctx.t("Kỳ (tháng)", "Period (month)"),
        Periodicity::Quarter => ctx.t("Kỳ (quý)", "Period (quarter)"),
        Periodicity::Year => ctx.t("Kỳ (năm)", "Period (year)"),
    };
    svg.push_str(&format!(
        "<text class=\"axis-unit\" x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"end\" fill=\"#333\">{}</text>",
        w - 8.0,
        h - 6.0,
        esc(period_word)
    ));
    if let Some(t) = target {
        let start_day = t.baseline_on.unwrap_or(series[0].day);
        let start_value = t.baseline_value.unwrap_or(series[0].value);
        svg.push_str(&format!(
            "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#1f5fa8\" stroke-dasharray=\"6 4\" stroke-width=\"2\"><title>trajectory</title></line>",
            x(start_day),
            y(start_value),
            x(t.due),
            y(t.value)
        ));
        svg.push_str(&format!(
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"6\" fill=\"none\" stroke=\"#1f5fa8\" stroke-width=\"2\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"end\" fill=\"#1f5fa8\">{}</text>",
            x(t.due),
            y(t.value),
            x(t.due) - 8.0,
            y(t.value) - 8.0,
            esc(&value(ctx, t.value, unit))
        ));
    }
    let points: Vec<String> = series
        .iter()
        .map(|p| format!("{:.1},{:.1}", x(p.day), y(p.value)))
        .collect();
    svg.push_str(&format!(
        "<polyline points=\"{}\" fill=\"none\" stroke=\"#b3261e\" stroke-width=\"2\"/>",
        points.join(" ")
    ));
    for p in series {
        svg.push_str(&format!(
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"#b3261e\"><title>{}: {}</title></circle><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#333\">{}</text>",
            x(p.day),
            y(p.value),
            esc(&ctx.lang.period(&p.period)),
            esc(&value(ctx, p.value, unit)),
            x(p.day),
            h - bottom + 16.0,
            esc(&ctx.lang.period(&p.period))
        ));
    }
    svg.push_str("</svg>");
    svg
}

pub async fn page(web: Web, Path(code): Path<String>, q: QueryPairs) -> Out {
    let mut web = web.nav("indicators");
    if q.get("ok") == Some("recorded") {
        web.ctx.notice = Some(
            web.ctx
                .t("Đã ghi số liệu.", "The figure is recorded.")
                .to_string(),
        );
    }
    let entry = blank_entry(&web);
    render_page(
        &web,
        &code,
        q.get("period").map(str::to_string),
        entry,
        StatusCode::OK,
    )
    .await
}

/// An empty entry form for those who may enter figures, on today's view: the
/// office chooses any current agency or the nation, a focal point its own agency.
fn blank_entry(web: &Web) -> Option<EntryForm> {
    if web.ctx.as_of.is_some() {
        return None;
    }
    match web.actor.role {
        Role::Admin => Some(EntryForm {
            agencies: web
                .service
                .current_agencies()
                .into_iter()
                .map(|a| (a.code, a.name))
                .collect(),
            national: true,
            ..EntryForm::default()
        }),
        Role::Focal => Some(EntryForm {
            agencies: web
                .actor
                .agency_id
                .and_then(|id| web.service.agency(id))
                .map(|a| vec![(a.code, a.name)])
                .unwrap_or_default(),
            ..EntryForm::default()
        }),
        Role::Viewer => None,
    }
}

/// Records one figure typed in the indicator page's form; on a bad entry the page
/// comes back (422) with each error by its field and everything typed kept.
pub async fn record(web: Web, Path(code): Path<String>, body: Bytes) -> Out {
    let web = web.nav("indicators");
    let form = Form::parse(&body);
    web.check_csrf(&form)?;
    let Some(mut entry) = blank_entry(&web) else {
        return Err(error_page(
            &web.ctx,
            ServiceError::Forbidden("viewers enter no figures".into()),
        ));
    };
    let ctx = &web.ctx;
    let summary = web
        .service
        .indicator_summary(&code, tiendo_core::time::today())
        .await
        .or_page(ctx)?;
    let periodicity = summary.periodicity;
    entry.period_word = period_word(ctx, periodicity).into();
    entry.period_example = ctx
        .lang
        .period(&periodicity.key_of(tiendo_core::time::today()));
    entry.agency = form.raw("agency").trim().to_string();
    entry.period = form.raw("period").trim().to_string();
    entry.value = form.raw("value");
    entry.source = form.raw("source");
    // The agency: one of the select's; empty is the nation for the office and
    // the focal point's own agency for a focal point.
    let agency = if entry.agency.is_empty() {
        if entry.national {
            None
        } else {
            entry.agencies.first().map(|(c, _)| c.clone())
        }
    } else if entry.agencies.iter().any(|(c, _)| *c == entry.agency) {
        Some(entry.agency.clone())
    } else {
        entry.agency_error = if entry.national {
            ctx.t(
                "Chọn một cơ quan trong danh mục hiện hành, hoặc Cả nước.",
                "Choose a current agency, or the nation.",
            )
        } else {
            ctx.t(
                "Đầu mối chỉ nhập số liệu của cơ quan mình.",
                "A focal point enters its own agency's figures only.",
            )
        }
        .into();
        None
    };
    // Typed the Vietnamese way (11/2025, Quý IV/2025) or as a key (2025-11).
    let period_key = tiendo_core::period::parse(&entry.period, periodicity);
    if entry.period.is_empty() || period_key.is_none() {
        entry.period_error = field_message(ctx, "period", "", &summary.unit, &entry);
        if entry.period.is_empty() {
            entry.period_error = format!(
                "{} {}",
                ctx.t("Chọn hoặc nhập kỳ.", "Choose or type the period."),
                entry.period_error
            );
        }
    }
    // Accept a decimal comma as typed in Vietnamese ("39,5").
    let value = form.text("value").map(|v| v.replace(',', "."));
    let value = value.as_deref().and_then(|v| v.parse::<f64>().ok());
    if value.is_none() {
        entry.value_error = if entry.value.trim().is_empty() {
            ctx.t("Nhập giá trị, ví dụ 39,5.", "Type the value, like 39.5.")
        } else {
            ctx.t("Nhập một số, ví dụ 39,5.", "Type a number, like 39.5.")
        }
        .into();
    }
    let Some(value) = value.filter(|_| !entry.has_errors()) else {
        return render_page(
            &web,
            &code,
            None,
            Some(entry),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let input = MeasurementInput {
        agency,
        period: period_key.unwrap_or_default(),
        value,
        source: form.text("source"),
        note: None,
    };
    match web
        .service
        .record_measurements(&web.actor, &code, std::slice::from_ref(&input))
        .await
    {
        Ok(_) => Ok(see_other(&format!(
            "/chi-tieu/{code}?period={}&ok=recorded",
            input.period
        ))),
        Err(ServiceError::Invalid { message, .. }) => {
            // The service names the item's field: "measurements[0].period: …".
            let line = message
                .lines()
                .find(|l| l.starts_with("measurements[0]."))
                .unwrap_or(&message);
            let (field, text) = line
                .strip_prefix("measurements[0].")
                .and_then(|l| l.split_once(": "))
                .unwrap_or(("", line));
            let shown = field_message(ctx, field, text, &summary.unit, &entry);
            match field {
                "agency" => entry.agency_error = shown,
                "period" => entry.period_error = shown,
                "value" => entry.value_error = shown,
                _ => entry.error = shown,
            }
            render_page(
                &web,
                &code,
                None,
                Some(entry),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(error_page(ctx, e)),
    }
}

async fn render_page(
    web: &Web,
    code: &str,
    period: Option<String>,
    mut entry: Option<EntryForm>,
    status: StatusCode,
) -> Out {
    let ctx = &web.ctx;
    let day = ctx.as_of.unwrap_or_else(tiendo_core::time::today);
    let detail = web.service.indicator_detail(code, day).await.or_page(ctx)?;
    let period = period.or_else(|| {
        detail
            .series
            .iter()
            .rev()
            .find(|p| p.day <= day)
            .map(|p| p.period.clone())
    });
    let table: Option<PeriodTable> = match &period {
        Some(p) => Some(web.service.period_table(code, p).await.or_page(ctx)?),
        None => None,
    };
    let unit = detail.summary.unit.clone();
    if let Some(f) = entry.as_mut() {
        let p = detail.summary.periodicity;
        f.period_word = period_word(ctx, p).into();
        f.period_example = ctx.lang.period(&p.key_of(tiendo_core::time::today()));
        f.periods = recent_periods(p, tiendo_core::time::today(), 8)
            .iter()
            .map(|k| ctx.lang.period(k))
            .collect();
    }
    Ok(render_status(
        status,
        &IndicatorPage {
            line: line(ctx, &detail.summary),
            source: detail.summary.source.clone().unwrap_or_default(),
            projected: match (&detail.summary.target, detail.summary.projected) {
                (None, _) => "—".into(),
                (Some(_), Some(v)) => value(ctx, v, &unit),
                (Some(_), None) => ctx
                    .t("chưa đủ số liệu để dự báo", "not enough data to forecast")
                    .into(),
            },
            chart: chart(ctx, &detail, &detail.summary.name),
            period: period
                .as_deref()
                .map(|p| ctx.lang.period(p))
                .unwrap_or_default(),
            national: table
                .as_ref()
                .and_then(|t| t.national)
                .map(|v| value(ctx, v, &unit))
                .unwrap_or_else(|| "—".into()),
            agencies: table
                .as_ref()
                .map(|t| {
                    t.rows
                        .iter()
                        .map(|r| AgencyLine {
                            name: r.agency_name.clone(),
                            value: r
                                .value
                                .map(|v| value(ctx, v, &unit))
                                .unwrap_or_else(|| "—".into()),
                            computed: r.computed,
                        })
                        .collect()
                })
                .unwrap_or_default(),
            missing: table.as_ref().map_or(0, |t| t.missing.len()),
            entry,
            action: ctx.link(&format!("/chi-tieu/{code}/so-lieu")),
            unit,
            ctx: ctx.clone(),
        },
    ))
}
