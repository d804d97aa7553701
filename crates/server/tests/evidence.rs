//! Evidence files of progress reports through the API and the service: the kinds
//! allowed are told from the bytes, the size limit holds (422 next to `file`, 413
//! beyond the route's body limit), a report and its file are stored together or
//! not at all, and only someone who may see the assignment downloads the file.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};
use tiendo_service::evidence::Upload;
use tiendo_service::input::ReportInput;
use tiendo_store::{EventFilter, ReportFilter};
use tower::ServiceExt;

use common::{Api, services};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n";

/// A multipart body: (field name, file name if a file, bytes).
fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----tiendo-test-boundary-7d3f".to_string();
    let mut body = Vec::new();
    for (name, file, bytes) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match file {
            Some(f) => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (boundary, body)
}

async fn upload(
    api: &Api,
    token: &str,
    report: i64,
    name: &str,
    bytes: &[u8],
) -> (StatusCode, Value) {
    let (boundary, body) = multipart(&[("file", Some(name), bytes)]);
    let req = Request::builder()
        .method("POST")
        .uri(format!("/api/v1/progress-reports/{report}/evidence"))
        .header("authorization", format!("Bearer {token}"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header(header::CONTENT_LENGTH, body.len())
        .body(Body::from(body))
        .unwrap();
    let res = api.router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
        .await
        .unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

async fn download(api: &Api, token: &str, id: i64) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let req = Request::builder()
        .uri(format!("/api/v1/evidence/{id}"))
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let res = api.router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 26)
        .await
        .unwrap();
    (status, headers, bytes.to_vec())
}

struct World {
    api: Api,
    admin: String,
    focal: String,
    other_focal: String,
    viewer: String,
    own: i64,
    other: i64,
}

/// A task for Bộ Y tế and Bộ Tài chính, users of each role; the service's
/// evidence limit set to `max` bytes.
async fn world(backend: &'static str, mut service: tiendo_service::Service, max: usize) -> World {
    service.config.max_evidence_bytes = max;
    let api = Api::new(backend, service);
    let admin = api.user("vanphong", "admin", None).await;
    let focal = api.user("daumoi.byt", "focal", Some("Bộ Y tế")).await;
    let other_focal = api.user("daumoi.btc", "focal", Some("BTC")).await;
    let viewer = api.user("lanhdao", "viewer", None).await;
    let (s, doc) = api
        .call("POST", "/api/v1/documents", Some(&admin), Some(json!({"number": "2/TB-TEST", "kind": "Thông báo", "title": "Kết luận thử", "issued_on": "2025-11-16"})))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{doc}");
    let (s, task) = api
        .call("POST", "/api/v1/tasks", Some(&admin), Some(json!({"document_id": doc["id"], "ref": "1", "text": "Số hóa hồ sơ y tế", "deadline": {"kind": "month", "due": "2026-12-01", "raw": "trong tháng 12/2026"}, "lead": ["Bộ Y tế", "Bộ Tài chính"]})))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{task}");
    let list = api
        .get(&format!("/api/v1/assignments?task={}", task["id"]), &admin)
        .await;
    let items = list["items"].as_array().unwrap();
    let by = |n: &str| {
        items.iter().find(|a| a["agency_name"] == n).unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    World {
        own: by("Bộ Y tế"),
        other: by("Bộ Tài chính"),
        api,
        admin,
        focal,
        other_focal,
        viewer,
    }
}

async fn report(w: &World, token: &str, assignment: i64) -> i64 {
    let (s, r) = w
        .api
        .call("POST", "/api/v1/progress-reports", Some(token), Some(json!({"assignment_id": assignment, "narrative": "Đã số hóa 80% hồ sơ", "percent": 80})))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    r["id"].as_i64().unwrap()
}

#[tokio::test]
async fn files_are_attached_listed_and_downloaded_only_by_who_sees_the_assignment() {
    for (backend, service) in services().await {
        let w = world(backend, service, 4096).await;
        let r = report(&w, &w.focal, w.own).await;
        let (s, files) = upload(&w.api, &w.focal, r, "Báo cáo số 12.pdf", PDF).await;
        assert_eq!(s, StatusCode::CREATED, "[{backend}] {files}");
        let f = &files[0];
        assert_eq!(f["content_type"], "application/pdf");
        assert_eq!(f["size_bytes"], PDF.len());
        assert_eq!(f["file_name"], "Báo cáo số 12.pdf");
        let id = f["id"].as_i64().unwrap();
        // Listed with the report.
        let listed = w
            .api
            .get(&format!("/api/v1/progress-reports/{r}/evidence"), &w.admin)
            .await;
        assert_eq!(listed.as_array().unwrap().len(), 1);
        // The author, the office and a leader download it, byte for byte.
        for token in [&w.focal, &w.admin, &w.viewer] {
            let (s, h, bytes) = download(&w.api, token, id).await;
            assert_eq!(s, StatusCode::OK, "[{backend}]");
            assert_eq!(bytes, PDF);
            assert_eq!(h[header::CONTENT_TYPE], "application/pdf");
            assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
            let cd = h[header::CONTENT_DISPOSITION].to_str().unwrap();
            assert!(
                cd.starts_with("attachment; filename=\"Bao_cao_so_12.pdf\""),
                "{cd}"
            );
            assert!(
                cd.contains("filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20s%E1%BB%91%2012.pdf"),
                "{cd}"
            );
        }
        // Another agency's focal point: refused by the server, list and file alike.
        let (s, _, bytes) = download(&w.api, &w.other_focal, id).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "[{backend}]");
        assert!(!bytes.starts_with(b"%PDF"));
        let (s, _) = w
            .api
            .call(
                "GET",
                &format!("/api/v1/progress-reports/{r}/evidence"),
                Some(&w.other_focal),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        // …and cannot attach to it.
        let (s, _) = upload(&w.api, &w.other_focal, r, "x.pdf", PDF).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        // An unknown file: 404.
        let (s, _, _) = download(&w.api, &w.admin, id + 1000).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        // The history records the attachment.
        let events = w
            .api
            .get(
                &format!("/api/v1/events?entity=progress_report&entity_id={r}"),
                &w.admin,
            )
            .await;
        assert!(
            events.to_string().contains("attach_evidence"),
            "[{backend}] {events}"
        );
    }
}

#[tokio::test]
async fn kinds_and_sizes_are_checked_before_anything_is_stored() {
    for (backend, service) in services().await {
        let w = world(backend, service, 4096).await;
        let r = report(&w, &w.focal, w.own).await;
        // A program named like a PDF, a plain ZIP, HTML: refused, field `file`.
        let zip = {
            let mut z = b"PK\x03\x04".to_vec();
            z.extend_from_slice(&[0; 22]);
            z.extend_from_slice(&7u16.to_le_bytes());
            z.extend_from_slice(&[0, 0]);
            z.extend_from_slice(b"run.exe");
            z
        };
        for (name, bytes) in [
            ("bao-cao.pdf", &b"MZ\x90\x00\x03\x00\x00\x00"[..]),
            ("bao-cao.zip", &zip[..]),
            ("trang.html", &b"<html><script>alert(1)</script>"[..]),
            ("rong.pdf", &b""[..]),
        ] {
            let (s, e) = upload(&w.api, &w.focal, r, name, bytes).await;
            assert_eq!(
                s,
                StatusCode::UNPROCESSABLE_ENTITY,
                "[{backend}] {name}: {e}"
            );
            assert_eq!(e["field"], "file", "{e}");
        }
        // One byte over the limit: 422 naming the field and the limit.
        let big = [PDF, &vec![b' '; 4096 - PDF.len() + 1]].concat();
        let (s, e) = upload(&w.api, &w.focal, r, "lon.pdf", &big).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(e["field"], "file");
        assert!(
            e["error"].as_str().unwrap().contains("larger than 4 KB"),
            "{e}"
        );
        // Exactly the limit: accepted.
        let (s, e) = upload(&w.api, &w.focal, r, "vua.pdf", &big[..4096]).await;
        assert_eq!(s, StatusCode::CREATED, "{e}");
        // Beyond the route's body limit ((files + 1) × limit + 1 MiB): 413
        // before reading it.
        let huge = [
            PDF,
            &vec![
                b' ';
                (tiendo_service::evidence::MAX_FILES_PER_REQUEST + 1) * 4096 + 1024 * 1024 + 10
            ],
        ]
        .concat();
        let (s, e) = upload(&w.api, &w.focal, r, "qua-lon.pdf", &huge).await;
        assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{e}");
        // Only the accepted file is stored.
        let listed = w
            .api
            .get(&format!("/api/v1/progress-reports/{r}/evidence"), &w.focal)
            .await;
        assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
        assert_eq!(listed[0]["file_name"], "vua.pdf");
        // JSON instead of multipart: 422 naming the content type.
        let (s, e) = w
            .api
            .call(
                "POST",
                &format!("/api/v1/progress-reports/{r}/evidence"),
                Some(&w.focal),
                Some(json!({"file": "x"})),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["field"], "content-type");
    }
}

#[tokio::test]
async fn a_report_and_its_file_are_stored_together_or_not_at_all() {
    for (backend, service) in services().await {
        let w = world(backend, service.clone(), 4096).await;
        let s = &w.api.service;
        let focal = s.authenticate(&w.focal).await.unwrap();
        let admin = s.authenticate(&w.admin).await.unwrap();
        let events = || async {
            s.list_events(
                &admin,
                EventFilter {
                    entity: None,
                    entity_id: None,
                    actor_id: None,
                    page: 1,
                    per_page: 1000,
                },
            )
            .await
            .unwrap()
            .total
        };
        let events_before = events().await;
        let reports = || async {
            s.list_reports(
                &focal,
                ReportFilter {
                    assignment_id: Some(w.own),
                    page: 1,
                    per_page: 50,
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .total
        };
        let good = Upload {
            file_name: "bien-ban.pdf".into(),
            bytes: PDF.to_vec(),
            truncated: false,
        };
        let bad = Upload {
            file_name: "virus.pdf".into(),
            bytes: b"MZ\x90\x00".to_vec(),
            truncated: false,
        };
        let input = |narrative: &str| ReportInput {
            assignment_id: w.own,
            reported_on: None,
            percent: Some(50),
            claims_completion: false,
            completed_on: None,
            narrative: narrative.into(),
            difficulties: None,
            proposals: None,
            evidence_number: Some("15/BC-BYT".into()),
        };
        // A refused report (no narrative) with a good file: nothing stored.
        let e = s
            .create_report_with_evidence(&focal, &input("  "), std::slice::from_ref(&good))
            .await
            .unwrap_err();
        assert!(e.to_string().contains("narrative"), "{e}");
        // A good report with a refused file: nothing stored either.
        let e = s
            .create_report_with_evidence(&focal, &input("Đã xong"), &[bad])
            .await
            .unwrap_err();
        assert!(e.to_string().contains("file"), "{e}");
        assert_eq!(reports().await, 0, "[{backend}]");
        let events_after = events().await;
        assert_eq!(
            events_before, events_after,
            "[{backend}] no audit entry for a refused report"
        );
        // Both good: one report, one file, both in the history.
        let (report, files) = s
            .create_report_with_evidence(&focal, &input("Đã xong"), &[good])
            .await
            .unwrap();
        assert_eq!(reports().await, 1);
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].report_id, report.id);
        assert_eq!(files[0].sha256.len(), 64);
        // Another agency's focal point cannot report with a file on this assignment.
        let other = s.authenticate(&w.other_focal).await.unwrap();
        let e = s
            .create_report_with_evidence(&other, &input("x"), &[])
            .await
            .unwrap_err();
        assert!(
            matches!(e, tiendo_service::ServiceError::Forbidden(_)),
            "{e}"
        );
        // Once accepted, a report takes no more files.
        let (st, r) = w
            .api
            .call("POST", "/api/v1/progress-reports", Some(&w.focal), Some(json!({"assignment_id": w.own, "narrative": "Hoàn thành", "claims_completion": true, "completed_on": "2025-12-01"})))
            .await;
        assert_eq!(st, StatusCode::CREATED, "{r}");
        let done = r["id"].as_i64().unwrap();
        let (st, _) = w
            .api
            .call(
                "POST",
                &format!("/api/v1/progress-reports/{done}/review"),
                Some(&w.admin),
                Some(json!({"accept": true})),
            )
            .await;
        assert_eq!(st, StatusCode::OK);
        let (st, e) = upload(&w.api, &w.focal, done, "muon.pdf", PDF).await;
        assert_eq!(st, StatusCode::CONFLICT, "{e}");
        let _ = w.other;
    }
}

#[tokio::test]
async fn a_request_over_the_upload_limit_gets_the_routes_own_413() {
    for (backend, service) in services().await {
        // The default limit (10 MiB): a request declaring more than the route's body
        // limit ((5 files + 1) × 10 MiB + 1 MiB) is answered by the route (JSON
        // naming the field) before its body is read, not by the outer layer.
        let declared = (tiendo_service::evidence::MAX_FILES_PER_REQUEST + 1)
            * tiendo_service::evidence::DEFAULT_MAX_EVIDENCE_BYTES
            + 1024 * 1024
            + 1;
        let w = world(
            backend,
            service,
            tiendo_service::evidence::DEFAULT_MAX_EVIDENCE_BYTES,
        )
        .await;
        let r = report(&w, &w.focal, w.own).await;
        let (boundary, body) = multipart(&[("file", Some("x.pdf"), PDF)]);
        let req = Request::builder()
            .method("POST")
            .uri(format!("/api/v1/progress-reports/{r}/evidence"))
            .header("authorization", format!("Bearer {}", w.focal))
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header(header::CONTENT_LENGTH, declared)
            .body(Body::from(body))
            .unwrap();
        let res = w.api.router.clone().oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE, "[{backend}]");
        let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
            .await
            .unwrap();
        let e: Value = serde_json::from_slice(&bytes).expect("a JSON error");
        assert_eq!(e["field"], "file");
        assert!(e["error"].as_str().unwrap().contains("10485760"), "{e}");
    }
}
