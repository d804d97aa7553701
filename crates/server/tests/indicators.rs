//! Indicators through the API: seeds, aggregation up the agency tree, range
//! validation, corrections with history, status.

mod common;

use axum::http::StatusCode;
use serde_json::json;

use common::apis;

#[tokio::test]
async fn seed_indicators_show_five_g_off_track_for_2025() {
    for api in apis().await {
        api.service.load_demo().await.unwrap();
        let token = api.user("xem", "viewer", None).await;
        let list = api.get("/api/v1/indicators?as_of=2025-11-30", &token).await;
        let five_g = list
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["code"] == "phu-song-5g")
            .unwrap();
        assert_eq!(five_g["status"], "off_track", "[{}] {five_g}", api.backend);
        assert_eq!(five_g["latest"]["value"], 39.5);
        assert_eq!(five_g["target"]["value"], 90.0);
        for field in ["code", "name", "unit", "target", "latest", "status"] {
            assert!(five_g.get(field).is_some(), "{field}");
        }
        // Before any figure was known there is no data.
        let early = api.get("/api/v1/indicators?as_of=2025-08-01", &token).await;
        let five_g = early
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["code"] == "phu-song-5g")
            .unwrap();
        assert_eq!(five_g["status"], "no_data");
        // A ratio of two indicators: 11.7 of 12.7 trillion allocated.
        let ratio = api
            .get(
                "/api/v1/indicators/ty-le-phan-bo-kinh-phi/periods/2025-11",
                &token,
            )
            .await;
        assert!(
            (ratio["national"].as_f64().unwrap() - 11.7 / 12.7 * 100.0).abs() < 1e-6,
            "{ratio}"
        );
        let csdl = api.get("/api/v1/indicators/csdl-trong-yeu", &token).await;
        assert_eq!(csdl["status"], "off_track", "{csdl}");
    }
}

#[tokio::test]
async fn aggregation_validation_and_corrections() {
    for api in apis().await {
        let admin = api.user("vp", "admin", None).await;
        let focal = api.user("dm.hn", "focal", Some("Hà Nội")).await;
        let create = |code: &str, aggregation: serde_json::Value, unit: &str, max: Option<f64>| {
            json!({"code": code, "name": code, "unit": unit, "direction": "increase", "aggregation": aggregation,
                   "levels": ["province"], "periodicity": "month", "valid_min": 0.0, "valid_max": max})
        };
        for body in [
            create("dan-so", json!({"kind": "sum"}), "người", None),
            create(
                "phu-song",
                json!({"kind": "weighted_mean", "weight": "dan-so"}),
                "%",
                Some(100.0),
            ),
            create("diem", json!({"kind": "mean"}), "điểm", Some(100.0)),
        ] {
            let (s, b) = api
                .call("POST", "/api/v1/indicators", Some(&admin), Some(body))
                .await;
            assert_eq!(s, StatusCode::CREATED, "{b}");
        }
        let (s, b) = api
            .call(
                "POST",
                "/api/v1/indicators",
                Some(&admin),
                Some(create(
                    "x",
                    json!({"kind": "weighted_mean", "weight": "khong-co"}),
                    "%",
                    None,
                )),
            )
            .await;
        assert_eq!(
            (s, b["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("aggregation.weight")),
            "{b}"
        );
        let m = |agency: &str, value: f64| json!({"agency": agency, "period": "2025-11", "value": value});
        let record = |code: &str, rows: Vec<serde_json::Value>| {
            (
                format!("/api/v1/indicators/{code}/measurements"),
                json!({"measurements": rows}),
            )
        };
        let (path, body) = record(
            "dan-so",
            vec![m("Hà Nội", 1_000_000.0), m("Cao Bằng", 250_000.0)],
        );
        let (s, b) = api.call("POST", &path, Some(&admin), Some(body)).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        let (path, body) = record("phu-song", vec![m("Hà Nội", 90.0), m("Cao Bằng", 40.0)]);
        assert_eq!(
            api.call("POST", &path, Some(&admin), Some(body)).await.0,
            StatusCode::CREATED
        );
        let (path, body) = record(
            "diem",
            vec![m("Hà Nội", 10.0), m("Cao Bằng", 20.0), m("Huế", 60.0)],
        );
        assert_eq!(
            api.call("POST", &path, Some(&admin), Some(body)).await.0,
            StatusCode::CREATED
        );
        // Weighted by population: (0.9 × 1,000,000 + 0.4 × 250,000) / 1,250,000 = 80%.
        let t = api
            .get("/api/v1/indicators/phu-song/periods/2025-11", &admin)
            .await;
        assert!(
            (t["national"].as_f64().unwrap() - 80.0).abs() < 1e-9,
            "[{}] {t}",
            api.backend
        );
        assert!(t["national_computed"].as_bool().unwrap());
        assert_eq!(
            t["missing"].as_array().unwrap().len(),
            32,
            "34 provinces, 2 reported"
        );
        let t = api
            .get("/api/v1/indicators/diem/periods/2025-11", &admin)
            .await;
        assert_eq!(t["national"], 30.0);
        // Out of range: refused, and nothing of the batch is stored.
        let (path, body) = record("phu-song", vec![m("Huế", 50.0), m("Hà Nội", 100.5)]);
        let (s, b) = api.call("POST", &path, Some(&admin), Some(body)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            b["error"]
                .as_str()
                .unwrap()
                .contains("measurements[1].value"),
            "{b}"
        );
        let t = api
            .get("/api/v1/indicators/phu-song/periods/2025-11", &admin)
            .await;
        assert_eq!(
            t["rows"].as_array().unwrap().len(),
            2,
            "Huế was not stored: {t}"
        );
        let (path, body) = record("dan-so", vec![m("Hà Nội", -5.0)]);
        assert_eq!(
            api.call("POST", &path, Some(&admin), Some(body)).await.0,
            StatusCode::UNPROCESSABLE_ENTITY
        );
        // A focal point enters only its own agency's figures.
        let (path, body) = record("diem", vec![m("Cao Bằng", 25.0)]);
        assert_eq!(
            api.call("POST", &path, Some(&focal), Some(body)).await.0,
            StatusCode::FORBIDDEN
        );
        let (path, body) = record("diem", vec![m("Hà Nội", 40.0)]);
        assert_eq!(
            api.call("POST", &path, Some(&focal), Some(body)).await.0,
            StatusCode::CREATED
        );
        // The correction replaced 10 by 40, and the history keeps both.
        let t = api
            .get("/api/v1/indicators/diem/periods/2025-11", &admin)
            .await;
        assert_eq!(t["national"], 40.0, "(40 + 20 + 60) / 3");
        let h = api
            .get(
                "/api/v1/indicators/diem/history?agency=H%C3%A0%20N%E1%BB%99i&period=2025-11",
                &admin,
            )
            .await;
        let h = h.as_array().unwrap();
        assert_eq!(h.len(), 2);
        assert_eq!(
            (h[0]["value"].as_f64(), h[1]["value"].as_f64()),
            (Some(10.0), Some(40.0))
        );
        assert!(h[0]["superseded_at"].is_string() && h[1]["superseded_at"].is_null());
        // A bad period names the row and field.
        let (path, body) = record(
            "diem",
            vec![json!({"agency": "Hà Nội", "period": "2025-Q4", "value": 1.0})],
        );
        let (s, b) = api.call("POST", &path, Some(&admin), Some(body)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            b["error"]
                .as_str()
                .unwrap()
                .contains("measurements[0].period"),
            "{b}"
        );
    }
}
