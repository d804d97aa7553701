//! Webhooks: one signed JSON POST per notice.
//!
//! Headers sent with every delivery:
//!
//! - `Content-Type: application/json`
//! - `X-Tiendo-Signature: sha256=<hex HMAC-SHA256 of the exact body bytes, keyed by the secret>`
//! - `X-Tiendo-Delivery: <delivery id>`: the same on every retry of one notice, so a
//!   receiver can drop duplicates (an idempotency key)
//! - `X-Tiendo-Event: <event kind>` (e.g. `task.overdue`)
//! - `User-Agent: tiendo/<version>`
//!
//! Outcome: 2xx is delivered; 410 Gone is permanent (the endpoint was removed: disable
//! it); other 4xx are permanent except 408 and 429, which are transient like 5xx and
//! network errors; redirects are not followed and a 3xx is permanent (fix the URL).

use std::io::Read;
use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::error::{DeliveryError, FailureKind};

pub const HEADER_SIGNATURE: &str = "X-Tiendo-Signature";
pub const HEADER_DELIVERY: &str = "X-Tiendo-Delivery";
pub const HEADER_EVENT: &str = "X-Tiendo-Event";

/// Time allowed for one delivery (connect, send, response).
pub const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(10);

/// How much of a response body is kept for the delivery log.
const BODY_EXCERPT_BYTES: u64 = 500;

/// A receiver of notices: its URL (`https://…`, or `http://…` on a trusted network) and
/// the shared secret the body is signed with.
#[derive(Clone, PartialEq, Eq)]
pub struct Webhook {
    pub url: String,
    pub secret: String,
}

impl std::fmt::Debug for Webhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhook")
            .field("url", &self.url)
            .field("secret", &"<hidden>")
            .finish()
    }
}

/// What the receiver answered to a delivered (2xx) webhook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookResponse {
    pub status: u16,
    /// The first 500 bytes of the response body (lossy UTF-8), for the delivery log.
    pub body_excerpt: String,
}

fn mac(secret: &[u8]) -> Hmac<Sha256> {
    // HMAC takes keys of any length (long keys are hashed), so this cannot fail.
    <Hmac<Sha256> as KeyInit>::new_from_slice(secret).expect("HMAC accepts keys of any length")
}

/// The `X-Tiendo-Signature` value of `body`: `sha256=` and the lowercase hex HMAC-SHA256
/// of the exact bytes, keyed by `secret`.
pub fn sign(secret: &str, body: &[u8]) -> String {
    let mut m = mac(secret.as_bytes());
    m.update(body);
    format!("sha256={}", hex::encode(m.finalize().into_bytes()))
}

/// Whether `header` (an `X-Tiendo-Signature` value) is the signature of `body` with
/// `secret`. The comparison is constant-time; a malformed header is simply `false`.
///
/// ```
/// let body = br#"{"event":"task.overdue","task":42}"#;
/// let header = tiendo_notify::sign("secret", body);
/// assert!(header.starts_with("sha256="));
/// assert!(tiendo_notify::verify("secret", body, &header));
/// assert!(!tiendo_notify::verify("secret", br#"{"event":"task.overdue","task":43}"#, &header));
/// ```
pub fn verify(secret: &str, body: &[u8], header: &str) -> bool {
    let header = header.trim();
    let Some(hex_part) = header
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case("sha256="))
        .map(|_| &header[7..])
    else {
        return false;
    };
    let Ok(expected) = hex::decode(hex_part) else {
        return false;
    };
    let mut m = mac(secret.as_bytes());
    m.update(body);
    m.verify_slice(&expected).is_ok()
}

/// How a delivery is made: its timeout and, for a receiver whose certificate comes from
/// a private CA, the root certificates to trust.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookOptions {
    /// Time allowed for the whole exchange (connect, send, response).
    pub timeout: Duration,
    /// PEM root certificates to trust *instead of* the public web roots (webpki-roots);
    /// `None` trusts the public roots.
    pub root_certificates_pem: Option<String>,
}

impl Default for WebhookOptions {
    fn default() -> Self {
        Self {
            timeout: WEBHOOK_TIMEOUT,
            root_certificates_pem: None,
        }
    }
}

/// Delivers one notice to `webhook` with the default options (10 s, public roots); the
/// blocking client runs on tokio's blocking pool.
///
/// `delivery_id` must be the same on every retry of the same notice; `event_kind` names
/// what happened (`task.assigned`, `task.overdue`, …).
pub async fn deliver_webhook(
    webhook: &Webhook,
    body_json: &[u8],
    delivery_id: &str,
    event_kind: &str,
) -> Result<WebhookResponse, DeliveryError> {
    deliver_webhook_with(
        webhook,
        body_json,
        delivery_id,
        event_kind,
        &WebhookOptions::default(),
    )
    .await
}

/// [`deliver_webhook`] with explicit [`WebhookOptions`].
pub async fn deliver_webhook_with(
    webhook: &Webhook,
    body_json: &[u8],
    delivery_id: &str,
    event_kind: &str,
    options: &WebhookOptions,
) -> Result<WebhookResponse, DeliveryError> {
    let webhook = webhook.clone();
    let body = body_json.to_vec();
    let delivery_id = delivery_id.to_owned();
    let event_kind = event_kind.to_owned();
    let options = options.clone();
    tokio::task::spawn_blocking(move || {
        deliver_webhook_blocking(&webhook, &body, &delivery_id, &event_kind, &options)
    })
    .await
    .map_err(|e| DeliveryError::transient(format!("webhook task failed: {e}")))?
}

