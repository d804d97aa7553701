//! Monthly scoring through the API, on SQLite and on PostgreSQL: the default rules
//! on a hand-made history with hand-computed scores, publication and its
//! immutability, corrections, rankings with movement, permissions, rule versions,
//! and a month of the demo data checked against the rules.

mod common;

use std::collections::HashMap;

use axum::http::StatusCode;
use chrono::NaiveDate;
use serde_json::{Value, json};
use tiendo_core::policy::{Actor, Role};
use tiendo_core::time::{end_of_day, start_of_day};
use tiendo_service::import::ImportOptions;
use tiendo_service::input::{AssignmentPatchInput, CommitmentInput, DocumentInput};
use tiendo_store::{NewReport, Stamp, TaskPatch};

use common::{Api, apis};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// An instant during a day (noon in Vietnam).
fn on(day: &str) -> i64 {
    start_of_day(d(day)) + 12 * 3_600_000_000
}

fn patch_done(day: &str) -> AssignmentPatchInput {
    AssignmentPatchInput {
        completed_on: Some(d(day)),
        reopen: None,
        cancelled: None,
        deadline: None,
        note: None,
    }
}

struct World {
    admin: String,
    viewer: String,
    focal_byt: String,
    byt: i64,
    btc: i64,
    hn: i64,
    /// The imported tasks, in the order of their lines.
    tasks: Vec<i64>,
    office: Actor,
}

async fn agency_id(api: &Api, token: &str, name: &str) -> i64 {
    let page = api
        .get(
            &format!("/api/v1/agencies?q={}", name.replace(' ', "%20")),
            token,
        )
        .await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == name)
        .unwrap_or_else(|| panic!("agency {name}: {page}"))["id"]
        .as_i64()
        .unwrap()
}

