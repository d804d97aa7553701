//! The web pages through the whole router (as `tiendo serve` answers), on SQLite
//! and, when configured, PostgreSQL: sign-in, pages for each role, CSRF, the
//! server refusing another agency's form, labels and links of every page.

mod common;

use std::collections::{BTreeSet, VecDeque};

use axum::http::StatusCode;
use common::{Client, PASSWORD, services, signed_in, tag_attr, unescape, user};
use tiendo_core::policy::{Actor, Role};
use tiendo_core::status::Status;
use tiendo_core::time::today;
use tiendo_service::Service;
use tiendo_store::{AssignmentFilter, ReportFilter};

/// The focal point's agency in these tests, and one assignment of it and of another.
const FOCAL_AGENCY: &str = "Bộ Công an";

fn office() -> Actor {
    Actor {
        user_id: 0,
        username: "test".into(),
        role: Role::Admin,
        agency_id: None,
    }
}

/// An open assignment of the agency (`mine`) or of another agency (`!mine`).
async fn open_assignment(service: &Service, agency: i64, mine: bool) -> i64 {
    for status in [Status::Overdue, Status::InProgress, Status::DueSoon] {
        let page = service
            .list_assignments(
                &office(),
                AssignmentFilter {
                    task_id: None,
                    agency_id: None,
                    document_id: None,
                    status: Some(status),
                    as_of: today(),
                    due_soon_days: 0,
                    confined_to: None,
                    page: 1,
                    per_page: 1000,
                },
            )
            .await
            .expect("assignments");
        if let Some(a) = page.items.iter().find(|a| (a.agency_id == agency) == mine) {
            return a.id;
        }
    }
    panic!("no open assignment (mine: {mine})");
}

fn focal_agency_id(service: &Service) -> i64 {
    service
        .resolve_agency("agency", FOCAL_AGENCY, None)
        .expect("agency")
        .id
}

#[tokio::test]
async fn sign_in_sets_a_session_cookie_and_sign_out_revokes_it() {
    for (backend, service) in services().await {
        user(&service, "lanhdao", "viewer", None).await;
        let mut c = Client::new(&service);
        // Pages need a session: the sign-in page, with where to come back.
        let a = c.get("/nhiem-vu?status=overdue").await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "[{backend}]");
        assert_eq!(
            a.location(),
            "/dang-nhap?next=%2Fnhiem-vu%3Fstatus%3Doverdue"
        );
        assert_eq!(c.get("/login").await.status, StatusCode::SEE_OTHER);
        // A wrong password shows the form again with the message, the name kept.
        let page = c.get("/dang-nhap").await;
        let csrf = page.csrf();
        let bad = c
            .post(
                "/dang-nhap",
                &[
                    ("csrf", &csrf),
                    ("username", "lanhdao"),
                    ("password", "sai"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNAUTHORIZED, "[{backend}]");
        assert!(bad.body.contains("Sai tên đăng nhập hoặc mật khẩu"));
        assert!(bad.body.contains("value=\"lanhdao\""));
        // The right one sets the session cookie: HttpOnly, SameSite=Lax, no Secure over HTTP.
        let csrf = bad.csrf();
        let ok = c
            .post(
                "/dang-nhap",
                &[
                    ("csrf", &csrf),
                    ("username", "lanhdao"),
                    ("password", PASSWORD),
                    ("next", "/nhiem-vu?status=overdue"),
                ],
            )
            .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "[{backend}] {}", ok.body);
        assert_eq!(ok.location(), "/nhiem-vu?status=overdue");
        let session = ok
            .set_cookies()
            .into_iter()
            .find(|c| c.starts_with("tiendo_session="))
            .expect("session cookie");
        assert!(session.contains("HttpOnly"), "{session}");
        assert!(session.contains("SameSite=Lax"), "{session}");
        assert!(session.contains("Path=/"), "{session}");
        assert!(!session.contains("Secure"), "{session}");
        let token = session
            .trim_start_matches("tiendo_session=")
            .split(';')
            .next()
            .unwrap()
            .to_string();
        assert!(service.authenticate(&token).await.is_ok());
        let home = c.get("/").await;
        assert_eq!(home.status, StatusCode::OK, "[{backend}]");
        // Signing out revokes the token, not just the cookie.
        let csrf = home.csrf();
        let out = c.post("/dang-xuat", &[("csrf", &csrf)]).await;
        assert_eq!(out.status, StatusCode::SEE_OTHER);
        assert_eq!(out.location(), "/dang-nhap");
        assert!(service.authenticate(&token).await.is_err());
        assert_eq!(c.get("/").await.status, StatusCode::SEE_OTHER);

        // A way back with Vietnamese in it, and one to another site (ignored).
        let mut c2 = Client::new(&service);
        let page = c2
            .get("/dang-nhap?next=%2Fnhiem-vu%3Fq%3Dd%E1%BB%AF%20li%E1%BB%87u")
            .await;
        let csrf = page.csrf();
        let next = common::attr_after(&page.body, "name=\"next\"", "value").unwrap();
        let ok = c2
            .post(
                "/dang-nhap",
                &[
                    ("csrf", &csrf),
                    ("username", "lanhdao"),
                    ("password", PASSWORD),
                    ("next", &next),
                ],
            )
            .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "[{backend}]");
        assert_eq!(ok.location(), "/nhiem-vu?q=d%E1%BB%AF%20li%E1%BB%87u");
        assert_eq!(c2.get(&ok.location()).await.status, StatusCode::OK);
        let mut c3 = Client::new(&service);
        let csrf = c3.get("/dang-nhap").await.csrf();
        let ok = c3
            .post(
                "/dang-nhap",
                &[
                    ("csrf", &csrf),
                    ("username", "lanhdao"),
                    ("password", PASSWORD),
                    ("next", "//evil.example/"),
                ],
            )
            .await;
        assert_eq!(ok.location(), "/", "[{backend}]");

        // Behind a TLS proxy the cookie is Secure.
        let mut tls = Client::new(&service);
        tls.headers
            .push(("x-forwarded-proto".into(), "https".into()));
        let a = tls.sign_in("lanhdao", PASSWORD).await;
        assert!(
            a.set_cookies()
                .iter()
                .any(|c| c.starts_with("tiendo_session=") && c.contains("; Secure")),
            "{:?}",
            a.set_cookies()
        );
    }
}

