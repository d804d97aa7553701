//! Spreadsheets in (docs/spreadsheets.md): templates download and open, filled
//! templates import through the API, and a file with any problem imports nothing
//! (rows, events and status buckets unchanged) and names every problem by row and
//! column. On SQLite and PostgreSQL.

mod common;

use std::io::Cursor;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use calamine::{Data, Reader, Xlsx};
use common::*;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use serde_json::{Value, json};
use tiendo_core::time::today;
use tiendo_service::sheets::{SheetKind, XLSX_MIME};
use tower::ServiceExt;

enum C {
    T(&'static str),
    S(String),
    D(u16, u8, u8),
}

/// A filled template: the two header rows of `kind`, then `rows`.
fn sheet(kind: SheetKind, rows: &[Vec<C>]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    for (j, c) in kind.columns().iter().enumerate() {
        ws.write_string(0, j as u16, c.vi).unwrap();
        ws.write_string(1, j as u16, c.en).unwrap();
    }
    for (i, row) in rows.iter().enumerate() {
        let r = 2 + i as u32;
        for (j, cell) in row.iter().enumerate() {
            let j = j as u16;
            match cell {
                C::T("") => {}
                C::T(t) => {
                    ws.write_string(r, j, *t).unwrap();
                }
                C::S(t) => {
                    ws.write_string(r, j, t).unwrap();
                }
                C::D(y, m, d) => {
                    let day = ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
                    ws.write_datetime_with_format(r, j, &day, &date).unwrap();
                }
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

async fn send(
    api: &Api,
    method: &str,
    path: &str,
    token: &str,
    body: Vec<u8>,
) -> (StatusCode, Vec<u8>) {
    let req = Request::builder()
        .method(method)
        .uri(path)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", XLSX_MIME)
        .body(Body::from(body))
        .unwrap();
    let res = api.router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, bytes.to_vec())
}

async fn import(
    api: &Api,
    kind: &str,
    token: &str,
    file: Vec<u8>,
    dry: bool,
) -> (StatusCode, Value) {
    let path = format!(
        "/api/v1/sheets/import/{kind}{}",
        if dry { "?dry_run=true" } else { "" }
    );
    let (status, body) = send(api, "POST", &path, token, file).await;
    let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    (status, v)
}

/// Rows and history entries, to show a refused import changed nothing.
async fn counts(
    api: &Api,
    admin: &str,
) -> (i64, i64, i64, Vec<(tiendo_core::status::Status, i64)>) {
    let tasks = api.get("/api/v1/tasks?per_page=1", admin).await["total"]
        .as_i64()
        .unwrap();
    let events = api.get("/api/v1/events?per_page=1", admin).await["total"]
        .as_i64()
        .unwrap();
    let reports = api.get("/api/v1/progress-reports?per_page=1", admin).await["total"]
        .as_i64()
        .unwrap();
    let buckets = api
        .service
        .store
        .status_counts(today(), 7, None)
        .await
        .unwrap();
    (tasks, events, reports, buckets)
}

async fn assert_buckets_match_scan(api: &Api) {
    let store = &api.service.store;
    for ahead in [0, 30, 400] {
        let day = today() + chrono::Duration::days(ahead);
        let buckets = store.status_counts(day, 7, None).await.unwrap();
        let scan = store.status_counts_by_scan(day, 7, None).await.unwrap();
        assert_eq!(
            buckets, scan,
            "[{}] buckets differ from a scan on {day}",
            api.backend
        );
    }
}

fn messages(body: &Value) -> Vec<(i64, String, String)> {
    body["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("errors: {body}"))
        .iter()
        .map(|e| {
            (
                e["row"].as_i64().unwrap(),
                e["column"].as_str().unwrap().to_string(),
                e["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn task_row(doc: &'static str, text: &'static str, lead: &'static str, deadline: C) -> Vec<C> {
    vec![
        C::T(doc),
        C::T(text),
        C::T(lead),
        C::T("Bộ Công an; Nhóm công tác số 3"),
        deadline,
        C::T("CĐS"),
        C::T("1"),
    ]
}

#[tokio::test]
async fn templates_download_and_open_with_a_real_reader() {
    for api in apis().await {
        let admin = api.user("vp", "admin", None).await;
        for kind in ["tasks", "reports", "measurements"] {
            let (status, bytes) = send(
                &api,
                "GET",
                &format!("/api/v1/sheets/templates/{kind}"),
                &admin,
                Vec::new(),
            )
            .await;
            assert_eq!(status, StatusCode::OK, "[{}] {kind}", api.backend);
            let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("an XLSX");
            assert_eq!(book.sheet_names(), vec!["Dữ liệu", "Hướng dẫn", "Danh mục"]);
            let data = book.worksheet_range("Dữ liệu").unwrap();
            let first = data.get((0, 0)).cloned().unwrap_or(Data::Empty).to_string();
            let expected = SheetKind::parse(kind).unwrap().columns()[0].vi;
            assert!(first.starts_with(expected), "{kind}: {first}");
            let list = book.worksheet_range("Danh mục").unwrap();
            assert!(
                list.rows()
                    .any(|r| r.first().is_some_and(|c| *c == "Bộ Y tế")),
                "{kind}: the list sheet names the agencies"
            );
        }
        let (status, _) = send(
            &api,
            "GET",
            "/api/v1/sheets/templates/nothing",
            &admin,
            Vec::new(),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn tasks_import_all_or_nothing() {
    for api in apis().await {
        let b = api.backend;
        let admin = api.user("vp", "admin", None).await;
        let focal = api.user("dm.byt", "focal", Some("Bộ Y tế")).await;
        let (s, doc) = api
            .call("POST", "/api/v1/documents", Some(&admin), Some(json!({"number": "7/TB-SHEET", "kind": "Thông báo", "title": "Kết luận", "issued_on": "2025-11-16"})))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{doc}");
        let doc_id = doc["id"].as_i64().unwrap();
        let good = || {
            vec![
                task_row(
                    "7/TB-SHEET",
                    "Xây dựng cơ sở dữ liệu y tế",
                    "Bộ Y tế",
                    C::D(2025, 12, 31),
                ),
                task_row(
                    "7/TB-SHEET",
                    "Báo cáo phủ sóng 5G",
                    "Bộ Khoa học và Công nghệ",
                    C::T("Quý IV/2025"),
                ),
                task_row(
                    "7/TB-SHEET",
                    "Rà soát thủ tục hành chính",
                    "BCA",
                    C::T("Thường xuyên"),
                ),
            ]
        };
        // A focal point may not import tasks.
        let (s, _) = import(
            &api,
            "tasks",
            &focal,
            sheet(SheetKind::Tasks, &good()),
            false,
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "[{b}]");

        // One bad row: nothing imported, row 5 column C named, with the suggestion.
        let before = counts(&api, &admin).await;
        let mut rows = good();
        rows.push(task_row(
            "7/TB-SHEET",
            "Nhiệm vụ sai",
            "Bo Y te",
            C::T("Tháng 10/2025"),
        ));
        rows.push(task_row(
            "99/KHONG-CO",
            "Nhiệm vụ thiếu văn bản",
            "Bộ Y tế",
            C::T("31/02/2025"),
        ));
        rows.push(task_row(
            "7/TB-SHEET",
            "Xây dựng cơ sở dữ liệu y tế",
            "Bộ Y tế",
            C::D(2025, 12, 31),
        ));
        rows.push(vec![C::T("7/TB-SHEET"), C::T(""), C::T("Bộ Y tế")]);
        let (s, body) = import(&api, "tasks", &admin, sheet(SheetKind::Tasks, &rows), false).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "[{b}] {body}");
        let errors = messages(&body);
        assert!(
            errors.contains(&(
                6,
                "C".into(),
                "unknown agency 'Bo Y te' — did you mean 'Bộ Y tế'?".into()
            )),
            "[{b}] {errors:?}"
        );
        assert!(
            errors.iter().any(|(r, c, m)| *r == 7
                && c == "A"
                && m.contains("unknown document '99/KHONG-CO'")),
            "{errors:?}"
        );
        assert!(
            errors.iter().any(|(r, c, m)| *r == 7
                && c == "E"
                && m.contains("31/02/2025")
                && m.contains("no day 31")),
            "{errors:?}"
        );
        assert!(
            errors
                .iter()
                .any(|(r, c, m)| *r == 8 && c.is_empty() && m.contains("row 3")),
            "duplicate of row 3: {errors:?}"
        );
        assert!(
            errors
                .iter()
                .any(|(r, c, m)| *r == 9 && c == "B" && m.contains("required")),
            "{errors:?}"
        );
        assert_eq!(
            counts(&api, &admin).await,
            before,
            "[{b}] a refused import changes nothing"
        );

        // A dry run of the good rows writes nothing.
        let (s, body) = import(
            &api,
            "tasks",
            &admin,
            sheet(SheetKind::Tasks, &good()),
            true,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "[{b}] {body}");
        assert_eq!(
            (body["dry_run"].as_bool(), body["created"].as_i64()),
            (Some(true), Some(3))
        );
        assert_eq!(
            counts(&api, &admin).await,
            before,
            "[{b}] a dry run changes nothing"
        );

        // The good rows import, and read back through the API.
        let (s, body) = import(
            &api,
            "tasks",
            &admin,
            sheet(SheetKind::Tasks, &good()),
            false,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "[{b}] {body}");
        assert_eq!(body["created"], 3, "{body}");
        let list = api
            .get(
                &format!("/api/v1/tasks?document={doc_id}&per_page=10"),
                &admin,
            )
            .await;
        assert_eq!(list["total"], 3, "{list}");
        let items = list["items"].as_array().unwrap();
        let find = |text: &str| {
            items
                .iter()
                .find(|t| t["text"] == text)
                .unwrap_or_else(|| panic!("{text}: {list}"))
        };
        let t1 = find("Xây dựng cơ sở dữ liệu y tế");
        assert_eq!(t1["deadline"]["due"], "2025-12-31", "{t1}");
        assert_eq!(t1["lead"][0]["name"], "Bộ Y tế", "{t1}");
        assert_eq!(t1["field"], "cds");
        assert_eq!(t1["priority"], 1);
        let coord: Vec<&str> = t1["coord"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(coord, vec!["Bộ Công an", "Nhóm công tác số 3"]);
        let t2 = find("Báo cáo phủ sóng 5G");
        assert_eq!(
            (
                t2["deadline"]["kind"].as_str(),
                t2["deadline"]["due"].as_str()
            ),
            (Some("quarter"), Some("2025-12-31")),
            "{t2}"
        );
        assert_eq!(
            find("Rà soát thủ tục hành chính")["deadline"]["kind"],
            "recurring"
        );
        // Each has its assignment and history.
        let after = counts(&api, &admin).await;
        assert_eq!(after.0, before.0 + 3);
        assert!(
            after.1 >= before.1 + 6,
            "[{b}] a history entry per task and assignment"
        );
        let id = t1["id"].as_i64().unwrap();
        let history = api
            .get(&format!("/api/v1/tasks/{id}/history"), &admin)
            .await;
        assert!(history.to_string().contains("spreadsheet"), "{history}");
        assert_buckets_match_scan(&api).await;
        // The same file again: every task is already there.
        let (s, body) = import(
            &api,
            "tasks",
            &admin,
            sheet(SheetKind::Tasks, &good()),
            false,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{body}");
        assert_eq!(
            (body["created"].as_i64(), body["already_present"].as_i64()),
            (Some(0), Some(3))
        );
    }
}

#[tokio::test]
async fn reports_per_agency_and_measurements_in_range() {
    for api in apis().await {
        let b = api.backend;
        let admin = api.user("vp", "admin", None).await;
        let focal = api.user("dm.byt", "focal", Some("Bộ Y tế")).await;
        let viewer = api.user("ld", "viewer", None).await;
        let (s, doc) = api
            .call("POST", "/api/v1/documents", Some(&admin), Some(json!({"number": "8/TB-SHEET", "kind": "Thông báo", "title": "Kết luận", "issued_on": "2025-11-16"})))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{doc}");
        let rows = vec![vec![
            C::T("8/TB-SHEET"),
            C::T("Số hóa hồ sơ bệnh án"),
            C::T("Bộ Y tế; Bộ Công an"),
            C::T(""),
            C::T("Năm 2025"),
            C::T(""),
            C::T(""),
            C::T(""),
            C::T(""),
            C::T("1.a"),
        ]];
        let (s, body) = import(&api, "tasks", &admin, sheet(SheetKind::Tasks, &rows), false).await;
        assert_eq!(s, StatusCode::OK, "[{b}] {body}");
        let task = body["ids"][0].as_i64().unwrap();
        let report = |task: String, agency: &'static str, status: &'static str| {
            let mut row = vec![
                C::S(task),
                C::T(""),
                C::T(""),
                C::T(agency),
                C::T(status),
                C::T("60"),
                C::T("Đã số hóa 60% hồ sơ"),
                C::T("Thiếu kinh phí"),
                C::T(""),
                C::T("12/BYT"),
                C::D(2025, 11, 20),
            ];
            // A completion is claimed with its day (never taken from the report's).
            if status == "Hoàn thành" {
                row.push(C::D(2025, 11, 18));
            }
            row
        };
        let by_ref = vec![
            C::T(""),
            C::T("8/TB-SHEET"),
            C::T("1.a"),
            C::T("Bộ Công an"),
            C::T("Đang thực hiện"),
            C::T("30"),
            C::T("Đang triển khai"),
        ];

        // A focal point: the row of another agency is refused, by row; nothing written.
        let before = counts(&api, &admin).await;
        let file = sheet(
            SheetKind::Reports,
            &[
                report(task.to_string(), "Bộ Y tế", "Đang thực hiện"),
                by_ref,
            ],
        );
        let (s, body) = import(&api, "reports", &focal, file.clone(), false).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "[{b}] {body}");
        let errors = messages(&body);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!((errors[0].0, errors[0].1.as_str()), (4, "D"));
        assert!(
            errors[0].2.contains("own agency") && errors[0].2.contains("Bộ Công an"),
            "{errors:?}"
        );
        assert_eq!(counts(&api, &admin).await, before);
        // A viewer may not import at all.
        let (s, _) = import(&api, "reports", &viewer, file.clone(), false).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        // The admin may import both rows (one found by document and item).
        let (s, body) = import(&api, "reports", &admin, file, false).await;
        assert_eq!(s, StatusCode::OK, "[{b}] {body}");
        assert_eq!(body["created"], 2);
        // The focal point imports its own, and a bad date in another row stops it.
        let mut bad = report(task.to_string(), "Bộ Y tế", "Hoàn thành");
        bad[10] = C::T("30/02/2025");
        let (s, body) = import(
            &api,
            "reports",
            &focal,
            sheet(
                SheetKind::Reports,
                &[report(task.to_string(), "Bộ Y tế", "Hoàn thành"), bad],
            ),
            false,
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(
            messages(&body)
                .iter()
                .any(|(r, c, m)| *r == 4 && c == "K" && m.contains("30/02/2025")),
            "{body}"
        );
        let (s, body) = import(
            &api,
            "reports",
            &focal,
            sheet(
                SheetKind::Reports,
                &[report(task.to_string(), "Bộ Y tế", "Hoàn thành")],
            ),
            false,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "[{b}] {body}");
        let id = body["ids"][0].as_i64().unwrap();
        let r = api
            .get(&format!("/api/v1/progress-reports/{id}"), &focal)
            .await;
        assert_eq!(
            (r["claims_completion"].as_bool(), r["percent"].as_i64()),
            (Some(true), Some(100)),
            "{r}"
        );
        assert_eq!(r["reported_on"], "2025-11-20");
        assert_eq!(r["evidence_number"], "12/BYT");

        // Measurements: an indicator with a 0–100 range.
        let (s, body) = api
            .call("POST", "/api/v1/indicators", Some(&admin), Some(json!({"code": "ty-le-so-hoa", "name": "Tỷ lệ số hóa", "unit": "%", "direction": "increase", "aggregation": {"kind": "mean"}, "levels": ["ministry"], "periodicity": "month", "valid_min": 0.0, "valid_max": 100.0})))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{body}");
        let m = |agency: &'static str, period: &'static str, value: &'static str| {
            vec![
                C::T("ty-le-so-hoa"),
                C::T(agency),
                C::T(period),
                C::T(value),
                C::T("Báo cáo 12/BYT"),
            ]
        };
        let before = counts(&api, &admin).await;
        let file = sheet(
            SheetKind::Measurements,
            &[
                m("Bộ Y tế", "11/2025", "45.5"),
                m("Bộ Y tế", "2025-10", "120"),
                vec![
                    C::T("ty-le-so-hoaa"),
                    C::T("Bộ Y tế"),
                    C::T("2025-09"),
                    C::T("1"),
                ],
            ],
        );
        let (s, body) = import(&api, "measurements", &focal, file, false).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let errors = messages(&body);
        assert!(
            errors.iter().any(|(r, c, m)| *r == 4
                && c == "D"
                && m.contains("above the largest valid value")),
            "{errors:?}"
        );
        assert!(
            errors
                .iter()
                .any(|(r, c, m)| *r == 5 && c == "A" && m.contains("did you mean 'ty-le-so-hoa'")),
            "{errors:?}"
        );
        assert_eq!(counts(&api, &admin).await, before);
        let (s, body) = import(
            &api,
            "measurements",
            &focal,
            sheet(SheetKind::Measurements, &[m("Bộ Công an", "11/2025", "10")]),
            false,
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body.to_string().contains("own agency"), "{body}");
        let (s, body) = import(
            &api,
            "measurements",
            &focal,
            sheet(
                SheetKind::Measurements,
                &[
                    m("Bộ Y tế", "11/2025", "45.5"),
                    m("Bộ Y tế", "Tháng 10/2025", "40"),
                ],
            ),
            false,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "[{b}] {body}");
        assert_eq!(body["created"], 2);
        let t = api
            .get("/api/v1/indicators/ty-le-so-hoa/periods/2025-11", &admin)
            .await;
        assert!(t.to_string().contains("45.5"), "{t}");
    }
}
