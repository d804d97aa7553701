//! Delivery channels of notifications (issue 13, part 2): email over SMTP, signed webhooks,
//! and the retry schedule the outbox follows between attempts.
//!
//! The outbox in `tiendo-service` decides *what* to send and *when*; this crate only
//! delivers one message once and says whether a failure is worth retrying:
//!
//! - [`send_email`] sends one [`Email`] through the relay described by [`SmtpSettings`]
//!   (see [`SmtpSettings::from_env`] for `TIENDO_SMTP_URL` and friends).
//! - [`deliver_webhook`] POSTs one JSON body to a [`Webhook`], signed with
//!   `X-Tiendo-Signature: sha256=<hex>` (see [`sign`] and [`verify`]).
//! - [`next_attempt_delay`] is the backoff schedule: 1 min, 5 min, 30 min, 2 h, then 6 h,
//!   giving up after [`MAX_ATTEMPTS`] attempts.
//!
//! Every failure is a [`DeliveryError`] whose [`FailureKind`] is either
//! [`FailureKind::Permanent`] (do not retry: a 5xx SMTP reply, a bad address, a webhook
//! answering 410 or another 4xx) or [`FailureKind::Transient`] (retry on the schedule:
//! connection failures, timeouts, 4xx SMTP replies, HTTP 408, 429 and 5xx).
//!
//! See `crates/notify/README.md` for the settings, the headers and how a receiver checks
//! a signature.

mod email;
mod error;
mod retry;
mod webhook;

pub use email::{
    DEFAULT_TIMEOUT, Email, Security, SettingsError, SmtpSettings, message_id_header, send_email,
};
pub use error::{DeliveryError, FailureKind};
pub use retry::{MAX_ATTEMPTS, SCHEDULE, next_attempt_delay, next_attempt_delay_jittered};
pub use webhook::{
    HEADER_DELIVERY, HEADER_EVENT, HEADER_SIGNATURE, WEBHOOK_TIMEOUT, Webhook, WebhookOptions,
    WebhookResponse, deliver_webhook, deliver_webhook_blocking, deliver_webhook_with, sign, verify,
};

/// The `User-Agent` sent with webhooks: `tiendo/<crate version>`.
pub const USER_AGENT: &str = concat!("tiendo/", env!("CARGO_PKG_VERSION"));