/// The pages every role opens, with a task, a document and an agency it may see.
async fn pages_for(service: &Service, role: &str) -> Vec<String> {
    let bca = focal_agency_id(service);
    let assignment = open_assignment(service, bca, true).await;
    let a = service
        .get_assignment(&office(), assignment, today())
        .await
        .unwrap();
    let task = service
        .get_task(&office(), a.task_id, today())
        .await
        .unwrap();
    let mut pages = vec![
        "/".to_string(),
        "/?as_of=2025-07-16".into(),
        "/?lang=en".into(),
        "/nhiem-vu".into(),
        "/nhiem-vu?status=overdue&sort=-due&per_page=50".into(),
        "/nhiem-vu?q=du+lieu&as_of=2025-07-16".into(),
        format!("/nhiem-vu/{}", task.id),
        format!("/nhiem-vu/{}?as_of=2025-07-16", task.id),
        "/van-ban".into(),
        format!("/van-ban/{}", task.document_id),
        "/co-quan".into(),
        format!("/co-quan/{bca}"),
        format!("/co-quan/{bca}?as_of=2025-07-16"),
        "/viec-cua-toi".into(),
        format!("/phan-cong/{assignment}"),
        "/nhiem-vu.csv".into(),
        "/nhiem-vu.xlsx?status=overdue".into(),
    ];
    if role != "viewer" {
        pages.push(format!("/phan-cong/{assignment}/bao-cao"));
        pages.push(format!("/phan-cong/{assignment}/cam-ket"));
        pages.push(format!("/phan-cong/{assignment}/gia-han"));
    }
    if role == "admin" {
        pages.push("/duyet".into());
        pages.push("/nhat-ky-an-ninh".into());
    }
    pages
}

#[tokio::test]
async fn every_page_answers_for_each_role() {
    for (backend, service) in services().await {
        service.load_demo().await.expect("demo");
        for (name, role, agency) in [
            ("vanphong", "admin", None),
            ("daumoi.bca", "focal", Some(FOCAL_AGENCY)),
            ("lanhdao", "viewer", None),
        ] {
            let mut c = signed_in(&service, name, role, agency).await;
            for path in pages_for(&service, role).await {
                let a = c.get(&path).await;
                assert_eq!(
                    a.status,
                    StatusCode::OK,
                    "[{backend}] {role} GET {path}: {}",
                    a.body
                );
                if path.contains("as_of=2025-07-16") {
                    assert!(
                        a.body.contains("class=\"banner past\"") && a.body.contains("16/07/2025"),
                        "[{backend}] {path}: no as-of banner"
                    );
                }
            }
            // Pages of the standing office and of focal points only.
            let review = c.get("/duyet").await.status;
            assert_eq!(
                review == StatusCode::OK,
                role == "admin",
                "[{backend}] {role} /duyet: {review}"
            );
            // The security log (docs/audit.md): the office's; the office's own
            // sign-in is in it.
            let log = c.get("/nhat-ky-an-ninh").await;
            assert_eq!(
                log.status == StatusCode::OK,
                role == "admin",
                "[{backend}] {role} /nhat-ky-an-ninh: {}",
                log.status
            );
            if role == "admin" {
                assert!(log.body.contains("sha256"), "[{backend}] the chain's head");
                assert!(
                    log.body.contains("vanphong") && log.body.contains("sign-in"),
                    "[{backend}] the sign-in's token is listed"
                );
            }
        }
    }
}

#[tokio::test]
async fn dashboard_counts_link_to_the_task_list_and_english_switches() {
    for (backend, service) in services().await {
        service.load_demo().await.expect("demo");
        let mut c = signed_in(&service, "lanhdao", "viewer", None).await;
        let a = c.get("/?as_of=2025-07-16").await;
        assert_eq!(a.status, StatusCode::OK);
        assert!(
            a.body
                .contains("href=\"/nhiem-vu?status=overdue&#38;as_of=2025-07-16\"")
                || a.body
                    .contains("href=\"/nhiem-vu?status=overdue&amp;as_of=2025-07-16\""),
            "[{backend}]"
        );
        assert!(
            a.body.contains("<svg class=\"chart\""),
            "[{backend}] no chart"
        );
        assert!(a.body.contains("lang=\"vi\""));
        // The overdue count on 16/07/2025 is the report's.
        let report = service
            .overdue_report(&office(), "2025-07-16".parse().unwrap())
            .await
            .unwrap();
        let list = c.get("/nhiem-vu?status=overdue&as_of=2025-07-16").await;
        assert!(
            list.body
                .contains(&format!("<strong>{}</strong> nhiệm vụ", report.rows.len())),
            "[{backend}] {} overdue tasks expected",
            report.rows.len()
        );
        // English, remembered in a cookie.
        let en = c.get("/?lang=en").await;
        assert!(en.body.contains("lang=\"en\"") && en.body.contains("Progress overview"));
        assert!(
            en.set_cookies()
                .iter()
                .any(|c| c.starts_with("tiendo_lang=en"))
        );
        let again = c.get("/nhiem-vu").await;
        assert!(again.body.contains("lang=\"en\""));
        // Search without diacritics finds the Vietnamese text.
        let found = c.get("/nhiem-vu?q=co+so+du+lieu").await;
        assert!(
            found.body.contains("cơ sở dữ liệu") || found.body.contains("Cơ sở dữ liệu"),
            "[{backend}]"
        );
        // Exports: CSV with a byte-order mark, XLSX as a zip.
        let csv = c.get("/nhiem-vu.csv?status=overdue&as_of=2025-07-16").await;
        assert!(csv.body.starts_with('\u{feff}'));
        assert_eq!(
            csv.body.lines().count(),
            report.rows.len() + 1,
            "[{backend}]"
        );
        let xlsx = c.get("/nhiem-vu.xlsx").await;
        assert_eq!(xlsx.status, StatusCode::OK);
        assert!(
            xlsx.headers["content-type"]
                .to_str()
                .unwrap()
                .contains("spreadsheetml")
        );
    }
}

