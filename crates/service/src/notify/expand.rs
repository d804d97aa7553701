//! From a cause to its notices: the rules say who and by which channels; the
//! users' own choices and the webhooks of the office say where.

use std::collections::HashSet;

use tiendo_core::notify::{Audience, Channel, Rules};
use tiendo_store::{CauseRow, NewNotice, Recipient, WebhookRow};

/// What expansion needs besides the cause.
pub struct Audiences<'a> {
    pub users: &'a [Recipient],
    pub webhooks: &'a [WebhookRow],
    /// Email notices are made only when a mail server is set up.
    pub email_on: bool,
}

/// The notices of one cause, each recipient once per channel.
pub fn notices_of(cause: &CauseRow, rules: &Rules, to: &Audiences<'_>) -> Vec<NewNotice> {
    let matching: Vec<_> = match &cause.rule_name {
        // A calendar cause belongs to the rule that made it (if still in force).
        Some(name) => rules
            .by_name(name)
            .filter(|r| r.enabled && r.when == cause.trigger)
            .into_iter()
            .collect(),
        None => rules.for_trigger(cause.trigger).collect(),
    };
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for rule in matching {
        for audience in &rule.to {
            // A comment's author is not told of their own comment.
            let is_author = |u: &Recipient| {
                cause.trigger == tiendo_core::notify::Trigger::CommentAdded
                    && cause.author_id == Some(u.id)
            };
            for user in to
                .users
                .iter()
                .filter(|u| belongs(u, *audience, cause) && !is_author(u))
            {
                for channel in &rule.channels {
                    let address = match channel {
                        Channel::InApp => None,
                        Channel::Email if to.email_on && user.notify_email => match &user.email {
                            Some(e) => Some(e.clone()),
                            None => continue,
                        },
                        _ => continue,
                    };
                    let recipient = format!("user:{}", user.id);
                    if seen.insert((*channel, recipient.clone())) {
                        out.push(NewNotice {
                            trigger: cause.trigger,
                            channel: *channel,
                            recipient,
                            user_id: Some(user.id),
                            webhook_id: None,
                            agency_id: cause.agency_id,
                            address,
                        });
                    }
                }
            }
        }
        if rule.channels.contains(&Channel::Webhook) {
            for hook in to.webhooks.iter().filter(|h| h.active) {
                let recipient = format!("webhook:{}", hook.id);
                if seen.insert((Channel::Webhook, recipient.clone())) {
                    out.push(NewNotice {
                        trigger: cause.trigger,
                        channel: Channel::Webhook,
                        recipient,
                        user_id: None,
                        webhook_id: Some(hook.id),
                        agency_id: cause.agency_id,
                        address: Some(hook.url.clone()),
                    });
                }
            }
        }
    }
    out
}

