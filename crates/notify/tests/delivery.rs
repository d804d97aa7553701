//! Delivery over real sockets: an SMTP server speaking ESMTP with STARTTLS, TLS on connect
//! and AUTH; a webhook receiver that checks signatures.

mod support;

use std::time::Duration;

use support::mime;
use support::smtp::{Options, TestSmtp};
use support::webhook::{HttpsReceiver, Receiver, SECRET};
use tiendo_notify::{
    DeliveryError, Email, FailureKind, Security, SmtpSettings, Webhook, WebhookOptions,
    deliver_webhook, deliver_webhook_blocking, deliver_webhook_with, send_email, sign, verify,
};

const USER: &str = "vpcp-tiendo";
const PASSWORD: &str = "mật-khẩu đúng";
const FROM: &str = "Văn phòng Chính phủ <tiendo@chinhphu.vn>";
const SUBJECT: &str = "Nhiệm vụ quá hạn: Báo cáo tình hình thực hiện Nghị quyết số 01/NQ-CP của Chính phủ — Bộ Tài chính chủ trì";

fn settings(server: &TestSmtp, security: Security) -> SmtpSettings {
    SmtpSettings {
        host: "127.0.0.1".into(),
        port: server.addr.port(),
        security,
        username: Some(USER.into()),
        password: Some(PASSWORD.into()),
        from: FROM.into(),
        timeout: Duration::from_secs(5),
        root_certificates_pem: Some(server.certificate_pem.clone()),
    }
}

fn notice() -> Email {
    Email {
        to: "van.thu@mof.gov.vn".into(),
        to_name: Some("Văn thư Bộ Tài chính".into()),
        subject: SUBJECT.into(),
        text: "Kính gửi Bộ Tài chính,\n\nNhiệm vụ \"Xây dựng Đề án tổng kết\" đã quá hạn 3 ngày (hạn 02/12/2026).\nĐề nghị báo cáo tiến độ."
            .into(),
        html: "<p>Kính gửi Bộ Tài chính,</p><p>Nhiệm vụ <b>Xây dựng Đề án tổng kết</b> đã quá hạn 3 ngày (hạn 02/12/2026).</p>"
            .into(),
        message_id: "<notice-42.1@tiendo.gov.vn>".into(),
        link: "https://tiendo.gov.vn/nhiem-vu/42".into(),
    }
}

fn starttls_auth() -> Options {
    Options {
        starttls: true,
        credentials: Some((USER.into(), PASSWORD.into())),
        ..Options::default()
    }
}

#[tokio::test]
async fn vietnamese_notice_over_starttls_with_auth() {
    let server = TestSmtp::start(starttls_auth()).await;
    let email = notice();
    send_email(&settings(&server, Security::StartTls), &email)
        .await
        .expect("sent");

    let messages = server.messages();
    assert_eq!(messages.len(), 1);
    let m = &messages[0];
    assert!(m.over_tls, "the message travelled after STARTTLS");
    assert_eq!(m.authenticated_as.as_deref(), Some(USER));
    assert_eq!(m.mail_from, "tiendo@chinhphu.vn");
    assert_eq!(m.rcpt_to, vec!["van.thu@mof.gov.vn".to_owned()]);
    assert!(m.data.is_ascii(), "headers and bodies are 7-bit encoded");

    let (headers, _) = mime::split(&m.data);
    let subject = mime::header(&headers, "Subject").expect("Subject");
    assert_ne!(subject, SUBJECT, "a non-ASCII subject is RFC 2047 encoded");
    assert_eq!(mime::decode_words(subject), SUBJECT);
    assert_eq!(
        mime::header(&headers, "Message-ID"),
        Some("<notice-42.1@tiendo.gov.vn>")
    );
    assert!(mime::header(&headers, "Date").is_some_and(|d| d.contains(" +0000")));
    assert_eq!(
        mime::decode_words(mime::header(&headers, "From").unwrap()),
        FROM
    );
    assert!(
        mime::decode_words(mime::header(&headers, "To").unwrap()).contains("Văn thư Bộ Tài chính")
    );
    assert!(
        mime::header(&headers, "Content-Type")
            .unwrap()
            .starts_with("multipart/alternative")
    );

    let parts = mime::leaf_parts(&m.data);
    let types: Vec<&str> = parts.iter().map(|p| p.content_type.as_str()).collect();
    assert_eq!(types, ["text/plain", "text/html"]);
    assert!(parts[0].text.starts_with(&email.text), "{}", parts[0].text);
    assert!(parts[0].text.contains("https://tiendo.gov.vn/nhiem-vu/42"));
    assert!(parts[1].text.starts_with(&email.html));
    assert!(
        parts[1]
            .text
            .contains("href=\"https://tiendo.gov.vn/nhiem-vu/42\"")
    );
    for p in &parts {
        assert!(
            mime::header(&p.headers, "Content-Type")
                .unwrap()
                .contains("charset=utf-8"),
            "{:?}",
            p.headers
        );
    }
}

