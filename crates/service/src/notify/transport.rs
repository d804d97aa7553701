//! The channels' delivery, through `tiendo-notify` (SMTP and signed webhooks),
//! turned into what the outbox needs: done, or failed and whether to retry.

use std::time::Duration;

use tiendo_store::WebhookRow;

use super::wording::Wording;

pub use tiendo_notify::SmtpSettings;

/// A failed attempt: its message for the log, and whether trying again may help.
#[derive(Debug, Clone)]
pub struct Failure {
    pub transient: bool,
    pub message: String,
}

impl From<tiendo_notify::DeliveryError> for Failure {
    fn from(e: tiendo_notify::DeliveryError) -> Self {
        let code = e.code.map(|c| format!(" ({c})")).unwrap_or_default();
        Failure {
            transient: e.is_transient(),
            message: format!("{}{code}", e.message),
        }
    }
}

/// How long to wait after the `attempts`-th failed attempt; `None`: give up.
pub fn retry_delay(attempts: u32) -> Option<Duration> {
    tiendo_notify::next_attempt_delay(attempts)
}

pub async fn send_email(
    smtp: &SmtpSettings,
    notice_id: i64,
    to: &str,
    w: &Wording,
    link: &str,
) -> Result<String, Failure> {
    let email = tiendo_notify::Email {
        to: to.to_string(),
        to_name: None,
        subject: w.subject.clone(),
        text: format!(
            "{}\nXem tại: {link}\n\n-- \nHệ thống theo dõi nhiệm vụ tiendo. Thư gửi tự động, xin đừng trả lời.\n",
            w.text
        ),
        html: format!(
            "<!doctype html><html lang=\"vi\"><body style=\"font-family:sans-serif\">{}<p><a href=\"{}\">Xem tại hệ thống</a></p>\
             <p style=\"color:#666;font-size:small\">Hệ thống theo dõi nhiệm vụ tiendo. Thư gửi tự động, xin đừng trả lời.</p></body></html>",
            w.html,
            super::wording::escape(link)
        ),
        // The same id on every attempt: a notice sent again after a crash is
        // recognisable as the same message (Message-ID <notice-N@sender-domain>).
        message_id: format!("notice-{notice_id}"),
        link: link.to_string(),
    };
    tiendo_notify::send_email(smtp, &email)
        .await
        .map_err(Failure::from)?;
    Ok(format!("accepted by the mail server for {to}"))
}

pub async fn send_webhook(
    hook: &WebhookRow,
    notice_id: i64,
    kind: &str,
    body: &serde_json::Value,
) -> Result<String, Failure> {
    let target = tiendo_notify::Webhook {
        url: hook.url.clone(),
        secret: hook.secret.clone(),
    };
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    let answer =
        tiendo_notify::deliver_webhook(&target, &bytes, &format!("notice-{notice_id}"), kind)
            .await
            .map_err(Failure::from)?;
    Ok(format!(
        "HTTP {}: {}",
        answer.status,
        answer.body_excerpt.chars().take(200).collect::<String>()
    ))
}
