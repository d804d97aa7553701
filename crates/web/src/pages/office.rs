//! The gate of the standing office's pages: the office only, before anything is
//! read (the service checks each write again), and the small helpers its forms
//! share (errors by field, lines of a textarea).

use axum::response::Response;
use tiendo_core::policy::{Role, Write};

use crate::ctx::{Web, forbidden_page};

/// The office (admin role, allowed `write`) passes; anyone else gets the 403
/// page saying `vi`/`en`.
pub fn require(web: &Web, write: Write, vi: &str, en: &str) -> Result<(), Response> {
    if web.actor.role == Role::Admin && web.actor.may(write) {
        Ok(())
    } else {
        Err(forbidden_page(&web.ctx, web.ctx.t(vi, en)))
    }
}

/// Errors of a form, by field.
#[derive(Debug, Default, Clone)]
pub struct Errors(pub Vec<(String, String)>);

impl Errors {
    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|(f, _)| f == field)
    }

    /// The message of the field ("" when none).
    pub fn e(&self, field: &str) -> String {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.clone())
            .unwrap_or_default()
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        if !self.has(field) {
            self.0.push((field.into(), message.into()));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The answer's status: 200 for a clean form, 422 when it comes back with errors.
    pub fn status(&self) -> axum::http::StatusCode {
        if self.is_empty() {
            axum::http::StatusCode::OK
        } else {
            axum::http::StatusCode::UNPROCESSABLE_ENTITY
        }
    }

    /// The first error of a field not among `own`, for the top of the page.
    pub fn other(&self, own: &[&str]) -> Option<String> {
        self.0
            .iter()
            .find(|(f, _)| !own.contains(&f.as_str()))
            .map(|(_, m)| m.clone())
    }
}

/// The non-blank lines of a textarea, trimmed.
pub fn lines(s: &str) -> Vec<String> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// The closest name a service refusal suggests ("… did you mean 'X'?").
pub fn suggestion(message: &str) -> Option<String> {
    message
        .split_once("did you mean '")
        .and_then(|(_, r)| r.rsplit_once('\''))
        .map(|(s, _)| s.to_string())
}