/// The token with its last hex digit changed, so it is always different
/// (replacing one letter left about one token in sixty unchanged).
fn tampered(token: &str) -> String {
    let mut t = token.to_string();
    let last = t.pop().expect("a token");
    t.push(if last == '0' { '1' } else { '0' });
    t
}

#[tokio::test]
async fn posts_without_the_csrf_field_are_refused() {
    for (backend, service) in services().await {
        service.load_demo().await.expect("demo");
        let mine = open_assignment(&service, focal_agency_id(&service), true).await;
        let mut c = signed_in(&service, "daumoi.bca", "focal", Some(FOCAL_AGENCY)).await;
        let form = c.get(&format!("/phan-cong/{mine}/bao-cao")).await;
        assert_eq!(form.status, StatusCode::OK);
        let path = format!("/phan-cong/{mine}/bao-cao");
        for csrf in [None, Some("0".repeat(64)), Some(tampered(&form.csrf()))] {
            let mut pairs = vec![("narrative", "Đã hoàn thành dự thảo")];
            if let Some(t) = &csrf {
                pairs.push(("csrf", t));
            }
            let a = c.post(&path, &pairs).await;
            assert_eq!(a.status, StatusCode::FORBIDDEN, "[{backend}] csrf {csrf:?}");
            assert!(a.body.contains("mã chống giả mạo"));
        }
        let a = c.post("/dang-xuat", &[]).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN);
        // The sign-in form needs its own double-submit value.
        let mut fresh = Client::new(&service);
        let a = fresh
            .post(
                "/dang-nhap",
                &[
                    ("username", "daumoi.bca"),
                    ("password", PASSWORD),
                    ("csrf", "x"),
                ],
            )
            .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "[{backend}]");
        // Nothing was written.
        let reports = service
            .list_reports(
                &office(),
                ReportFilter {
                    page: 1,
                    per_page: 10,
                    assignment_id: Some(mine),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(reports.total, 0);
        // With the field, the report goes through.
        let csrf = form.csrf();
        let a = c
            .post(
                &path,
                &[
                    ("csrf", &csrf),
                    ("narrative", "Đã hoàn thành dự thảo"),
                    ("percent", "60"),
                ],
            )
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "[{backend}] {}", a.body);
        assert_eq!(a.location(), format!("/phan-cong/{mine}?ok=report"));
    }
}

#[tokio::test]
async fn a_focal_point_cannot_write_on_another_agencys_assignment() {
    for (backend, service) in services().await {
        service.load_demo().await.expect("demo");
        let bca = focal_agency_id(&service);
        let theirs = open_assignment(&service, bca, false).await;
        let mut c = signed_in(&service, "daumoi.bca", "focal", Some(FOCAL_AGENCY)).await;
        let home = c.get("/viec-cua-toi").await;
        let csrf = home.csrf();
        for (form, fields) in [
            (
                "bao-cao",
                vec![("narrative", "Giả mạo"), ("percent", "100")],
            ),
            ("cam-ket", vec![("committed_on", "2030-01-01")]),
            (
                "gia-han",
                vec![
                    ("kind", "date"),
                    ("due", "2030-01-01"),
                    ("reason", "Giả mạo"),
                ],
            ),
        ] {
            let path = format!("/phan-cong/{theirs}/{form}");
            // The form is not shown …
            let a = c.get(&path).await;
            assert_eq!(a.status, StatusCode::FORBIDDEN, "[{backend}] GET {path}");
            // … and the server refuses the POST itself, with a valid session and CSRF.
            let mut pairs = fields.clone();
            pairs.push(("csrf", &csrf));
            let a = c.post(&path, &pairs).await;
            assert_eq!(
                a.status,
                StatusCode::FORBIDDEN,
                "[{backend}] POST {path}: {}",
                a.body
            );
            assert!(a.body.contains("Không có quyền truy cập"));
        }
        // Nor does it see the assignment, the agency or the queue.
        assert_eq!(
            c.get(&format!("/phan-cong/{theirs}")).await.status,
            StatusCode::FORBIDDEN
        );
        let other_agency = service
            .get_assignment(&office(), theirs, today())
            .await
            .unwrap()
            .agency_id;
        assert_eq!(
            c.get(&format!("/co-quan/{other_agency}")).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(c.get("/duyet").await.status, StatusCode::FORBIDDEN);
        let reports = service
            .list_reports(
                &office(),
                ReportFilter {
                    page: 1,
                    per_page: 10,
                    assignment_id: Some(theirs),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(reports.total, 0, "[{backend}]");
        // A viewer writes nothing either.
        let mut v = signed_in(&service, "lanhdao", "viewer", None).await;
        let csrf = v.get("/").await.csrf();
        let a = v
            .post(
                &format!("/phan-cong/{theirs}/bao-cao"),
                &[("csrf", &csrf), ("narrative", "x")],
            )
            .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "[{backend}]");
    }
}

#[tokio::test]
async fn report_errors_keep_what_was_typed_and_the_office_accepts_completion() {
    for (backend, service) in services().await {
        service.load_demo().await.expect("demo");
        let mine = open_assignment(&service, focal_agency_id(&service), true).await;
        let mut focal = signed_in(&service, "daumoi.bca", "focal", Some(FOCAL_AGENCY)).await;
        let path = format!("/phan-cong/{mine}/bao-cao");
        let csrf = focal.get(&path).await.csrf();
        // Missing narrative and a bad percent: 422, errors by the fields, text kept.
        let a = focal
            .post(
                &path,
                &[
                    ("csrf", &csrf),
                    ("percent", "140"),
                    ("difficulties", "Thiếu kinh phí <b>2025</b>"),
                    ("narrative", "  "),
                ],
            )
            .await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "[{backend}]");
        assert!(a.body.contains("id=\"narrative-error\""));
        assert!(a.body.contains("id=\"percent-error\""));
        assert!(a.body.contains("value=\"140\""));
        assert!(
            a.body.contains("Thiếu kinh phí ") && !a.body.contains("<b>2025</b>"),
            "typed text is kept, escaped"
        );
        // A completion report goes to the office's queue.
        let a = focal
            .post(
                &path,
                &[
                    ("csrf", &csrf),
                    ("claims_completion", "on"),
                    ("completed_on", "01/12/2025"),
                    ("narrative", "Đã ban hành Nghị định"),
                    ("evidence_number", "12/2025/NĐ-CP"),
                ],
            )
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "[{backend}] {}", a.body);
        let mut office_c = signed_in(&service, "vanphong", "admin", None).await;
        let queue = office_c.get("/duyet").await;
        assert!(
            queue.body.contains("12/2025/NĐ-CP"),
            "[{backend}] not in the queue"
        );
        let pending = service
            .list_reports(
                &office(),
                ReportFilter {
                    review_state: Some("pending".into()),
                    page: 1,
                    per_page: 10,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let report = pending
            .items
            .iter()
            .find(|r| r.assignment_id == mine)
            .expect("pending");
        let review = format!("/bao-cao/{}/duyet", report.id);
        // Returning needs a reason, shown next to the note; the note typed is kept.
        let a = office_c
            .post(&review, &[("csrf", &queue.csrf()), ("decision", "return")])
            .await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "[{backend}]");
        assert!(a.body.contains(&format!("id=\"err-r{}\"", report.id)));
        // Accepting confirms the completion: the assignment's status changes.
        let a = office_c
            .post(&review, &[("csrf", &queue.csrf()), ("decision", "accept")])
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "[{backend}] {}", a.body);
        let now = service
            .get_assignment(&office(), mine, today())
            .await
            .unwrap();
        assert!(now.status.is_completed(), "[{backend}] {:?}", now.status);
        let page = office_c.get(&format!("/phan-cong/{mine}")).await;
        assert!(page.body.contains("Đã chấp nhận"));
    }
}

