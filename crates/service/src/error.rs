//! The errors of the use cases, each with what a person needs to fix the request.

use tiendo_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// No or bad credentials (HTTP 401).
    #[error("sign in first: {0}")]
    Unauthenticated(String),
    /// Signed in, but not allowed (HTTP 403).
    #[error("not allowed: {0}")]
    Forbidden(String),
    #[error("{0} not found")]
    NotFound(String),
    /// Bad input, naming the field (HTTP 422).
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// The request clashes with what is stored (HTTP 409).
    #[error("{0}")]
    Conflict(String),
    /// Too many attempts: try again after `retry_after` seconds (HTTP 429 with
    /// `Retry-After`).
    #[error("{message}")]
    TooMany { message: String, retry_after: i64 },
    /// A fault of ours; the details go to the log, not to the user (HTTP 500).
    #[error("internal error")]
    Internal(String),
}

impl ServiceError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> ServiceError {
        ServiceError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => ServiceError::NotFound(what.to_string()),
            // The store's own sentences say what is wrong; a unique constraint's
            // words are the database's, turned into a sentence here.
            StoreError::Conflict(message) => ServiceError::Conflict(message),
            StoreError::Duplicate(detail) => ServiceError::Conflict(conflict_message(&detail)),
            StoreError::Invalid(message) => ServiceError::invalid("request", message),
            StoreError::Open(m) => ServiceError::Internal(m),
            StoreError::Database(e) => ServiceError::Internal(e.to_string()),
        }
    }
}

/// Turns a uniqueness violation into words a user understands, without database text.
fn conflict_message(detail: &str) -> String {
    let d = detail.to_lowercase();
    if d.contains("username") {
        "this username is taken".into()
    } else if d.contains("number") {
        "a document with this number already exists".into()
    } else if d.contains("code") {
        "an agency with this code already exists".into()
    } else if d.contains("task_id") && d.contains("agency_id") {
        "this agency already has an assignment for this task".into()
    } else if d.contains("tasks") || d.contains("ref") {
        "this document already has a task with this reference and text".into()
    } else {
        "this record already exists".into()
    }
}

pub type Result<T> = std::result::Result<T, ServiceError>;
