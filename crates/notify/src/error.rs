//! One error type for every channel, classified for the retry decision.

use std::fmt;

/// Whether a failed delivery may succeed if tried again later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// Trying again will not help (SMTP 5xx, bad address, webhook 410 or other 4xx):
    /// mark the notice failed.
    Permanent,
    /// Trying again later may work (network, timeout, SMTP 4xx, HTTP 408/429/5xx):
    /// schedule another attempt with [`crate::next_attempt_delay`].
    Transient,
}

impl fmt::Display for FailureKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FailureKind::Permanent => "permanent",
            FailureKind::Transient => "transient",
        })
    }
}

/// A failed delivery: its kind, a message for the delivery log, and what the other side
/// answered when it answered (SMTP reply code or HTTP status, and for webhooks the first
/// 500 bytes of the response body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryError {
    pub kind: FailureKind,
    pub message: String,
    /// SMTP reply code (e.g. 451, 535) or HTTP status (e.g. 410, 503).
    pub code: Option<u16>,
    /// Webhooks only: the first 500 bytes of the response body (lossy UTF-8).
    pub body_excerpt: Option<String>,
}

impl DeliveryError {
    pub fn permanent(message: impl Into<String>) -> Self {
        Self {
            kind: FailureKind::Permanent,
            message: message.into(),
            code: None,
            body_excerpt: None,
        }
    }

    pub fn transient(message: impl Into<String>) -> Self {
        Self {
            kind: FailureKind::Transient,
            message: message.into(),
            code: None,
            body_excerpt: None,
        }
    }

    pub fn is_permanent(&self) -> bool {
        self.kind == FailureKind::Permanent
    }

    pub fn is_transient(&self) -> bool {
        self.kind == FailureKind::Transient
    }
}

impl fmt::Display for DeliveryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} delivery failure", self.kind)?;
        if let Some(code) = self.code {
            write!(f, " ({code})")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for DeliveryError {}