/// The history of docs/scoring.md's worked example, imported on 1/8/2025.
async fn build_world(api: &Api) -> World {
    let admin = api.user("vanphong", "admin", None).await;
    let viewer = api.user("lanhdao", "viewer", None).await;
    let focal_byt = api.user("daumoi.byt", "focal", Some("Bộ Y tế")).await;
    let me = api.get("/api/v1/auth/me", &admin).await;
    let office = Actor {
        user_id: me["id"].as_i64().unwrap(),
        username: "vanphong".into(),
        role: Role::Admin,
        agency_id: None,
    };
    let byt = agency_id(api, &admin, "Bộ Y tế").await;
    let btc = agency_id(api, &admin, "Bộ Tài chính").await;
    let hn = agency_id(api, &admin, "Ủy ban nhân dân Thành phố Hà Nội").await;
    let lines = [
        r#"{"ref": "1", "text": "Việc đúng hạn", "lead": ["Bộ Y tế", "Bộ Tài chính"], "deadline": {"kind": "date", "due": "2025-10-20", "raw": "trước ngày 20/10/2025"}, "field": "cds", "leader": "Phó Thủ tướng A"}"#,
        r#"{"ref": "2", "text": "Việc quá hạn", "lead": ["Bộ Y tế", "Bộ Tài chính"], "deadline": {"kind": "date", "due": "2025-09-15", "raw": "trước ngày 15/9/2025"}, "leader": "Phó Thủ tướng A"}"#,
        r#"{"ref": "3", "text": "Việc thường xuyên", "lead": ["Bộ Y tế", "Ủy ban nhân dân Thành phố Hà Nội"], "deadline": {"kind": "recurring", "due": null, "raw": "thường xuyên"}, "leader": "Phó Thủ tướng B"}"#,
        r#"{"ref": "4", "text": "Việc ưu tiên", "lead": ["Ủy ban nhân dân Thành phố Hà Nội"], "deadline": {"kind": "date", "due": "2025-10-10", "raw": "trước ngày 10/10/2025"}}"#,
        r#"{"ref": "6", "text": "Việc chưa đến hạn", "lead": ["Bộ Y tế"], "deadline": {"kind": "year", "due": "2025-12-31", "raw": "trong năm 2025"}}"#,
        r#"{"ref": "7", "text": "Việc bị hủy", "lead": ["Bộ Tài chính"], "deadline": {"kind": "date", "due": "2025-09-01", "raw": "trước ngày 01/9/2025"}}"#,
        r#"{"ref": "8", "text": "Việc xác nhận muộn", "lead": ["Ủy ban nhân dân Thành phố Hà Nội"], "deadline": {"kind": "date", "due": "2025-09-30", "raw": "trước ngày 30/9/2025"}}"#,
    ];
    let summary = api
        .service
        .import_jsonl(
            &office,
            &lines.join("\n"),
            ImportOptions {
                document: Some(DocumentInput {
                    number: Some("99/TB-VPCP".into()),
                    kind: "Thông báo".into(),
                    title: "Thử chấm điểm".into(),
                    issued_on: Some(d("2025-08-01")),
                    issuer: None,
                    signer: None,
                    body: None,
                }),
                recorded_at: Some(on("2025-08-01")),
            },
        )
        .await
        .unwrap();
    let t = &summary.task_ids;
    // Task 4 has priority 1 (weight 150) from the start: set on the day of import,
    // since a run scores each task with its priority as it stood then.
    api.service
        .store
        .update_task(
            t[3],
            &TaskPatch {
                priority: Some(1),
                ..TaskPatch::default()
            },
            &Stamp::backdated(Some(office.user_id), on("2025-08-01")),
        )
        .await
        .unwrap();
    let mut assignment: HashMap<(usize, i64), i64> = HashMap::new();
    for (i, task) in t.iter().enumerate() {
        let page = api
            .get(&format!("/api/v1/assignments?task={task}"), &admin)
            .await;
        for a in page["items"].as_array().unwrap() {
            assignment.insert(
                (i, a["agency_id"].as_i64().unwrap()),
                a["id"].as_i64().unwrap(),
            );
        }
    }
    let a = |task: usize, agency: i64| assignment[&(task, agency)];
    // Commitments on task 2, made on 20/9: BYT for 20/10, BTC for 10/10.
    for (agency, date) in [(byt, "2025-10-20"), (btc, "2025-10-10")] {
        api.service
            .create_commitment_stamped(
                &office,
                &CommitmentInput {
                    assignment_id: a(1, agency),
                    committed_on: d(date),
                    letter_number: Some("12/CV".into()),
                    note: None,
                },
                Stamp::backdated(Some(office.user_id), on("2025-09-20")),
            )
            .await
            .unwrap();
    }
    // Completions (completed on, confirmed on).
    for (task, agency, done, confirmed) in [
        (0, byt, "2025-10-15", "2025-10-16"),
        (0, btc, "2025-10-25", "2025-10-26"),
        (1, btc, "2025-10-05", "2025-10-06"),
        (3, hn, "2025-10-08", "2025-10-09"),
        (6, hn, "2025-09-28", "2025-10-03"),
    ] {
        api.service
            .patch_assignment_stamped(
                &office,
                a(task, agency),
                &patch_done(done),
                Stamp::backdated(None, on(confirmed)),
            )
            .await
            .unwrap();
    }
    api.service
        .patch_assignment_stamped(
            &office,
            a(5, btc),
            &AssignmentPatchInput {
                completed_on: None,
                reopen: None,
                cancelled: Some(true),
                deadline: None,
                note: None,
            },
            Stamp::backdated(None, on("2025-09-10")),
        )
        .await
        .unwrap();
    // BYT reports on its recurring task on 10/10; Hà Nội does not. A report
    // entered in November for October does not count for October.
    let focal_id = api.get("/api/v1/auth/me", &focal_byt).await["id"]
        .as_i64()
        .unwrap();
    for (day, entered) in [("2025-10-10", "2025-10-10"), ("2025-10-30", "2025-11-02")] {
        let report = NewReport {
            assignment_id: if entered == "2025-10-10" {
                a(2, byt)
            } else {
                a(2, hn)
            },
            author_id: focal_id,
            reported_on: d(day),
            percent: Some(50),
            claims_completion: false,
            completed_on: None,
            narrative: "Đã triển khai".into(),
            difficulties: None,
            proposals: None,
            evidence_number: None,
        };
        api.service
            .store
            .create_report(&report, &Stamp::backdated(Some(focal_id), on(entered)))
            .await
            .unwrap();
    }
    World {
        admin,
        viewer,
        focal_byt,
        byt,
        btc,
        hn,
        tasks: t.clone(),
        office,
    }
}