/// Whether a user is in an audience for a cause.
fn belongs(user: &Recipient, audience: Audience, cause: &CauseRow) -> bool {
    match audience {
        Audience::Focal => {
            user.role == "focal" && user.agency_id.is_some() && user.agency_id == cause.agency_id
        }
        // The agency's leaders; for a national cause, the leaders of every agency.
        Audience::Leader => {
            user.role == "viewer"
                && user.agency_id.is_some()
                && (cause.agency_id.is_none() || user.agency_id == cause.agency_id)
        }
        Audience::Office => user.role == "admin",
        Audience::Author => cause.author_id == Some(user.id),
        Audience::Viewers => user.role == "viewer" && user.agency_id.is_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tiendo_core::notify::Trigger;

    fn user(id: i64, role: &str, agency: Option<i64>, email: Option<&str>) -> Recipient {
        Recipient {
            id,
            username: format!("u{id}"),
            display_name: None,
            role: role.into(),
            agency_id: agency,
            email: email.map(str::to_string),
            notify_email: true,
        }
    }

    fn cause(
        trigger: Trigger,
        rule: Option<&str>,
        agency: Option<i64>,
        author: Option<i64>,
    ) -> CauseRow {
        CauseRow {
            id: 1,
            key: "k".into(),
            trigger,
            rule_name: rule.map(str::to_string),
            entity: None,
            entity_id: None,
            agency_id: agency,
            author_id: author,
            day: chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap(),
            payload: serde_json::json!({}),
            created_at: 0,
        }
    }

    #[test]
    fn each_audience_is_who_the_rules_say() {
        let rules = Rules::default_rules();
        let mut users = vec![
            user(1, "admin", None, Some("vp@chinhphu.vn")),
            user(2, "focal", Some(10), Some("dm@moh.gov.vn")),
            user(3, "focal", Some(11), Some("dm@mic.gov.vn")),
            user(4, "viewer", Some(10), None),
            user(5, "viewer", None, Some("tv@chinhphu.vn")),
        ];
        users[1].notify_email = true;
        let hooks = vec![WebhookRow {
            id: 7,
            url: "http://127.0.0.1:9/h".into(),
            secret: "s".into(),
            description: String::new(),
            active: true,
            created_at: 0,
        }];
        let to = Audiences {
            users: &users,
            webhooks: &hooks,
            email_on: true,
        };

        // A reminder 7 days before: the focal point of agency 10 only, bell and email.
        let got = notices_of(
            &cause(
                Trigger::BeforeDeadline,
                Some("Nhắc trước hạn 7 ngày"),
                Some(10),
                None,
            ),
            &rules,
            &to,
        );
        let who: Vec<(Channel, &str)> = got
            .iter()
            .map(|n| (n.channel, n.recipient.as_str()))
            .collect();
        assert_eq!(
            who,
            vec![(Channel::InApp, "user:2"), (Channel::Email, "user:2")]
        );

        // The weekly overdue notice: the agency's leader (no email address: bell
        // only) and the office; not the other agency's people.
        let got = notices_of(
            &cause(
                Trigger::OverdueWeekly,
                Some("Quá hạn hằng tuần"),
                Some(10),
                None,
            ),
            &rules,
            &to,
        );
        let who: Vec<(Channel, &str)> = got
            .iter()
            .map(|n| (n.channel, n.recipient.as_str()))
            .collect();
        assert_eq!(
            who,
            vec![
                (Channel::InApp, "user:4"),
                (Channel::InApp, "user:1"),
                (Channel::Email, "user:1")
            ]
        );

        // A report to review: the office, and each active webhook once.
        let got = notices_of(
            &cause(Trigger::ReportSubmitted, None, Some(10), Some(2)),
            &rules,
            &to,
        );
        assert!(
            got.iter()
                .any(|n| n.channel == Channel::Webhook && n.webhook_id == Some(7))
        );
        assert!(got.iter().all(|n| n.user_id.is_none_or(|u| u == 1)));

        // A decision: its author and the agency's focal points, once each.
        let got = notices_of(
            &cause(Trigger::ReportReviewed, None, Some(10), Some(2)),
            &rules,
            &to,
        );
        assert_eq!(
            got.iter().filter(|n| n.channel == Channel::InApp).count(),
            1
        );

        // Without a mail server no email notice is made; a user who turned email
        // off gets the bell only.
        let no_mail = Audiences {
            users: &users,
            webhooks: &hooks,
            email_on: false,
        };
        assert!(
            notices_of(
                &cause(
                    Trigger::BeforeDeadline,
                    Some("Nhắc trước hạn 7 ngày"),
                    Some(10),
                    None
                ),
                &rules,
                &no_mail
            )
            .iter()
            .all(|n| n.channel == Channel::InApp)
        );

        // A calendar cause of a rule since removed makes nothing.
        assert!(
            notices_of(
                &cause(Trigger::BeforeDeadline, Some("gone"), Some(10), None),
                &rules,
                &to
            )
            .is_empty()
        );
    }
}
