//! Indicators (chỉ tiêu): every indicator with its status, and a page per
//! indicator with its chart (measured values against the trajectory to the
//! target) and the table of agencies for a period.

use askama::Template;
use axum::body::Bytes;
use axum::extract::Path;
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
    format!("{} {unit}", ctx.lang.dec(v, places))
}

fn line(ctx: &Ctx, i: &IndicatorSummary) -> IndicatorLine {
    let (status_class, status_label) = status_view(ctx, i.status);
    IndicatorLine {
        href: ctx.link(&format!("/chi-tieu/{}", i.code)),
        name: i.name.clone(),
        latest: i
            .latest
            .as_ref()
            .map(|p| format!("{} ({})", value(ctx, p.value, &i.unit), p.period))
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

/// The measurement entry form: what was typed, and the error by its field.
#[derive(Default)]
pub struct EntryForm {
    /// A focal point enters its own agency's figures only: its name, fixed.
    pub own_agency: Option<String>,
    pub agency: String,
    pub period: String,
    pub value: String,
    pub source: String,
    pub error_field: String,
    pub error: String,
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
            esc(&p.period),
            esc(&value(ctx, p.value, unit)),
            x(p.day),
            h - bottom + 16.0,
            esc(&p.period)
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
    render_page(&web, &code, q.get("period").map(str::to_string), entry).await
}

/// An empty entry form for those who may enter figures, on today's view.
fn blank_entry(web: &Web) -> Option<EntryForm> {
    if web.ctx.as_of.is_some() {
        return None;
    }
    match web.actor.role {
        Role::Admin => Some(EntryForm::default()),
        Role::Focal => Some(EntryForm {
            own_agency: web.actor.agency_id.map(|id| web.service.agency_name(id)),
            ..EntryForm::default()
        }),
        Role::Viewer => None,
    }
}

/// Records one figure typed in the indicator page's form; on a bad value the page
/// comes back with the error by its field and everything typed kept.
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
    entry.agency = form.raw("agency");
    entry.period = form.raw("period");
    entry.value = form.raw("value");
    entry.source = form.raw("source");
    let agency = match (&entry.own_agency, web.actor.agency_id) {
        (Some(_), Some(id)) => web.service.agency(id).map(|a| a.code),
        _ => form.text("agency"),
    };
    // Accept a decimal comma as typed in Vietnamese ("39,5").
    let value = form.text("value").map(|v| v.replace(',', "."));
    let Some(value) = value.as_deref().and_then(|v| v.parse::<f64>().ok()) else {
        entry.error_field = "value".into();
        entry.error = web
            .ctx
            .t("Nhập một số, ví dụ 39,5.", "Type a number, like 39.5.")
            .into();
        return render_page(&web, &code, None, Some(entry)).await;
    };
    let input = MeasurementInput {
        agency,
        period: form.raw("period").trim().to_string(),
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
                .unwrap_or(("value", line));
            entry.error_field = field.to_string();
            entry.error = i18n::message(web.ctx.lang, text);
            render_page(&web, &code, None, Some(entry)).await
        }
        Err(e) => Err(error_page(&web.ctx, e)),
    }
}

async fn render_page(
    web: &Web,
    code: &str,
    period: Option<String>,
    entry: Option<EntryForm>,
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
    Ok(render(&IndicatorPage {
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
        period: period.unwrap_or_default(),
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
    }))
}