fn result<'a>(run: &'a Value, key: &str, value: Value) -> &'a Value {
    run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r[key] == value)
        .unwrap_or_else(|| panic!("no result with {key} = {value} in {run}"))
}

#[tokio::test]
async fn default_rules_on_a_hand_made_history() {
    for api in apis().await {
        let w = build_world(&api).await;
        let b = api.backend;
        let (s, preview) = api
            .call(
                "POST",
                "/api/v1/scores/runs",
                Some(&w.viewer),
                Some(json!({"month": "2025-10"})),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "[{b}] {preview}");
        assert_eq!(preview["id"], Value::Null);
        assert_eq!(preview["state"], "preview");
        // Bộ Y tế: +10 (task 1 on time) −5 (task 2, 46 days overdue) +5 (recurring,
        // reported) −5 (commitment broken) = 5 of 10+10+5+5 = 30 → 16.67.
        let byt = result(&preview, "agency_id", json!(w.byt));
        assert_eq!(
            (
                &byt["score"],
                &byt["earned"],
                &byt["possible"],
                &byt["lines"]
            ),
            (&json!(16.67), &json!(5.0), &json!(30.0), &json!(4)),
            "[{b}] {byt}"
        );
        // Bộ Tài chính: +7 (5 days late) +5 (20 days late) +5 (commitment kept) of 25.
        let btc = result(&preview, "agency_id", json!(w.btc));
        assert_eq!(
            (&btc["score"], &btc["earned"], &btc["possible"]),
            (&json!(68.0), &json!(17.0), &json!(25.0)),
            "[{b}] {btc}"
        );
        // Hà Nội: 0 of 5 (recurring, not reported in time) + 15 of 15 (priority 1)
        // + 10 of 10 (completed 28/9, confirmed 3/10: credited in October) → 83.33.
        let hn = result(&preview, "agency_id", json!(w.hn));
        assert_eq!(
            (&hn["score"], &hn["earned"], &hn["possible"], &hn["group"]),
            (
                &json!(83.33),
                &json!(25.0),
                &json!(30.0),
                &json!("provinces")
            ),
            "[{b}] {hn}"
        );
        // Leaders: A directs tasks 1 and 2: 10+7−5+5−5+5 = 17 of 50; B task 3: 5 of 10.
        let a = result(&preview, "leader", json!("Phó Thủ tướng A"));
        assert_eq!(
            (&a["score"], &a["possible"]),
            (&json!(34.0), &json!(50.0)),
            "[{b}] {a}"
        );
        let lb = result(&preview, "leader", json!("Phó Thủ tướng B"));
        assert_eq!(lb["score"], json!(50.0), "[{b}] {lb}");
        assert_eq!(preview["scored_agencies"], 3);
        assert_eq!(preview["scored_leaders"], 2);
        // Ranks within groups.
        assert_eq!(
            (btc["rank"].as_i64(), byt["rank"].as_i64()),
            (Some(1), Some(2))
        );
        // September, as known then: BYT −2 (15 days overdue) + 0 of 5 → 0;
        // BTC −2 of 10 → 0; HN 0 of 5 → 0; the cancelled task and the completion
        // not yet confirmed do not count.
        let sept = api
            .call(
                "POST",
                "/api/v1/scores/runs",
                Some(&w.admin),
                Some(json!({"month": "2025-09"})),
            )
            .await
            .1;
        for id in [w.byt, w.btc, w.hn] {
            assert_eq!(
                result(&sept, "agency_id", json!(id))["score"],
                json!(0.0),
                "[{b}] {sept}"
            );
        }
        assert_eq!(result(&sept, "agency_id", json!(w.btc))["lines"], 1);
        // A month with nothing scorable: no score, nobody ranked.
        let july = api
            .call(
                "POST",
                "/api/v1/scores/runs",
                Some(&w.admin),
                Some(json!({"month": "2025-07"})),
            )
            .await
            .1;
        assert_eq!(july["results"].as_array().unwrap().len(), 0, "[{b}] {july}");
        let (s, _) = api
            .call(
                "POST",
                "/api/v1/scores/runs",
                Some(&w.admin),
                Some(json!({"month": "2025-13"})),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    }
}

#[tokio::test]
async fn publication_is_immutable_and_corrections_chain() {
    for api in apis().await {
        let w = build_world(&api).await;
        let b = api.backend;
        let publish = |body: Value, token: String| {
            let api = &api;
            async move {
                api.call("POST", "/api/v1/scores/runs", Some(&token), Some(body))
                    .await
            }
        };
        // A viewer and a focal point cannot publish; a focal point cannot preview.
        let (s, _) = publish(
            json!({"month": "2025-10", "publish": true}),
            w.viewer.clone(),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "[{b}]");
        let (s, _) = publish(json!({"month": "2025-10"}), w.focal_byt.clone()).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "[{b}]");
        // An unfinished month cannot be published.
        let (s, _) = publish(
            json!({"month": "2099-01", "publish": true}),
            w.admin.clone(),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "[{b}]");
        let preview = publish(json!({"month": "2025-10"}), w.admin.clone())
            .await
            .1;
        let (s, run) = publish(
            json!({"month": "2025-10", "publish": true}),
            w.admin.clone(),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "[{b}] {run}");
        let id = run["id"].as_i64().unwrap();
        assert_eq!(run["state"], "published");
        let hash = run["content_hash"].as_str().unwrap().to_string();
        assert_eq!(hash.len(), 64);
        assert_eq!(
            preview["content_hash"], run["content_hash"],
            "[{b}] same history, same hash"
        );
        // The hash is in the audit history.
        let events = api
            .get(
                &format!("/api/v1/events?entity=score_run&entity_id={id}"),
                &w.admin,
            )
            .await;
        let event = &events["items"][0];
        assert_eq!(event["action"], "publish");
        assert_eq!(
            event["changes"]["content_hash"],
            json!(hash),
            "[{b}] {events}"
        );
        assert_eq!(event["changes"]["month"], "2025-10");
        // A second publication of the month without `replaces` is refused.
        let (s, body) = publish(
            json!({"month": "2025-10", "publish": true}),
            w.admin.clone(),
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT, "[{b}] {body}");
        // No route changes a run.
        for method in ["PUT", "PATCH", "DELETE"] {
            let (s, _) = api
                .call(
                    method,
                    &format!("/api/v1/scores/runs/{id}"),
                    Some(&w.admin),
                    Some(json!({"month": "2025-11"})),
                )
                .await;
            assert_eq!(s, StatusCode::METHOD_NOT_ALLOWED, "[{b}] {method}");
        }
        // A correction needs a reason and must replace the run in force.
        let (s, _) = publish(
            json!({"month": "2025-10", "publish": true, "replaces": id}),
            w.admin.clone(),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "[{b}]");
        // Meanwhile a late confirmation arrives (recorded in October, entered now):
        // Bộ Y tế finished task 2 on 30/10.
        let a2 = api
            .get(
                &format!(
                    "/api/v1/assignments?agency={}&status=overdue&as_of=2025-10-31",
                    w.byt
                ),
                &w.admin,
            )
            .await["items"][0]["id"]
            .as_i64()
            .unwrap();
        let me = api.get("/api/v1/auth/me", &w.admin).await;
        let office = Actor {
            user_id: me["id"].as_i64().unwrap(),
            username: "vanphong".into(),
            role: Role::Admin,
            agency_id: None,
        };
        api.service
            .patch_assignment_stamped(
                &office,
                a2,
                &patch_done("2025-10-30"),
                Stamp::backdated(None, end_of_day(d("2025-10-31")) - 1),
            )
            .await
            .unwrap();
        let (s, fixed) = publish(
            json!({"month": "2025-10", "publish": true, "replaces": id, "reason": "Bộ Y tế đã hoàn thành ngày 30/10, xác nhận trong tháng"}),
            w.admin.clone(),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "[{b}] {fixed}");
        let fixed_id = fixed["id"].as_i64().unwrap();
        assert_eq!(fixed["replaces"], id);
        assert_ne!(fixed["content_hash"], run["content_hash"]);
        // BYT: task 2 now completed 45 days late (+3) and the commitment of 20/10
        // still broken: 10 + 3 + 5 − 5 = 13 of 30 → 43.33.
        assert_eq!(
            result(&fixed, "agency_id", json!(w.byt))["score"],
            json!(43.33),
            "[{b}] {fixed}"
        );
        let events = api
            .get(
                &format!("/api/v1/events?entity=score_run&entity_id={fixed_id}"),
                &w.admin,
            )
            .await;
        assert_eq!(events["items"][0]["action"], "correct");
        assert_eq!(events["items"][0]["changes"]["replaces"], id);
        assert_eq!(
            events["items"][0]["changes"]["content_hash"],
            fixed["content_hash"]
        );
        // The first run is unchanged, and says it was replaced.
        let old = api
            .get(&format!("/api/v1/scores/runs/{id}"), &w.viewer)
            .await;
        assert_eq!(old["state"], "replaced");
        assert_eq!(old["replaced_by"], fixed_id);
        assert_eq!(old["content_hash"], json!(hash));
        assert_eq!(
            result(&old, "agency_id", json!(w.byt))["score"],
            json!(16.67)
        );
        // It cannot be replaced twice.
        let (s, _) = publish(
            json!({"month": "2025-10", "publish": true, "replaces": id, "reason": "lần nữa"}),
            w.admin.clone(),
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT, "[{b}]");
        // The breakdown and rankings follow the run in force.
        let card = api
            .get(
                &format!("/api/v1/scores/agencies/{}?month=2025-10", w.byt),
                &w.viewer,
            )
            .await;
        assert_eq!(card["run_id"], fixed_id);
        assert_eq!(card["score"], json!(43.33));
        let runs = api
            .get("/api/v1/scores/runs?month=2025-10", &w.viewer)
            .await;
        assert_eq!(runs.as_array().unwrap().len(), 2);
    }
}

