//! Notifications (đôn đốc, issue 13; docs/notifications.md): reminders before and
//! after deadlines, weekly and monthly digests, the office told of what waits for
//! it, focal points told of decisions. In the pages (the bell), by email and by
//! webhook.
//!
//! The flow, each step exactly once whatever the number of servers:
//! 1. causes: a change that sets notices off writes its cause in its own
//!    transaction (the store's audit hook); the calendar's causes of each day are
//!    planned by the scheduler (`plan`), catching up on days it was down;
//! 2. expansion: each cause becomes one notice per recipient and channel by the
//!    rules in force (`expand`);
//! 3. delivery: due notices are claimed, checked to still hold, worded and sent
//!    (`deliver`), with retries and a log.

mod deliver;
mod expand;
mod plan;
pub mod scheduler;
pub mod transport;
pub mod wording;

use chrono::{Duration, NaiveDate};
use tiendo_core::model::Page;
use tiendo_core::notify::{Channel, Rules, Trigger};
use tiendo_core::policy::{Actor, Write};
use tiendo_core::time::{Micros, day_of, now_micros};
use tiendo_store::{NoticeAttempt, NoticeFilter, NoticeRow, Stamp, WebhookRow};

pub use deliver::{Delivered, LEASE_MICROS};
pub use expand::{Audiences, notices_of};

use crate::{PageRequest, Result, Service, ServiceError, page, require};

/// Settings of notifications.
#[derive(Debug, Clone)]
pub struct NotifySettings {
    /// The address of the pages as users reach them, for links in emails and
    /// webhooks (`TIENDO_PUBLIC_URL`).
    pub public_url: String,
    /// The mail server; without one, no email notice is made.
    pub smtp: Option<transport::SmtpSettings>,
}

impl Default for NotifySettings {
    fn default() -> Self {
        NotifySettings {
            public_url: "http://127.0.0.1:8080".into(),
            smtp: None,
        }
    }
}

/// The scheduler never plans further back than this when it catches up.
pub const CATCH_UP_DAYS: i64 = 31;

/// What one run of the scheduler did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct TickReport {
    pub planned_days: Vec<NaiveDate>,
    pub new_causes: u64,
    pub expanded_causes: usize,
    pub delivered: Vec<Delivered>,
}

/// A notice as it would be made, for a dry run.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PlannedNotice {
    pub channel: Channel,
    pub recipient: String,
    pub kind: Trigger,
    pub subject: String,
    pub assignments: Vec<i64>,
}

/// The rules in force, their text and version (0: the shipped defaults).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct RulesInForce {
    pub version: i64,
    pub text: String,
    #[schema(value_type = Object)]
    pub rules: Rules,
}

/// A webhook as the office sees it: never its secret, except once when made.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct WebhookView {
    pub id: i64,
    pub url: String,
    pub description: String,
    pub active: bool,
    /// Only in the answer that made it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

impl From<WebhookRow> for WebhookView {
    fn from(w: WebhookRow) -> Self {
        WebhookView {
            id: w.id,
            url: w.url,
            description: w.description,
            active: w.active,
            secret: None,
        }
    }
}

impl Service {
    // ------------------------------------------------------------ rules

    pub async fn notify_rules(&self) -> Result<RulesInForce> {
        Ok(match self.store.notify_rules().await? {
            Some((text, version)) => {
                let rules = Rules::parse(&text).map_err(|e| {
                    ServiceError::Internal(format!(
                        "the saved notification rules do not parse: {e}"
                    ))
                })?;
                RulesInForce {
                    version,
                    text,
                    rules,
                }
            }
            None => RulesInForce {
                version: 0,
                text: tiendo_core::notify::DEFAULT_RULES.to_string(),
                rules: Rules::default_rules(),
            },
        })
    }

    /// Replaces the rules (the office only); the text is checked first and kept
    /// as written, comments included.
    pub async fn save_notify_rules(&self, actor: &Actor, text: &str) -> Result<RulesInForce> {
        require(actor, Write::ManageNotifications)?;
        let text = tiendo_core::text::nfc(text);
        let rules =
            Rules::parse(&text).map_err(|e| ServiceError::invalid("rules", e.to_string()))?;
        let before = self.notify_rules().await?;
        let version = self
            .store
            .save_notify_rules(&text, &before.text, &Stamp::now(Some(actor.user_id)))
            .await?;
        Ok(RulesInForce {
            version,
            text,
            rules,
        })
    }

    // ------------------------------------------------------------ the scheduler's work