/// Labels of a page: every visible input, select and textarea has a <label for>
/// (or an aria-label).
fn unlabelled(html: &str) -> Vec<String> {
    let mut label_for = BTreeSet::new();
    let mut rest = html;
    while let Some(i) = rest.find("<label") {
        let end = rest[i..].find('>').map(|e| i + e).unwrap_or(rest.len());
        if let Some(f) = tag_attr(&rest[i..=end.min(rest.len() - 1)], "for") {
            label_for.insert(f);
        }
        rest = &rest[end..];
    }
    let mut bad = Vec::new();
    for control in ["<input", "<select", "<textarea"] {
        let mut rest = html;
        while let Some(i) = rest.find(control) {
            let end = rest[i..].find('>').map(|e| i + e).unwrap_or(rest.len() - 1);
            let tag = &rest[i..=end];
            let kind = tag_attr(tag, "type").unwrap_or_default();
            let labelled = tag_attr(tag, "id").is_some_and(|id| label_for.contains(&id))
                || tag.contains(" aria-label=\"");
            if !matches!(kind.as_str(), "hidden" | "submit" | "button") && !labelled {
                bad.push(tag.to_string());
            }
            rest = &rest[end..];
        }
    }
    bad
}

fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("href=\"/") {
        let start = i + 6;
        let Some(len) = rest[start..].find('"') else {
            break;
        };
        out.push(unescape(&rest[start..start + len]));
        rest = &rest[start + len..];
    }
    out
}

#[tokio::test]
async fn every_page_labels_its_inputs_and_has_no_broken_links() {
    let (backend, service) = services().await.into_iter().next().expect("sqlite");
    service.load_demo().await.expect("demo");
    for (name, role, agency) in [
        ("vanphong", "admin", None),
        ("daumoi.bca", "focal", Some(FOCAL_AGENCY)),
        ("lanhdao", "viewer", None),
    ] {
        let mut c = signed_in(&service, name, role, agency).await;
        let mut seen = BTreeSet::new();
        let mut queue: VecDeque<String> = [
            "/".to_string(),
            "/?as_of=2025-07-16".into(),
            "/viec-cua-toi".into(),
            "/duyet".into(),
        ]
        .into();
        let mut visited = 0;
        // Bounded: enough pages to reach every kind (list, task, document, agency, assignment, forms).
        while let Some(path) = queue.pop_front() {
            if visited >= 120 {
                break;
            }
            if !seen.insert(path.clone()) {
                continue;
            }
            visited += 1;
            let a = c.get(&path).await;
            let allowed_403 = path == "/duyet" && role != "admin";
            assert!(
                a.status == StatusCode::OK || (allowed_403 && a.status == StatusCode::FORBIDDEN),
                "[{backend}] {role}: {path} answers {}",
                a.status
            );
            let ct = a
                .headers
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            if !ct.starts_with("text/html") {
                continue;
            }
            let bad = unlabelled(&a.body);
            assert!(
                bad.is_empty(),
                "[{backend}] {role}: {path} has unlabelled controls: {bad:?}"
            );
            assert!(a.body.contains("<html lang=\""), "{path}");
            for link in links(&a.body) {
                if link.starts_with("/api/")
                    || link.starts_with("/static/")
                    || link.contains("lang=")
                {
                    continue;
                }
                if !seen.contains(&link) {
                    queue.push_back(link);
                }
            }
        }
        assert!(
            visited >= 40,
            "[{backend}] {role}: only {visited} pages reached"
        );
    }
    // The static assets the pages use answer too.
    let mut c = Client::new(&service);
    assert_eq!(c.get("/static/app.css").await.status, StatusCode::OK);
    assert_eq!(c.get("/static/favicon.svg").await.status, StatusCode::OK);
}

#[tokio::test]
async fn indicator_pages_show_five_g_off_track_with_its_chart() {
    for (backend, service) in services().await {
        service.load_demo().await.expect("demo");
        let mut c = signed_in(&service, "lanhdao", "viewer", None).await;
        let list = c.get("/chi-tieu?as_of=2025-11-30").await;
        assert_eq!(list.status, StatusCode::OK, "[{backend}]");
        assert!(list.body.contains("Tỷ lệ phủ sóng 5G"), "[{backend}]");
        assert!(
            list.body.contains("Chậm tiến độ"),
            "[{backend}] 5G is off track"
        );
        let page = c.get("/chi-tieu/phu-song-5g?as_of=2025-11-30").await;
        assert_eq!(page.status, StatusCode::OK, "[{backend}]");
        assert!(
            page.body.contains("<svg") && page.body.contains("polyline"),
            "[{backend}] chart"
        );
        assert!(
            page.body.contains("39,5%"),
            "[{backend}] latest value in Vietnamese notation"
        );
        let missing = c.get("/chi-tieu/khong-co").await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND, "[{backend}]");
    }
}