#[tokio::test]
async fn rankings_movement_breakdown_and_permissions() {
    for api in apis().await {
        let w = build_world(&api).await;
        let b = api.backend;
        for month in ["2025-09", "2025-10"] {
            let (s, body) = api
                .call(
                    "POST",
                    "/api/v1/scores/runs",
                    Some(&w.admin),
                    Some(json!({"month": month, "publish": true})),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "[{b}] {body}");
        }
        let central = api
            .get(
                "/api/v1/scores/rankings?month=2025-10&group=central",
                &w.viewer,
            )
            .await;
        let rows = central["rows"].as_array().unwrap();
        let view: Vec<(i64, i64, f64, Option<i64>)> = rows
            .iter()
            .map(|r| {
                (
                    r["agency_id"].as_i64().unwrap(),
                    r["rank"].as_i64().unwrap(),
                    r["score"].as_f64().unwrap(),
                    r["movement"].as_i64(),
                )
            })
            .collect();
        // In September both scored 0 and shared rank 1; in October BTC stays first,
        // BYT drops to second.
        assert_eq!(
            view,
            vec![(w.btc, 1, 68.0, Some(0)), (w.byt, 2, 16.67, Some(-1))],
            "[{b}] {central}"
        );
        assert_eq!(central["best"][0]["agency_id"], w.btc);
        assert_eq!(
            central["worst"].as_array().unwrap().last().unwrap()["agency_id"],
            w.byt
        );
        assert!(central["previous_run_id"].is_i64());
        let provinces = api
            .get(
                "/api/v1/scores/rankings?month=2025-10&group=provinces",
                &w.viewer,
            )
            .await;
        assert_eq!(provinces["rows"][0]["agency_id"], w.hn);
        let (s, _) = api
            .call(
                "GET",
                "/api/v1/scores/rankings?month=2025-10&group=xyz",
                Some(&w.viewer),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let (s, _) = api
            .call(
                "GET",
                "/api/v1/scores/rankings?month=2025-08&group=central",
                Some(&w.viewer),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        // The breakdown, line by line.
        let card = api
            .get(
                &format!("/api/v1/scores/agencies/{}?month=2025-10", w.byt),
                &w.focal_byt,
            )
            .await;
        let lines: Vec<(String, f64)> = card["breakdown"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                (
                    l["rule"].as_str().unwrap().to_string(),
                    l["points"].as_f64().unwrap(),
                )
            })
            .collect();
        let mut sorted = lines.clone();
        sorted.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(
            sorted,
            vec![
                ("commitment_broken".to_string(), -5.0),
                ("completed_on_time".to_string(), 10.0),
                ("overdue".to_string(), -5.0),
                ("recurring_reported".to_string(), 5.0)
            ],
            "[{b}] {card}"
        );
        let overdue = card["breakdown"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["rule"] == "overdue")
            .unwrap();
        assert_eq!(overdue["days_late"], 46);
        assert_eq!(overdue["due"], "2025-09-15");
        // A focal point sees its own agency only.
        let (s, _) = api
            .call(
                "GET",
                &format!("/api/v1/scores/agencies/{}?month=2025-10", w.btc),
                Some(&w.focal_byt),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "[{b}]");
        let run_id = card["run_id"].as_i64().unwrap();
        let run = api
            .get(&format!("/api/v1/scores/runs/{run_id}"), &w.focal_byt)
            .await;
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), 1, "[{b}] {run}");
        assert_eq!(results[0]["agency_id"], w.byt);
        let all = api
            .get(&format!("/api/v1/scores/runs/{run_id}"), &w.viewer)
            .await;
        assert_eq!(
            all["results"].as_array().unwrap().len(),
            5,
            "3 agencies and 2 leaders"
        );
        // An agency with nothing scorable has no score (not 100).
        let bca = agency_id(&api, &w.admin, "Bộ Công an").await;
        let none = api
            .get(
                &format!("/api/v1/scores/agencies/{bca}?month=2025-10"),
                &w.viewer,
            )
            .await;
        assert_eq!(none["score"], Value::Null);
        assert_eq!(none["breakdown"].as_array().unwrap().len(), 0);
    }
}

