//! Delivering claimed notices: check that what a notice is about still holds,
//! word it, send it by its channel, and record the outcome.

use std::collections::HashMap;

use tiendo_core::notify::{Channel, Trigger};
use tiendo_core::time::{Micros, day_of};
use tiendo_store::{CauseRow, KnownAssignment, NoticeOutcome, NoticeRow};

use super::transport::{self, Failure};
use super::wording::{self, Facts, Line, Wording};
use crate::{Result, Service};

/// How long a server holds a claimed notice before another may take it over
/// (the first one stopped mid-delivery).
pub const LEASE_MICROS: Micros = 5 * 60 * 1_000_000;

/// One notice as delivered (or found obsolete), for `tiendo notify run`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Delivered {
    pub id: i64,
    pub channel: Channel,
    pub recipient: String,
    pub kind: Trigger,
    pub subject: String,
    pub assignments: Vec<i64>,
    /// sent, retry, failed, obsolete
    pub outcome: String,
    pub detail: String,
}

impl Service {
    /// Delivers the notices due at `now`, a batch at a time, until none is left.
    pub async fn deliver_due(&self, now: Micros) -> Result<Vec<Delivered>> {
        let mut out = Vec::new();
        // Who each recipient is, for the report (read once, on the first batch).
        let mut names: Option<(Vec<tiendo_store::Recipient>, Vec<tiendo_store::WebhookRow>)> = None;
        loop {
            let batch = self
                .store
                .claim_notices(now, now + LEASE_MICROS, 50)
                .await?;
            if batch.is_empty() {
                return Ok(out);
            }
            if names.is_none() {
                names = Some((
                    self.store.notify_recipients().await?,
                    self.store.list_webhooks().await?,
                ));
            }
            for (notice, cause) in batch {
                let mut done = self.deliver_one(&notice, &cause, now).await?;
                if let Some((users, hooks)) = &names {
                    done.recipient = self.recipient_name(&notice.recipient, users, hooks);
                }
                out.push(done);
            }
        }
    }

    async fn deliver_one(
        &self,
        notice: &NoticeRow,
        cause: &CauseRow,
        now: Micros,
    ) -> Result<Delivered> {
        let today = day_of(now);
        let listed: Vec<i64> = ids(&cause.payload["assignments"]);
        // What is known now of the listed assignments: read once, for the check
        // that the notice still holds and for its lines.
        let known = self.store.current_states(&listed).await?;
        let (still, why) = self.still_holds(cause, &listed, &known, today).await?;
        let mut done = Delivered {
            id: notice.id,
            channel: notice.channel,
            recipient: notice.recipient.clone(),
            kind: cause.trigger,
            subject: String::new(),
            assignments: still.clone(),
            outcome: String::new(),
            detail: String::new(),
        };
        if let Some(why) = why {
            done.outcome = "obsolete".into();
            done.detail = why.clone();
            self.store
                .finish_notice(notice.id, &NoticeOutcome::Obsolete { why })
                .await?;
            return Ok(done);
        }
        let lines = self.lines_of(&known, &still).await?;
        let total = cause.payload["count"]
            .as_u64()
            .map_or(lines.len(), |n| n as usize)
            .max(lines.len());
        // Assignments done since the cause was written leave the count too.
        let total = total.saturating_sub(listed.len() - still.len());
        let wording = wording::word(
            cause,
            &Facts {
                agency: cause.agency_id.map(|a| self.agency_name(a)),
                lines: &lines,
                total,
                today,
            },
        );
        done.subject = wording.subject.clone();
        let sent = match notice.channel {
            Channel::InApp => Ok("shown in the pages".to_string()),
            Channel::Email => self.send_email(notice, &wording).await,
            Channel::Webhook => self.send_webhook(notice, cause, &wording, &lines).await,
        };
        let outcome = match sent {
            Ok(detail) => {
                done.outcome = "sent".into();
                done.detail = detail.clone();
                NoticeOutcome::Sent {
                    subject: wording.subject,
                    body: wording.text,
                    link: wording.link,
                    detail,
                }
            }
            Err(Failure { transient, message }) => {
                done.detail = message.clone();
                match transport::retry_delay(notice.attempts as u32).filter(|_| transient) {
                    Some(delay) => {
                        done.outcome = "retry".into();
                        NoticeOutcome::Retry {
                            at: now + delay.as_micros() as Micros,
                            error: message,
                        }
                    }
                    None => {
                        done.outcome = "failed".into();
                        NoticeOutcome::Failed { error: message }
                    }
                }
            }
        };
        self.store.finish_notice(notice.id, &outcome).await?;
        Ok(done)
    }

