//! One error shape and input that is checked, never guessed (issues 15.4 and
//! 14.3), through the JSON API on SQLite and on PostgreSQL: every error under
//! `/api/` is `application/json` `{"error", "field"}`; permission is checked
//! before the body; a page past the end is empty; dates outside 2000–2100, a
//! commitment to a past day, a completion claim without its day and an `as_of`
//! to come are refused with the field named; usernames and agency names are
//! unique ignoring case; the bulk route's body limit depends on the role; every
//! route is in the OpenAPI document.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};
use tower::ServiceExt;

use common::{Api, apis};

/// Sends a request; returns the status, the content type and the JSON body.
async fn send(api: &Api, req: Request<Body>) -> (StatusCode, String, Value) {
    let res = api.router.clone().oneshot(req).await.expect("response");
    let status = res.status();
    let content_type = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 24)
        .await
        .expect("body");
    let value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, content_type, value)
}

fn request(method: &str, uri: &str, token: Option<&str>) -> axum::http::request::Builder {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    req
}

/// Asserts the one error shape: the status, JSON, a sentence in `error`, and the
/// field at fault when one is expected.
fn assert_shape(
    what: &str,
    (status, content_type, body): &(StatusCode, String, Value),
    expected: StatusCode,
    field: Option<&str>,
) {
    assert_eq!(*status, expected, "{what}: {body}");
    assert!(
        content_type.starts_with("application/json"),
        "{what}: content type {content_type:?}"
    );
    let error = body["error"].as_str().unwrap_or("");
    assert!(!error.is_empty(), "{what}: no error sentence in {body}");
    if let Some(f) = field {
        assert_eq!(body["field"].as_str(), Some(f), "{what}: {body}");
    }
}

struct World {
    api: Api,
    admin: String,
    focal: String,
    viewer: String,
    own_assignment: i64,
}