/// A focal point enters its agency's figure on the indicator page: a bad value
/// comes back by its field with what was typed, a good one is recorded and shows
/// in the period's table; a viewer has no form and the server refuses its POST.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_focal_point_enters_a_figure_on_the_indicator_page() {
    for (backend, service) in services().await {
        service.load_demo().await.expect("demo");
        let path = "/chi-tieu/chi-ngan-sach-khcn";
        let mut focal = signed_in(&service, "daumoi.bca", "focal", Some(FOCAL_AGENCY)).await;
        let page = focal.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "[{backend}]");
        assert!(
            page.body.contains("/so-lieu") && page.body.contains(">Bộ Công an</option>"),
            "[{backend}] the focal point's form names its own agency"
        );
        let csrf = page.csrf();
        let post = format!("{path}/so-lieu");
        let bad = focal
            .post(
                &post,
                &[
                    ("csrf", &csrf),
                    ("period", "2025"),
                    ("value", "150"),
                    ("source", "Báo cáo BCA"),
                ],
            )
            .await;
        assert_eq!(
            bad.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{backend}] {}",
            bad.body
        );
        assert!(
            bad.body.contains("id=\"m-value-err\"") && bad.body.contains("value=\"150\""),
            "[{backend}] the error sits by the value, typed text kept"
        );
        assert!(
            bad.body.contains("value=\"Báo cáo BCA\""),
            "[{backend}] source kept"
        );
        let good = focal
            .post(
                &post,
                &[("csrf", &csrf), ("period", "2025"), ("value", "12,5")],
            )
            .await;
        assert_eq!(
            good.status,
            StatusCode::SEE_OTHER,
            "[{backend}] {}",
            good.body
        );
        let after = focal.get(&format!("{path}?period=2025")).await;
        assert!(
            after.body.contains("Bộ Công an") && after.body.contains("12,5%"),
            "[{backend}] the figure shows in the period's table"
        );
        let mut viewer = signed_in(&service, "lanhdao", "viewer", None).await;
        let seen = viewer.get(path).await;
        assert!(
            !seen.body.contains("/so-lieu"),
            "[{backend}] no form for a viewer"
        );
        let csrf = seen.csrf();
        let refused = viewer
            .post(
                &post,
                &[("csrf", &csrf), ("period", "2025"), ("value", "1")],
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "[{backend}]");
    }
}

// ---------------------------------------------------------------- evidence files and drafts (issue 4)

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

