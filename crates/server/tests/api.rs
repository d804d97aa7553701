//! The tracking core through its JSON API, on SQLite and on PostgreSQL.

mod common;

use axum::http::StatusCode;
use chrono::NaiveDate;
use serde_json::{Value, json};
use tiendo_core::time::{end_of_day, start_of_day};
use tiendo_service::import::ImportOptions;
use tiendo_service::input::{AssignmentPatchInput, DocumentInput};
use tiendo_store::Stamp;

use common::{Api, apis};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn gold_appendix() -> Vec<Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/corpus/365-TB-VPCP_2025-07-16.gold.jsonl"
    );
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|v| v["ref"].as_str().unwrap().starts_with("PL."))
        .collect()
}

/// The cells of the appendix of 365/TB-VPCP as the notice writes them: each row's
/// number ("1.", "29-") is followed by its task, on one line or more, then the
/// document that assigned it.
fn appendix_cells(gold: &[Value]) -> Vec<String> {
    let text = include_str!("../../../data/corpus/365-TB-VPCP_2025-07-16.txt");
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let mut at = lines.iter().position(|l| *l == "PHỤ LỤC").unwrap();
    let mut cells = Vec::new();
    for (n, g) in gold.iter().enumerate() {
        let number = [format!("{}.", n + 1), format!("{}-", n + 1)];
        while !number.iter().any(|k| k == lines[at]) {
            at += 1;
        }
        let mut cell = Vec::new();
        at += 1;
        while lines[at] != g["source_doc"].as_str().unwrap() {
            cell.push(lines[at]);
            at += 1;
        }
        cells.push(cell.join(" "));
    }
    cells
}

fn names(v: &Value) -> Vec<String> {
    let mut n: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect();
    n.sort();
    n
}

#[tokio::test]
async fn overdue_report_on_16_07_2025_is_the_appendix_of_365() {
    for api in apis().await {
        let summary = api.service.load_demo().await.expect("demo");
        assert_eq!(summary.documents, 5);
        let token = api.user("lanhdao", "viewer", None).await;
        let report = api
            .get("/api/v1/reports/overdue?as_of=2025-07-16", &token)
            .await;
        let rows = report["rows"].as_array().unwrap();
        let gold = gold_appendix();
        assert_eq!(rows.len(), 33, "[{}] {report}", api.backend);
        // Every row's task is its whole cell of the appendix, never its first words
        // only ("… hỗ trợ phân").
        for (row, cell) in rows.iter().zip(appendix_cells(&gold)) {
            assert_eq!(row["task"].as_str().unwrap(), cell, "[{}]", api.backend);
        }
        assert!(
            rows[0]["task"]
                .as_str()
                .unwrap()
                .ends_with("hỗ trợ phân tích, cảnh báo thiên tai, ứng phó với biến đổi khí hậu và bảo vệ môi trường")
        );
        for (row, g) in rows.iter().zip(&gold) {
            let start: String = g["text"].as_str().unwrap().chars().take(40).collect();
            assert!(
                row["task"].as_str().unwrap().starts_with(&start),
                "[{}] order: {} vs {}",
                api.backend,
                row["task"],
                g["text"]
            );
            assert_eq!(
                names(&row["incomplete"]),
                names(&g["incomplete"]),
                "[{}] {}",
                api.backend,
                g["ref"]
            );
            assert_eq!(
                row["deadline"], g["deadline"]["due"],
                "[{}] {}",
                api.backend, g["ref"]
            );
            assert_eq!(
                row["source_document"], g["source_doc"],
                "[{}] {}",
                api.backend, g["ref"]
            );
        }
        // The day before, the system had not yet been told of the appendix.
        let before = api
            .get("/api/v1/reports/overdue?as_of=2025-07-15", &token)
            .await;
        assert_eq!(
            before["rows"].as_array().unwrap().len(),
            0,
            "[{}] {before}",
            api.backend
        );
        // Later completions do not change the past, but do change later days.
        let later = api
            .get("/api/v1/reports/overdue?as_of=2025-12-31", &token)
            .await;
        let appendix_rows_then = later["rows"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["source_document"] != Value::Null)
            .count();
        assert!(appendix_rows_then > 0);
        let again = api
            .get("/api/v1/reports/overdue?as_of=2025-07-16", &token)
            .await;
        assert_eq!(again, report);
    }
}

/// A document with one task for Bộ Y tế and Bộ Tài chính, and users of each role.
struct World {
    api: Api,
    admin: String,
    focal: String,
    other_focal: String,
    viewer: String,
    task: i64,
    own_assignment: i64,
    other_assignment: i64,
}