fn root_certs(pem: &str) -> Result<ureq::tls::RootCerts, DeliveryError> {
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(pem.as_bytes()) {
        match item {
            Ok(ureq::tls::PemItem::Certificate(cert)) => certs.push(cert),
            Ok(_) => {}
            Err(e) => {
                return Err(DeliveryError::permanent(format!(
                    "root certificate PEM unusable: {e}"
                )));
            }
        }
    }
    if certs.is_empty() {
        return Err(DeliveryError::permanent(
            "root certificate PEM holds no certificate",
        ));
    }
    Ok(ureq::tls::RootCerts::new_with_certs(&certs))
}

/// The blocking form of [`deliver_webhook_with`].
pub fn deliver_webhook_blocking(
    webhook: &Webhook,
    body_json: &[u8],
    delivery_id: &str,
    event_kind: &str,
    options: &WebhookOptions,
) -> Result<WebhookResponse, DeliveryError> {
    let mut config = ureq::Agent::config_builder()
        .timeout_global(Some(options.timeout))
        .http_status_as_error(false)
        .max_redirects(0)
        .user_agent(crate::USER_AGENT);
    if let Some(pem) = &options.root_certificates_pem {
        config = config.tls_config(
            ureq::tls::TlsConfig::builder()
                .root_certs(root_certs(pem)?)
                .build(),
        );
    }
    let agent: ureq::Agent = config.build().into();
    let signature = sign(&webhook.secret, body_json);
    let result = agent
        .post(&webhook.url)
        .header("Content-Type", "application/json")
        .header(HEADER_SIGNATURE, &signature)
        .header(HEADER_DELIVERY, delivery_id)
        .header(HEADER_EVENT, event_kind)
        .send(body_json);
    let mut response = match result {
        Ok(response) => response,
        Err(e) => return Err(classify_ureq_error(&e)),
    };
    let status = response.status().as_u16();
    let mut excerpt = Vec::new();
    // A body that cannot be read does not change the outcome told by the status.
    let _ = response
        .body_mut()
        .as_reader()
        .take(BODY_EXCERPT_BYTES)
        .read_to_end(&mut excerpt);
    let body_excerpt = String::from_utf8_lossy(&excerpt).into_owned();
    tracing::debug!(url = %webhook.url, status, delivery_id, "webhook answered");
    match status_kind(status) {
        None => Ok(WebhookResponse {
            status,
            body_excerpt,
        }),
        Some(kind) => Err(DeliveryError {
            kind,
            message: format!("webhook answered HTTP {status}"),
            code: Some(status),
            body_excerpt: Some(body_excerpt),
        }),
    }
}

/// `None` when `status` means delivered, else whether the failure is worth a retry.
fn status_kind(status: u16) -> Option<FailureKind> {
    match status {
        200..=299 => None,
        408 | 429 => Some(FailureKind::Transient),
        300..=499 => Some(FailureKind::Permanent),
        _ => Some(FailureKind::Transient),
    }
}

fn classify_ureq_error(e: &ureq::Error) -> DeliveryError {
    use ureq::Error as E;
    match e {
        // The request could never work as configured (a malformed URL, a header value
        // that is not allowed): fix the webhook, do not retry.
        E::Http(_) | E::BadUri(_) | E::RequireHttpsOnly(_) | E::InvalidProxyUrl => {
            DeliveryError::permanent(format!("webhook URL refused: {e}"))
        }
        _ => DeliveryError::transient(format!("webhook not reached: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_matches_a_known_hmac() {
        // RFC 4231 test case 2
        let sig = sign("Jefe", b"what do ya want for nothing?");
        assert_eq!(
            sig,
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn verify_accepts_the_signature_and_refuses_anything_else() {
        let body = br#"{"task":"Ho\u00e0n th\u00e0nh","id":7}"#;
        let sig = sign("s3cret", body);
        assert!(verify("s3cret", body, &sig));
        assert!(verify(
            "s3cret",
            body,
            &format!("  {}  ", sig.to_uppercase())
        ));
        assert!(!verify("other", body, &sig));
        assert!(!verify("s3cret", br#"{"task":"x","id":7}"#, &sig));
        assert!(!verify("s3cret", body, &sig[7..]));
        assert!(!verify("s3cret", body, "sha256=zz"));
        assert!(!verify("s3cret", body, "sha256="));
        assert!(!verify("s3cret", body, ""));
        assert!(!verify("s3cret", body, "sha1=abcd"));
        assert!(!verify("s3cret", body, &sig[..sig.len() - 2]));
    }

    #[test]
    fn statuses_are_classified() {
        assert_eq!(status_kind(200), None);
        assert_eq!(status_kind(204), None);
        assert_eq!(status_kind(410), Some(FailureKind::Permanent));
        assert_eq!(status_kind(400), Some(FailureKind::Permanent));
        assert_eq!(status_kind(404), Some(FailureKind::Permanent));
        assert_eq!(status_kind(301), Some(FailureKind::Permanent));
        assert_eq!(status_kind(408), Some(FailureKind::Transient));
        assert_eq!(status_kind(429), Some(FailureKind::Transient));
        assert_eq!(status_kind(500), Some(FailureKind::Transient));
        assert_eq!(status_kind(503), Some(FailureKind::Transient));
    }

    #[test]
    fn debug_hides_the_secret() {
        let w = Webhook {
            url: "https://example.test/hook".into(),
            secret: "do-not-log".into(),
        };
        assert!(!format!("{w:?}").contains("do-not-log"));
    }
}