async fn reports_of(service: &Service, assignment: i64) -> Vec<tiendo_core::model::ProgressReport> {
    service
        .list_reports(
            &office(),
            ReportFilter {
                assignment_id: Some(assignment),
                page: 1,
                per_page: 50,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .items
}

#[tokio::test]
async fn an_evidence_file_goes_with_the_report_to_the_queue_and_only_its_agency_downloads_it() {
    for (backend, service) in services().await {
        service.load_demo().await.expect("demo");
        let bca = focal_agency_id(&service);
        let mine = open_assignment(&service, bca, true).await;
        let mut focal = signed_in(&service, "daumoi.bca", "focal", Some(FOCAL_AGENCY)).await;
        let path = format!("/phan-cong/{mine}/bao-cao");
        let form = focal.get(&path).await;
        assert!(form.body.contains("enctype=\"multipart/form-data\""));
        assert!(form.body.contains("<label for=\"file\">"));
        assert!(form.body.contains("tối đa 10 MB"), "{}", form.body);
        assert!(
            form.body.contains("type=\"file\" multiple"),
            "[{backend}] several files can be chosen"
        );
        let csrf = form.csrf();
        let a = post_multipart(
            &mut focal,
            &path,
            &[
                ("csrf", &csrf),
                ("claims_completion", "on"),
                ("completed_on", "01/12/2025"),
                ("narrative", "Đã hoàn thành, biên bản kèm theo"),
                ("evidence_number", "99/BC-BCA"),
            ],
            &[
                ("file", "Biên bản nghiệm thu.pdf", PDF),
                ("file", "Bảng tổng hợp.pdf", PDF),
            ],
        )
        .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "[{backend}] {}", a.body);
        let reports = reports_of(&service, mine).await;
        assert_eq!(reports.len(), 1);
        let mut files = service
            .report_evidence(&office(), &[reports[0].id])
            .await
            .unwrap();
        files.sort_by(|a, b| a.file_name.cmp(&b.file_name));
        assert_eq!(files.len(), 2, "[{backend}] both files go with the report");
        assert_eq!(files[1].file_name, "Bảng tổng hợp.pdf");
        assert_eq!(files[0].file_name, "Biên bản nghiệm thu.pdf");
        let href = format!("/minh-chung/{}", files[0].id);
        // On the assignment page, the task page's timeline and the office's queue.
        let page = focal.get(&format!("/phan-cong/{mine}")).await;
        assert!(page.body.contains(&href), "[{backend}] assignment page");
        let task = service
            .get_assignment(&office(), mine, today())
            .await
            .unwrap()
            .task_id;
        let page = focal.get(&format!("/nhiem-vu/{task}")).await;
        assert!(page.body.contains(&href), "[{backend}] task page");
        let mut office_c = signed_in(&service, "vanphong", "admin", None).await;
        let queue = office_c.get("/duyet").await;
        assert!(queue.body.contains(&href) && queue.body.contains("Biên bản nghiệm thu.pdf"));
        // The agency and the office download it as an attachment …
        for c in [&mut focal, &mut office_c] {
            let d = c.get(&href).await;
            assert_eq!(d.status, StatusCode::OK, "[{backend}]");
            assert_eq!(d.body.as_bytes(), PDF);
            assert_eq!(d.headers["content-type"], "application/pdf");
            assert_eq!(d.headers["x-content-type-options"], "nosniff");
            assert!(
                d.headers["content-disposition"]
                    .to_str()
                    .unwrap()
                    .starts_with("attachment; filename=\"Bien_ban_nghiem_thu.pdf\"")
            );
        }
        // … another agency's focal point gets the 403 page from the server.
        let mut other = signed_in(&service, "daumoi.byt", "focal", Some("Bộ Y tế")).await;
        let d = other.get(&href).await;
        assert_eq!(d.status, StatusCode::FORBIDDEN, "[{backend}]");
        assert!(!d.body.contains("%PDF"));
        assert!(d.body.contains("Không có quyền truy cập"));
        // Signed out: to the sign-in page.
        let mut anon = Client::new(&service);
        assert_eq!(anon.get(&href).await.status, StatusCode::SEE_OTHER);
    }
}

#[tokio::test]
async fn an_oversized_or_refused_file_is_an_error_by_the_field_and_nothing_typed_is_lost() {
    for (backend, mut service) in services().await {
        service.load_demo().await.expect("demo");
        service.config.max_evidence_bytes = 2048;
        let bca = focal_agency_id(&service);
        let mine = open_assignment(&service, bca, true).await;
        let mut focal = signed_in(&service, "daumoi.bca", "focal", Some(FOCAL_AGENCY)).await;
        let path = format!("/phan-cong/{mine}/bao-cao");
        let csrf = focal.get(&path).await.csrf();
        let typed = [
            ("csrf", csrf.as_str()),
            ("percent", "60"),
            ("narrative", "Đang thẩm định hồ sơ"),
            ("difficulties", "Thiếu nhân lực"),
            ("evidence_number", "7/BC-BCA"),
        ];
        let big = [PDF, &vec![b' '; 2048]].concat();
        let exe: &[u8] = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00";
        let beyond = [
            PDF,
            &vec![
                b' ';
                (tiendo_service::evidence::MAX_FILES_PER_REQUEST + 1) * 2048 + 1024 * 1024 + 1
            ],
        ]
        .concat();
        for (name, bytes, expect) in [
            ("lon.pdf", &big[..], "Tệp lớn hơn mức cho phép (2 KB)."),
            ("chuong-trinh.pdf", exe, "Chỉ nhận các loại tệp: PDF"),
            ("qua-lon.pdf", &beyond[..], ""),
        ] {
            let a = post_multipart(&mut focal, &path, &typed, &[("file", name, bytes)]).await;
            if expect.is_empty() {
                // Beyond the route's own body limit: the 413 page, before reading it.
                assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE, "[{backend}]");
                assert!(a.body.contains("Tệp quá lớn"));
                continue;
            }
            assert_eq!(
                a.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "[{backend}] {name}"
            );
            assert!(a.body.contains("id=\"file-error\""), "[{backend}] {name}");
            assert!(a.body.contains(expect), "[{backend}] {name}: {}", a.body);
            assert!(
                a.body.contains("aria-invalid=\"true\" ")
                    || a.body.contains("aria-invalid=\"true\">")
            );
            // Everything typed is still there.
            assert!(a.body.contains("value=\"60\""));
            assert!(a.body.contains(">Đang thẩm định hồ sơ</textarea>"));
            assert!(a.body.contains(">Thiếu nhân lực</textarea>"));
            assert!(a.body.contains("value=\"7/BC-BCA\""));
        }
        assert!(
            reports_of(&service, mine).await.is_empty(),
            "[{backend}] nothing stored"
        );
        // More files than one request carries: said by the field, nothing stored.
        let six: Vec<(&str, &str, &[u8])> = (0..6).map(|_| ("file", "ok.pdf", PDF)).collect();
        let a = post_multipart(&mut focal, &path, &typed, &six).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "[{backend}]");
        assert!(
            a.body.contains("Chọn tối đa 5 tệp mỗi lần gửi."),
            "[{backend}] {}",
            a.body
        );
        assert!(reports_of(&service, mine).await.is_empty(), "[{backend}]");
        // A report refused by its own fields stores no file either.
        let a = post_multipart(
            &mut focal,
            &path,
            &[("csrf", &csrf), ("narrative", " "), ("percent", "30")],
            &[("file", "ok.pdf", PDF)],
        )
        .await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(a.body.contains("id=\"narrative-error\""));
        assert!(reports_of(&service, mine).await.is_empty(), "[{backend}]");
        // Without CSRF: 403, nothing stored.
        let a = post_multipart(
            &mut focal,
            &path,
            &[("narrative", "x")],
            &[("file", "ok.pdf", PDF)],
        )
        .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN);
        assert!(reports_of(&service, mine).await.is_empty());
        // Another agency's assignment: 403 from the server, file or not.
        let theirs = open_assignment(&service, bca, false).await;
        let a = post_multipart(
            &mut focal,
            &format!("/phan-cong/{theirs}/bao-cao"),
            &[("csrf", &csrf), ("narrative", "Giả mạo")],
            &[("file", "ok.pdf", PDF)],
        )
        .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "[{backend}]");
        assert!(reports_of(&service, theirs).await.is_empty());
    }
}

const NOTICE_624: &str = include_str!("../../../data/corpus/624-TB-VPCP_2025-11-16.txt");

/// The drafts (id, state) of a document.
async fn drafts_of(service: &Service, document: i64) -> Vec<tiendo_service::drafts::DraftView> {
    service.list_drafts(&office(), document).await.unwrap()
}

