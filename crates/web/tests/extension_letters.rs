//! The official letter attached to an extension request (issue 14 item 4), on
//! both backends: the focal point attaches it on the extension form (one PDF,
//! Word or image file; anything else is refused next to the field with what was
//! typed kept); the office sees and downloads it on the review card and the
//! assignment page; another agency's focal point gets 403.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::json;

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n";

/// Posts a multipart form as the client's browser would: text fields, then
/// files (field, file name, bytes).
async fn post_multipart(
    c: &mut Client,
    path: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &str, &[u8])],
) -> common::Answer {
    use tower::ServiceExt;
    let boundary = "----WebKitFormBoundaryTiendoTest42";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    for (k, name, bytes) in files {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let cookies = c
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let req = axum::http::Request::builder()
        .method("POST")
        .uri(path)
        .header("cookie", cookies)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header("content-length", body.len())
        .body(axum::body::Body::from(body))
        .unwrap();
    let res = c.router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = axum::body::to_bytes(res.into_body(), 64 * 1024 * 1024)
        .await
        .unwrap();
    common::Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).to_string(),
    }
}

#[tokio::test]
async fn a_focal_point_attaches_the_letter_and_the_office_downloads_it() {
    for (backend, service) in services().await {
        let system = service.system_actor();
        let doc: tiendo_service::input::DocumentInput = serde_json::from_value(json!({
            "number": "52/TB-CV", "kind": "Thông báo", "title": "Kết luận",
            "issued_on": "2025-06-01", "issuer": "Văn phòng Chính phủ"
        }))
        .unwrap();
        let doc = service.create_document(&system, &doc).await.expect("doc");
        let task: tiendo_service::input::TaskInput = serde_json::from_value(json!({
            "document_id": doc.id, "text": "Số hóa hồ sơ bệnh án", "lead": ["Bộ Y tế"],
            "deadline": {"kind": "date", "due": "2030-06-30"}
        }))
        .unwrap();
        let task = service.create_task(&system, &task).await.expect("task");
        let a = assignments_of(&service, task.id).await[0].id;
        let mut focal = signed_in(&service, "daumoi.byt", "focal", Some("Bộ Y tế")).await;
        let mut office = signed_in(&service, "vanphong", "admin", None).await;
        let mut other = signed_in(&service, "daumoi.btc", "focal", Some("Bộ Tài chính")).await;

        let path = format!("/phan-cong/{a}/gia-han");
        let form = focal.get(&path).await;
        assert!(
            form.body.contains("name=\"letter\"")
                && form.body.contains("enctype=\"multipart/form-data\""),
            "[{backend}] {}",
            form.body
        );
        let csrf = form.csrf();
        let typed = [
            ("csrf", csrf.as_str()),
            ("kind", "date"),
            ("due", "30/06/2031"),
            ("reason", "Chờ kinh phí năm sau"),
        ];
        // Not a letter: refused by the field, what was typed kept, nothing stored.
        let bad = post_multipart(
            &mut focal,
            &path,
            &typed,
            &[("letter", "cong-van.pdf", b"MZ\x90\x00 not a pdf")],
        )
        .await;
        assert_eq!(
            bad.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{backend}] {}",
            bad.body
        );
        assert!(
            bad.body
                .contains("id=\"letter-error\">Công văn phải là tệp PDF")
                && bad.body.contains("Chờ kinh phí năm sau"),
            "[{backend}] {}",
            bad.body
        );
        let two = post_multipart(
            &mut focal,
            &path,
            &typed,
            &[("letter", "a.pdf", PDF), ("letter", "b.pdf", PDF)],
        )
        .await;
        assert_eq!(two.status, StatusCode::UNPROCESSABLE_ENTITY, "[{backend}]");
        assert!(
            two.body.contains("Chỉ đính kèm một tệp công văn."),
            "[{backend}]"
        );
        assert!(
            !focal
                .get(&format!("/phan-cong/{a}"))
                .await
                .body
                .contains("/gia-han/"),
            "[{backend}] no request was stored"
        );

        let done = post_multipart(
            &mut focal,
            &path,
            &typed,
            &[("letter", "Công văn 15-BYT.pdf", PDF)],
        )
        .await;
        assert_eq!(
            done.status,
            StatusCode::SEE_OTHER,
            "[{backend}] {}",
            done.body
        );
        let page = focal.get(&format!("/phan-cong/{a}")).await;
        let href =
            attr_after(&page.body, "href=\"/cong-van-gia-han/", "href").expect("letter link");
        assert!(
            page.body.contains("Công văn 15-BYT.pdf"),
            "[{backend}] {}",
            page.body
        );
        assert!(
            page.body
                .contains("đính kèm công văn “Công văn 15-BYT.pdf” (PDF)"),
            "[{backend}] the history says it in words: {}",
            page.body
        );

        // The office: on the review card and the assignment page, and downloads it.
        let queue = office.get("/duyet").await;
        assert!(
            queue.body.contains(&href),
            "[{backend}] on the review card: {}",
            queue.body
        );
        assert!(
            office
                .get(&format!("/phan-cong/{a}"))
                .await
                .body
                .contains(&href),
            "[{backend}]"
        );
        let file = office.get(&href).await;
        assert_eq!(file.status, StatusCode::OK, "[{backend}]");
        assert_eq!(file.headers.get("content-type").unwrap(), "application/pdf");
        assert!(
            file.headers
                .get("content-disposition")
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("attachment")
        );
        assert_eq!(file.body.as_bytes(), PDF, "[{backend}]");

        // Another agency's focal point may not download it.
        let refused = other.get(&href).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "[{backend}]");
        assert!(!refused.body.contains("%PDF"), "[{backend}]");
    }
}
