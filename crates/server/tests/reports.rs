//! The committee's reports as files through the API, on both backends: the
//! overdue appendix as of 16/07/2025 read back from XLSX (calamine), DOCX (the
//! extract crate's reader) and PDF (pdftotext, pdffonts) against the JSON report;
//! the other kinds; and who may ask for what.

mod common;

use std::io::Cursor;
use std::path::Path;
use std::process::Command;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use common::*;
use serde_json::Value;
use tower::ServiceExt;

struct File {
    status: StatusCode,
    content_type: String,
    disposition: String,
    bytes: Vec<u8>,
}

impl File {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or(Value::Null)
    }
}

async fn fetch(api: &Api, path: &str, token: Option<&str>) -> File {
    let mut req = Request::builder().method("GET").uri(path);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let res = api
        .router
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let header = |name: &str| {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let (status, content_type, disposition) = (
        res.status(),
        header("content-type"),
        header("content-disposition"),
    );
    let bytes = axum::body::to_bytes(res.into_body(), 64 * 1024 * 1024)
        .await
        .unwrap()
        .to_vec();
    File {
        status,
        content_type,
        disposition,
        bytes,
    }
}

/// Whether a poppler tool is installed; a failure under CI when it is not.
fn poppler(tool: &str) -> bool {
    let ok = Command::new(tool).arg("-v").output().is_ok();
    if !ok {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("{tool} is missing (apt-get install -y poppler-utils)");
        }
        eprintln!("NOTICE: {tool} not installed; PDF checks skipped");
    }
    ok
}

