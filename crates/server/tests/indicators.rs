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

// ------------------------------------------------------------------ bulk ingest

async fn bulk_raw(
    api: &common::Api,
    token: Option<&str>,
    content_type: &str,
    body: String,
) -> (StatusCode, serde_json::Value) {
    use tower::ServiceExt;
    let mut req = axum::http::Request::builder()
        .method("POST")
        .uri("/api/v1/indicators/measurements/bulk")
        .header("content-type", content_type);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let res = api
        .router
        .clone()
        .oneshot(req.body(axum::body::Body::from(body)).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 24)
        .await
        .unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
    )
}

fn item(indicator: &str, agency: &str, period: &str, value: f64) -> serde_json::Value {
    json!({"indicator": indicator, "agency": agency, "period": period, "value": value, "source": "test"})
}

fn close(v: &serde_json::Value, expected: f64) -> bool {
    v.as_f64().is_some_and(|x| (x - expected).abs() < 1e-9)
}

/// Communes X1, X2 under Hà Nội and X3 under Cao Bằng; indicators of every
/// aggregation, all reported by communes.
async fn bulk_setup(api: &common::Api, admin: &str) {
    let actor = tiendo_core::policy::Actor {
        user_id: 0,
        username: "test".into(),
        role: tiendo_core::policy::Role::Admin,
        agency_id: None,
    };
    for (code, parent) in [("xa-1", "ha-noi"), ("xa-2", "ha-noi"), ("xa-3", "cao-bang")] {
        api.service
            .create_agency(
                &actor,
                &tiendo_service::input::AgencyInput {
                    code: code.into(),
                    kind: "commune".into(),
                    name: format!("Xã {}", code.to_uppercase()),
                    short_name: None,
                    bare: None,
                    aliases: vec![],
                    groups: vec![],
                    valid_from: None,
                    valid_to: None,
                    successor: None,
                    parent: Some(parent.into()),
                },
            )
            .await
            .unwrap();
    }
    let create = |code: &str, aggregation: serde_json::Value, max: Option<f64>| {
        json!({"code": code, "name": code, "unit": "u", "direction": "increase", "aggregation": aggregation,
               "levels": ["commune"], "periodicity": "month", "valid_min": 0.0, "valid_max": max})
    };
    for body in [
        create("dan-so", json!({"kind": "sum"}), None),
        create(
            "phu-song",
            json!({"kind": "weighted_mean", "weight": "dan-so"}),
            Some(100.0),
        ),
        create("diem", json!({"kind": "mean"}), Some(100.0)),
        create("so-a", json!({"kind": "sum"}), None),
        create("so-b", json!({"kind": "sum"}), None),
        create(
            "ty-le",
            json!({"kind": "ratio", "numerator": "so-a", "denominator": "so-b", "factor": 100}),
            None,
        ),
    ] {
        let (s, b) = api
            .call("POST", "/api/v1/indicators", Some(admin), Some(body))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
    }
}