#[tokio::test]
async fn settings_from_the_environment_scheme() {
    // the whole scheme end to end: URL, sender, password apart, private CA from a file
    let server = TestSmtp::start(starttls_auth()).await;
    let ca_file = std::env::temp_dir().join(format!("tiendo-notify-ca-{}.pem", server.addr.port()));
    std::fs::write(&ca_file, &server.certificate_pem).unwrap();
    let url = format!(
        "smtp://{USER}@127.0.0.1:{}?tls=starttls&timeout=5",
        server.addr.port()
    );
    let ca = ca_file.to_string_lossy().into_owned();
    let vars = [
        ("TIENDO_SMTP_URL", url.as_str()),
        ("TIENDO_SMTP_FROM", FROM),
        ("TIENDO_SMTP_PASSWORD", PASSWORD),
        ("TIENDO_SMTP_CA_FILE", ca.as_str()),
    ];
    let s = SmtpSettings::from_vars(|name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| (*v).to_owned())
    })
    .unwrap()
    .unwrap();
    std::fs::remove_file(&ca_file).unwrap();
    assert_eq!(s.security, Security::StartTls);
    assert_eq!(s.timeout, Duration::from_secs(5));
    send_email(&s, &notice()).await.expect("sent");
    assert_eq!(server.messages()[0].authenticated_as.as_deref(), Some(USER));
}