fn pdf_tool(tool: &str, bytes: &[u8], name: &str) -> String {
    let dir = std::env::temp_dir().join(format!("tiendo-rep-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("r.pdf");
    std::fs::write(&file, bytes).unwrap();
    let mut cmd = Command::new(tool);
    if tool == "pdftotext" {
        cmd.args(["-enc", "UTF-8"]).arg(&file).arg("-");
    } else {
        cmd.arg(&file);
    }
    let out = cmd.output().unwrap();
    std::fs::remove_dir_all(&dir).ok();
    assert!(out.status.success(), "{tool}");
    String::from_utf8(out.stdout).unwrap()
}

#[tokio::test]
async fn overdue_appendix_files_match_the_json_report() {
    for api in apis().await {
        let b = api.backend;
        api.service.load_demo().await.expect("demo");
        let token = api.user("lanhdao", "viewer", None).await;
        let json = api
            .get("/api/v1/reports/overdue?as_of=2025-07-16", &token)
            .await;
        let rows = json["rows"].as_array().unwrap().clone();
        assert_eq!(rows.len(), 33, "[{b}] the 33 rows of 365/TB-VPCP");
        let url = |f: &str| format!("/api/v1/reports/overdue/file?as_of=2025-07-16&format={f}");

        // XLSX, read with calamine: 33 task rows in order with their units.
        let x = fetch(&api, &url("xlsx"), Some(&token)).await;
        assert_eq!(x.status, StatusCode::OK, "[{b}] {:?}", x.json());
        assert!(
            x.content_type.contains("spreadsheetml"),
            "{}",
            x.content_type
        );
        assert!(
            x.disposition.contains("bao-cao-qua-han-16-07-2025.xlsx"),
            "{}",
            x.disposition
        );
        let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(x.bytes)).unwrap();
        let range = wb.worksheet_range("Báo cáo").unwrap();
        let sheet: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
        let head = sheet
            .iter()
            .position(|r| r.first() == Some(&Data::String("TT".into())))
            .expect("header row");
        let expected_headers = [
            "TT",
            "Nhiệm vụ",
            "Văn bản giao",
            "Cơ quan chủ trì",
            "Thời hạn",
            "Đơn vị chưa hoàn thành",
        ];
        for (i, h) in expected_headers.iter().enumerate() {
            assert_eq!(sheet[head][i], Data::String(h.to_string()));
        }
        let body: Vec<&Vec<Data>> = sheet[head + 1..]
            .iter()
            .take_while(|r| matches!(r.first(), Some(Data::Float(_))))
            .collect();
        assert_eq!(body.len(), 33, "[{b}] xlsx rows");
        for (i, (got, want)) in body.iter().zip(&rows).enumerate() {
            assert_eq!(got[0], Data::Float(i as f64 + 1.0));
            assert_eq!(
                got[1],
                Data::String(want["task"].as_str().unwrap().into()),
                "[{b}] row {}",
                i + 1
            );
            let units: Vec<String> = want["incomplete"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u.as_str().unwrap().to_string())
                .collect();
            assert_eq!(
                got[5],
                Data::String(units.join("\n")),
                "[{b}] row {}",
                i + 1
            );
            assert!(matches!(got[4], Data::DateTime(_)), "deadline is a date");
        }

        // DOCX, read with the extract crate: the tasks in order, Vietnamese intact.
        let d = fetch(&api, &url("docx"), Some(&token)).await;
        assert_eq!(d.status, StatusCode::OK);
        assert!(d.content_type.contains("wordprocessingml"));
        let text = tiendo_extract::decode(Path::new("r.docx"), &d.bytes).unwrap();
        assert!(text.contains("DANH MỤC NHIỆM VỤ QUÁ HẠN"));
        assert!(text.contains("Bộ Khoa học và Công nghệ"), "[{b}]");
        assert!(text.contains("ngày 16 tháng 7 năm 2025"));
        let mut at = 0;
        for (i, r) in rows.iter().enumerate() {
            let task = r["task"].as_str().unwrap();
            let found = text[at..]
                .find(task)
                .unwrap_or_else(|| panic!("[{b}] docx row {}: {task}", i + 1));
            at += found + task.len();
        }

        // PDF: the text extracts as NFC Vietnamese; the fonts are embedded.
        let p = fetch(&api, &url("pdf"), Some(&token)).await;
        assert_eq!(p.status, StatusCode::OK);
        assert_eq!(p.content_type, "application/pdf");
        if poppler("pdftotext") && poppler("pdffonts") {
            let raw = pdf_tool("pdftotext", &p.bytes, b);
            let flat = raw.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(flat.contains("DANH MỤC NHIỆM VỤ QUÁ HẠN"), "{flat}");
            assert!(flat.contains("Bộ Khoa học và Công nghệ"), "[{b}] {flat}");
            assert!(flat.contains("Thời hạn"));
            // Whole tasks, over as many lines as they take (row 1 of the appendix).
            let first = rows[0]["task"].as_str().unwrap();
            assert!(first.ends_with("ứng phó với biến đổi khí hậu và bảo vệ môi trường"));
            assert!(flat.contains(first), "[{b}] {flat}");
            let fonts = pdf_tool("pdffonts", &p.bytes, b);
            let lines: Vec<&str> = fonts.lines().filter(|l| l.contains("DejaVu")).collect();
            assert!(!lines.is_empty(), "{fonts}");
            for l in lines {
                let cols: Vec<&str> = l.split_whitespace().collect();
                assert_eq!(cols[cols.len() - 5], "yes", "embedded: {l}");
            }
        }
    }
}

#[tokio::test]
async fn every_kind_renders_and_permissions_hold() {
    for api in apis().await {
        let b = api.backend;
        api.service.load_demo().await.expect("demo");
        let viewer = api.user("lanhdao", "viewer", None).await;
        let focal = api
            .user("daumoi.khcn", "focal", Some("Bộ Khoa học và Công nghệ"))
            .await;
        let base = "/api/v1/reports";

        // Not signed in.
        let f = fetch(&api, &format!("{base}/overdue/file?format=pdf"), None).await;
        assert_eq!(f.status, StatusCode::UNAUTHORIZED);

        // Bad input names its field, with 400.
        for (q, field) in [
            ("overdue/file?format=odt", "format"),
            ("overdue/file", "format"),
            ("overdue/file?format=pdf&as_of=16-07-2025", "as_of"),
            ("weekly/file?format=pdf", "kind"),
        ] {
            let f = fetch(&api, &format!("{base}/{q}"), Some(&viewer)).await;
            assert_eq!(f.status, StatusCode::BAD_REQUEST, "[{b}] {q}");
            assert_eq!(f.json()["field"], field, "[{b}] {q}");
        }
        let f = fetch(
            &api,
            &format!("{base}/agency/file?format=pdf"),
            Some(&viewer),
        )
        .await;
        assert_eq!(f.json()["field"], "agency", "[{b}] agency is required");
        let f = fetch(
            &api,
            &format!("{base}/monthly/file?format=pdf&month=2025-13"),
            Some(&viewer),
        )
        .await;
        assert_eq!(f.json()["field"], "month", "[{b}]");

        // Every kind in every format.
        let day = "as_of=2025-07-16";
        for kind in [
            "overdue/file?",
            "monthly/file?month=2025-06&",
            "agency/file?agency=bo-khcn&",
            "document/file?document=365%2FTB-VPCP&",
        ] {
            for format in ["xlsx", "docx", "pdf"] {
                let f = fetch(
                    &api,
                    &format!("{base}/{kind}{day}&format={format}"),
                    Some(&viewer),
                )
                .await;
                assert_eq!(
                    f.status,
                    StatusCode::OK,
                    "[{b}] {kind} {format}: {:?}",
                    f.json()
                );
                assert!(f.bytes.len() > 1000, "[{b}] {kind} {format}");
                assert!(f.disposition.starts_with("attachment"), "{}", f.disposition);
            }
        }
        // The monthly report says when its scores are only a preview.
        let f = fetch(
            &api,
            &format!("{base}/monthly/file?month=2025-06&format=docx"),
            Some(&viewer),
        )
        .await;
        let text = tiendo_extract::decode(Path::new("m.docx"), &f.bytes).unwrap();
        assert!(text.contains("Bản xem trước"), "[{b}] {text}");
        assert!(text.contains("Nhiệm vụ quá hạn theo cơ quan"));
        // The agency card names the agency and its overdue tasks.
        let f = fetch(
            &api,
            &format!("{base}/agency/file?agency=Bộ%20KH%26CN&{day}&format=docx"),
            Some(&viewer),
        )
        .await;
        assert_eq!(f.status, StatusCode::OK, "[{b}] {:?}", f.json());
        let text = tiendo_extract::decode(Path::new("a.docx"), &f.bytes).unwrap();
        assert!(text.contains("Bộ Khoa học và Công nghệ"));
        assert!(text.contains("Nhiệm vụ quá hạn"));

        // A focal point: its own card, not another agency's; its own rows only.
        let f = fetch(
            &api,
            &format!("{base}/agency/file?agency=bo-cong-an&{day}&format=pdf"),
            Some(&focal),
        )
        .await;
        assert_eq!(f.status, StatusCode::FORBIDDEN, "[{b}]");
        let f = fetch(
            &api,
            &format!("{base}/agency/file?agency=bo-khcn&{day}&format=pdf"),
            Some(&focal),
        )
        .await;
        assert_eq!(f.status, StatusCode::OK, "[{b}]");
        let x = fetch(
            &api,
            &format!("{base}/overdue/file?{day}&format=xlsx"),
            Some(&focal),
        )
        .await;
        let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(x.bytes)).unwrap();
        let range = wb.worksheet_range("Báo cáo").unwrap();
        let units: Vec<String> = range
            .rows()
            .filter(|r| matches!(r.first(), Some(Data::Float(_))))
            .map(|r| r[5].to_string())
            .collect();
        assert!(!units.is_empty(), "[{b}] the ministry has overdue tasks");
        assert!(
            units.iter().all(|u| u == "Bộ Khoa học và Công nghệ"),
            "[{b}] {units:?}"
        );
    }
}

