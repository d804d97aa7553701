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

/// The number in `<strong>` after a label on the page ("39,5%" → 39.5).
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
        assert!(latest.starts_with("30%"), "[{backend}] latest {latest}");
        // 10 a quarter: about 40 % at 31/12/2025.
        let f = number(&forecast);
        assert!(
            f > 30.0 && (f - 40.0).abs() < 1.0,
            "[{backend}] forecast {forecast} should follow the trend above 30%"
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

/// The options of the agency select: (value, label).
fn agency_options(body: &str) -> Vec<(String, String)> {
    let Some(at) = body.find("<select id=\"m-agency\"") else {
        return Vec::new();
    };
    let end = at + body[at..].find("</select>").unwrap_or(0);
    body[at..end]
        .split("<option")
        .skip(1)
        .map(|o| {
            let value = common::tag_attr(o, "value").unwrap_or_default();
            let label = o
                .split_once('>')
                .map(|(_, l)| l.split('<').next().unwrap_or_default().trim().to_string())
                .unwrap_or_default();
            (value, label)
        })
        .collect()
}

/// The entry form: the agency from the register (a focal point sees its own
/// only; the office any current agency or the nation), the period in the
/// indicator's periodicity, errors by field in Vietnamese with 422 and what was
/// typed kept; good entries are recorded, national ones by the office.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_entry_form_checks_by_field_and_offers_the_register() {
    for (backend, service) in services().await {
        service.load_demo().await.expect("demo");
        indicator(&service, "nhap-lieu", &[("2025-Q1", 10.0)], Some(90.0)).await;
        let path = "/chi-tieu/nhap-lieu";
        let post = format!("{path}/so-lieu");
        let mut focal = signed_in(&service, "daumoi.bca", "focal", Some("Bộ Công an")).await;
        let page = focal.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "[{backend}]");
        let options = agency_options(&page.body);
        assert_eq!(options.len(), 1, "[{backend}] {options:?}");
        assert_eq!(options[0].1, "Bộ Công an", "[{backend}]");
        let own = options[0].0.clone();
        assert!(!own.is_empty(), "[{backend}] the agency by its code");
        assert!(
            page.body
                .contains("<label for=\"m-period\">Kỳ (quý, ví dụ Quý ")
                && page
                    .body
                    .contains("<datalist id=\"m-periods\"><option value=\"Quý "),
            "[{backend}] the period in the indicator's periodicity"
        );
        let csrf = page.csrf();
        // A period not in quarters and a value that is no number: both errors, 422.
        let bad = focal
            .post(
                &post,
                &[
                    ("csrf", &csrf),
                    ("agency", &own),
                    ("period", "2025-13"),
                    ("value", "nhiều"),
                    ("source", "Báo cáo BCA"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "[{backend}]");
        assert!(
            bad.body.contains("id=\"m-period-err\">Kỳ phải theo quý"),
            "[{backend}] the period error by its field"
        );
        assert!(
            bad.body.contains("id=\"m-value-err\">Nhập một số"),
            "[{backend}] the value error by its field"
        );
        for kept in [
            "value=\"2025-13\"",
            "value=\"nhiều\"",
            "value=\"Báo cáo BCA\"",
        ] {
            assert!(bad.body.contains(kept), "[{backend}] {kept} kept");
        }
        // Out of the valid range: the service's check, in Vietnamese.
        let high = focal
            .post(
                &post,
                &[
                    ("csrf", &csrf),
                    ("agency", &own),
                    ("period", "2025-Q2"),
                    ("value", "150"),
                ],
            )
            .await;
        assert_eq!(high.status, StatusCode::UNPROCESSABLE_ENTITY, "[{backend}]");
        assert!(
            high.body
                .contains("id=\"m-value-err\">Giá trị vượt mức tối đa cho phép (100%)")
                && high.body.contains("value=\"150\"")
                && high.body.contains("value=\"2025-Q2\""),
            "[{backend}] range error kept by the value"
        );
        // Another agency than its own: refused on the agency field.
        let mut office = signed_in(&service, "vanphong", "admin", None).await;
        let office_page = office.get(path).await;
        let all = agency_options(&office_page.body);
        assert_eq!(
            all.first().map(|o| o.0.as_str()),
            Some(""),
            "[{backend}] the office may enter the national figure"
        );
        assert!(all[0].1.starts_with("Cả nước"), "[{backend}]");
        assert!(
            all.len() > 20,
            "[{backend}] the office chooses among the agencies"
        );
        let other = all
            .iter()
            .find(|(c, l)| !c.is_empty() && *c != own && l != "Bộ Công an")
            .expect("another agency")
            .0
            .clone();
        let wrong = focal
            .post(
                &post,
                &[
                    ("csrf", &csrf),
                    ("agency", &other),
                    ("period", "2025-Q2"),
                    ("value", "12,5"),
                ],
            )
            .await;
        assert_eq!(
            wrong.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{backend}]"
        );
        assert!(
            wrong
                .body
                .contains("id=\"m-agency-err\">Đầu mối chỉ nhập số liệu của cơ quan mình"),
            "[{backend}] a focal point enters for its own agency only"
        );
        // A good entry is recorded and shows in the period's table.
        let good = focal
            .post(
                &post,
                &[
                    ("csrf", &csrf),
                    ("agency", &own),
                    ("period", "2025-Q2"),
                    ("value", "12,5"),
                ],
            )
            .await;
        assert_eq!(
            good.status,
            StatusCode::SEE_OTHER,
            "[{backend}] {}",
            good.body
        );
        let after = focal.get(&format!("{path}?period=2025-Q2")).await;
        assert!(
            after.body.contains("Bộ Công an") && after.body.contains("12,5%"),
            "[{backend}] the figure shows in the period's table"
        );
        // The office enters the national figure (agency: the nation).
        let csrf = office_page.csrf();
        let national = office
            .post(
                &post,
                &[
                    ("csrf", &csrf),
                    ("agency", ""),
                    ("period", "2025-Q3"),
                    ("value", "33,5"),
                ],
            )
            .await;
        assert_eq!(
            national.status,
            StatusCode::SEE_OTHER,
            "[{backend}] {}",
            national.body
        );
        let after = office.get(&format!("{path}?period=2025-Q3")).await;
        assert!(
            after.body.contains("cả nước 33,5%"),
            "[{backend}] the national figure"
        );
    }
}