#[tokio::test]
async fn the_office_imports_a_notice_and_reviews_its_proposed_tasks() {
    for (backend, service) in services().await {
        // The focal point and the viewer may not import.
        let mut focal = signed_in(&service, "daumoi.bca", "focal", Some(FOCAL_AGENCY)).await;
        assert_eq!(
            focal.get("/van-ban/nhap").await.status,
            StatusCode::FORBIDDEN
        );
        let csrf = focal.get("/viec-cua-toi").await.csrf();
        let a = post_multipart(
            &mut focal,
            "/van-ban/nhap",
            &[("csrf", &csrf), ("text", NOTICE_624)],
            &[],
        )
        .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "[{backend}]");
        assert!(!service.has_documents().await.unwrap());

        let mut c = signed_in(&service, "vanphong", "admin", None).await;
        let queue = c.get("/duyet").await;
        assert!(queue.body.contains("href=\"/van-ban/nhap\""));
        // Also from the main menu and the documents page (issue 14.5); not for a
        // focal point, who may not import.
        let docs = c.get("/van-ban").await;
        assert!(docs.body.contains("id=\"import-document\""), "[{backend}]");
        assert!(
            docs.body.matches("href=\"/van-ban/nhap\"").count() >= 2,
            "[{backend}] the menu and the page"
        );
        let theirs = focal.get("/van-ban").await;
        assert!(!theirs.body.contains("/van-ban/nhap"), "[{backend}]");
        let form = c.get("/van-ban/nhap").await;
        assert_eq!(form.status, StatusCode::OK);
        let csrf = form.csrf();
        // Nothing given: the error is by the text field.
        let a = post_multipart(
            &mut c,
            "/van-ban/nhap",
            &[("csrf", &csrf), ("text", "  ")],
            &[],
        )
        .await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(a.body.contains("id=\"text-error\""));
        // The notice as a text file.
        let a = post_multipart(
            &mut c,
            "/van-ban/nhap",
            &[("csrf", &csrf), ("text", "")],
            &[("file", "624-TB-VPCP_2025-11-16.txt", NOTICE_624.as_bytes())],
        )
        .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "[{backend}] {}", a.body);
        let review = a.location();
        assert!(
            review.starts_with("/van-ban/") && review.contains("/du-thao?ok=imported"),
            "{review}"
        );
        let doc: i64 = review
            .trim_start_matches("/van-ban/")
            .split('/')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let page = c.get(&review).await;
        assert_eq!(page.status, StatusCode::OK);
        let drafts = drafts_of(&service, doc).await;
        assert!(drafts.len() >= 30, "[{backend}] {}", drafts.len());
        assert_eq!(
            page.body
                .matches("<article class=\"card draft proposed\"")
                .count(),
            drafts.len()
        );
        // Each proposal beside its source sentence, highlighted.
        assert!(page.body.matches("<mark>").count() >= drafts.len());
        let first = &drafts[0];
        let marked = first.passage.clone().unwrap();
        let escaped = marked
            .replace('&', "&#38;")
            .replace('"', "&#34;")
            .replace('\'', "&#39;");
        assert!(
            page.body.contains(&format!(
                "<mark>{}",
                &escaped[..escaped
                    .char_indices()
                    .nth(40)
                    .map(|(i, _)| i)
                    .unwrap_or(escaped.len())]
            )),
            "[{backend}] the first draft's passage is marked"
        );
        assert!(
            common_unlabelled_free(&page.body),
            "every control of the review page is labelled"
        );
        let act = |id: i64| format!("/du-thao/{id}");
        let doc_s = doc.to_string();
        // A bad deadline: the error is by that draft's field, what was typed stays.
        let a = c
            .post(
                &act(first.id),
                &[
                    ("csrf", &csrf),
                    ("document", &doc_s),
                    ("action", "save"),
                    ("text", "Nội dung đã sửa của nhiệm vụ một"),
                    ("lead", "Bộ Y tế"),
                    ("kind", "date"),
                    ("due", "31/02/2026"),
                ],
            )
            .await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "[{backend}]");
        assert!(a.body.contains(&format!("id=\"due-{}-error\"", first.id)));
        assert!(a.body.contains("value=\"31/02/2026\""));
        assert!(
            a.body
                .contains(">Nội dung đã sửa của nhiệm vụ một</textarea>")
        );
        // Saved with a good day.
        let a = c
            .post(
                &act(first.id),
                &[
                    ("csrf", &csrf),
                    ("document", &doc_s),
                    ("action", "save"),
                    ("text", "Nội dung đã sửa của nhiệm vụ một"),
                    ("lead", "Bộ Y tế"),
                    ("coord", "Bộ Công an\nBộ Tài chính"),
                    ("kind", "date"),
                    ("due", "30/11/2025"),
                    ("product", "Kế hoạch"),
                ],
            )
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "[{backend}] {}", a.body);
        let now = drafts_of(&service, doc).await;
        let d0 = now.iter().find(|d| d.id == first.id).unwrap();
        assert_eq!(d0.text, "Nội dung đã sửa của nhiệm vụ một");
        assert_eq!(d0.coord, vec!["Bộ Công an", "Bộ Tài chính"]);
        assert_eq!(
            d0.deadline.due,
            chrono::NaiveDate::from_ymd_opt(2025, 11, 30)
        );
        // Drop one, restore it, drop it again; merge another into a third.
        for action in ["drop", "restore", "drop"] {
            let a = c
                .post(
                    &act(drafts[1].id),
                    &[("csrf", &csrf), ("document", &doc_s), ("action", action)],
                )
                .await;
            assert_eq!(
                a.status,
                StatusCode::SEE_OTHER,
                "[{backend}] {action}: {}",
                a.body
            );
        }
        let into = drafts[2].id.to_string();
        let a = c
            .post(
                &act(drafts[3].id),
                &[
                    ("csrf", &csrf),
                    ("document", &doc_s),
                    ("action", "merge"),
                    ("into", &into),
                ],
            )
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "[{backend}] {}", a.body);
        let now = drafts_of(&service, doc).await;
        let state = |id: i64| now.iter().find(|d| d.id == id).unwrap().state.clone();
        assert_eq!(state(drafts[1].id), "dropped");
        assert_eq!(state(drafts[3].id), "dropped");
        assert_eq!(state(drafts[2].id), "proposed");
        // Confirm one: it becomes a task with its assignment.
        let a = c
            .post(
                &act(first.id),
                &[
                    ("csrf", &csrf),
                    ("document", &doc_s),
                    ("action", "confirm"),
                    ("text", "Nội dung đã sửa của nhiệm vụ một"),
                    ("lead", "Bộ Y tế"),
                    ("coord", "Bộ Công an"),
                    ("kind", "date"),
                    ("due", "30/11/2025"),
                    ("product", "Kế hoạch"),
                ],
            )
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "[{backend}] {}", a.body);
        let now = drafts_of(&service, doc).await;
        let d0 = now.iter().find(|d| d.id == first.id).unwrap();
        assert_eq!(d0.state, "confirmed");
        let task = service
            .get_task(&office(), d0.task_id.unwrap(), today())
            .await
            .unwrap();
        assert_eq!(task.text, "Nội dung đã sửa của nhiệm vụ một");
        assert_eq!(task.assignment_count, 1);
        // Without CSRF nothing changes.
        let a = c
            .post(
                &act(drafts[2].id),
                &[("document", &doc_s), ("action", "drop")],
            )
            .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN);
        assert_eq!(
            drafts_of(&service, doc)
                .await
                .iter()
                .find(|d| d.id == drafts[2].id)
                .unwrap()
                .state,
            "proposed"
        );
        // Confirm all the rest.
        let a = c
            .post(
                &format!("/van-ban/{doc}/du-thao/xac-nhan"),
                &[("csrf", &csrf)],
            )
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "[{backend}] {}", a.body);
        let now = drafts_of(&service, doc).await;
        assert_eq!(now.iter().filter(|d| d.state == "proposed").count(), 0);
        assert_eq!(
            now.iter().filter(|d| d.state == "confirmed").count(),
            drafts.len() - 2
        );
        let page = c.get(&format!("/van-ban/{doc}/du-thao")).await;
        assert!(page.body.contains("id=\"count-proposed\">0<"));
        // A past view offers no form.
        let past = c
            .get(&format!("/van-ban/{doc}/du-thao?as_of=2025-01-01"))
            .await;
        assert_eq!(past.status, StatusCode::OK);
        assert!(past.body.contains("banner past"));
        assert!(
            !past.body.contains("action=\"/du-thao/"),
            "[{backend}] forms in a past view"
        );
        // A later notice restating one of its tasks is flagged, with a link to it.
        let restated = "Số: 700/TB-VPCP\nHà Nội, ngày 20 tháng 12 năm 2025\nTHÔNG BÁO\nKẾT LUẬN CUỘC HỌP\n\
            1. Bộ Y tế xây dựng, trình cấp có thẩm quyền phê duyệt Kế hoạch triển khai Sổ sức khỏe điện tử và bệnh án điện tử phạm vi toàn quốc giai đoạn 2026 - 2030, hoàn thành trong tháng 01 năm 2026.\n";
        let a = post_multipart(
            &mut c,
            "/van-ban/nhap",
            &[("csrf", &csrf), ("text", restated)],
            &[],
        )
        .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "[{backend}] {}", a.body);
        let page = c.get(&a.location()).await;
        assert!(
            page.body.contains("Có thể trùng nhiệm vụ đã giao"),
            "[{backend}]"
        );
        let later: i64 = a
            .location()
            .trim_start_matches("/van-ban/")
            .split('/')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let repeat_of = drafts_of(&service, later).await[0]
            .repeat_of
            .expect("flagged");
        assert!(
            page.body
                .contains(&format!("href=\"/nhiem-vu/{repeat_of}\""))
        );
        // The queue lists both imports.
        let queue = c.get("/duyet").await;
        assert!(
            queue
                .body
                .contains(&format!("href=\"/van-ban/{later}/du-thao\""))
        );
        assert!(
            queue
                .body
                .contains(&format!("href=\"/van-ban/{doc}/du-thao\""))
        );
    }
}

