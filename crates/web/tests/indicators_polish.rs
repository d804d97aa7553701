//! Indicator pages, polished (issue 14 item 11): the forecast follows the measured
//! trend, the entry form picks the agency from the register and answers 422 by
//! its field, and an indicator without a target says so instead of "on track".
//! On both backends.

mod common;

use axum::http::StatusCode;
use common::{services, signed_in};
use tiendo_core::indicator::{Aggregation, Direction, Periodicity};
use tiendo_service::Service;
use tiendo_service::indicators::{IndicatorInput, MeasurementInput, TargetInput};

/// An indicator of the nation, quarterly, in %, with national values by quarter
/// and, if given, a target.
async fn indicator(service: &Service, code: &str, values: &[(&str, f64)], target: Option<f64>) {
    let actor = service.system_actor();
    service
        .create_indicator(
            &actor,
            &IndicatorInput {
                code: code.into(),
                name: format!("Chỉ tiêu thử {code}"),
                unit: "%".into(),
                direction: Direction::Increase,
                aggregation: Aggregation::Mean,
                levels: vec!["central".into()],
                periodicity: Periodicity::Quarter,
                source: None,
                valid_min: Some(0.0),
                valid_max: Some(100.0),
            },
        )
        .await
        .expect("indicator");
    if let Some(value) = target {
        service
            .add_indicator_target(
                &actor,
                code,
                &TargetInput {
                    agency: None,
                    value,
                    due: "2025-12-31".parse().unwrap(),
                    baseline_value: None,
                    baseline_on: None,
                    source: None,
                },
            )
            .await
            .expect("target");
    }
    let inputs: Vec<MeasurementInput> = values
        .iter()
        .map(|(period, value)| MeasurementInput {
            agency: None,
            period: (*period).into(),
            value: *value,
            source: None,
            note: None,
        })
        .collect();
    if !inputs.is_empty() {
        service
            .record_measurements(&actor, code, &inputs)
            .await
            .expect("measurements");
    }
}

/// The number in `<strong>` after a label on the page ("39,5 %" → 39.5).
fn figure_after(body: &str, label: &str) -> Option<String> {
    let at = body.find(label)?;
    let rest = &body[at..];
    let start = rest.find("<strong>")? + "<strong>".len();
    let end = rest[start..].find("</strong>")?;
    Some(rest[start..start + end].to_string())
}

fn number(shown: &str) -> f64 {
    shown
        .trim_end_matches('%')
        .trim()
        .replace('.', "")
        .replace(',', ".")
        .parse()
        .unwrap_or_else(|_| panic!("not a number: {shown}"))
}

/// A rising series (10, 20, 30 % by quarter; target 90 % at the end of 2025, a
/// day now past) forecasts above its latest value, from the trend; one value
/// alone is not enough to forecast.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_forecast_follows_a_rising_series() {
    for (backend, service) in services().await {
        service.load_demo().await.expect("demo");
        indicator(
            &service,
            "tang-dan",
            &[("2025-Q1", 10.0), ("2025-Q2", 20.0), ("2025-Q3", 30.0)],
            Some(90.0),
        )
        .await;
        indicator(&service, "mot-diem", &[("2025-Q1", 10.0)], Some(90.0)).await;
        let mut c = signed_in(&service, "lanhdao", "viewer", None).await;
        let page = c.get("/chi-tieu/tang-dan").await;
        assert_eq!(page.status, StatusCode::OK, "[{backend}]");
        let latest = figure_after(&page.body, "Mới nhất").expect("latest");
        let forecast = figure_after(&page.body, "Dự báo đến hạn").expect("forecast");
        assert!(latest.starts_with("30 %"), "[{backend}] latest {latest}");
        // 10 a quarter: about 40 % at 31/12/2025.
        let f = number(&forecast);
        assert!(
            f > 30.0 && (f - 40.0).abs() < 1.0,
            "[{backend}] forecast {forecast} should follow the trend above 30 %"
        );
        // The chart's value axis carries the unit and round ticks (0 to 100 by 20).
        assert!(
            page.body.contains("class=\"axis-unit\"") && page.body.contains(">%</text>"),
            "[{backend}] the unit on the value axis"
        );
        assert!(page.body.contains("class=\"tick\""), "[{backend}] ticks");
        for tick in ["0", "20", "40", "60", "80", "100"] {
            assert!(
                page.body.contains(&format!("fill=\"#333\">{tick}</text>")),
                "[{backend}] tick {tick}"
            );
        }
        assert!(
            page.body.contains("Kỳ (quý)"),
            "[{backend}] the time axis names the period"
        );
        let one = c.get("/chi-tieu/mot-diem").await;
        assert_eq!(
            figure_after(&one.body, "Dự báo đến hạn").as_deref(),
            Some("chưa đủ số liệu để dự báo"),
            "[{backend}]"
        );
    }
}

/// The table row (`<tr>…</tr>`) that holds a text.
fn row_with<'a>(body: &'a str, text: &str) -> Option<&'a str> {
    let at = body.find(text)?;
    let start = body[..at].rfind("<tr")?;
    let end = at + body[at..].find("</tr>")?;
    Some(&body[start..end])
}

/// An indicator measured but without a target is "Chưa có chỉ tiêu mục tiêu" on
/// the list and on its page, never "Đúng tiến độ"; one with a target still is
/// judged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_indicator_without_a_target_says_so() {
    for (backend, service) in services().await {
        service.load_demo().await.expect("demo");
        indicator(
            &service,
            "khong-muc-tieu",
            &[("2025-Q1", 10.0), ("2025-Q2", 20.0)],
            None,
        )
        .await;
        indicator(
            &service,
            "da-dat",
            &[("2025-Q1", 95.0), ("2025-Q2", 96.0)],
            Some(90.0),
        )
        .await;
        let mut c = signed_in(&service, "lanhdao", "viewer", None).await;
        let list = c.get("/chi-tieu").await;
        assert_eq!(list.status, StatusCode::OK, "[{backend}]");
        let row = row_with(&list.body, "Chỉ tiêu thử khong-muc-tieu").expect("row");
        assert!(
            row.contains("Chưa có chỉ tiêu mục tiêu") && !row.contains("Đúng tiến độ"),
            "[{backend}] {row}"
        );
        let met = row_with(&list.body, "Chỉ tiêu thử da-dat").expect("row");
        assert!(met.contains("Đúng tiến độ"), "[{backend}] {met}");
        let page = c.get("/chi-tieu/khong-muc-tieu").await;
        assert_eq!(page.status, StatusCode::OK, "[{backend}]");
        let badge = page
            .body
            .split("class=\"badge")
            .nth(1)
            .and_then(|b| b.split("</span>").next())
            .unwrap_or_default();
        assert!(
            badge.contains("Chưa có chỉ tiêu mục tiêu"),
            "[{backend}] {badge}"
        );
        assert!(!page.body.contains("Đúng tiến độ"), "[{backend}]");
    }
}