#[tokio::test]
async fn a_resent_notice_keeps_its_message_id() {
    let server = TestSmtp::start(starttls_auth()).await;
    let mut email = notice();
    email.message_id = "outbox-7".into();
    let s = settings(&server, Security::StartTls);
    send_email(&s, &email).await.expect("first");
    send_email(&s, &email).await.expect("again after a crash");
    let ids: Vec<String> = server
        .messages()
        .iter()
        .map(|m| {
            mime::header(&mime::split(&m.data).0, "Message-ID")
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(ids, ["<outbox-7@chinhphu.vn>", "<outbox-7@chinhphu.vn>"]);
}

#[tokio::test]
async fn tls_on_connect() {
    let server = TestSmtp::start(Options {
        implicit_tls: true,
        credentials: Some((USER.into(), PASSWORD.into())),
        ..Options::default()
    })
    .await;
    send_email(&settings(&server, Security::Tls), &notice())
        .await
        .expect("sent");
    let messages = server.messages();
    assert_eq!(messages.len(), 1);
    assert!(messages[0].over_tls);
    assert_eq!(messages[0].authenticated_as.as_deref(), Some(USER));
}

#[tokio::test]
async fn plain_relay_without_tls_or_auth() {
    let server = TestSmtp::start(Options::default()).await;
    let mut s = settings(&server, Security::None);
    s.username = None;
    s.password = None;
    send_email(&s, &notice()).await.expect("sent");
    assert!(!server.messages()[0].over_tls);
}

fn expect_failure(result: Result<(), DeliveryError>, kind: FailureKind) -> DeliveryError {
    let e = result.expect_err("should fail");
    assert_eq!(e.kind, kind, "{e}");
    e
}

#[tokio::test]
async fn auth_login_when_plain_is_not_offered() {
    let server = TestSmtp::start(Options {
        auth_mechanisms: Some("LOGIN".into()),
        ..starttls_auth()
    })
    .await;
    send_email(&settings(&server, Security::StartTls), &notice())
        .await
        .expect("sent");
    assert_eq!(server.messages()[0].authenticated_as.as_deref(), Some(USER));
}

#[tokio::test]
async fn wrong_password_is_permanent() {
    let server = TestSmtp::start(starttls_auth()).await;
    let mut s = settings(&server, Security::StartTls);
    s.password = Some("sai mật khẩu".into());
    let e = expect_failure(send_email(&s, &notice()).await, FailureKind::Permanent);
    assert_eq!(e.code, Some(535));
    assert!(!e.to_string().contains("sai mật khẩu"), "{e}");
    assert!(server.messages().is_empty());
}

#[tokio::test]
async fn server_answering_451_is_transient() {
    let server = TestSmtp::start(Options {
        mail_reply: Some("451 4.3.0 Mail server temporarily rejected message".into()),
        ..starttls_auth()
    })
    .await;
    let e = expect_failure(
        send_email(&settings(&server, Security::StartTls), &notice()).await,
        FailureKind::Transient,
    );
    assert_eq!(e.code, Some(451));
}

#[tokio::test]
async fn a_relay_hanging_up_is_transient() {
    let server = TestSmtp::start(Options {
        hang_up_after_data: true,
        ..starttls_auth()
    })
    .await;
    let e = expect_failure(
        send_email(&settings(&server, Security::StartTls), &notice()).await,
        FailureKind::Transient,
    );
    assert_eq!(e.code, None);
}

#[tokio::test]
async fn unknown_recipient_is_permanent() {
    let server = TestSmtp::start(Options {
        rcpt_reply: Some("550 5.1.1 No such user here".into()),
        ..starttls_auth()
    })
    .await;
    let e = expect_failure(
        send_email(&settings(&server, Security::StartTls), &notice()).await,
        FailureKind::Permanent,
    );
    assert_eq!(e.code, Some(550));
}

#[tokio::test]
async fn nothing_listening_is_transient() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let s = SmtpSettings {
        host: "127.0.0.1".into(),
        port,
        security: Security::StartTls,
        username: None,
        password: None,
        from: FROM.into(),
        timeout: Duration::from_secs(2),
        root_certificates_pem: None,
    };
    let e = expect_failure(send_email(&s, &notice()).await, FailureKind::Transient);
    assert_eq!(e.code, None);
}

#[tokio::test]
async fn an_untrusted_certificate_is_refused() {
    let server = TestSmtp::start(starttls_auth()).await;
    let mut s = settings(&server, Security::StartTls);
    s.root_certificates_pem = None;
    expect_failure(send_email(&s, &notice()).await, FailureKind::Transient);
    assert!(server.messages().is_empty());
}

#[tokio::test]
async fn starttls_is_never_skipped() {
    // the relay does not offer STARTTLS: the password must not go out in plain text
    let server = TestSmtp::start(Options {
        starttls: false,
        credentials: Some((USER.into(), PASSWORD.into())),
        ..Options::default()
    })
    .await;
    expect_failure(
        send_email(&settings(&server, Security::StartTls), &notice()).await,
        FailureKind::Permanent,
    );
    assert!(server.messages().is_empty());
}

#[tokio::test]
async fn a_bad_recipient_address_is_permanent_before_connecting() {
    let mut email = notice();
    email.to = "van.thu@".into();
    let s = SmtpSettings::from_url("smtp://127.0.0.1:1", FROM).unwrap();
    expect_failure(send_email(&s, &email).await, FailureKind::Permanent);
}

// ---- webhooks ----

const BODY: &[u8] =
    "{\"event\":\"task.overdue\",\"task\":{\"id\":42,\"title\":\"Xây dựng Đề án tổng kết\"}}"
        .as_bytes();

fn hook(receiver: &Receiver, path: &str) -> Webhook {
    Webhook {
        url: receiver.url(path),
        secret: SECRET.into(),
    }
}

#[tokio::test]
async fn webhook_retried_after_500_with_the_same_delivery_id() {
    let receiver = Receiver::start().await;
    let w = hook(&receiver, "/flaky");

    let e = deliver_webhook(&w, BODY, "dlv-42-1", "task.overdue")
        .await
        .expect_err("500 first");
    assert_eq!(e.kind, FailureKind::Transient);
    assert_eq!(e.code, Some(500));
    assert_eq!(e.body_excerpt.as_deref(), Some("database is restarting"));

    let ok = deliver_webhook(&w, BODY, "dlv-42-1", "task.overdue")
        .await
        .expect("200 second");
    assert_eq!(ok.status, 200);
    assert_eq!(ok.body_excerpt, "received 2");

    let seen = receiver.seen();
    assert_eq!(seen.len(), 2);
    for s in &seen {
        assert!(s.verified);
        assert_eq!(s.body, BODY);
        assert_eq!(s.header("x-tiendo-delivery"), "dlv-42-1");
        assert_eq!(s.header("x-tiendo-event"), "task.overdue");
        assert_eq!(s.header("content-type"), "application/json");
        assert_eq!(
            s.header("user-agent"),
            format!("tiendo/{}", env!("CARGO_PKG_VERSION"))
        );
        assert_eq!(s.header("x-tiendo-signature"), sign(SECRET, BODY));
    }

    // the signature covers the exact bytes: a changed body does not verify
    let signature = seen[0].header("x-tiendo-signature");
    assert!(verify(SECRET, &seen[0].body, &signature));
    let tampered = String::from_utf8(seen[0].body.clone())
        .unwrap()
        .replace("\"id\":42", "\"id\":43");
    assert!(!verify(SECRET, tampered.as_bytes(), &signature));
    assert!(!verify("another secret", &seen[0].body, &signature));
}

#[tokio::test]
async fn webhook_gone_is_permanent() {
    let receiver = Receiver::start().await;
    let e = deliver_webhook(&hook(&receiver, "/gone"), BODY, "dlv-1", "task.assigned")
        .await
        .expect_err("410");
    assert_eq!((e.kind, e.code), (FailureKind::Permanent, Some(410)));
    assert_eq!(e.body_excerpt.as_deref(), Some("this endpoint was removed"));
}

#[tokio::test]
async fn webhook_statuses_429_400_and_a_wrong_secret() {
    let receiver = Receiver::start().await;
    let e = deliver_webhook(&hook(&receiver, "/busy"), BODY, "d", "k")
        .await
        .unwrap_err();
    assert_eq!((e.kind, e.code), (FailureKind::Transient, Some(429)));

    let e = deliver_webhook(&hook(&receiver, "/bad-request"), BODY, "d", "k")
        .await
        .unwrap_err();
    assert_eq!((e.kind, e.code), (FailureKind::Permanent, Some(400)));
    assert_eq!(
        e.body_excerpt.map(|b| b.len()),
        Some(500),
        "only 500 bytes kept"
    );

    let mut w = hook(&receiver, "/ok");
    w.secret = "not the receiver's".into();
    let e = deliver_webhook(&w, BODY, "d", "k").await.unwrap_err();
    assert_eq!((e.kind, e.code), (FailureKind::Permanent, Some(401)));
    assert!(!receiver.seen().last().unwrap().verified);
}

#[tokio::test]
async fn webhook_nothing_listening_is_transient() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let w = Webhook {
        url: format!("http://127.0.0.1:{port}/hook"),
        secret: SECRET.into(),
    };
    let e = deliver_webhook(&w, BODY, "d", "k").await.unwrap_err();
    assert_eq!((e.kind, e.code), (FailureKind::Transient, None));
}

