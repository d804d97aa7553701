//! The page handlers, one module per area.

pub mod agency;
pub mod auth;
pub mod dashboard;
pub mod databases;
pub mod document;
pub mod drafts;
pub mod evidence;
pub mod indicators;
pub mod printed;
pub mod rankings;
pub mod review;
pub mod security;
pub mod sheets;
pub mod task;
pub mod tasks;
pub mod work;

use tiendo_core::status::Status;

use crate::ctx::Ctx;

/// A status as shown: its code (for the CSS class) and its label.
#[derive(Debug, Clone)]
pub struct Badge {
    pub class: &'static str,
    pub label: &'static str,
}

impl Badge {
    pub fn new(ctx: &Ctx, s: Status) -> Badge {
        Badge {
            class: s.as_str(),
            label: ctx.lang.status(s),
        }
    }

    pub fn of(ctx: &Ctx, s: Option<Status>) -> Badge {
        match s {
            Some(s) => Badge::new(ctx, s),
            None => Badge {
                class: "none",
                label: ctx.t("Chưa giao", "Not assigned"),
            },
        }
    }
}

/// Text cut to `max` characters, with an ellipsis.
pub fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}