async fn world(api: Api) -> World {
    let admin = api.user("vanphong", "admin", None).await;
    let focal = api.user("daumoi.byt", "focal", Some("Bộ Y tế")).await;
    let other_focal = api.user("daumoi.btc", "focal", Some("BTC")).await;
    let viewer = api.user("lanhdao", "viewer", None).await;
    let (s, doc) = api
        .call("POST", "/api/v1/documents", Some(&admin), Some(json!({"number": "1/TB-TEST", "kind": "Thông báo", "title": "Kết luận thử", "issued_on": "2025-11-16"})))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{doc}");
    let (s, task) = api
        .call(
            "POST",
            "/api/v1/tasks",
            Some(&admin),
            Some(json!({"document_id": doc["id"], "ref": "1", "text": "Hoàn thiện cơ sở dữ liệu đất đai", "deadline": {"kind": "month", "due": "2026-12-01", "raw": "trong tháng 12/2026"}, "lead": ["Bộ Y tế", "Bộ Tài chính"], "coord": ["Bộ Công an"]})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{task}");
    assert_eq!(task["deadline"]["due"], "2026-12-31");
    let task_id = task["id"].as_i64().unwrap();
    let list = api
        .get(&format!("/api/v1/assignments?task={task_id}"), &admin)
        .await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    let by_name = |n: &str| {
        items.iter().find(|a| a["agency_name"] == n).unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    World {
        own_assignment: by_name("Bộ Y tế"),
        other_assignment: by_name("Bộ Tài chính"),
        api,
        admin,
        focal,
        other_focal,
        viewer,
        task: task_id,
    }
}

#[tokio::test]
async fn permissions_matrix_every_role_on_every_write() {
    for api in apis().await {
        let w = world(api).await;
        let api = &w.api;
        let own = w.own_assignment;
        let other = w.other_assignment;
        // (method, path, body) for every write; expected status per role.
        let report =
            |a: i64| json!({"assignment_id": a, "narrative": "Đang triển khai", "percent": 40});
        let extension = |a: i64| json!({"assignment_id": a, "deadline": {"kind": "date", "due": "2027-03-31"}, "reason": "Chờ hướng dẫn"});
        let commitment = |a: i64| json!({"assignment_id": a, "committed_on": "2027-01-15", "letter_number": "12/CK-BYT"});
        let writes: Vec<(&str, String, Value, [u16; 3])> = vec![
            // expected for [admin, focal(Bộ Y tế), viewer]
            (
                "POST",
                "/api/v1/documents".into(),
                json!({"kind": "Thông báo", "title": "Khác"}),
                [201, 403, 403],
            ),
            (
                "PATCH",
                "/api/v1/tasks/TASK".into(),
                json!({"priority": 1}),
                [200, 403, 403],
            ),
            (
                "POST",
                "/api/v1/tasks".into(),
                json!({"document_id": 1, "text": "Việc mới", "deadline": {"kind": "none"}, "lead": ["BYT"]}),
                [201, 403, 403],
            ),
            (
                "POST",
                "/api/v1/agencies".into(),
                json!({"code": "so-test", "kind": "other", "name": "Sở thử"}),
                [201, 403, 403],
            ),
            (
                "POST",
                "/api/v1/users".into(),
                json!({"username": "moi", "password": "mật khẩu dài", "role": "viewer"}),
                [201, 403, 403],
            ),
            (
                "POST",
                "/api/v1/progress-reports".into(),
                report(own),
                [201, 201, 403],
            ),
            (
                "POST",
                "/api/v1/progress-reports".into(),
                report(other),
                [201, 403, 403],
            ),
            (
                "POST",
                "/api/v1/extensions".into(),
                extension(own),
                [201, 201, 403],
            ),
            (
                "POST",
                "/api/v1/extensions".into(),
                extension(other),
                [201, 403, 403],
            ),
            (
                "POST",
                "/api/v1/commitments".into(),
                commitment(own),
                [201, 201, 403],
            ),
            (
                "POST",
                "/api/v1/commitments".into(),
                commitment(other),
                [201, 403, 403],
            ),
            (
                "PATCH",
                format!("/api/v1/assignments/{other}"),
                json!({"cancelled": false, "deadline": {"kind": "month", "due": "2026-12-31"}}),
                [200, 403, 403],
            ),
        ];
        let roles = [
            ("admin", &w.admin),
            ("focal", &w.focal),
            ("viewer", &w.viewer),
        ];
        for (method, path, body, expected) in &writes {
            let path = path.replace("TASK", &w.task.to_string());
            let (status, answer) = api.call(method, &path, None, Some(body.clone())).await;
            assert_eq!(
                status,
                StatusCode::UNAUTHORIZED,
                "[{}] anonymous {method} {path}: {answer}",
                api.backend
            );
            for (i, (role, token)) in roles.iter().enumerate() {
                let mut body = body.clone();
                if path == "/api/v1/agencies" {
                    body["code"] = json!(format!("so-test-{role}"));
                }
                if path == "/api/v1/users" {
                    body["username"] = json!(format!("moi-{role}"));
                }
                let (status, answer) = api.call(method, &path, Some(token), Some(body)).await;
                assert_eq!(
                    status.as_u16(),
                    expected[i],
                    "[{}] {role} {method} {path}: {answer}",
                    api.backend
                );
            }
        }
        // Reviews and decisions are the office's.
        let (_, r) = api.call("POST", "/api/v1/progress-reports", Some(&w.focal), Some(json!({"assignment_id": own, "narrative": "Đã xong", "claims_completion": true, "completed_on": "2025-12-01"}))).await;
        let review = format!("/api/v1/progress-reports/{}/review", r["id"]);
        for token in [&w.focal, &w.viewer, &w.other_focal] {
            let (status, _) = api
                .call("POST", &review, Some(token), Some(json!({"accept": true})))
                .await;
            assert_eq!(status, StatusCode::FORBIDDEN);
        }
        let (status, body) = api
            .call(
                "POST",
                &review,
                Some(&w.admin),
                Some(json!({"accept": true})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let a = api
            .get(&format!("/api/v1/assignments/{own}"), &w.admin)
            .await;
        assert_eq!(a["status"], "completed_on_time", "[{}] {a}", api.backend);
        // A focal point sees only its own agency's work, and the server refuses the rest.
        let (status, _) = api
            .call(
                "GET",
                &format!("/api/v1/assignments/{other}"),
                Some(&w.focal),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let mine = api.get("/api/v1/assignments", &w.focal).await;
        assert!(
            mine["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|a| a["agency_name"] == "Bộ Y tế")
        );
        let (status, _) = api
            .call("GET", "/api/v1/events", Some(&w.focal), None)
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        // Every write is in the audit history with who made it.
        let events = api
            .get(
                "/api/v1/events?entity=progress_report&per_page=100",
                &w.admin,
            )
            .await;
        assert!(
            events["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["actor_name"] == "daumoi.byt" && e["action"] == "create")
        );
        let history = api
            .get(&format!("/api/v1/tasks/{}/history", w.task), &w.admin)
            .await;
        let actions: Vec<&str> = history
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert!(
            actions.contains(&"complete")
                && actions.contains(&"accept")
                && actions.contains(&"request"),
            "{actions:?}"
        );
    }
}

#[tokio::test]
async fn status_as_of_a_date_follows_history_extensions_and_late_completion() {
    for api in apis().await {
        let system = tiendo_core::policy::Actor {
            user_id: 0,
            username: "t".into(),
            role: tiendo_core::policy::Role::Admin,
            agency_id: None,
        };
        let doc = DocumentInput {
            number: Some("9/TB".into()),
            kind: "Thông báo".into(),
            title: "Thử".into(),
            issued_on: Some(d("2025-05-01")),
            issuer: None,
            signer: None,
            body: None,
        };
        let gold = r#"{"ref": "1", "text": "Xây dựng kế hoạch", "lead": ["Bộ Y tế"], "coord": [], "deadline": {"kind": "date", "due": "2025-06-30", "raw": "trước ngày 30/6/2025"}}
{"ref": "2", "text": "Báo cáo định kỳ", "lead": ["Bộ Y tế"], "coord": [], "deadline": {"kind": "recurring", "due": null, "raw": "nhiệm vụ thường xuyên"}}
{"ref": "3", "text": "Gắn với sự kiện", "lead": ["Bộ Y tế"], "coord": [], "deadline": {"kind": "event", "due": null, "raw": "cùng thời điểm Luật có hiệu lực"}}
{"ref": "4", "text": "Trong quý", "lead": ["Bộ Y tế"], "coord": [], "deadline": {"kind": "quarter", "due": "2025-09-30", "raw": "trong Quý III/2025"}}"#;
        let summary = api
            .service
            .import_jsonl(
                &system,
                gold,
                ImportOptions {
                    document: Some(doc),
                    recorded_at: Some(start_of_day(d("2025-05-01")) + 3_600_000_000),
                },
            )
            .await
            .unwrap();
        let token = api.user("xem", "viewer", None).await;
        let ids = &summary.task_ids;
        let status_of = |v: &Value| v["status"].as_str().unwrap().to_string();
        let task = |id: i64, day: &str| format!("/api/v1/tasks/{id}?as_of={day}");
        assert_eq!(
            status_of(&api.get(&task(ids[0], "2025-06-01"), &token).await),
            "in_progress"
        );
        assert_eq!(
            status_of(&api.get(&task(ids[0], "2025-06-25"), &token).await),
            "due_soon"
        );
        assert_eq!(
            status_of(&api.get(&task(ids[0], "2025-07-16"), &token).await),
            "overdue"
        );
        assert_eq!(
            status_of(&api.get(&task(ids[1], "2025-07-16"), &token).await),
            "recurring"
        );
        assert_eq!(
            status_of(&api.get(&task(ids[2], "2025-07-16"), &token).await),
            "in_progress"
        );
        assert_eq!(
            status_of(&api.get(&task(ids[3], "2025-09-30"), &token).await),
            "due_soon"
        );
        assert_eq!(
            status_of(&api.get(&task(ids[3], "2025-10-01"), &token).await),
            "overdue"
        );
        // Not yet known on 30/04.
        let (s, _) = api
            .call(
                "GET",
                &format!("/api/v1/assignments?task={}&as_of=2025-04-30", ids[0]),
                Some(&token),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        let before = api
            .get(
                &format!("/api/v1/assignments?task={}&as_of=2025-04-30", ids[0]),
                &token,
            )
            .await;
        assert_eq!(before["total"], 0);
        // Completed on 10/07, confirmed on 20/07: overdue on 16/07, late afterwards.
        let assignment = api
            .get(&format!("/api/v1/assignments?task={}", ids[0]), &token)
            .await["items"][0]["id"]
            .as_i64()
            .unwrap();
        let on_16 = api.get(&task(ids[0], "2025-07-16"), &token).await;
        api.service
            .patch_assignment_stamped(
                &system,
                assignment,
                &AssignmentPatchInput {
                    completed_on: Some(d("2025-07-10")),
                    reopen: None,
                    cancelled: None,
                    deadline: None,
                    note: None,
                },
                Stamp::backdated(None, end_of_day(d("2025-07-20")) - 1),
            )
            .await
            .unwrap();
        assert_eq!(
            api.get(&task(ids[0], "2025-07-16"), &token).await,
            on_16,
            "the past does not change"
        );
        assert_eq!(
            status_of(&api.get(&task(ids[0], "2025-07-21"), &token).await),
            "completed_late"
        );
        let a = api
            .get(
                &format!("/api/v1/assignments/{assignment}?as_of=2025-07-21"),
                &token,
            )
            .await;
        assert_eq!(a["days_late"], 10);
        // An approved extension moves today's deadline and keeps the old one in the past.
        let admin = api.user("vp", "admin", None).await;
        let quarter = api
            .get(&format!("/api/v1/assignments?task={}", ids[3]), &token)
            .await["items"][0]["id"]
            .as_i64()
            .unwrap();
        let (s, x) = api
            .call("POST", "/api/v1/extensions", Some(&admin), Some(json!({"assignment_id": quarter, "deadline": {"kind": "year", "due": "2027-01-01"}, "reason": "Chờ Luật"})))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{x}");
        let decision = format!("/api/v1/extensions/{}/decision", x["id"]);
        let (s, body) = api
            .call(
                "POST",
                &decision,
                Some(&admin),
                Some(json!({"approve": false})),
            )
            .await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "refusal needs a reason: {body}"
        );
        let (s, body) = api
            .call(
                "POST",
                &decision,
                Some(&admin),
                Some(json!({"approve": true})),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{body}");
        let (s, _) = api
            .call(
                "POST",
                &decision,
                Some(&admin),
                Some(json!({"approve": true})),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "decided once");
        let now = api
            .get(&format!("/api/v1/assignments/{quarter}"), &token)
            .await;
        assert_eq!(now["deadline"]["due"], "2027-12-31");
        assert_eq!(now["status"], "in_progress");
        let then = api
            .get(
                &format!("/api/v1/assignments/{quarter}?as_of=2025-10-01"),
                &token,
            )
            .await;
        assert_eq!(then["deadline"]["due"], "2025-09-30");
        assert_eq!(then["status"], "overdue");
    }
}

#[tokio::test]
async fn bad_input_is_refused_with_the_field_and_nothing_is_stored() {
    for api in apis().await {
        let w = world(api).await;
        let api = &w.api;
        let count = |v: &Value| v["total"].as_i64().unwrap();
        let before = count(&api.get("/api/v1/tasks", &w.admin).await);
        // Malformed JSON.
        let (s, body) = api
            .raw(
                "POST",
                "/api/v1/tasks",
                Some(&w.admin),
                "{\"document_id\": 1, \"text\": ",
            )
            .await;
        assert!(
            s == StatusCode::BAD_REQUEST || s == StatusCode::UNPROCESSABLE_ENTITY,
            "{s} {body}"
        );
        assert!(body["error"].as_str().unwrap().contains("JSON"), "{body}");
        // Unknown agency, with a suggestion.
        let (s, body) = api
            .call("POST", "/api/v1/tasks", Some(&w.admin), Some(json!({"document_id": 1, "text": "Việc", "deadline": {"kind": "none"}, "lead": ["Bo Y te ABC"]})))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["field"], "lead[0]");
        // Impossible dates, in the body and in the query.
        let (s, body) = api
            .call("POST", "/api/v1/tasks", Some(&w.admin), Some(json!({"document_id": 1, "text": "Việc", "deadline": {"kind": "date", "due": "2025-02-30"}, "lead": ["BYT"]})))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let (s, body) = api
            .call(
                "GET",
                "/api/v1/reports/overdue?as_of=2025-02-30",
                Some(&w.admin),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["field"], "as_of", "{body}");
        // A deadline whose kind needs a day, without one; an unknown field.
        let (s, body) = api
            .call("POST", "/api/v1/tasks", Some(&w.admin), Some(json!({"document_id": 1, "text": "Việc", "deadline": {"kind": "date"}, "lead": ["BYT"]})))
            .await;
        assert_eq!(
            (s, body["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("deadline")),
            "{body}"
        );
        let (s, body) = api
            .call("POST", "/api/v1/tasks", Some(&w.admin), Some(json!({"document_id": 1, "text": "Việc", "deadline": {"kind": "none"}, "lead": ["BYT"], "colour": "red"})))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["field"], "colour", "{body}");
        // Percent out of range; bad status filter.
        let (s, body) = api
            .call(
                "POST",
                "/api/v1/progress-reports",
                Some(&w.focal),
                Some(json!({"assignment_id": w.own_assignment, "narrative": "x", "percent": 140})),
            )
            .await;
        assert_eq!(
            (s, body["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("percent"))
        );
        let (s, body) = api
            .call("GET", "/api/v1/tasks?status=late", Some(&w.admin), None)
            .await;
        assert_eq!(
            (s, body["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("status"))
        );
        assert_eq!(
            count(&api.get("/api/v1/tasks", &w.admin).await),
            before,
            "nothing stored"
        );
        // An import with one bad line imports nothing, and says which line.
        let system = tiendo_core::policy::Actor {
            user_id: 0,
            username: "t".into(),
            role: tiendo_core::policy::Role::Admin,
            agency_id: None,
        };
        let file = "{\"document\": {\"number\": \"77/TB\", \"kind\": \"Thông báo\", \"title\": \"Nhập\"}}\n\
            {\"ref\": \"1\", \"text\": \"Việc một\", \"lead\": [\"Bộ Y tế\"], \"coord\": [], \"deadline\": {\"kind\": \"none\", \"due\": null, \"raw\": \"\"}}\n\
            {\"ref\": \"2\", \"text\": \"Việc hai\", \"lead\": [\"Bộ Không Tồn Tại\"], \"coord\": [], \"deadline\": {\"kind\": \"none\", \"due\": null, \"raw\": \"\"}}\n";
        let err = api
            .service
            .import_jsonl(&system, file, ImportOptions::default())
            .await
            .unwrap_err();
        assert!(err.to_string().contains("line 3"), "{err}");
        let docs = api.get("/api/v1/documents?q=77/TB", &w.admin).await;
        assert_eq!(docs["total"], 0, "no half import: {docs}");
        // Re-importing the same file twice adds the tasks once.
        let good = file.lines().take(2).collect::<Vec<_>>().join("\n");
        let first = api
            .service
            .import_jsonl(&system, &good, ImportOptions::default())
            .await
            .unwrap();
        let second = api
            .service
            .import_jsonl(&system, &good, ImportOptions::default())
            .await
            .unwrap();
        assert_eq!(
            (
                first.tasks_created,
                second.tasks_created,
                second.tasks_already_present
            ),
            (1, 0, 1)
        );
        // Wrong password, unknown token.
        let (s, _) = api
            .call(
                "POST",
                "/api/v1/auth/login",
                None,
                Some(json!({"username": "vanphong", "password": "sai mật khẩu"})),
            )
            .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        // Guessing is slowed: after five failures, even the right password waits.
        for _ in 0..4 {
            let wrong = json!({"username": "vanphong", "password": "sai mật khẩu"});
            assert_eq!(
                api.call("POST", "/api/v1/auth/login", None, Some(wrong))
                    .await
                    .0,
                StatusCode::UNAUTHORIZED
            );
        }
        let right = json!({"username": "vanphong", "password": "mật khẩu tốt"});
        let (s, body) = api
            .call("POST", "/api/v1/auth/login", None, Some(right))
            .await;
        assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
        assert!(
            body["error"]
                .as_str()
                .unwrap()
                .contains("too many failed sign-ins"),
            "{body}"
        );
        // Other users are not affected.
        let other = json!({"username": "lanhdao", "password": "mật khẩu tốt"});
        assert_eq!(
            api.call("POST", "/api/v1/auth/login", None, Some(other))
                .await
                .0,
            StatusCode::OK
        );
        let (s, _) = api
            .call("GET", "/api/v1/tasks", Some("not-a-token"), None)
            .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        // Signing out, or deactivating the user, ends the session at once.
        assert_eq!(
            api.call("GET", "/api/v1/auth/me", Some(&w.viewer), None)
                .await
                .0,
            StatusCode::OK
        );
        assert_eq!(
            api.call("POST", "/api/v1/auth/logout", Some(&w.viewer), None)
                .await
                .0,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            api.call("GET", "/api/v1/auth/me", Some(&w.viewer), None)
                .await
                .0,
            StatusCode::UNAUTHORIZED
        );
        let me = api.get("/api/v1/auth/me", &w.other_focal).await;
        let (s, _) = api
            .call(
                "PATCH",
                &format!("/api/v1/users/{}", me["id"]),
                Some(&w.admin),
                Some(json!({"active": false})),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(
            api.call("GET", "/api/v1/auth/me", Some(&w.other_focal), None)
                .await
                .0,
            StatusCode::UNAUTHORIZED
        );
    }
}

#[tokio::test]
async fn search_ignores_diacritics_and_case_and_the_api_is_described() {
    for api in apis().await {
        let w = world(api).await;
        let api = &w.api;
        for q in ["dat%20dai", "DAT%20%C4%90AI", "co%20so%20du%20lieu"] {
            let found = api.get(&format!("/api/v1/tasks?q={q}"), &w.viewer).await;
            assert_eq!(found["total"], 1, "[{}] q={q}: {found}", api.backend);
        }
        let agencies = api
            .get("/api/v1/agencies?q=bo%20khoa%20hoc", &w.viewer)
            .await;
        assert!(
            agencies["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["name"] == "Bộ Khoa học và Công nghệ")
        );
        let by_agency = api
            .get("/api/v1/tasks?agency=BTC&status=in_progress", &w.viewer)
            .await;
        assert_eq!(by_agency["total"], 1);
        let none = api
            .get("/api/v1/tasks?agency=BTC&status=overdue", &w.viewer)
            .await;
        assert_eq!(none["total"], 0);
        // The list read from the spans alone and the one that needs task columns agree.
        let fast = api
            .get("/api/v1/tasks?agency=BYT&status=in_progress", &w.viewer)
            .await;
        let slow = api
            .get(
                "/api/v1/tasks?agency=BYT&status=in_progress&due_from=2000-01-01",
                &w.viewer,
            )
            .await;
        assert_eq!(fast["total"], slow["total"]);
        assert_eq!(fast["items"], slow["items"]);
        let empty_page = api
            .get(
                "/api/v1/tasks?agency=BYT&status=in_progress&page=9",
                &w.viewer,
            )
            .await;
        assert_eq!(
            (
                empty_page["total"].as_i64(),
                empty_page["items"].as_array().map(Vec::len)
            ),
            (Some(1), Some(0))
        );
        let (s, health) = api.call("GET", "/health", None, None).await;
        assert_eq!((s, health["status"].as_str()), (StatusCode::OK, Some("ok")));
        let (s, doc) = api.call("GET", "/api/openapi.json", None, None).await;
        assert_eq!(s, StatusCode::OK);
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
        for path in [
            "/api/v1/tasks",
            "/api/v1/reports/overdue",
            "/api/v1/auth/login",
        ] {
            assert!(doc["paths"][path].is_object(), "{path}");
        }
        assert!(doc["components"]["schemas"]["Task"].is_object());
    }
}

/// The SQL that filters by status and the Rust rule that computes it agree on
/// every kind of deadline, completion and cancellation, on many days.
#[tokio::test]
async fn status_filter_in_sql_agrees_with_the_status_rule() {
    use tiendo_core::status::Status;
    for api in apis().await {
        let system = tiendo_core::policy::Actor {
            user_id: 0,
            username: "t".into(),
            role: tiendo_core::policy::Role::Admin,
            agency_id: None,
        };
        let deadlines = [
            r#"{"kind": "date", "due": "2025-06-30", "raw": ""}"#,
            r#"{"kind": "date", "due": "2025-07-16", "raw": ""}"#,
            r#"{"kind": "month", "due": "2025-07-31", "raw": ""}"#,
            r#"{"kind": "quarter", "due": "2025-09-30", "raw": ""}"#,
            r#"{"kind": "year", "due": "2025-12-31", "raw": ""}"#,
            r#"{"kind": "recurring", "due": null, "raw": ""}"#,
            r#"{"kind": "event", "due": null, "raw": ""}"#,
            r#"{"kind": "none", "due": null, "raw": ""}"#,
        ];
        let lines: Vec<String> = deadlines
            .iter()
            .enumerate()
            .map(|(i, dl)| format!(r#"{{"ref": "{i}", "text": "Việc {i}", "lead": ["Bộ Y tế", "Bộ Tài chính", "Bộ Công an"], "coord": [], "deadline": {dl}}}"#))
            .collect();
        let doc = DocumentInput {
            number: Some("5/TB".into()),
            kind: "Thông báo".into(),
            title: "Thử".into(),
            issued_on: Some(d("2025-05-01")),
            issuer: None,
            signer: None,
            body: None,
        };
        api.service
            .import_jsonl(
                &system,
                &lines.join("\n"),
                ImportOptions {
                    document: Some(doc),
                    recorded_at: Some(start_of_day(d("2025-05-01"))),
                },
            )
            .await
            .unwrap();
        let token = api.user("xem", "viewer", None).await;
        let all = api.get("/api/v1/assignments?per_page=1000", &token).await;
        let ids: Vec<i64> = all["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids.len(), 24);
        // Vary the history: completions on time and late, cancellations.
        for (n, id) in ids.iter().enumerate() {
            let patch = match n % 4 {
                0 => AssignmentPatchInput {
                    completed_on: Some(d("2025-07-10")),
                    reopen: None,
                    cancelled: None,
                    deadline: None,
                    note: None,
                },
                1 => AssignmentPatchInput {
                    completed_on: None,
                    reopen: None,
                    cancelled: Some(true),
                    deadline: None,
                    note: None,
                },
                2 => AssignmentPatchInput {
                    completed_on: Some(d("2025-06-01")),
                    reopen: None,
                    cancelled: None,
                    deadline: None,
                    note: None,
                },
                _ => continue,
            };
            api.service
                .patch_assignment_stamped(
                    &system,
                    *id,
                    &patch,
                    Stamp::backdated(None, start_of_day(d("2025-07-20"))),
                )
                .await
                .unwrap();
        }
        for day in [
            "2025-06-25",
            "2025-07-16",
            "2025-07-25",
            "2025-09-30",
            "2026-01-05",
        ] {
            let mut by_rule: Vec<(i64, String)> = Vec::new();
            let all = api
                .get(
                    &format!("/api/v1/assignments?per_page=1000&as_of={day}"),
                    &token,
                )
                .await;
            for a in all["items"].as_array().unwrap() {
                by_rule.push((
                    a["id"].as_i64().unwrap(),
                    a["status"].as_str().unwrap().to_string(),
                ));
            }
            for status in Status::ALL {
                let filtered = api
                    .get(
                        &format!(
                            "/api/v1/assignments?per_page=1000&as_of={day}&status={}",
                            status.as_str()
                        ),
                        &token,
                    )
                    .await;
                let mut sql_ids: Vec<i64> = filtered["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a["id"].as_i64().unwrap())
                    .collect();
                let mut rule_ids: Vec<i64> = by_rule
                    .iter()
                    .filter(|(_, s)| s == status.as_str())
                    .map(|(id, _)| *id)
                    .collect();
                sql_ids.sort();
                rule_ids.sort();
                assert_eq!(
                    sql_ids,
                    rule_ids,
                    "[{}] {day} {}",
                    api.backend,
                    status.as_str()
                );
            }
        }
    }
}

/// Every operation the OpenAPI document lists is a route of the router with that
/// method (anonymous calls get 401 or a 4xx about the body, never 404 or 405).
#[tokio::test]
async fn the_openapi_table_and_the_router_agree() {
    let api = apis().await.into_iter().next().unwrap();
    for (method, path, ..) in tiendo_server::openapi::OPERATIONS {
        let concrete = path
            .replace("{id}", "1")
            .replace("{code}", "phu-song-5g")
            .replace("{period}", "2025-11");
        let (status, body) = api
            .call(&method.to_uppercase(), &concrete, None, Some(json!({})))
            .await;
        assert!(
            status != StatusCode::NOT_FOUND && status != StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}: {status} {body}"
        );
    }
    let (status, _) = api.call("GET", "/api/v1/no-such-thing", None, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// A sign-in to the API from a given client address (as `serve` supplies it).
async fn sign_in_from(
    api: &Api,
    from: [u8; 4],
    username: &str,
    password: &str,
) -> (StatusCode, Value) {
    use axum::body::Body;
    use axum::extract::ConnectInfo;
    let req = axum::http::Request::builder()
        .method("POST")
        .uri("/api/v1/auth/login")
        .header("content-type", "application/json")
        .extension(ConnectInfo(std::net::SocketAddr::from((from, 40_000))))
        .body(Body::from(
            json!({"username": username, "password": password}).to_string(),
        ))
        .unwrap();
    api.send(req).await
}

/// Trying one password on many accounts is slowed per client address, which the
/// per-username count never sees; other addresses are not affected.
#[tokio::test]
async fn failed_sign_ins_are_also_counted_per_client_address() {
    for api in apis().await {
        let b = api.backend;
        api.user("vanphong", "admin", None).await;
        let guesser = [203, 0, 113, 5];
        // Twenty failures, four per username: no username reaches its own limit.
        for i in 0..20 {
            let (s, body) = sign_in_from(&api, guesser, &format!("nguoi{}", i / 4), "123456").await;
            assert_eq!(s, StatusCode::UNAUTHORIZED, "[{b}] {body}");
            assert!(
                !body["error"].as_str().unwrap_or("").contains("too many"),
                "[{b}] attempt {i}: {body}"
            );
        }
        // The next attempt from that address waits, even with a right password.
        let (s, body) = sign_in_from(&api, guesser, "vanphong", "mật khẩu tốt").await;
        assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "[{b}] {body}");
        assert!(
            body["error"]
                .as_str()
                .unwrap()
                .contains("too many failed sign-ins from this address"),
            "[{b}] {body}"
        );
        // The same user from elsewhere signs in.
        let (s, body) = sign_in_from(&api, [198, 51, 100, 9], "vanphong", "mật khẩu tốt").await;
        assert_eq!(s, StatusCode::OK, "[{b}] {body}");
        assert!(body["token"].is_string(), "[{b}] {body}");
    }
}

/// Issue 14: the API's lists as of a day hold only what was recorded by its end
/// (Asia/Ho_Chi_Minh), each in the state it had then.
#[tokio::test]
async fn lists_as_of_a_day_hold_only_what_was_known_then() {
    for api in apis().await {
        let system = api.service.system_actor();
        let doc = DocumentInput {
            number: Some("14/TB-ASOF".into()),
            kind: "Thông báo".into(),
            title: "Thử as-of".into(),
            issued_on: Some(d("2025-05-01")),
            issuer: None,
            signer: None,
            body: None,
        };
        let gold = r#"{"ref": "1", "text": "Xây dựng kế hoạch", "lead": ["Bộ Y tế"], "coord": [], "deadline": {"kind": "date", "due": "2025-06-30", "raw": "trước ngày 30/6/2025"}}"#;
        let summary = api
            .service
            .import_jsonl(
                &system,
                gold,
                ImportOptions {
                    document: Some(doc),
                    recorded_at: Some(start_of_day(d("2025-05-01")) + 3_600_000_000),
                },
            )
            .await
            .unwrap();
        let token = api.user("xem", "viewer", None).await;
        let task = summary.task_ids[0];
        let list = api
            .get(&format!("/api/v1/assignments?task={task}"), &token)
            .await;
        let assignment = list["items"][0]["id"].as_i64().unwrap();
        // A completion report sent on 10/07/2025 (recorded then), accepted today.
        let report = api
            .service
            .store
            .create_report(
                &tiendo_store::NewReport {
                    assignment_id: assignment,
                    author_id: system.user_id,
                    reported_on: d("2025-07-10"),
                    percent: Some(100),
                    claims_completion: true,
                    completed_on: Some(d("2025-07-09")),
                    narrative: "Đã xong".into(),
                    difficulties: None,
                    proposals: None,
                    evidence_number: None,
                },
                &Stamp::backdated(
                    Some(system.user_id),
                    start_of_day(d("2025-07-10")) + 3_600_000_000,
                ),
            )
            .await
            .unwrap();
        // A commitment recorded on 12/07/2025, another today.
        for (on, at) in [
            (
                "2025-08-31",
                Some(start_of_day(d("2025-07-12")) + 3_600_000_000),
            ),
            ("2026-12-31", None),
        ] {
            api.service
                .create_commitment_stamped(
                    &system,
                    &serde_json::from_value(
                        json!({"assignment_id": assignment, "committed_on": on}),
                    )
                    .unwrap(),
                    tiendo_service::Service::system_stamp(at),
                )
                .await
                .unwrap();
        }
        api.service
            .review_report(
                &system,
                report,
                &serde_json::from_value(json!({"accept": true})).unwrap(),
            )
            .await
            .unwrap();
        let reports = |q: &str| format!("/api/v1/progress-reports?assignment={assignment}{q}");
        // Today: accepted. On 16/07/2025: sent, still waiting for review. On 09/07: not yet sent.
        let now = api.get(&reports(""), &token).await;
        assert_eq!(
            now["items"][0]["review_state"], "accepted",
            "[{}]",
            api.backend
        );
        let then = api.get(&reports("&as_of=2025-07-16"), &token).await;
        assert_eq!(then["total"], 1, "[{}] {then}", api.backend);
        assert_eq!(
            then["items"][0]["review_state"], "pending",
            "[{}]",
            api.backend
        );
        let pending = api
            .get(&reports("&as_of=2025-07-16&review_state=pending"), &token)
            .await;
        assert_eq!(pending["total"], 1, "[{}]", api.backend);
        let before = api.get(&reports("&as_of=2025-07-09"), &token).await;
        assert_eq!(before["total"], 0, "[{}]", api.backend);
        // The assignment was overdue on 16/07/2025, completed late today.
        let a = api
            .get(
                &format!("/api/v1/assignments/{assignment}?as_of=2025-07-16"),
                &token,
            )
            .await;
        assert_eq!(a["status"], "overdue", "[{}]", api.backend);
        // Commitments: one on 16/07/2025, two today.
        let c = |q: &str| format!("/api/v1/commitments?assignment={assignment}{q}");
        assert_eq!(api.get(&c(""), &token).await["total"], 2);
        let then = api.get(&c("&as_of=2025-07-16"), &token).await;
        assert_eq!(then["total"], 1, "[{}] {then}", api.backend);
        assert_eq!(then["items"][0]["committed_on"], "2025-08-31");
        // Documents: listed from the day they were recorded and issued.
        let docs = |q: &str| format!("/api/v1/documents?q=14%2FTB-ASOF{q}");
        assert_eq!(api.get(&docs(""), &token).await["total"], 1);
        assert_eq!(
            api.get(&docs("&as_of=2025-05-01"), &token).await["total"],
            1
        );
        assert_eq!(
            api.get(&docs("&as_of=2025-04-30"), &token).await["total"],
            0
        );
        let id = api.get(&docs(""), &token).await["items"][0]["id"]
            .as_i64()
            .unwrap();
        let (s, body) = api
            .call(
                "GET",
                &format!("/api/v1/documents/{id}?as_of=2025-04-30"),
                Some(&token),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "[{}] {body}", api.backend);
        api.get(&format!("/api/v1/documents/{id}?as_of=2025-05-01"), &token)
            .await;
        // The history as of 16/07/2025 holds the report but not today's review.
        let history = |q: &str| format!("/api/v1/tasks/{task}/history{q}");
        let all = api.get(&history(""), &token).await;
        let then = api.get(&history("?as_of=2025-07-16"), &token).await;
        let actions = |v: &Value| {
            v.as_array()
                .unwrap()
                .iter()
                .map(|e| e["action"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        };
        assert!(
            actions(&all).contains(&"accept".to_string()),
            "[{}]",
            api.backend
        );
        assert!(
            !actions(&then).contains(&"accept".to_string()),
            "[{}]",
            api.backend
        );
        assert!(actions(&then).contains(&"create".to_string()));
        // Extensions take as_of too.
        api.get(
            &format!("/api/v1/extensions?assignment={assignment}&as_of=2025-07-16"),
            &token,
        )
        .await;
    }
}