    /// The assignments of a cause that still call for the notice, and why the
    /// notice is obsolete if none does (a reminder about work completed meanwhile
    /// is never sent).
    async fn still_holds(
        &self,
        cause: &CauseRow,
        listed: &[i64],
        known: &[KnownAssignment],
        today: chrono::NaiveDate,
    ) -> Result<(Vec<i64>, Option<String>)> {
        match cause.trigger {
            Trigger::ReportSubmitted | Trigger::ExtensionRequested => {
                let (entity, id) = (
                    cause.entity.as_deref().unwrap_or(""),
                    cause.entity_id.unwrap_or(0),
                );
                if self.store.still_pending(entity, id).await? {
                    Ok((listed.to_vec(), None))
                } else {
                    Ok((Vec::new(), Some("already decided".into())))
                }
            }
            Trigger::BeforeDeadline
            | Trigger::AfterDeadline
            | Trigger::OverdueWeekly
            | Trigger::CommitmentBroken => {
                let due = cause.payload["due"]
                    .as_str()
                    .and_then(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok());
                let states: HashMap<i64, _> =
                    known.iter().map(|k| (k.assignment_id, &k.state)).collect();
                let still: Vec<i64> = listed
                    .iter()
                    .copied()
                    .filter(|id| {
                        states.get(id).is_some_and(|s| {
                            let open = s.completed_on.is_none() && !s.cancelled;
                            let same_deadline = due.is_none_or(|d| s.due == Some(d));
                            let late = cause.trigger != Trigger::OverdueWeekly
                                || s.due.is_some_and(|d| d < today);
                            open && same_deadline && late
                        })
                    })
                    .collect();
                if still.is_empty() {
                    Ok((
                        still,
                        Some(
                            "the work was completed, cancelled or given a new deadline meanwhile"
                                .into(),
                        ),
                    ))
                } else {
                    Ok((still, None))
                }
            }
            _ => Ok((listed.to_vec(), None)),
        }
    }

    /// The lines a notice lists: task, source and deadline of each assignment.
    pub(super) async fn lines(&self, assignments: &[i64]) -> Result<Vec<Line>> {
        if assignments.is_empty() {
            return Ok(Vec::new());
        }
        let states = self.store.current_states(assignments).await?;
        self.lines_of(&states, assignments).await
    }

    /// The lines of `assignments`, from their known states.
    async fn lines_of(&self, states: &[KnownAssignment], assignments: &[i64]) -> Result<Vec<Line>> {
        if assignments.is_empty() {
            return Ok(Vec::new());
        }
        let task_ids: Vec<i64> = states.iter().map(|k| k.task_id).collect();
        let heads: HashMap<i64, _> = self
            .store
            .task_heads(&task_ids)
            .await?
            .into_iter()
            .map(|h| (h.id, h))
            .collect();
        let by_id: HashMap<i64, _> = states.iter().map(|k| (k.assignment_id, k)).collect();
        Ok(assignments
            .iter()
            .filter_map(|id| by_id.get(id))
            .map(|k| {
                let head = heads.get(&k.task_id);
                Line {
                    assignment_id: k.assignment_id,
                    task: head.map(|h| h.text.clone()).unwrap_or_default(),
                    source: head.map(|h| h.source.clone()).unwrap_or_default(),
                    due: k.state.due,
                }
            })
            .collect())
    }

    async fn send_email(
        &self,
        notice: &NoticeRow,
        w: &Wording,
    ) -> std::result::Result<String, Failure> {
        let Some(smtp) = &self.config.notify.smtp else {
            return Err(Failure {
                transient: false,
                message: "no mail server is set up (TIENDO_SMTP_URL)".into(),
            });
        };
        let to = notice.address.clone().unwrap_or_default();
        let link = self.absolute(&w.link);
        transport::send_email(smtp, notice.id, &to, w, &link).await
    }

    async fn send_webhook(
        &self,
        notice: &NoticeRow,
        cause: &CauseRow,
        w: &Wording,
        lines: &[Line],
    ) -> std::result::Result<String, Failure> {
        let Some(hook) = self
            .store
            .list_webhooks()
            .await
            .ok()
            .and_then(|all| all.into_iter().find(|h| Some(h.id) == notice.webhook_id))
        else {
            return Err(Failure {
                transient: false,
                message: "the webhook was removed".into(),
            });
        };
        if !hook.active {
            return Err(Failure {
                transient: false,
                message: "the webhook was switched off".into(),
            });
        }
        let body = serde_json::json!({
            "id": notice.id,
            "kind": cause.trigger,
            "day": cause.day,
            "agency_id": cause.agency_id,
            "agency": cause.agency_id.map(|a| self.agency_name(a)),
            "subject": w.subject,
            "text": w.text,
            "link": self.absolute(&w.link),
            "assignments": lines,
        });
        transport::send_webhook(&hook, notice.id, cause.trigger.as_str(), &body).await
    }

    /// A link of the pages as an address to open from a mail client.
    fn absolute(&self, path: &str) -> String {
        format!(
            "{}{path}",
            self.config.notify.public_url.trim_end_matches('/')
        )
    }
}

fn ids(v: &serde_json::Value) -> Vec<i64> {
    v.as_array()
        .map(|a| a.iter().filter_map(|x| x.as_i64()).collect())
        .unwrap_or_default()
}