    /// One run of the scheduler at `now`: plans the days not planned yet (from
    /// the day after the last one planned, at most [`CATCH_UP_DAYS`] back; on the
    /// very first run, today only, with the weekly notices at once), expands the
    /// causes waiting, delivers what is due.
    pub async fn notify_tick(&self, now: Micros) -> Result<TickReport> {
        let today = day_of(now);
        let planned = self.store.planned_through().await?;
        let first = match planned {
            Some(done) => (done + Duration::days(1)).max(today - Duration::days(CATCH_UP_DAYS - 1)),
            None => today,
        };
        let mut report = TickReport::default();
        let rules = self.notify_rules().await?.rules;
        let mut day = first;
        while day <= today {
            let mut causes = self.plan_day(&rules, day).await?;
            if planned.is_none() && day == today {
                // The very first run: each weekly notice goes out now rather than
                // up to a week later, so that everyone sees where they stand.
                causes.extend(
                    self.plan_day(&weekly_rules_on(&rules, today), today)
                        .await?,
                );
            }
            report.new_causes += self.store.write_planned_day(day, &causes).await?;
            report.planned_days.push(day);
            day += Duration::days(1);
        }
        report.expanded_causes = self.expand_waiting(&rules, now).await?;
        report.delivered = self.deliver_due(now).await?;
        Ok(report)
    }

    /// `tiendo notify run --as-of DAY`: plans that day (whatever was planned
    /// before: a cause already written is not written again), expands and
    /// delivers.
    pub async fn notify_run(
        &self,
        actor: &Actor,
        day: NaiveDate,
        now: Micros,
    ) -> Result<TickReport> {
        require(actor, Write::ManageNotifications)?;
        let rules = self.notify_rules().await?.rules;
        let causes = self.plan_day(&rules, day).await?;
        let new_causes = self.store.write_planned_day(day, &causes).await?;
        let expanded_causes = self.expand_waiting(&rules, now).await?;
        let delivered = self.deliver_due(now).await?;
        Ok(TickReport {
            planned_days: vec![day],
            new_causes,
            expanded_causes,
            delivered,
        })
    }

    /// What `notify_run` would make for `day`, written nowhere: the notices of
    /// that day's calendar causes and of the changes' causes waiting.
    pub async fn notify_dry_run(
        &self,
        actor: &Actor,
        day: NaiveDate,
    ) -> Result<Vec<PlannedNotice>> {
        require(actor, Write::ManageNotifications)?;
        let rules = self.notify_rules().await?.rules;
        let users = self.store.notify_recipients().await?;
        let webhooks = self.store.list_webhooks().await?;
        let to = Audiences {
            users: &users,
            webhooks: &webhooks,
            email_on: self.config.notify.smtp.is_some(),
        };
        let mut causes: Vec<tiendo_store::CauseRow> = self.store.unexpanded_causes(10_000).await?;
        for c in self.plan_day(&rules, day).await? {
            causes.push(tiendo_store::CauseRow {
                id: 0,
                key: c.key,
                trigger: c.trigger,
                rule_name: c.rule_name,
                entity: c.entity,
                entity_id: c.entity_id,
                agency_id: c.agency_id,
                author_id: c.author_id,
                day: c.day,
                payload: c.payload,
                created_at: now_micros(),
            });
        }
        let mut out = Vec::new();
        for cause in &causes {
            let assignments: Vec<i64> = cause.payload["assignments"]
                .as_array()
                .map(|a| a.iter().filter_map(|x| x.as_i64()).collect())
                .unwrap_or_default();
            let total = cause.payload["count"]
                .as_u64()
                .map_or(assignments.len(), |n| n as usize);
            let lines = self.lines(&assignments).await?;
            let w = wording::word(
                cause,
                &wording::Facts {
                    agency: cause.agency_id.map(|a| self.agency_name(a)),
                    lines: &lines,
                    total,
                    today: day,
                },
            );
            for n in notices_of(cause, &rules, &to) {
                out.push(PlannedNotice {
                    channel: n.channel,
                    recipient: self.recipient_name(&n.recipient, &users, &webhooks),
                    kind: n.trigger,
                    subject: w.subject.clone(),
                    assignments: assignments.clone(),
                });
            }
        }
        Ok(out)
    }

    pub(super) fn recipient_name(
        &self,
        recipient: &str,
        users: &[tiendo_store::Recipient],
        webhooks: &[WebhookRow],
    ) -> String {
        let id = |prefix: &str| {
            recipient
                .strip_prefix(prefix)
                .and_then(|s| s.parse::<i64>().ok())
        };
        if let Some(u) = id("user:").and_then(|id| users.iter().find(|u| u.id == id)) {
            return u.username.clone();
        }
        if let Some(h) = id("webhook:").and_then(|id| webhooks.iter().find(|h| h.id == id)) {
            return h.url.clone();
        }
        recipient.to_string()
    }

    /// Expands every cause waiting into its notices; returns how many it expanded
    /// (a cause another server expanded first is not counted).
    pub async fn expand_waiting(&self, rules: &Rules, now: Micros) -> Result<usize> {
        let users = self.store.notify_recipients().await?;
        let webhooks = self.store.list_webhooks().await?;
        let to = Audiences {
            users: &users,
            webhooks: &webhooks,
            email_on: self.config.notify.smtp.is_some(),
        };
        let mut expanded = 0;
        loop {
            let causes = self.store.unexpanded_causes(500).await?;
            if causes.is_empty() {
                return Ok(expanded);
            }
            let mut progressed = false;
            for cause in &causes {
                let notices = notices_of(cause, rules, &to);
                if self.store.write_expansion(cause.id, &notices, now).await? {
                    expanded += 1;
                }
                progressed = true;
            }
            if !progressed {
                return Ok(expanded);
            }
        }
    }