#[tokio::test]
async fn webhook_timeout_is_transient() {
    let receiver = Receiver::start().await;
    let w = hook(&receiver, "/slow");
    let e = tokio::task::spawn_blocking(move || {
        let options = WebhookOptions {
            timeout: Duration::from_millis(300),
            ..WebhookOptions::default()
        };
        deliver_webhook_blocking(&w, BODY, "d", "k", &options)
    })
    .await
    .unwrap()
    .unwrap_err();
    assert_eq!((e.kind, e.code), (FailureKind::Transient, None), "{e}");
}

#[tokio::test]
async fn webhook_bad_url_is_permanent() {
    let w = Webhook {
        url: "not a url".into(),
        secret: SECRET.into(),
    };
    let e = deliver_webhook(&w, BODY, "d", "k").await.unwrap_err();
    assert_eq!(e.kind, FailureKind::Permanent, "{e}");
}

#[tokio::test]
async fn webhook_over_https_with_a_private_root() {
    let receiver = HttpsReceiver::start().await;
    let w = Webhook {
        url: format!("https://127.0.0.1:{}/hook", receiver.addr.port()),
        secret: SECRET.into(),
    };
    let options = WebhookOptions {
        root_certificates_pem: Some(receiver.certificate_pem.clone()),
        ..WebhookOptions::default()
    };
    let ok = deliver_webhook_with(&w, BODY, "dlv-tls", "task.assigned", &options)
        .await
        .expect("delivered over TLS");
    assert_eq!((ok.status, ok.body_excerpt.as_str()), (200, "secured"));
    let seen = receiver.seen();
    assert_eq!(seen.len(), 1);
    assert!(seen[0].verified);
    assert_eq!(seen[0].header("x-tiendo-delivery"), "dlv-tls");

    // with the public roots only, the self-signed certificate is refused: transient
    let e = deliver_webhook(&w, BODY, "dlv-tls", "task.assigned")
        .await
        .unwrap_err();
    assert_eq!((e.kind, e.code), (FailureKind::Transient, None), "{e}");
    assert_eq!(receiver.seen().len(), 1);
}