fn common_unlabelled_free(html: &str) -> bool {
    let bad = unlabelled(html);
    if !bad.is_empty() {
        eprintln!("unlabelled: {bad:?}");
    }
    bad.is_empty()
}

/// Input is checked, never guessed (issue 14.3), on the pages: a commitment to
/// a past day, a completion claim without its day, a filter date that is not a
/// day and an as-of day to come each get a message next to the field, and what
/// was typed is kept.
#[tokio::test]
async fn dates_that_make_no_sense_are_refused_on_the_form() {
    for (backend, service) in services().await {
        service.load_demo().await.expect("demo");
        let mine = open_assignment(&service, focal_agency_id(&service), true).await;
        let mut focal = signed_in(&service, "daumoi.bca", "focal", Some(FOCAL_AGENCY)).await;
        // A commitment dated 01/01/2020 would count as broken at once.
        let path = format!("/phan-cong/{mine}/cam-ket");
        let csrf = focal.get(&path).await.csrf();
        let a = focal
            .post(
                &path,
                &[
                    ("csrf", &csrf),
                    ("committed_on", "01/01/2020"),
                    ("letter_number", "12/CV-BCA"),
                ],
            )
            .await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "[{backend}]");
        assert!(
            a.body.contains("id=\"committed_on-error\""),
            "[{backend}] {}",
            a.body
        );
        assert!(a.body.contains("01/01/2020") && a.body.contains("12/CV-BCA"));
        // A completion claim without its day: asked for, not taken from today.
        let path = format!("/phan-cong/{mine}/bao-cao");
        let csrf = focal.get(&path).await.csrf();
        let a = focal
            .post(
                &path,
                &[
                    ("csrf", &csrf),
                    ("claims_completion", "on"),
                    ("narrative", "Đã hoàn thành"),
                ],
            )
            .await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "[{backend}]");
        assert!(
            a.body.contains("id=\"completed_on-error\""),
            "[{backend}] {}",
            a.body
        );
        assert!(a.body.contains("Đã hoàn thành"));
        assert!(reports_of(&service, mine).await.is_empty(), "[{backend}]");
        // A filter date that is not a day is shown next to its field, not ignored.
        let page = focal.get("/nhiem-vu?due_from=31%2F02%2F2025").await;
        assert!(
            page.body.contains("id=\"f-from-error\"") && page.body.contains("value=\"31/02/2025\""),
            "[{backend}] {}",
            page.body
        );
        let page = focal.get("/nhiem-vu?due_to=01%2F01%2F1900").await;
        assert!(page.body.contains("id=\"f-to-error\""), "[{backend}]");
        // An as-of day to come is refused, with the reason; today is shown.
        let page = focal.get("/?as_of=01%2F01%2F2099").await;
        assert!(
            page.body.contains("id=\"as-of-error\"") && page.body.contains("01/01/2099"),
            "[{backend}] {}",
            page.body
        );
        assert!(
            !page.body.contains("Đang xem dữ liệu tại ngày"),
            "[{backend}]"
        );
    }
}