/// The hand-computed values, commune → province → nation.
async fn assert_period(
    api: &common::Api,
    token: &str,
    code: &str,
    national: f64,
    hn: f64,
    cb: f64,
) {
    let t = api
        .get(&format!("/api/v1/indicators/{code}/periods/2025-11"), token)
        .await;
    assert!(
        close(&t["national"], national),
        "[{}] {code}: {t}",
        api.backend
    );
    let row = |name: &str| {
        t["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["agency_name"].as_str().unwrap().contains(name))
            .map(|r| r["value"].clone())
            .unwrap_or_default()
    };
    assert!(
        close(&row("Hà Nội"), hn),
        "[{}] {code} Hà Nội: {t}",
        api.backend
    );
    assert!(
        close(&row("Cao Bằng"), cb),
        "[{}] {code} Cao Bằng: {t}",
        api.backend
    );
    let national_only = api.service.national_value(code, "2025-11").await.unwrap();
    assert!(national_only.is_some_and(|v| (v - national).abs() < 1e-9));
}

#[tokio::test]
async fn bulk_ingest_aggregates_corrects_and_refuses_bad_batches() {
    for api in apis().await {
        let admin = api.user("vp", "admin", None).await;
        bulk_setup(&api, &admin).await;
        let p = "2025-11";
        let batch = vec![
            item("dan-so", "xa-1", p, 100.0),
            item("dan-so", "xa-2", p, 300.0),
            item("dan-so", "xa-3", p, 600.0),
            item("phu-song", "xa-1", p, 50.0),
            item("phu-song", "xa-2", p, 90.0),
            item("phu-song", "xa-3", p, 20.0),
            item("diem", "xa-1", p, 10.0),
            item("diem", "xa-2", p, 20.0),
            item("diem", "xa-3", p, 60.0),
        ];
        // JSON array.
        let (s, b) = bulk_raw(
            &api,
            Some(&admin),
            "application/json",
            serde_json::Value::Array(batch.clone()).to_string(),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "[{}] {b}", api.backend);
        assert_eq!(
            (b["received"].as_u64(), b["inserted"].as_u64()),
            (Some(9), Some(9)),
            "{b}"
        );
        // NDJSON, with a blank line.
        let ndjson: String = [
            item("so-a", "xa-1", p, 1.0),
            item("so-a", "xa-2", p, 3.0),
            item("so-a", "xa-3", p, 6.0),
            item("so-b", "xa-1", p, 10.0),
        ]
        .iter()
        .map(|v| format!("{v}\n"))
        .collect::<String>()
            + "\n"
            + &format!(
                "{}\n{}\n",
                item("so-b", "xa-2", p, 10.0),
                item("so-b", "xa-3", p, 20.0)
            );
        let (s, b) = bulk_raw(&api, Some(&admin), "application/x-ndjson", ndjson).await;
        assert_eq!(s, StatusCode::CREATED, "[{}] {b}", api.backend);
        assert_eq!(b["inserted"], 6, "{b}");
        // sum: Hà Nội 100 + 300, Cao Bằng 600, nation 1,000.
        assert_period(&api, &admin, "dan-so", 1000.0, 400.0, 600.0).await;
        // weighted mean: Hà Nội (50×100 + 90×300) / 400 = 80; nation
        // (80×400 + 20×600) / 1,000 = 44, the same as over the communes.
        assert_period(&api, &admin, "phu-song", 44.0, 80.0, 20.0).await;
        // mean: Hà Nội (10 + 20) / 2 = 15; nation (15 + 60) / 2 = 37.5.
        assert_period(&api, &admin, "diem", 37.5, 15.0, 60.0).await;
        // ratio of sums: Hà Nội 4 / 20 = 20 %, Cao Bằng 6 / 20 = 30 %, nation 10 / 40 = 25 %.
        assert_period(&api, &admin, "ty-le", 25.0, 20.0, 30.0).await;

        // A correction through bulk, with values sent again unchanged.
        let (s, b) = bulk_raw(
            &api,
            Some(&admin),
            "application/json",
            json!([
                item("phu-song", "xa-2", p, 70.0),
                item("phu-song", "xa-1", p, 50.0),
                item("dan-so", "xa-3", p, 600.0)
            ])
            .to_string(),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        assert_eq!(
            (
                b["inserted"].as_u64(),
                b["corrected"].as_u64(),
                b["unchanged"].as_u64()
            ),
            (Some(0), Some(1), Some(2)),
            "{b}"
        );
        // Hà Nội (50×100 + 70×300) / 400 = 65; nation (65×400 + 20×600) / 1,000 = 38.
        assert_period(&api, &admin, "phu-song", 38.0, 65.0, 20.0).await;
        let h = api
            .get(
                "/api/v1/indicators/phu-song/history?agency=xa-2&period=2025-11",
                &admin,
            )
            .await;
        let h = h.as_array().unwrap();
        assert_eq!(h.len(), 2, "{h:?}");
        assert_eq!(
            (h[0]["value"].as_f64(), h[1]["value"].as_f64()),
            (Some(90.0), Some(70.0))
        );
        assert!(h[0]["superseded_at"].is_string() && h[1]["superseded_at"].is_null());

        // Sources and notes with the characters that delimit PostgreSQL's COPY rows
        // (tab, newline, backslash) come back exactly as sent.
        let source = "Sở KH&CN\tbáo cáo\\số 5\r\nngày 02/12/2025";
        let mut odd = item("dan-so", "xa-2", "2026-01", 310.0);
        odd["source"] = json!(source);
        odd["note"] = json!("dòng 1\ndòng 2\t\\N");
        let (s, b) = bulk_raw(
            &api,
            Some(&admin),
            "application/json",
            json!([odd]).to_string(),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "[{}] {b}", api.backend);
        let h = api
            .get(
                "/api/v1/indicators/dan-so/history?agency=xa-2&period=2026-01",
                &admin,
            )
            .await;
        assert_eq!(h[0]["source"], json!(source), "[{}] {h}", api.backend);
        assert_eq!(
            h[0]["note"],
            json!("dòng 1\ndòng 2\t\\N"),
            "[{}] {h}",
            api.backend
        );

        // Bad items: every one named with its index and field; nothing stored.
        let q = "2025-12";
        let bad = json!([
            item("dan-so", "xa-1", q, 1.0),
            item("phu-song", "xa-1", q, 120.0),
            item("dan-so", "Xã Không Có", q, 1.0),
            item("diem", "xa-1", "2025-Q4", 1.0),
            item("khong-co", "xa-1", q, 1.0),
            item("dan-so", "xa-1", q, 2.0),
            {"indicator": "dan-so", "agency": "xa-2", "period": q},
        ]);
        let (s, b) = bulk_raw(&api, Some(&admin), "application/json", bad.to_string()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        let items: Vec<(u64, String)> = b["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["index"].as_u64().unwrap(),
                    e["field"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(
            items,
            vec![(6, "value".to_string())],
            "a malformed item is reported first, alone: {b}"
        );
        let bad: Vec<serde_json::Value> = bad.as_array().unwrap()[..6].to_vec();
        let (s, b) = bulk_raw(
            &api,
            Some(&admin),
            "application/json",
            serde_json::Value::Array(bad.clone()).to_string(),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        let items: Vec<(u64, String)> = b["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["index"].as_u64().unwrap(),
                    e["field"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(
            items,
            vec![
                (1, "value".to_string()),
                (2, "agency".to_string()),
                (3, "period".to_string()),
                (4, "indicator".to_string()),
                (5, "period".to_string()),
            ],
            "[{}] {b}",
            api.backend
        );
        assert!(
            b["error"]
                .as_str()
                .unwrap()
                .contains("nothing was recorded"),
            "{b}"
        );
        // As NDJSON, the lines are named (a blank line first).
        let ndjson: String =
            "\n".to_string() + &bad.iter().map(|v| format!("{v}\n")).collect::<String>();
        let (s, b) = bulk_raw(&api, Some(&admin), "application/x-ndjson", ndjson).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(b["items"][0]["index"], 1, "{b}");
        assert_eq!(b["items"][0]["line"], 3, "{b}");
        assert!(
            b["error"].as_str().unwrap().contains("line 3, value"),
            "{b}"
        );
        let t = api
            .get(&format!("/api/v1/indicators/dan-so/periods/{q}"), &admin)
            .await;
        assert!(
            t["national"].is_null() && t["rows"].as_array().unwrap().is_empty(),
            "nothing stored: {t}"
        );
    }
}

#[tokio::test]
async fn bulk_ingest_permissions() {
    for api in apis().await {
        let admin = api.user("vp", "admin", None).await;
        bulk_setup(&api, &admin).await;
        let focal = api.user("dm.x1", "focal", Some("xa-1")).await;
        let viewer = api.user("xem", "viewer", None).await;
        let body = |agency: &str| json!([item("diem", agency, "2025-11", 5.0)]).to_string();
        let (s, _) = bulk_raw(&api, None, "application/json", body("xa-1")).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        let (s, _) = bulk_raw(&api, Some(&viewer), "application/json", body("xa-1")).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        // A focal point: its own agency only; one item of another agency refuses all.
        let mixed = json!([
            item("diem", "xa-1", "2025-11", 5.0),
            item("diem", "xa-2", "2025-11", 6.0)
        ])
        .to_string();
        let (s, b) = bulk_raw(&api, Some(&focal), "application/json", mixed).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
        assert!(b["error"].as_str().unwrap().contains("items 1"), "{b}");
        let t = api
            .get("/api/v1/indicators/diem/periods/2025-11", &admin)
            .await;
        assert!(t["national"].is_null(), "nothing stored: {t}");
        let (s, b) = bulk_raw(&api, Some(&focal), "application/json", body("xa-1")).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        // The batch's history entry: who, how many, and the content's hash.
        let events = api.get("/api/v1/events?entity=measurement", &admin).await;
        let text = events.to_string();
        assert!(
            text.contains("bulk_record") && text.contains("sha256"),
            "{events}"
        );
    }
}
