//! Notifications (issue 13, docs/notifications.md) on SQLite and PostgreSQL:
//! reminders, the office told of what waits for it, catch-up after downtime,
//! nothing about work done meanwhile, each notice once with two servers, and
//! real delivery: an SMTP server and a webhook receiver on loopback. Time moves
//! through the `now` given to each run of the scheduler, never by sleeping.

mod common;

#[path = "../../notify/tests/support/mod.rs"]
#[allow(dead_code)]
mod support;

use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use chrono::Datelike;
use chrono::{Duration, NaiveDate};
use common::*;
use serde_json::{Value, json};
use tiendo_core::notify::Trigger;
use tiendo_core::time::{format_date_vi, now_micros, start_of_day, today};
use tiendo_service::input::UserInput;
use tiendo_service::{Config, Service};
use tiendo_store::Store;

const DAY: i64 = 86_400_000_000;

/// A document with one task for `agency` due on `due`; returns the assignment id.
async fn task_due(api: &Api, admin: &str, number: &str, agency: &str, due: NaiveDate) -> i64 {
    let (s, doc) = api
        .call("POST", "/api/v1/documents", Some(admin), Some(json!({"number": number, "kind": "Thông báo", "title": "Kết luận", "issued_on": "2025-11-16"})))
        .await;
    assert!(
        s == StatusCode::CREATED || s == StatusCode::CONFLICT,
        "{doc}"
    );
    let doc_id = if s == StatusCode::CREATED {
        doc["id"].as_i64().unwrap()
    } else {
        let list = api.get("/api/v1/documents?per_page=1000", admin).await;
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["number"] == number)
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let (s, task) = api
        .call(
            "POST",
            "/api/v1/tasks",
            Some(admin),
            Some(json!({"document_id": doc_id, "text": format!("Xây dựng cơ sở dữ liệu số {number} {agency} {due}"), "deadline": {"kind": "date", "due": due}, "lead": [agency]})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{task}");
    let list = api
        .get(&format!("/api/v1/assignments?task={}", task["id"]), admin)
        .await;
    list["items"][0]["id"].as_i64().unwrap()
}

/// The shipped rules without the weekly and monthly ones, so that what a test
/// counts does not depend on the day of the week it runs.
async fn daily_rules_only(api: &Api) {
    let rules = tiendo_core::notify::Rules::default_rules();
    let kept = tiendo_core::notify::Rules {
        rule: rules
            .rule
            .into_iter()
            .filter(|r| {
                !matches!(
                    r.when,
                    Trigger::OverdueWeekly | Trigger::AgencyDigest | Trigger::MonthlyDigest
                )
            })
            .collect(),
    };
    let system = api.service.system_actor();
    api.service
        .save_notify_rules(&system, &kept.to_toml())
        .await
        .expect("rules");
}

async fn notices(api: &Api, token: &str) -> Vec<Value> {
    api.get("/api/v1/notifications?per_page=100", token).await["items"]
        .as_array()
        .unwrap()
        .clone()
}

async fn log(api: &Api, admin: &str, query: &str) -> Vec<Value> {
    api.get(
        &format!("/api/v1/notifications/log?per_page=500{query}"),
        admin,
    )
    .await["items"]
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn reminders_before_and_after_a_deadline_reach_the_agency_once() {
    for api in apis().await {
        let b = api.backend;
        let admin = api.user("vanphong", "admin", None).await;
        daily_rules_only(&api).await;
        let focal = api.user("daumoi.byt", "focal", Some("Bộ Y tế")).await;
        let other = api.user("daumoi.btc", "focal", Some("BTC")).await;
        let day = today();
        let soon = task_due(&api, &admin, "1/TB-N", "Bộ Y tế", day + Duration::days(7)).await;
        let late = task_due(&api, &admin, "1/TB-N", "Bộ Y tế", day - Duration::days(1)).await;
        task_due(&api, &admin, "1/TB-N", "Bộ Y tế", day + Duration::days(30)).await;

        let run = api.service.notify_tick(now_micros()).await.expect("tick");
        assert_eq!(
            run.planned_days,
            vec![day],
            "[{b}] the first run plans today only"
        );
        let got = notices(&api, &focal).await;
        let subjects: Vec<&str> = got.iter().map(|n| n["subject"].as_str().unwrap()).collect();
        assert_eq!(got.len(), 2, "[{b}] {subjects:?}");
        let seven = got
            .iter()
            .find(|n| n["kind"] == "before_deadline")
            .expect("7-day reminder");
        assert_eq!(
            seven["subject"],
            format!(
                "Nhắc hạn: 1 nhiệm vụ của Bộ Y tế đến hạn ngày {}",
                format_date_vi(day + Duration::days(7))
            ),
            "[{b}]"
        );
        assert_eq!(seven["link"], format!("/phan-cong/{soon}"), "[{b}]");
        let after = got
            .iter()
            .find(|n| n["kind"] == "after_deadline")
            .expect("overdue notice");
        assert!(
            after["subject"]
                .as_str()
                .unwrap()
                .starts_with("Đôn đốc: 1 nhiệm vụ của Bộ Y tế đã quá hạn"),
            "[{b}] {after}"
        );
        assert_eq!(after["link"], format!("/phan-cong/{late}"), "[{b}]");
        assert!(
            after["body"].as_str().unwrap().contains("trễ 1 ngày"),
            "[{b}] {after}"
        );
        assert_eq!(
            api.get("/api/v1/notifications/unread", &focal).await["unread"],
            2,
            "[{b}]"
        );

        // Another agency's focal point and the office are told nothing of it.
        assert!(notices(&api, &other).await.is_empty(), "[{b}]");
        assert!(notices(&api, &admin).await.is_empty(), "[{b}]");

        // A second run the same day (a second server, a restart) adds nothing.
        let again = api.service.notify_tick(now_micros()).await.expect("tick");
        assert!(again.delivered.is_empty(), "[{b}] {:?}", again.delivered);
        assert_eq!(notices(&api, &focal).await.len(), 2, "[{b}]");

        // Reading: one's own only; then all.
        let id = seven["id"].as_i64().unwrap();
        let (s, r) = api
            .call(
                "POST",
                "/api/v1/notifications/read",
                Some(&other),
                Some(json!({"ids": [id]})),
            )
            .await;
        assert_eq!(
            (s, r["marked"].as_u64()),
            (StatusCode::OK, Some(0)),
            "[{b}] another's notice is not marked"
        );
        let (s, r) = api
            .call(
                "POST",
                "/api/v1/notifications/read",
                Some(&focal),
                Some(json!({})),
            )
            .await;
        assert_eq!(
            (s, r["marked"].as_u64()),
            (StatusCode::OK, Some(2)),
            "[{b}]"
        );
        assert_eq!(
            api.get("/api/v1/notifications/unread", &focal).await["unread"],
            0,
            "[{b}]"
        );

        // The office's log shows what went to whom; a focal point may not read it.
        let all = log(&api, &admin, "").await;
        assert_eq!(all.len(), 2, "[{b}] {all:?}");
        assert!(
            all.iter()
                .all(|n| n["state"] == "sent" && n["channel"] == "in_app"),
            "[{b}]"
        );
        let (s, _) = api
            .call("GET", "/api/v1/notifications/log", Some(&focal), None)
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "[{b}]");
    }
}

#[tokio::test]
async fn the_office_hears_of_reports_to_review_and_the_agency_of_their_review() {
    for api in apis().await {
        let b = api.backend;
        let admin = api.user("vanphong", "admin", None).await;
        daily_rules_only(&api).await;
        let focal = api.user("daumoi.byt", "focal", Some("Bộ Y tế")).await;
        let day = today();
        let a1 = task_due(&api, &admin, "2/TB-N", "Bộ Y tế", day + Duration::days(40)).await;
        let a2 = task_due(&api, &admin, "2/TB-N", "Bộ Y tế", day + Duration::days(41)).await;
        api.service.notify_tick(now_micros()).await.unwrap();

        let (s, r1) = api
            .call("POST", "/api/v1/progress-reports", Some(&focal), Some(json!({"assignment_id": a1, "narrative": "Đã hoàn thành", "claims_completion": true, "completed_on": day})))
            .await;
        assert_eq!(s, StatusCode::CREATED, "[{b}] {r1}");
        // A report without a claim of completion waits for no one.
        let (s, _) = api
            .call(
                "POST",
                "/api/v1/progress-reports",
                Some(&focal),
                Some(json!({"assignment_id": a2, "narrative": "Đang làm", "percent": 40})),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "[{b}]");
        api.service.notify_tick(now_micros()).await.unwrap();
        let office = notices(&api, &admin).await;
        assert_eq!(office.len(), 1, "[{b}] {office:?}");
        assert_eq!(office[0]["kind"], "report_submitted", "[{b}]");
        assert!(
            office[0]["subject"]
                .as_str()
                .unwrap()
                .starts_with("Báo cáo hoàn thành chờ duyệt: Bộ Y tế — Xây dựng"),
            "[{b}] {}",
            office[0]
        );
        assert_eq!(office[0]["link"], "/duyet", "[{b}]");

        // The office accepts: the focal point hears of it.
        let (s, _) = api
            .call(
                "POST",
                &format!("/api/v1/progress-reports/{}/review", r1["id"]),
                Some(&admin),
                Some(json!({"accept": true})),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "[{b}]");
        api.service.notify_tick(now_micros()).await.unwrap();
        let mine = notices(&api, &focal).await;
        assert!(
            mine.iter().any(|n| n["kind"] == "report_reviewed"
                && n["subject"]
                    .as_str()
                    .unwrap()
                    .starts_with("Báo cáo được chấp nhận:")),
            "[{b}] {mine:?}"
        );

        // A report the office decided before the notice went out: the notice is
        // obsolete, never shown.
        let (s, r2) = api
            .call("POST", "/api/v1/progress-reports", Some(&focal), Some(json!({"assignment_id": a2, "narrative": "Xong", "claims_completion": true, "completed_on": day})))
            .await;
        assert_eq!(s, StatusCode::CREATED, "[{b}]");
        let (s, _) = api
            .call(
                "POST",
                &format!("/api/v1/progress-reports/{}/review", r2["id"]),
                Some(&admin),
                Some(json!({"accept": false, "note": "Thiếu minh chứng"})),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "[{b}]");
        api.service.notify_tick(now_micros()).await.unwrap();
        assert_eq!(
            notices(&api, &admin).await.len(),
            1,
            "[{b}] no notice of a report already decided"
        );
        let obsolete = log(&api, &admin, "&state=obsolete").await;
        assert_eq!(obsolete.len(), 1, "[{b}] {obsolete:?}");
        assert_eq!(obsolete[0]["kind"], "report_submitted", "[{b}]");
        let returned = notices(&api, &focal).await;
        assert!(
            returned.iter().any(|n| n["subject"]
                .as_str()
                .unwrap()
                .starts_with("Báo cáo bị trả lại:")),
            "[{b}] {returned:?}"
        );
    }
}

#[tokio::test]
async fn a_server_down_for_days_catches_up_and_says_nothing_of_work_done_meanwhile() {
    for api in apis().await {
        let b = api.backend;
        let admin = api.user("vanphong", "admin", None).await;
        daily_rules_only(&api).await;
        let focal = api.user("daumoi.byt", "focal", Some("Bộ Y tế")).await;
        let day = today();
        let now = now_micros();
        // Due in 9 days: the 7-day reminder falls on day+2, the 1-day one on day+8.
        let a = task_due(&api, &admin, "3/TB-N", "Bộ Y tế", day + Duration::days(9)).await;
        api.service.notify_tick(now).await.unwrap();
        assert!(notices(&api, &focal).await.is_empty(), "[{b}]");

        // Down for three days: the next run plans each missed day.
        let run = api.service.notify_tick(now + 3 * DAY).await.unwrap();
        assert_eq!(
            run.planned_days,
            (1..=3).map(|d| day + Duration::days(d)).collect::<Vec<_>>(),
            "[{b}]"
        );
        let got = notices(&api, &focal).await;
        assert_eq!(got.len(), 1, "[{b}] {got:?}");
        assert_eq!(got[0]["kind"], "before_deadline", "[{b}]");

        // The 1-day reminder's cause is written, then the work is completed before
        // it goes out: it is not sent.
        let service = &api.service;
        let rules = service.notify_rules().await.unwrap().rules;
        let eve = day + Duration::days(8);
        let causes = service.plan_day(&rules, eve).await.unwrap();
        assert_eq!(causes.len(), 1, "[{b}]");
        service.store.write_planned_day(eve, &causes).await.unwrap();
        let (s, body) = api
            .call(
                "PATCH",
                &format!("/api/v1/assignments/{a}"),
                Some(&admin),
                Some(json!({"completed_on": day})),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "[{b}] {body}");
        let run = service.notify_tick(now + 8 * DAY).await.unwrap();
        assert!(
            run.delivered.iter().all(|d| d.outcome == "obsolete"),
            "[{b}] {:?}",
            run.delivered
        );
        assert_eq!(
            notices(&api, &focal).await.len(),
            1,
            "[{b}] nothing new for the focal point"
        );
        assert!(
            !log(&api, &admin, "&state=obsolete").await.is_empty(),
            "[{b}]"
        );

        // The weekly rules fire on their weekday only: the next Monday has the
        // agency's digest (a task due that week) and its overdue notice.
        let shipped = tiendo_core::notify::Rules::default_rules();
        let monday = (1..=7)
            .map(|d| day + Duration::days(d))
            .find(|d| d.weekday() == chrono::Weekday::Mon)
            .unwrap();
        task_due(
            &api,
            &admin,
            "3/TB-N",
            "Bộ Y tế",
            monday + Duration::days(3),
        )
        .await;
        task_due(
            &api,
            &admin,
            "3/TB-N",
            "Bộ Y tế",
            monday - Duration::days(1) - Duration::days(7),
        )
        .await;
        let kinds = |causes: &[tiendo_store::NewCause]| {
            let mut k: Vec<&str> = causes.iter().map(|c| c.trigger.as_str()).collect();
            k.sort_unstable();
            k.dedup();
            k
        };
        let causes = service.plan_day(&shipped, monday).await.unwrap();
        assert_eq!(
            kinds(&causes),
            vec!["agency_digest", "overdue_weekly"],
            "[{b}]"
        );
        let digest = causes
            .iter()
            .find(|c| c.trigger == Trigger::AgencyDigest)
            .unwrap();
        assert_eq!(
            (
                digest.payload["due_soon"].as_u64(),
                digest.payload["overdue"].as_u64()
            ),
            (Some(1), Some(1)),
            "[{b}] {}",
            digest.payload
        );
        let tuesday = monday + Duration::days(1);
        assert!(
            !kinds(&service.plan_day(&shipped, tuesday).await.unwrap()).contains(&"agency_digest"),
            "[{b}]"
        );
    }
}

/// A webhook receiver that checks signatures with the secret it is given later,
/// answers 500 to the first delivery if asked to, and records the rest.
#[derive(Default)]
struct Hooks {
    secret: Mutex<String>,
    fail_first: Mutex<bool>,
    /// (X-Tiendo-Delivery, signature valid, body)
    seen: Mutex<Vec<(String, bool, Value)>>,
}

async fn hook_receiver(fail_first: bool) -> (String, Arc<Hooks>) {
    use axum::body::Bytes;
    use axum::extract::State;
    use axum::http::HeaderMap;
    let hooks = Arc::new(Hooks::default());
    *hooks.fail_first.lock().unwrap() = fail_first;
    let app = axum::Router::new()
        .route(
            "/hook",
            axum::routing::post(
                |State(h): State<Arc<Hooks>>, headers: HeaderMap, body: Bytes| async move {
                    let header = |n: &str| {
                        headers
                            .get(n)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default()
                            .to_string()
                    };
                    let ok = tiendo_notify::verify(
                        &h.secret.lock().unwrap(),
                        &body,
                        &header("x-tiendo-signature"),
                    );
                    let value: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                    h.seen
                        .lock()
                        .unwrap()
                        .push((header("x-tiendo-delivery"), ok, value));
                    let mut fail = h.fail_first.lock().unwrap();
                    if *fail {
                        *fail = false;
                        return StatusCode::INTERNAL_SERVER_ERROR;
                    }
                    if ok {
                        StatusCode::OK
                    } else {
                        StatusCode::UNAUTHORIZED
                    }
                },
            ),
        )
        .with_state(hooks.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}/hook"), hooks)
}

#[tokio::test]
async fn two_servers_on_one_database_deliver_each_notice_once() {
    for (b, one, two) in service_pairs().await {
        let api = Api::new(b, one.clone());
        let admin = api.user("vanphong", "admin", None).await;
        daily_rules_only(&api).await;
        let (url, hooks) = hook_receiver(false).await;
        let (s, hook) = api
            .call(
                "POST",
                "/api/v1/webhooks",
                Some(&admin),
                Some(json!({"url": url, "description": "LGSP"})),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "[{b}] {hook}");
        *hooks.secret.lock().unwrap() = hook["secret"].as_str().unwrap().to_string();
        let day = today();
        let mut tokens = Vec::new();
        for (i, agency) in ["Bộ Y tế", "Bộ Tài chính", "Bộ Công an"].iter().enumerate() {
            tokens.push(api.user(&format!("daumoi{i}"), "focal", Some(agency)).await);
            for k in 0..4 {
                // Overdue since yesterday: in the pages and to the webhook.
                task_due(
                    &api,
                    &admin,
                    &format!("4{i}/TB-N"),
                    agency,
                    day - Duration::days(1),
                )
                .await;
                task_due(
                    &api,
                    &admin,
                    &format!("5{i}{k}/TB-N"),
                    agency,
                    day + Duration::days(7),
                )
                .await;
            }
        }
        let now = now_micros();
        for _ in 0..3 {
            let (r1, r2) = tokio::join!(one.notify_tick(now), two.notify_tick(now));
            r1.expect("first server");
            r2.expect("second server");
        }
        let all = log(&api, &admin, "").await;
        // Per agency: one 7-day reminder and one overdue notice in the pages, and
        // the overdue notice to the webhook.
        assert_eq!(all.len(), 9, "[{b}] {all:?}");
        for n in &all {
            assert_eq!(n["state"], "sent", "[{b}] {n}");
            assert_eq!(n["attempts"], 1, "[{b}] delivered once: {n}");
        }
        for t in &tokens {
            assert_eq!(notices(&api, t).await.len(), 2, "[{b}]");
        }
        let seen = hooks.seen.lock().unwrap().clone();
        assert_eq!(
            seen.len(),
            3,
            "[{b}] each webhook notice delivered once: {seen:?}"
        );
        let mut ids: Vec<&str> = seen.iter().map(|s| s.0.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 3, "[{b}]");
        assert!(seen.iter().all(|s| s.1), "[{b}] every delivery is signed");
        assert!(
            seen.iter().all(|s| s.2["kind"] == "after_deadline"
                && s.2["assignments"].as_array().unwrap().len() == 4),
            "[{b}] {seen:?}"
        );
    }
}

/// A service on each backend whose notifications go through `smtp`.
async fn services_with_mail(smtp: &support::smtp::TestSmtp) -> Vec<(&'static str, Service)> {
    let settings = tiendo_notify::SmtpSettings {
        host: "127.0.0.1".into(),
        port: smtp.addr.port(),
        security: tiendo_notify::Security::StartTls,
        username: Some("tiendo".into()),
        password: Some("bí mật".into()),
        from: "Văn phòng Ban Chỉ đạo <vanphong@chinhphu.vn>".into(),
        timeout: std::time::Duration::from_secs(10),
        root_certificates_pem: Some(smtp.certificate_pem.clone()),
    };
    let config = || Config {
        notify: tiendo_service::notify::NotifySettings {
            public_url: "https://tiendo.test/".into(),
            smtp: Some(settings.clone()),
        },
        ..Config::default()
    };
    let mut out = Vec::new();
    let dir = std::env::temp_dir().join(format!(
        "tiendo-notify-{}-{}",
        std::process::id(),
        now_micros()
    ));
    out.push((
        "sqlite",
        Service::new(Store::open_sqlite_dir(&dir).await.unwrap(), config())
            .await
            .unwrap(),
    ));
    if let Some(url) = postgres_url() {
        let schema = format!("mail_{}_{}", std::process::id(), now_micros());
        out.push((
            "postgres",
            Service::new(
                Store::open_postgres(&url, Some(&schema)).await.unwrap(),
                config(),
            )
            .await
            .unwrap(),
        ));
    }
    out
}

#[tokio::test]
async fn email_over_starttls_and_a_webhook_retried_after_a_500() {
    let smtp = support::smtp::TestSmtp::start(support::smtp::Options {
        starttls: true,
        credentials: Some(("tiendo".into(), "bí mật".into())),
        ..Default::default()
    })
    .await;
    for (b, service) in services_with_mail(&smtp).await {
        let api = Api::new(b, service.clone());
        let before = smtp.messages().len();
        let admin = api.user("vanphong", "admin", None).await;
        daily_rules_only(&api).await;
        service
            .create_user(
                None,
                &UserInput {
                    username: "daumoi.byt".into(),
                    password: "mật khẩu tốt".into(),
                    role: "focal".into(),
                    agency: Some("Bộ Y tế".into()),
                    display_name: Some("Đầu mối Bộ Y tế".into()),
                    email: Some("daumoi@moh.gov.vn".into()),
                },
            )
            .await
            .unwrap();
        let (url, hooks) = hook_receiver(true).await;
        let (_, hook) = api
            .call(
                "POST",
                "/api/v1/webhooks",
                Some(&admin),
                Some(json!({"url": url})),
            )
            .await;
        *hooks.secret.lock().unwrap() = hook["secret"].as_str().unwrap().to_string();
        let due = today() - Duration::days(1);
        let a = task_due(&api, &admin, "6/TB-N", "Bộ Y tế", due).await;

        let now = now_micros();
        let run = service.notify_tick(now).await.unwrap();
        let outcomes: Vec<(String, String)> = run
            .delivered
            .iter()
            .map(|d| (d.channel.as_str().to_string(), d.outcome.clone()))
            .collect();
        assert!(
            outcomes.contains(&("email".into(), "sent".into())),
            "[{b}] {outcomes:?}"
        );
        assert!(
            outcomes.contains(&("webhook".into(), "retry".into())),
            "[{b}] {outcomes:?}"
        );

        // The mail: to the focal point's address, over TLS, signed in, in Vietnamese.
        let mails = smtp.messages();
        assert_eq!(mails.len(), before + 1, "[{b}]");
        let mail = mails.last().unwrap();
        assert_eq!(mail.rcpt_to, vec!["daumoi@moh.gov.vn".to_string()], "[{b}]");
        assert!(
            mail.over_tls && mail.authenticated_as.as_deref() == Some("tiendo"),
            "[{b}]"
        );
        let (headers, _) = support::mime::split(&mail.data);
        let subject =
            support::mime::decode_words(support::mime::header(&headers, "Subject").unwrap());
        assert_eq!(
            subject,
            format!(
                "Đôn đốc: 1 nhiệm vụ của Bộ Y tế đã quá hạn ngày {}",
                format_date_vi(due)
            ),
            "[{b}]"
        );
        let email_notice = log(&api, &admin, "&channel=email").await;
        let message_id = support::mime::header(&headers, "Message-ID").unwrap();
        assert_eq!(
            message_id,
            format!("<notice-{}@chinhphu.vn>", email_notice[0]["id"]),
            "[{b}]"
        );
        let parts = support::mime::leaf_parts(&mail.data);
        let text = parts
            .iter()
            .find(|p| p.content_type.starts_with("text/plain"))
            .expect("text part");
        let text = &text.text;
        assert!(
            text.contains(&format!("https://tiendo.test/phan-cong/{a}")),
            "[{b}] {}",
            text
        );
        assert!(
            parts
                .iter()
                .any(|p| p.content_type.starts_with("text/html")),
            "[{b}]"
        );

        // The webhook answered 500: tried again after the first backoff (1 min), not before.
        let hook_log = log(&api, &admin, "&channel=webhook").await;
        assert_eq!(
            (
                hook_log[0]["state"].as_str(),
                hook_log[0]["attempts"].as_i64()
            ),
            (Some("pending"), Some(1)),
            "[{b}]"
        );
        assert!(
            hook_log[0]["last_error"].as_str().unwrap().contains("500"),
            "[{b}] {}",
            hook_log[0]
        );
        service.notify_tick(now + 30_000_000).await.unwrap();
        assert_eq!(
            hooks.seen.lock().unwrap().len(),
            1,
            "[{b}] not before its time"
        );
        service.notify_tick(now + 61_000_000).await.unwrap();
        let seen = hooks.seen.lock().unwrap().clone();
        assert_eq!(seen.len(), 2, "[{b}]");
        assert_eq!(
            seen[0].0, seen[1].0,
            "[{b}] the same delivery id on the retry"
        );
        assert!(seen.iter().all(|s| s.1), "[{b}] signed");
        let id = hook_log[0]["id"].as_i64().unwrap();
        let attempts = api
            .get(&format!("/api/v1/notifications/{id}/attempts"), &admin)
            .await;
        let outcomes: Vec<&str> = attempts
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["outcome"].as_str().unwrap())
            .collect();
        assert_eq!(outcomes, vec!["retry", "sent"], "[{b}]");
        // Nothing is sent twice.
        service.notify_tick(now + 600_000_000).await.unwrap();
        assert_eq!(smtp.messages().len(), before + 1, "[{b}]");
        assert_eq!(hooks.seen.lock().unwrap().len(), 2, "[{b}]");
    }
}

#[tokio::test]
async fn rules_are_data_the_office_edits_with_clear_errors_and_a_history() {
    for api in apis().await {
        let b = api.backend;
        let admin = api.user("vanphong", "admin", None).await;
        let focal = api.user("daumoi.byt", "focal", Some("Bộ Y tế")).await;
        let rules = api.get("/api/v1/notify/rules", &focal).await;
        assert_eq!(rules["version"], 0, "[{b}] the shipped defaults");
        assert!(
            rules["text"].as_str().unwrap().contains("before_deadline"),
            "[{b}]"
        );

        let (s, _) = api
            .call(
                "PUT",
                "/api/v1/notify/rules",
                Some(&focal),
                Some(json!({"text": "x"})),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "[{b}]");
        let bad = "[[rule]]\nname = \"Nhắc\"\nwhen = \"before_deadline\"\nto = [\"focal\"]\nchannels = [\"in_app\"]\n";
        let (s, e) = api
            .call(
                "PUT",
                "/api/v1/notify/rules",
                Some(&admin),
                Some(json!({"text": bad})),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "[{b}] {e}");
        assert!(
            e["error"].as_str().unwrap().contains("rule 1 (Nhắc)")
                && e["error"].as_str().unwrap().contains("`days`"),
            "[{b}] {e}"
        );

        // Only a 3-day reminder now.
        let three = "[[rule]]\nname = \"Nhắc 3 ngày\"\nwhen = \"before_deadline\"\ndays = 3\nto = [\"focal\"]\nchannels = [\"in_app\"]\n";
        let (s, saved) = api
            .call(
                "PUT",
                "/api/v1/notify/rules",
                Some(&admin),
                Some(json!({"text": three})),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "[{b}] {saved}");
        assert_eq!(saved["version"], 1, "[{b}]");
        let events = api.get("/api/v1/events?entity=notify_rules", &admin).await;
        assert_eq!(events["total"], 1, "[{b}] {events}");

        let day = today();
        task_due(&api, &admin, "7/TB-N", "Bộ Y tế", day + Duration::days(7)).await;
        task_due(&api, &admin, "7/TB-N", "Bộ Y tế", day + Duration::days(3)).await;
        api.service.notify_tick(now_micros()).await.unwrap();
        let got = notices(&api, &focal).await;
        assert_eq!(got.len(), 1, "[{b}] {got:?}");
        assert!(
            got[0]["subject"]
                .as_str()
                .unwrap()
                .ends_with(&format_date_vi(day + Duration::days(3))),
            "[{b}]"
        );

        // A user sets their own address; a typing slip is refused by field.
        let me = api.get("/api/v1/auth/me", &focal).await;
        let path = format!("/api/v1/users/{}", me["id"]);
        let (s, e) = api
            .call(
                "PATCH",
                &path,
                Some(&focal),
                Some(json!({"email": "daumoi moh.gov.vn"})),
            )
            .await;
        assert_eq!(
            (s, e["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("email")),
            "[{b}] {e}"
        );
        let (s, u) = api
            .call(
                "PATCH",
                &path,
                Some(&focal),
                Some(json!({"email": "daumoi@moh.gov.vn", "notify_email": false})),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "[{b}] {u}");
        assert_eq!(
            (u["email"].as_str(), u["notify_email"].as_bool()),
            (Some("daumoi@moh.gov.vn"), Some(false)),
            "[{b}]"
        );
        // …but not another user's.
        let (s, _) = api
            .call(
                "PATCH",
                &format!(
                    "/api/v1/users/{}",
                    api.get("/api/v1/auth/me", &admin).await["id"]
                ),
                Some(&focal),
                Some(json!({"email": "x@y.vn"})),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "[{b}]");
        let _ = start_of_day(day);
    }
}

#[tokio::test]
async fn a_notice_claimed_by_a_server_that_stopped_is_taken_over_after_its_lease() {
    for api in apis().await {
        let b = api.backend;
        let admin = api.user("vanphong", "admin", None).await;
        daily_rules_only(&api).await;
        let focal = api.user("daumoi.byt", "focal", Some("Bộ Y tế")).await;
        let day = today();
        task_due(&api, &admin, "8/TB-N", "Bộ Y tế", day + Duration::days(7)).await;
        let service = &api.service;
        let rules = service.notify_rules().await.unwrap().rules;
        let now = now_micros();
        service
            .store
            .write_planned_day(day, &service.plan_day(&rules, day).await.unwrap())
            .await
            .unwrap();
        assert_eq!(
            service.expand_waiting(&rules, now).await.unwrap(),
            1,
            "[{b}]"
        );
        // A server claims the notice and stops (kill -9) before finishing it.
        let lease = tiendo_service::notify::LEASE_MICROS;
        let claimed = service
            .store
            .claim_notices(now, now + lease, 50)
            .await
            .unwrap();
        assert_eq!(claimed.len(), 1, "[{b}]");
        // Within the lease no one else touches it…
        let run = service.notify_tick(now + 60_000_000).await.unwrap();
        assert!(run.delivered.is_empty(), "[{b}] {:?}", run.delivered);
        assert!(notices(&api, &focal).await.is_empty(), "[{b}]");
        // …after it, the next run takes it over and delivers it, once.
        let run = service.notify_tick(now + lease + 1).await.unwrap();
        assert_eq!(run.delivered.len(), 1, "[{b}]");
        let got = notices(&api, &focal).await;
        assert_eq!(
            (got.len(), got[0]["attempts"].as_i64()),
            (1, Some(2)),
            "[{b}] {got:?}"
        );
        assert!(
            service
                .notify_tick(now + 2 * lease)
                .await
                .unwrap()
                .delivered
                .is_empty(),
            "[{b}]"
        );
    }
}

#[tokio::test]
async fn the_first_run_sends_the_weekly_notices_at_once_whatever_the_weekday() {
    for api in apis().await {
        let b = api.backend;
        let admin = api.user("vanphong", "admin", None).await;
        let focal = api.user("daumoi.byt", "focal", Some("Bộ Y tế")).await;
        let day = today();
        task_due(&api, &admin, "9/TB-N", "Bộ Y tế", day - Duration::days(20)).await;
        let now = now_micros();
        api.service.notify_tick(now).await.unwrap();
        let kinds = |v: Vec<Value>| {
            v.iter()
                .map(|n| n["kind"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        };
        assert!(
            kinds(notices(&api, &focal).await).contains(&"agency_digest".to_string()),
            "[{b}]"
        );
        assert!(
            kinds(notices(&api, &admin).await).contains(&"overdue_weekly".to_string()),
            "[{b}]"
        );
        // Only the first run: the next days wait for the rule's weekday.
        let before = notices(&api, &admin).await.len();
        let next_day = api.service.notify_tick(now + DAY).await.unwrap();
        let weekly = next_day
            .delivered
            .iter()
            .filter(|d| d.kind == Trigger::OverdueWeekly)
            .count();
        let monday = (day + Duration::days(1)).weekday() == chrono::Weekday::Mon;
        assert_eq!(weekly, usize::from(monday), "[{b}]");
        assert!(notices(&api, &admin).await.len() >= before, "[{b}]");
    }
}