/// POSTs a JSON body and answers the file (or the error).
async fn post_file(api: &Api, path: &str, token: &str, body: Value) -> (File, String) {
    let req = Request::builder()
        .method("POST")
        .uri(path)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let res = api.router.clone().oneshot(req).await.unwrap();
    let header = |name: &str| {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let (status, content_type, disposition, urged) = (
        res.status(),
        header("content-type"),
        header("content-disposition"),
        header("x-urged-assignments"),
    );
    let bytes = axum::body::to_bytes(res.into_body(), 64 * 1024 * 1024)
        .await
        .unwrap()
        .to_vec();
    (
        File {
            status,
            content_type,
            disposition,
            bytes,
        },
        urged,
    )
}

fn zip_part(bytes: &[u8], name: &str) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip");
    let mut part = zip.by_name(name).unwrap_or_else(|_| panic!("no {name}"));
    let mut out = Vec::new();
    part.read_to_end(&mut out).unwrap();
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn the_urging_letter_is_issued_by_the_office_and_recorded_in_each_history() {
    for api in apis().await {
        let b = api.backend;
        api.service.load_demo().await.expect("demo");
        let office = api.user("vanphong", "admin", None).await;
        let viewer = api.user("lanhdao", "viewer", None).await;
        let focal = api
            .user("daumoi.khcn", "focal", Some("Bộ Khoa học và Công nghệ"))
            .await;
        let url = "/api/v1/reports/urging";
        let report = api
            .get("/api/v1/reports/overdue?as_of=2025-07-16", &office)
            .await;
        let rows = report["rows"].as_array().unwrap().clone();
        // The first overdue task and the first agency late on it.
        let row = &rows[0];
        let agency = row["incomplete"][0].as_str().unwrap().to_string();
        let agency_id = row["incomplete_agency_ids"][0].as_i64().unwrap();
        let task_id = row["task_id"].as_i64().unwrap();
        let theirs: Vec<&Value> = rows
            .iter()
            .filter(|r| {
                r["incomplete_agency_ids"]
                    .as_array()
                    .unwrap()
                    .contains(&Value::from(agency_id))
            })
            .collect();
        let body = serde_json::json!({"as_of": "2025-07-16", "agency": agency, "format": "docx"});

        // Focal points and viewers are refused, before anything is recorded.
        for token in [&focal, &viewer] {
            let (f, _) = post_file(&api, url, token, body.clone()).await;
            assert_eq!(f.status, StatusCode::FORBIDDEN, "[{b}] {:?}", f.json());
        }
        // Bad input names its field.
        for (bad, field) in [
            (
                serde_json::json!({"as_of": "2025-07-16", "format": "xlsx"}),
                "format",
            ),
            (
                serde_json::json!({"as_of": "2025-07-16", "agency": "Bộ Không Có", "format": "pdf"}),
                "agency",
            ),
            (
                serde_json::json!({"as_of": "2025-07-16", "finish_by": "2025-07-10", "format": "pdf"}),
                "finish_by",
            ),
        ] {
            let (f, _) = post_file(&api, url, &office, bad.clone()).await;
            assert_eq!(f.status, StatusCode::UNPROCESSABLE_ENTITY, "[{b}] {bad}");
            assert_eq!(f.json()["field"], field, "[{b}] {bad}: {:?}", f.json());
        }
        // Nothing overdue: a clear refusal, not an empty letter.
        let (f, _) = post_file(
            &api,
            url,
            &office,
            serde_json::json!({"as_of": "2020-01-01", "format": "docx"}),
        )
        .await;
        assert_eq!(f.status, StatusCode::CONFLICT, "[{b}] {:?}", f.json());
        assert!(
            f.json()["error"]
                .as_str()
                .unwrap()
                .contains("không có nhiệm vụ quá hạn"),
            "[{b}] {:?}",
            f.json()
        );

        // A preview records nothing.
        let (p, urged) = post_file(
            &api,
            url,
            &office,
            serde_json::json!({"as_of": "2025-07-16", "agency": agency, "format": "pdf", "preview": true}),
        )
        .await;
        assert_eq!(p.status, StatusCode::OK, "[{b}] {:?}", p.json());
        assert_eq!(p.content_type, "application/pdf");
        assert_eq!(urged, "0");
        let history = api
            .get(&format!("/api/v1/tasks/{task_id}/history"), &office)
            .await;
        assert!(
            !history
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["action"] == "urged"),
            "[{b}] a preview is not recorded"
        );
        // The PDF: fonts embedded, text extractable.
        let raw = String::from_utf8_lossy(&p.bytes);
        assert_eq!(raw.matches("/FontFile2").count(), 2, "[{b}] fonts embedded");
        let text = tiendo_extract::decode(Path::new("u.pdf"), &p.bytes).unwrap();
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            flat.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
            "{flat}"
        );
        assert!(
            flat.contains(&format!("Kính gửi: {agency}.")),
            "[{b}] {flat}"
        );
        assert!(flat.contains("Hà Nội, ngày 16 tháng 7 năm 2025"), "{flat}");

        // Issued as DOCX: the letter names the agency and lists its tasks with
        // their source, deadline and days late.
        let (d, urged) = post_file(&api, url, &office, body.clone()).await;
        assert_eq!(d.status, StatusCode::OK, "[{b}] {:?}", d.json());
        assert!(d.content_type.contains("wordprocessingml"));
        assert!(
            d.disposition.contains("cong-van-don-doc-")
                && d.disposition.ends_with("-16-07-2025.docx"),
            "{}",
            d.disposition
        );
        let urged: usize = urged.parse().unwrap();
        assert_eq!(
            urged,
            theirs.len(),
            "[{b}] one event per overdue assignment"
        );
        let xml = zip_part(&d.bytes, "word/document.xml");
        assert!(xml.contains(&format!("Kính gửi: {agency}.")), "[{b}]");
        assert!(xml.contains("V/v đôn đốc thực hiện nhiệm vụ quá hạn"));
        assert!(xml.contains("Độc lập - Tự do - Hạnh phúc"));
        assert!(xml.contains("Lưu: VT"));
        // Finish by the letter's day + 15 by default.
        assert!(xml.contains("trước ngày 31/07/2025"), "[{b}]");
        let source = row["source_document"].as_str().unwrap();
        assert!(xml.contains(source), "[{b}] {source}");
        let deadline =
            chrono::NaiveDate::parse_from_str(row["deadline"].as_str().unwrap(), "%Y-%m-%d")
                .unwrap();
        assert!(
            xml.contains(&deadline.format("%d/%m/%Y").to_string()),
            "[{b}]"
        );
        let late = (chrono::NaiveDate::from_ymd_opt(2025, 7, 16).unwrap() - deadline).num_days();
        assert!(xml.contains(&format!(">{late}<")), "[{b}] {late} days late");
        assert!(zip_part(&d.bytes, "word/fontTable.xml").contains("<w:embedRegular"));
        assert!(!zip_part(&d.bytes, "word/fonts/font1.odttf").is_empty());

        // Recorded in the task's history, with the letter's day and the days late.
        let history = api
            .get(&format!("/api/v1/tasks/{task_id}/history"), &office)
            .await;
        let ev: Vec<&Value> = history
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "urged")
            .collect();
        assert_eq!(ev.len(), 1, "[{b}] {history}");
        assert_eq!(ev[0]["entity"], "assignment");
        assert_eq!(ev[0]["changes"]["letter_date"], "2025-07-16");
        assert_eq!(ev[0]["changes"]["finish_by"], "2025-07-31");
        assert_eq!(ev[0]["changes"]["agency_id"], agency_id);
        assert!(ev[0]["changes"]["days_late"].as_i64().unwrap() >= late);
        assert_eq!(ev[0]["actor_name"], "vanphong");

        // For every agency: a list of addressees, and one event per assignment.
        let (all, urged) = post_file(
            &api,
            url,
            &office,
            serde_json::json!({"as_of": "2025-07-16", "format": "docx", "finish_by": "2025-08-15"}),
        )
        .await;
        assert_eq!(all.status, StatusCode::OK, "[{b}] {:?}", all.json());
        let n: usize = rows
            .iter()
            .map(|r| r["incomplete_agency_ids"].as_array().unwrap().len())
            .sum();
        assert_eq!(urged.parse::<usize>().unwrap(), n, "[{b}]");
        let xml = zip_part(&all.bytes, "word/document.xml");
        assert!(xml.contains(">Kính gửi:<"), "[{b}]");
        assert!(xml.contains(&format!("- {agency};")) || xml.contains(&format!("- {agency}.")));
        assert!(xml.contains("trước ngày 15/08/2025"));
    }
}