#[tokio::test]
async fn rules_are_versioned_and_new_runs_use_the_active_one() {
    for api in apis().await {
        let w = build_world(&api).await;
        let b = api.backend;
        let rules = api.get("/api/v1/scores/rules", &w.viewer).await;
        assert_eq!(rules.as_array().unwrap().len(), 1);
        assert_eq!(
            (
                &rules[0]["version"],
                &rules[0]["builtin"],
                &rules[0]["active"]
            ),
            (&json!(0), &json!(true), &json!(true))
        );
        let body = rules[0]["body"].as_str().unwrap().to_string();
        let (s, _) = api
            .call(
                "POST",
                "/api/v1/scores/runs",
                Some(&w.admin),
                Some(json!({"month": "2025-10", "publish": true})),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED);
        let (s, _) = api
            .call(
                "POST",
                "/api/v1/scores/rules",
                Some(&w.viewer),
                Some(json!({"body": body})),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let bad = body.replace("{ points = 1 }", "{ up_to_days = 365, points = 1 }");
        let (s, e) = api
            .call(
                "POST",
                "/api/v1/scores/rules",
                Some(&w.admin),
                Some(json!({"body": bad})),
            )
            .await;
        assert_eq!(
            (s, e["field"].as_str()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("body.completed.late[3]")
            ),
            "[{b}] {e}"
        );
        let doubled = body.replace("on_time = 10", "on_time = 20");
        let (s, v) = api
            .call(
                "POST",
                "/api/v1/scores/rules",
                Some(&w.admin),
                Some(json!({"body": doubled})),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "[{b}] {v}");
        assert_eq!(v["version"], 1);
        // BYT under the new rules: 20 − 5 + 5 − 5 = 15 of 20+20+5+5 → 30.
        let preview = api
            .call(
                "POST",
                "/api/v1/scores/runs",
                Some(&w.admin),
                Some(json!({"month": "2025-10"})),
            )
            .await
            .1;
        assert_eq!(preview["rules_version"], 1);
        assert_eq!(
            result(&preview, "agency_id", json!(w.byt))["score"],
            json!(30.0),
            "[{b}] {preview}"
        );
        // The published run keeps the rules it was computed with.
        let card = api
            .get(
                &format!("/api/v1/scores/agencies/{}?month=2025-10", w.byt),
                &w.viewer,
            )
            .await;
        assert_eq!(card["score"], json!(16.67));
        let runs = api.get("/api/v1/scores/runs", &w.viewer).await;
        assert_eq!(runs[0]["rules_version"], 0);
        let rules = api.get("/api/v1/scores/rules", &w.viewer).await;
        assert_eq!(
            (&rules[0]["version"], &rules[0]["active"]),
            (&json!(1), &json!(true))
        );
        assert_eq!(rules[1]["active"], false);
    }
}

/// The default rules recomputed here from the assignments the API lists (their
/// status at the end of the month and of the month before), independently of the
/// scoring code, for every agency of the demo data. The demo has no leaders,
/// reports, commitments or priorities other than 2; every field weighs 100.
#[tokio::test]
async fn demo_month_scores_follow_the_rules() {
    for api in apis().await {
        api.service.load_demo().await.unwrap();
        let b = api.backend;
        let viewer = api.user("xem", "viewer", None).await;
        let month = "2025-10";
        let (first, last, prev_last) = (d("2025-10-01"), d("2025-10-31"), d("2025-09-30"));
        let preview = api
            .call(
                "POST",
                "/api/v1/scores/runs",
                Some(&viewer),
                Some(json!({"month": month})),
            )
            .await
            .1;
        let listed = |as_of: NaiveDate| {
            let api = &api;
            let viewer = viewer.clone();
            async move {
                let mut out: HashMap<i64, Value> = HashMap::new();
                let mut page = 1;
                loop {
                    let p = api
                        .get(
                            &format!("/api/v1/assignments?per_page=1000&page={page}&as_of={as_of}"),
                            &viewer,
                        )
                        .await;
                    let items = p["items"].as_array().unwrap();
                    for a in items {
                        out.insert(a["id"].as_i64().unwrap(), a.clone());
                    }
                    if items.len() < 1000 {
                        break;
                    }
                    page += 1;
                }
                out
            }
        };
        let now = listed(last).await;
        let before = listed(prev_last).await;
        let late_points = |days: i64| match days {
            ..=7 => 7,
            8..=30 => 5,
            31..=90 => 3,
            _ => 1,
        };
        let penalty = |days: i64| match days {
            ..=30 => -2,
            31..=90 => -5,
            91..=180 => -8,
            _ => -10,
        };
        let mut expected: HashMap<i64, (i64, i64)> = HashMap::new();
        for (id, a) in &now {
            let status = a["status"].as_str().unwrap();
            let done = a["completed_on"].as_str().map(d);
            let due = a["deadline"]["due"].as_str().map(d);
            let was_done = before
                .get(id)
                .is_some_and(|p| p["completed_on"].is_string());
            let (earned, possible) = match (status, done) {
                ("cancelled", _) => continue,
                (_, Some(done))
                    if (done >= first && done <= last) || (done < first && !was_done) =>
                {
                    match due {
                        Some(due) if done > due => (late_points((done - due).num_days()), 10),
                        _ => (10, 10),
                    }
                }
                (_, Some(_)) => continue,
                ("recurring", None) => (0, 5),
                ("overdue", None) => (penalty((last - due.unwrap()).num_days()), 10),
                _ => continue,
            };
            let e = expected
                .entry(a["agency_id"].as_i64().unwrap())
                .or_default();
            e.0 += earned;
            e.1 += possible;
        }
        assert!(
            expected.len() > 10,
            "[{b}] the demo has scorable work in October"
        );
        let results = preview["results"].as_array().unwrap();
        let agencies: Vec<&Value> = results
            .iter()
            .filter(|r| r["subject"] == "agency")
            .collect();
        assert_eq!(agencies.len(), expected.len(), "[{b}] {preview}");
        let mut checked = 0;
        for r in agencies {
            let id = r["agency_id"].as_i64().unwrap();
            let (earned, possible) = expected[&id];
            assert_eq!(
                (
                    r["earned"].as_f64().unwrap(),
                    r["possible"].as_f64().unwrap()
                ),
                (earned as f64, possible as f64),
                "[{b}] {r}"
            );
            let score = (100.0 * earned.max(0) as f64 / possible as f64 * 100.0).round() / 100.0;
            assert_eq!(r["score"].as_f64().unwrap(), score, "[{b}] {r}");
            checked += 1;
        }
        assert!(checked > 10);
    }
}

/// A run scores each task with the priority, field and leader it had at the end
/// of the month: an edit made later changes nothing in that month, one made
/// within it does.
#[tokio::test]
async fn tasks_weigh_and_belong_to_leaders_as_they_stood_at_the_end_of_the_month() {
    for api in apis().await {
        let w = build_world(&api).await;
        let b = api.backend;
        let october = || async {
            let (s, run) = api
                .call(
                    "POST",
                    "/api/v1/scores/runs",
                    Some(&w.viewer),
                    Some(json!({"month": "2025-10"})),
                )
                .await;
            assert_eq!(s, StatusCode::OK, "[{b}] {run}");
            run
        };
        let before = october().await;
        // Today: task 4 loses its priority, task 1 moves to another leader, and
        // Bộ Y tế's broken commitment (20/10) is moved to December.
        let commitments = api
            .get(&format!("/api/v1/commitments?agency={}", w.byt), &w.admin)
            .await;
        let byt_commitment = commitments["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["committed_on"] == json!("2025-10-20"))
            .unwrap_or_else(|| panic!("[{b}] {commitments}"))["id"]
            .as_i64()
            .unwrap();
        for (path, patch) in [
            (
                format!("/api/v1/tasks/{}", w.tasks[3]),
                json!({"priority": 3}),
            ),
            (
                format!("/api/v1/tasks/{}", w.tasks[0]),
                json!({"leader": "Phó Thủ tướng C"}),
            ),
            (
                format!("/api/v1/commitments/{byt_commitment}"),
                json!({"committed_on": "2025-12-20", "letter_number": "15/CV"}),
            ),
        ] {
            let (s, body) = api.call("PATCH", &path, Some(&w.admin), Some(patch)).await;
            assert_eq!(s, StatusCode::OK, "[{b}] {path}: {body}");
        }
        let after = october().await;
        assert_eq!(after["results"], before["results"], "[{b}] {after}");
        assert_eq!(
            result(&after, "agency_id", json!(w.hn))["score"],
            json!(83.33),
            "[{b}] priority 1 as on 31/10"
        );
        assert!(
            after["results"]
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["leader"] != json!("Phó Thủ tướng C")),
            "[{b}] {after}"
        );
        // An edit recorded on 15/10 holds for October: task 2 goes to leader D,
        // and A keeps task 1 alone: 10 + 7 of 20.
        api.service
            .store
            .update_task(
                w.tasks[1],
                &TaskPatch {
                    leader: Some(Some("Phó Thủ tướng D".into())),
                    ..TaskPatch::default()
                },
                &Stamp::backdated(Some(w.office.user_id), on("2025-10-15")),
            )
            .await
            .unwrap();
        let moved = october().await;
        let a = result(&moved, "leader", json!("Phó Thủ tướng A"));
        assert_eq!(
            (&a["score"], &a["possible"]),
            (&json!(85.0), &json!(20.0)),
            "[{b}] {a}"
        );
        let d = result(&moved, "leader", json!("Phó Thủ tướng D"));
        assert_eq!(d["possible"], json!(30.0), "[{b}] {d}");
    }
}