async fn world(api: Api) -> World {
    let admin = api.user("vanphong", "admin", None).await;
    let focal = api.user("daumoi.byt", "focal", Some("Bộ Y tế")).await;
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
            Some(json!({"document_id": doc["id"], "ref": "1", "text": "Hoàn thiện cơ sở dữ liệu", "deadline": {"kind": "date", "due": "2026-06-30", "raw": "trước 30/6/2026"}, "lead": ["Bộ Y tế"]})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{task}");
    let list = api
        .get(&format!("/api/v1/assignments?task={}", task["id"]), &admin)
        .await;
    let own_assignment = list["items"][0]["id"].as_i64().unwrap();
    World {
        api,
        admin,
        focal,
        viewer,
        own_assignment,
    }
}

/// Path parameters, methods, unknown routes, long URLs, query strings and
/// malformed bodies: all JSON, each naming what is at fault.
#[tokio::test]
async fn every_api_error_is_json_and_names_the_field() {
    for api in apis().await {
        let b = api.backend;
        let viewer = api.user("lanhdao", "viewer", None).await;
        let t = Some(viewer.as_str());
        // A path parameter that is not a number: 400 naming it (was text/plain).
        let r = send(
            &api,
            request("GET", "/api/v1/tasks/abc", t)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_shape(
            &format!("[{b}] bad id"),
            &r,
            StatusCode::BAD_REQUEST,
            Some("id"),
        );
        assert!(
            r.2["error"].as_str().unwrap().contains("abc"),
            "[{b}] {}",
            r.2
        );
        let r = send(
            &api,
            request("GET", "/api/v1/documents/x1/drafts", t)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_shape(
            &format!("[{b}] bad document id"),
            &r,
            StatusCode::BAD_REQUEST,
            Some("id"),
        );
        // A method the route does not have: 405 with a body that says which it has.
        let r = send(
            &api,
            request("DELETE", "/api/v1/tasks", t)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_shape(
            &format!("[{b}] 405"),
            &r,
            StatusCode::METHOD_NOT_ALLOWED,
            None,
        );
        assert!(
            r.2["error"].as_str().unwrap().contains("DELETE")
                && r.2["error"].as_str().unwrap().contains("GET,HEAD,POST"),
            "[{b}] {}",
            r.2
        );
        // No such route.
        let r = send(
            &api,
            request("GET", "/api/v1/no-such-thing", t)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_shape(&format!("[{b}] 404"), &r, StatusCode::NOT_FOUND, None);
        // A URL too long: 414 with a body.
        let long = format!("/api/v1/tasks?q={}", "a".repeat(20_000));
        let r = send(&api, request("GET", &long, t).body(Body::empty()).unwrap()).await;
        assert_shape(&format!("[{b}] 414"), &r, StatusCode::URI_TOO_LONG, None);
        // A filter date that is not a day: refused, naming the parameter (never ignored).
        for (query, field) in [
            ("due_from=31/02/2025", "due_from"),
            ("due_to=2025-02-31", "due_to"),
            ("due_from=1900-01-01", "due_from"),
            ("as_of=2999-01-01", "as_of"),
            ("as_of=1990-01-01", "as_of"),
            ("page=abc", "page"),
        ] {
            let r = send(
                &api,
                request("GET", &format!("/api/v1/tasks?{query}"), t)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
            assert_shape(
                &format!("[{b}] {query}"),
                &r,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(field),
            );
        }
        let r = send(
            &api,
            request("GET", "/api/v1/documents?issued_from=0025-01-01", t)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_shape(
            &format!("[{b}] issued_from"),
            &r,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("issued_from"),
        );
        let r = send(
            &api,
            request("GET", "/api/v1/reports/overdue?as_of=2100-01-01", t)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_shape(
            &format!("[{b}] overdue as_of"),
            &r,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("as_of"),
        );
        assert!(
            r.2["error"].as_str().unwrap().contains("after today"),
            "[{b}] {}",
            r.2
        );
        // Malformed JSON.
        let r = send(
            &api,
            request("POST", "/api/v1/auth/login", None)
                .header("content-type", "application/json")
                .body(Body::from("{not json"))
                .unwrap(),
        )
        .await;
        assert_shape(
            &format!("[{b}] bad json"),
            &r,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("body"),
        );
    }
}

/// A viewer's or a focal point's write is refused (403) before its body is
/// read: a malformed body does not turn it into a 422.
#[tokio::test]
async fn permission_is_checked_before_the_body() {
    for api in apis().await {
        let w = world(api).await;
        let api = &w.api;
        let b = api.backend;
        for (who, token, method, path) in [
            ("viewer", &w.viewer, "POST", "/api/v1/commitments"),
            ("viewer", &w.viewer, "POST", "/api/v1/progress-reports"),
            ("viewer", &w.viewer, "POST", "/api/v1/extensions"),
            ("viewer", &w.viewer, "POST", "/api/v1/tasks"),
            ("focal", &w.focal, "POST", "/api/v1/agencies"),
            ("focal", &w.focal, "POST", "/api/v1/documents/import"),
            ("focal", &w.focal, "PATCH", "/api/v1/tasks/1"),
            ("focal", &w.focal, "POST", "/api/v1/indicators"),
            (
                "viewer",
                &w.viewer,
                "POST",
                "/api/v1/indicators/measurements/bulk",
            ),
        ] {
            for body in ["{\"no\": ", "{}"] {
                let r = send(
                    api,
                    request(method, path, Some(token))
                        .header("content-type", "application/json")
                        .body(Body::from(body))
                        .unwrap(),
                )
                .await;
                assert_shape(
                    &format!("[{b}] {who} {method} {path} {body}"),
                    &r,
                    StatusCode::FORBIDDEN,
                    None,
                );
            }
        }
        // The same bodies from someone allowed are judged on their content.
        let r = send(
            api,
            request("POST", "/api/v1/commitments", Some(&w.focal))
                .header("content-type", "application/json")
                .body(Body::from("{}"))
                .unwrap(),
        )
        .await;
        assert_shape(
            &format!("[{b}] focal {{}}"),
            &r,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
        );
        // And refused permissions stay in the security log.
        let log = api.get("/api/v1/security-log", &w.admin).await;
        assert!(
            log.to_string().contains("POST /api/v1/agencies"),
            "[{b}] {log}"
        );
    }
}

/// A page beyond the end is empty with the total; the largest page number does
/// not wrap around to page 1.
#[tokio::test]
async fn a_page_beyond_the_end_is_empty() {
    for api in apis().await {
        let b = api.backend;
        let viewer = api.user("vanphong", "admin", None).await;
        for path in [
            "/api/v1/agencies",
            "/api/v1/users",
            "/api/v1/events",
            "/api/v1/tasks",
            "/api/v1/documents",
        ] {
            let first = api.get(&format!("{path}?per_page=1000"), &viewer).await;
            for page in ["2000", "9223372036854775807"] {
                let far = api
                    .get(&format!("{path}?page={page}&per_page=1000"), &viewer)
                    .await;
                assert_eq!(far["items"], json!([]), "[{b}] {path} page {page}");
                assert_eq!(far["total"], first["total"], "[{b}] {path} page {page}");
            }
        }
        let agencies = api
            .get(
                "/api/v1/agencies?page=9223372036854775807&per_page=1",
                &viewer,
            )
            .await;
        assert_eq!(agencies["items"], json!([]), "[{b}] {agencies}");
        assert!(agencies["total"].as_i64().unwrap() > 60, "[{b}] {agencies}");
    }
}

/// Days that make no sense are refused on the form's field: a commitment to a
/// past day, a completion claim without its day, dates outside 2000–2100 in
/// reports, score months and measurement periods.
#[tokio::test]
async fn dates_are_checked_never_guessed() {
    for api in apis().await {
        let w = world(api).await;
        let api = &w.api;
        let b = api.backend;
        let own = w.own_assignment;
        let refused = |r: &(StatusCode, Value), field: &str, what: &str| {
            assert_eq!(
                r.0,
                StatusCode::UNPROCESSABLE_ENTITY,
                "[{b}] {what}: {}",
                r.1
            );
            assert_eq!(r.1["field"].as_str(), Some(field), "[{b}] {what}: {}", r.1);
        };
        // A commitment dated in the past (01/01/2020) would count as broken at once.
        let r = api
            .call(
                "POST",
                "/api/v1/commitments",
                Some(&w.focal),
                Some(json!({"assignment_id": own, "committed_on": "2020-01-01"})),
            )
            .await;
        refused(&r, "committed_on", "past commitment");
        assert!(
            r.1["error"]
                .as_str()
                .unwrap()
                .contains("before the day the commitment is made"),
            "[{b}] {}",
            r.1
        );
        let r = api
            .call(
                "POST",
                "/api/v1/commitments",
                Some(&w.focal),
                Some(json!({"assignment_id": own, "committed_on": "2200-01-01"})),
            )
            .await;
        refused(&r, "committed_on", "far commitment");
        let (s, c) = api
            .call(
                "POST",
                "/api/v1/commitments",
                Some(&w.focal),
                Some(json!({"assignment_id": own, "committed_on": "2099-06-30"})),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "[{b}] {c}");
        assert_eq!(c["outcome"], "pending", "[{b}] {c}");
        let r = api
            .call(
                "PATCH",
                &format!("/api/v1/commitments/{}", c["id"]),
                Some(&w.focal),
                Some(json!({"committed_on": "2020-01-01"})),
            )
            .await;
        refused(&r, "committed_on", "commitment moved to the past");
        // A completion claim without its day is refused, not given the report's day.
        let r = api.call("POST", "/api/v1/progress-reports", Some(&w.focal), Some(json!({"assignment_id": own, "narrative": "Đã xong", "claims_completion": true}))).await;
        refused(&r, "completed_on", "claim without a day");
        let r = api.call("POST", "/api/v1/progress-reports", Some(&w.focal), Some(json!({"assignment_id": own, "narrative": "Đã xong", "claims_completion": true, "completed_on": "1999-12-31"}))).await;
        refused(&r, "completed_on", "completion in 1999");
        let r = api.call("POST", "/api/v1/progress-reports", Some(&w.focal), Some(json!({"assignment_id": own, "narrative": "Đang làm", "reported_on": "0025-07-16"}))).await;
        refused(&r, "reported_on", "report in year 25");
        // Score months.
        let r = api
            .call(
                "POST",
                "/api/v1/scores/runs",
                Some(&w.admin),
                Some(json!({"month": "1999-12"})),
            )
            .await;
        refused(&r, "month", "score month 1999-12");
        // Measurement periods.
        let (s, body) = api
            .call("POST", "/api/v1/indicators", Some(&w.admin), Some(json!({"code": "dan-so", "name": "Dân số", "unit": "người", "direction": "increase", "aggregation": {"kind": "sum"}, "levels": ["province"], "periodicity": "month", "valid_min": 0.0})))
            .await;
        assert_eq!(s, StatusCode::CREATED, "[{b}] {body}");
        let r = api
            .call("POST", "/api/v1/indicators/dan-so/measurements", Some(&w.admin), Some(json!({"measurements": [{"agency": "Hà Nội", "period": "1999-12", "value": 8.0}]})))
            .await;
        assert_eq!(r.0, StatusCode::UNPROCESSABLE_ENTITY, "[{b}] {}", r.1);
        assert!(
            r.1["error"].as_str().unwrap().contains("2000"),
            "[{b}] {}",
            r.1
        );
        let r = api
            .call("POST", "/api/v1/indicators/measurements/bulk", Some(&w.admin), Some(json!([{"indicator": "dan-so", "agency": "Hà Nội", "period": "2101-01", "value": 8.0}])))
            .await;
        assert_eq!(r.0, StatusCode::UNPROCESSABLE_ENTITY, "[{b}] {}", r.1);
        assert_eq!(r.1["items"][0]["field"], "period", "[{b}] {}", r.1);
    }
}

/// Usernames are unique ignoring case; agency names after NFC and case folding.
#[tokio::test]
async fn usernames_and_agency_names_are_unique_ignoring_case() {
    use unicode_normalization::UnicodeNormalization;
    for api in apis().await {
        let b = api.backend;
        let admin = api.user("vanphong", "admin", None).await;
        let r = api
            .call(
                "POST",
                "/api/v1/users",
                Some(&admin),
                Some(json!({"username": "VanPhong", "password": "mật khẩu dài", "role": "viewer"})),
            )
            .await;
        assert_eq!(r.0, StatusCode::UNPROCESSABLE_ENTITY, "[{b}] {}", r.1);
        assert_eq!(r.1["field"], "username", "[{b}] {}", r.1);
        assert!(
            r.1["error"].as_str().unwrap().contains("vanphong"),
            "[{b}] {}",
            r.1
        );
        // The database holds the rule too, whoever writes.
        let direct = api
            .service
            .create_user(
                None,
                &tiendo_service::input::UserInput {
                    username: "VANPHONG".into(),
                    password: "mật khẩu dài".into(),
                    role: "viewer".into(),
                    agency: None,
                    display_name: None,
                    email: None,
                },
            )
            .await;
        assert!(direct.is_err(), "[{b}] {direct:?}");
        // Agency names: the same name in another case, or decomposed (NFD).
        let decomposed: String = "Sở Khoa học thử".nfd().collect();
        let (s, body) = api
            .call(
                "POST",
                "/api/v1/agencies",
                Some(&admin),
                Some(json!({"code": "so-thu", "kind": "other", "name": "Sở Khoa học thử"})),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "[{b}] {body}");
        for (code, name) in [
            ("so-thu-2", "sở khoa HỌC  thử".to_string()),
            ("so-thu-3", decomposed),
        ] {
            let r = api
                .call(
                    "POST",
                    "/api/v1/agencies",
                    Some(&admin),
                    Some(json!({"code": code, "kind": "other", "name": name})),
                )
                .await;
            assert_eq!(
                r.0,
                StatusCode::UNPROCESSABLE_ENTITY,
                "[{b}] {name}: {}",
                r.1
            );
            assert_eq!(r.1["field"], "name", "[{b}] {}", r.1);
        }
        // An agency keeps its own name when edited.
        let (s, body) = api
            .call(
                "PATCH",
                &format!("/api/v1/agencies/{}", body["id"]),
                Some(&admin),
                Some(json!({"code": "so-thu", "kind": "other", "name": "Sở Khoa học Thử"})),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "[{b}] {body}");
    }
}

/// The bulk route's body limit depends on the role: a focal point's large body
/// is a 413 with the JSON body, which the office may send.
#[tokio::test]
async fn the_bulk_body_limit_depends_on_the_role() {
    let limit = tiendo_server::api_indicators::FOCAL_BULK_BODY_LIMIT;
    for api in apis().await {
        let b = api.backend;
        let admin = api.user("vanphong", "admin", None).await;
        let focal = api.user("daumoi.hn", "focal", Some("Hà Nội")).await;
        // Whitespace around an empty array: valid JSON, just over the focal limit.
        let body = format!("[{}]", " ".repeat(limit + 1));
        let r = send(
            &api,
            request("POST", "/api/v1/indicators/measurements/bulk", Some(&focal))
                .header("content-type", "application/json")
                .body(Body::from(body.clone()))
                .unwrap(),
        )
        .await;
        assert_shape(
            &format!("[{b}] focal big"),
            &r,
            StatusCode::PAYLOAD_TOO_LARGE,
            Some("body"),
        );
        let r = send(
            &api,
            request("POST", "/api/v1/indicators/measurements/bulk", Some(&admin))
                .header("content-type", "application/json")
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
        assert_ne!(r.0, StatusCode::PAYLOAD_TOO_LARGE, "[{b}] admin: {}", r.2);
        // Beyond the route's absolute limit, the layer's 413 is JSON too.
        let r = send(
            &api,
            request("POST", "/api/v1/indicators/measurements/bulk", Some(&admin))
                .header("content-type", "application/json")
                .header(
                    "content-length",
                    (tiendo_server::api_indicators::BULK_BODY_LIMIT + 1).to_string(),
                )
                .body(Body::from("[]"))
                .unwrap(),
        )
        .await;
        assert_shape(
            &format!("[{b}] layer 413"),
            &r,
            StatusCode::PAYLOAD_TOO_LARGE,
            None,
        );
    }
}

/// A multipart body that is malformed is the client's mistake (400), not a
/// body too large (413).
#[tokio::test]
async fn a_broken_multipart_upload_is_400() {
    for api in apis().await {
        let w = world(api).await;
        let api = &w.api;
        let b = api.backend;
        let (s, report) = api
            .call(
                "POST",
                "/api/v1/progress-reports",
                Some(&w.focal),
                Some(json!({"assignment_id": w.own_assignment, "narrative": "Đang làm"})),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "[{b}] {report}");
        // A part that never ends.
        let body = "--bb\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 and then nothing";
        let r = send(
            api,
            request(
                "POST",
                &format!("/api/v1/progress-reports/{}/evidence", report["id"]),
                Some(&w.focal),
            )
            .header("content-type", "multipart/form-data; boundary=bb")
            .body(Body::from(body))
            .unwrap(),
        )
        .await;
        assert_shape(
            &format!("[{b}] broken multipart"),
            &r,
            StatusCode::BAD_REQUEST,
            Some("body"),
        );
    }
}

/// The routes the API router registers, read from the route definitions in the
/// source (`.route("/path", get(…).post(…))` in `src/api*.rs`), with their
/// methods.
fn registered_routes() -> Vec<(String, String)> {
    let sources = [
        include_str!("../src/api.rs"),
        include_str!("../src/api_audit.rs"),
        include_str!("../src/api_comments.rs"),
        include_str!("../src/api_parts.rs"),
        include_str!("../src/api_databases.rs"),
        include_str!("../src/api_drafts.rs"),
        include_str!("../src/api_evidence.rs"),
        include_str!("../src/api_indicators.rs"),
        include_str!("../src/api_notify.rs"),
        include_str!("../src/api_reports.rs"),
        include_str!("../src/api_scores.rs"),
        include_str!("../src/api_search.rs"),
        include_str!("../src/api_sheets.rs"),
    ];
    // Every API module of the server is read: one added later must be listed here.
    let modules = include_str!("../src/lib.rs").matches("pub mod api").count();
    assert_eq!(
        modules,
        sources.len(),
        "an API module of src/lib.rs is missing from registered_routes"
    );
    let mut out = Vec::new();
    for source in sources {
        let mut rest = source;
        while let Some(at) = rest.find(".route(") {
            rest = &rest[at + ".route(".len()..];
            // The arguments, up to the matching parenthesis.
            let mut depth = 1;
            let mut end = 0;
            for (i, c) in rest.char_indices() {
                match c {
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        if depth == 0 {
                            end = i;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let args = &rest[..end];
            let Some(open) = args.find('"') else { continue };
            let Some(close) = args[open + 1..].find('"') else {
                continue;
            };
            let path = &args[open + 1..open + 1 + close];
            let path = if path.starts_with("/api/") {
                path.to_string()
            } else {
                format!("/api/v1{path}")
            };
            let handlers = &args[open + close + 2..];
            for method in ["get", "post", "patch", "put", "delete"] {
                let mut from = 0;
                while let Some(i) = handlers[from..].find(&format!("{method}(")) {
                    let at = from + i;
                    let before = handlers[..at].chars().last().unwrap_or(' ');
                    if !(before.is_alphanumeric() || before == '_' || before == ':') {
                        out.push((method.to_string(), path.clone()));
                        break;
                    }
                    from = at + 1;
                }
            }
            rest = &rest[end..];
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Every route the API router registers is in the OpenAPI document with its
/// method, and every operation of the document is a route of the router.
#[tokio::test]
async fn every_route_is_in_the_openapi_document() {
    let routes = registered_routes();
    assert!(routes.len() > 80, "{routes:?}");
    for expected in [
        ("post", "/api/v1/documents/import"),
        ("patch", "/api/v1/drafts/{id}"),
        ("post", "/api/v1/indicators/{code}/targets"),
        ("post", "/api/v1/indicators/measurements/bulk"),
    ] {
        assert!(
            routes.contains(&(expected.0.to_string(), expected.1.to_string())),
            "the route reader missed {expected:?}"
        );
    }
    let doc = tiendo_server::openapi::document();
    let missing: Vec<String> = routes
        .iter()
        .filter(|(m, p)| !doc["paths"][p.as_str()][m.as_str()].is_object())
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert!(
        missing.is_empty(),
        "routes missing from the OpenAPI document: {missing:?}"
    );
    let documented: Vec<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(p, _)| p.starts_with("/api/"))
        .flat_map(|(p, ops)| {
            ops.as_object()
                .unwrap()
                .keys()
                .map(|m| (m.clone(), p.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    let extra: Vec<&(String, String)> = documented.iter().filter(|r| !routes.contains(r)).collect();
    assert!(extra.is_empty(), "documented but not routed: {extra:?}");
    // Every error answer is described with the error body.
    let login = &doc["paths"]["/api/v1/auth/login"]["post"]["responses"];
    for code in ["400", "405", "413", "414", "422"] {
        assert!(login[code].is_object(), "{code}");
    }
}