    // ------------------------------------------------------------ reading notices

    /// A user's notices in the pages, newest first.
    pub async fn my_notices(
        &self,
        actor: &Actor,
        unread_only: bool,
        req: PageRequest,
    ) -> Result<Page<NoticeRow>> {
        let f = NoticeFilter {
            user_id: Some(actor.user_id),
            channel: Some(Channel::InApp),
            state: Some("sent".into()),
            unread_only,
            page: req.page,
            per_page: req.per_page,
            ..NoticeFilter::default()
        };
        let (items, total) = self.store.list_notices(&f).await?;
        Ok(page(items, total, req))
    }

    /// How many of a user's notices are unread (the bell's number).
    pub async fn unread_notices(&self, actor: &Actor) -> Result<i64> {
        Ok(self.store.unread_count(actor.user_id).await?)
    }

    /// Marks the user's own notices read: the given ones, or all.
    pub async fn mark_notices_read(&self, actor: &Actor, ids: Option<&[i64]>) -> Result<u64> {
        Ok(self.store.mark_read(actor.user_id, ids).await?)
    }

    /// Every notice, on every channel, for the office: what was sent to whom and when.
    pub async fn notice_log(&self, actor: &Actor, mut f: NoticeFilter) -> Result<Page<NoticeRow>> {
        require(actor, Write::ManageNotifications)?;
        let req = PageRequest {
            page: f.page.max(1),
            per_page: f.per_page.clamp(1, 500),
        };
        f.page = req.page;
        f.per_page = req.per_page;
        let (items, total) = self.store.list_notices(&f).await?;
        Ok(page(items, total, req))
    }

    /// The delivery attempts of one notice, for the office.
    pub async fn notice_attempts(&self, actor: &Actor, id: i64) -> Result<Vec<NoticeAttempt>> {
        require(actor, Write::ManageNotifications)?;
        Ok(self.store.notice_attempts(id).await?)
    }

    // ------------------------------------------------------------ webhooks

    pub async fn webhooks(&self, actor: &Actor) -> Result<Vec<WebhookView>> {
        require(actor, Write::ManageNotifications)?;
        Ok(self
            .store
            .list_webhooks()
            .await?
            .into_iter()
            .map(WebhookView::from)
            .collect())
    }

    /// Adds a webhook; the answer holds its signing secret, shown this once.
    pub async fn create_webhook(
        &self,
        actor: &Actor,
        url: &str,
        description: &str,
    ) -> Result<WebhookView> {
        require(actor, Write::ManageNotifications)?;
        let url = url.trim();
        let parsed = url.split_once("://");
        match parsed {
            Some(("http" | "https", rest)) if !rest.is_empty() && !rest.starts_with('/') => {}
            _ => {
                return Err(ServiceError::invalid(
                    "url",
                    "must be an http:// or https:// address",
                ));
            }
        }
        if url.len() > 2000 || url.chars().any(char::is_whitespace) {
            return Err(ServiceError::invalid(
                "url",
                "must be one address without spaces, 2000 characters at most",
            ));
        }
        let description =
            crate::optional("description", Some(description), 500)?.unwrap_or_default();
        let mut raw = [0u8; 32];
        getrandom::fill(&mut raw)
            .map_err(|e| ServiceError::Internal(format!("no randomness: {e}")))?;
        let secret = hex::encode(raw);
        let id = self
            .store
            .create_webhook(url, &secret, &description, &Stamp::now(Some(actor.user_id)))
            .await?;
        Ok(WebhookView {
            id,
            url: url.to_string(),
            description,
            active: true,
            secret: Some(secret),
        })
    }

    pub async fn set_webhook_active(&self, actor: &Actor, id: i64, active: bool) -> Result<()> {
        require(actor, Write::ManageNotifications)?;
        Ok(self
            .store
            .set_webhook_active(id, active, &Stamp::now(Some(actor.user_id)))
            .await?)
    }
}

/// The weekly rules only, moved to `day`'s weekday (same names, so a cause they
/// plan is the one their own weekday would have planned).
fn weekly_rules_on(rules: &Rules, day: NaiveDate) -> Rules {
    use chrono::Datelike;
    let name = tiendo_core::notify::weekday_name(day.weekday());
    Rules {
        rule: rules
            .rule
            .iter()
            .filter(|r| matches!(r.when, Trigger::OverdueWeekly | Trigger::AgencyDigest))
            .cloned()
            .map(|mut r| {
                r.weekday = Some(name.to_string());
                r
            })
            .collect(),
    }
}
