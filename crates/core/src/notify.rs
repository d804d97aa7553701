//! Notification rules (đôn đốc): who is told what, when, and by which channel.
//!
//! Rules are data (`data/notify/default.toml`), edited by an administrator; this
//! module reads and checks them and answers the calendar questions ("does this
//! weekly rule fire on that day?"). Planning, delivery and wording live in the
//! service; nothing here does IO.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// The rules shipped with tiendo.
pub const DEFAULT_RULES: &str = include_str!("../../../data/notify/default.toml");

/// What sets a notice off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// `days` before an open assignment's deadline.
    BeforeDeadline,
    /// `days` after an open assignment's deadline passed.
    AfterDeadline,
    /// Weekly while an agency has overdue assignments.
    OverdueWeekly,
    /// An agency's weekly digest: due soon, overdue, returned reports, pending
    /// extension requests, commitments coming due.
    AgencyDigest,
    /// The monthly national digest.
    MonthlyDigest,
    /// A report claims completion and waits for the office's review.
    ReportSubmitted,
    /// An agency asks for more time.
    ExtensionRequested,
    /// A committed day passed with the assignment still open.
    CommitmentBroken,
    /// A report was accepted or returned.
    ReportReviewed,
    /// A request for more time was granted or refused.
    ExtensionDecided,
    /// Someone wrote in an assignment's comment thread (trao đổi); everyone in
    /// the audience but its author is told.
    CommentAdded,
}

impl Trigger {
    pub const ALL: [Trigger; 11] = [
        Trigger::BeforeDeadline,
        Trigger::AfterDeadline,
        Trigger::OverdueWeekly,
        Trigger::AgencyDigest,
        Trigger::MonthlyDigest,
        Trigger::ReportSubmitted,
        Trigger::ExtensionRequested,
        Trigger::CommitmentBroken,
        Trigger::ReportReviewed,
        Trigger::ExtensionDecided,
        Trigger::CommentAdded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::BeforeDeadline => "before_deadline",
            Trigger::AfterDeadline => "after_deadline",
            Trigger::OverdueWeekly => "overdue_weekly",
            Trigger::AgencyDigest => "agency_digest",
            Trigger::MonthlyDigest => "monthly_digest",
            Trigger::ReportSubmitted => "report_submitted",
            Trigger::ExtensionRequested => "extension_requested",
            Trigger::CommitmentBroken => "commitment_broken",
            Trigger::ReportReviewed => "report_reviewed",
            Trigger::ExtensionDecided => "extension_decided",
            Trigger::CommentAdded => "comment_added",
        }
    }

    pub fn parse(s: &str) -> Option<Trigger> {
        Trigger::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// Set off by a change someone makes (written with that change), rather than
    /// by the calendar.
    pub fn is_event(self) -> bool {
        matches!(
            self,
            Trigger::ReportSubmitted
                | Trigger::ExtensionRequested
                | Trigger::ReportReviewed
                | Trigger::ExtensionDecided
                | Trigger::CommentAdded
        )
    }

    /// In Vietnamese, for the pages.
    pub fn label_vi(self) -> &'static str {
        match self {
            Trigger::BeforeDeadline => "Nhắc trước hạn",
            Trigger::AfterDeadline => "Đôn đốc quá hạn",
            Trigger::OverdueWeekly => "Quá hạn hằng tuần",
            Trigger::AgencyDigest => "Tổng hợp tuần",
            Trigger::MonthlyDigest => "Tổng hợp tháng",
            Trigger::ReportSubmitted => "Báo cáo chờ duyệt",
            Trigger::ExtensionRequested => "Đề nghị gia hạn",
            Trigger::CommitmentBroken => "Không giữ cam kết",
            Trigger::ReportReviewed => "Kết quả duyệt báo cáo",
            Trigger::ExtensionDecided => "Kết quả đề nghị gia hạn",
            Trigger::CommentAdded => "Ý kiến trao đổi",
        }
    }
}

/// Who is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// The focal points (đầu mối) of the agency concerned.
    Focal,
    /// The agency's leaders: viewers attached to that agency.
    Leader,
    /// The standing office: the administrators.
    Office,
    /// Who sent the report or request the notice is about.
    Author,
    /// Viewers attached to no one agency (the committee's members).
    Viewers,
}

/// How a notice travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// The bell and the notifications page.
    InApp,
    /// Email over SMTP to the user's address, if the user chose email.
    Email,
    /// Each active webhook of the office.
    Webhook,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::InApp => "in_app",
            Channel::Email => "email",
            Channel::Webhook => "webhook",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        [Channel::InApp, Channel::Email, Channel::Webhook]
            .into_iter()
            .find(|c| c.as_str() == s)
    }
}

/// One rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Unique among the rules; the notices a rule made are keyed by it.
    pub name: String,
    pub when: Trigger,
    /// For `before_deadline` and `after_deadline`: how many days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<u32>,
    /// For weekly rules: the day of the week (monday … sunday).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekday: Option<String>,
    /// For the monthly digest: the day of the month (1–28).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day_of_month: Option<u32>,
    pub to: Vec<Audience>,
    pub channels: Vec<Channel>,
    /// A rule can be kept but switched off.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub enabled: bool,
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

/// The whole rule set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    #[serde(default)]
    pub rule: Vec<Rule>,
}

/// A rule set that cannot be used, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{place}: {message}")]
pub struct RulesError {
    /// "line 12" for text that is not TOML, or "rule 3 (Nhắc trước hạn)".
    pub place: String,
    pub message: String,
}

const WEEKDAYS: [(&str, Weekday); 7] = [
    ("monday", Weekday::Mon),
    ("tuesday", Weekday::Tue),
    ("wednesday", Weekday::Wed),
    ("thursday", Weekday::Thu),
    ("friday", Weekday::Fri),
    ("saturday", Weekday::Sat),
    ("sunday", Weekday::Sun),
];

impl Rules {
    /// Reads and checks a rule set written in TOML.
    pub fn parse(text: &str) -> Result<Rules, RulesError> {
        let rules: Rules = toml::from_str(text).map_err(|e| {
            let place = e
                .span()
                .map(|s| {
                    format!(
                        "line {}",
                        text[..s.start.min(text.len())].lines().count().max(1)
                    )
                })
                .unwrap_or_else(|| "rules".into());
            RulesError {
                place,
                message: e.message().to_string(),
            }
        })?;
        rules.validate()?;
        Ok(rules)
    }

    pub fn default_rules() -> Rules {
        Rules::parse(DEFAULT_RULES).expect("the default notification rules are valid")
    }

    pub fn validate(&self) -> Result<(), RulesError> {
        let mut names = std::collections::HashSet::new();
        for (i, r) in self.rule.iter().enumerate() {
            let place = format!("rule {} ({})", i + 1, r.name.trim());
            let fail = |message: &str| {
                Err(RulesError {
                    place: place.clone(),
                    message: message.to_string(),
                })
            };
            if r.name.trim().is_empty() {
                return fail("`name` must not be empty");
            }
            if !names.insert(r.name.trim().to_lowercase()) {
                return fail("another rule has the same name");
            }
            if r.to.is_empty() {
                return fail("`to` names no one");
            }
            if r.channels.is_empty() {
                return fail("`channels` is empty");
            }
            let needs_days = matches!(r.when, Trigger::BeforeDeadline | Trigger::AfterDeadline);
            match (needs_days, r.days) {
                (true, None) => {
                    return fail("`days` is needed: how many days before or after the deadline");
                }
                (true, Some(d)) if !(1..=90).contains(&d) => {
                    return fail("`days` must be between 1 and 90");
                }
                (false, Some(_)) => {
                    return fail("`days` is only for before_deadline and after_deadline");
                }
                _ => {}
            }
            let weekly = matches!(r.when, Trigger::OverdueWeekly | Trigger::AgencyDigest);
            match (&r.weekday, weekly) {
                (None, true) => return fail("`weekday` is needed (monday … sunday)"),
                (Some(w), true) if weekday(w).is_none() => {
                    return fail(
                        "`weekday` must be one of monday, tuesday, wednesday, thursday, friday, saturday, sunday",
                    );
                }
                (Some(_), false) => {
                    return fail("`weekday` is only for overdue_weekly and agency_digest");
                }
                _ => {}
            }
            let monthly = r.when == Trigger::MonthlyDigest;
            match (r.day_of_month, monthly) {
                (None, true) => return fail("`day_of_month` is needed (1–28)"),
                (Some(d), true) if !(1..=28).contains(&d) => {
                    return fail("`day_of_month` must be between 1 and 28 (every month has it)");
                }
                (Some(_), false) => return fail("`day_of_month` is only for monthly_digest"),
                _ => {}
            }
            if r.to.contains(&Audience::Author)
                && !matches!(r.when, Trigger::ReportReviewed | Trigger::ExtensionDecided)
            {
                return fail("`author` is only for report_reviewed and extension_decided");
            }
        }
        Ok(())
    }

    /// The rules as TOML, for the editor.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }

    /// The enabled rules set off by `trigger`.
    pub fn for_trigger(&self, trigger: Trigger) -> impl Iterator<Item = &Rule> {
        self.rule
            .iter()
            .filter(move |r| r.enabled && r.when == trigger)
    }

    pub fn by_name(&self, name: &str) -> Option<&Rule> {
        self.rule.iter().find(|r| r.name == name)
    }
}

/// The name rules use for a day of the week ("monday" …).
pub fn weekday_name(day: Weekday) -> &'static str {
    WEEKDAYS
        .iter()
        .find(|(_, w)| *w == day)
        .map_or("monday", |(n, _)| n)
}

fn weekday(name: &str) -> Option<Weekday> {
    let name = name.trim().to_lowercase();
    WEEKDAYS.iter().find(|(n, _)| *n == name).map(|(_, w)| *w)
}

impl Rule {
    /// Whether a calendar rule fires on `day` (weekly and monthly rules; the
    /// deadline rules fire every day for the deadlines `days` away).
    pub fn fires_on(&self, day: NaiveDate) -> bool {
        if !self.enabled {
            return false;
        }
        match self.when {
            Trigger::OverdueWeekly | Trigger::AgencyDigest => {
                self.weekday.as_deref().and_then(weekday) == Some(day.weekday())
            }
            Trigger::MonthlyDigest => self.day_of_month == Some(day.day()),
            Trigger::BeforeDeadline | Trigger::AfterDeadline | Trigger::CommitmentBroken => true,
            _ => false,
        }
    }

    /// For a deadline rule on `day`: the deadline it reminds of.
    pub fn deadline_on(&self, day: NaiveDate) -> Option<NaiveDate> {
        let days = i64::from(self.days?);
        match self.when {
            Trigger::BeforeDeadline => Some(day + chrono::Duration::days(days)),
            Trigger::AfterDeadline => Some(day - chrono::Duration::days(days)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_default_rules_hold_what_the_committee_asks() {
        let rules = Rules::default_rules();
        let before: Vec<u32> = rules
            .for_trigger(Trigger::BeforeDeadline)
            .filter_map(|r| r.days)
            .collect();
        assert_eq!(before, vec![7, 1]);
        let after: Vec<u32> = rules
            .for_trigger(Trigger::AfterDeadline)
            .filter_map(|r| r.days)
            .collect();
        assert_eq!(after, vec![1]);
        for t in Trigger::ALL {
            assert!(
                rules.for_trigger(t).next().is_some(),
                "no default rule for {t:?}"
            );
        }
        // Round trip through the editor's TOML.
        assert_eq!(Rules::parse(&rules.to_toml()).unwrap(), rules);
    }

    #[test]
    fn calendar_rules_fire_on_their_day_only() {
        let rules = Rules::default_rules();
        let weekly = rules.for_trigger(Trigger::OverdueWeekly).next().unwrap();
        // 07/12/2026 is a Monday.
        assert!(weekly.fires_on(d("2026-12-07")));
        assert!(!weekly.fires_on(d("2026-12-08")));
        let monthly = rules.for_trigger(Trigger::MonthlyDigest).next().unwrap();
        assert!(monthly.fires_on(d("2027-01-01")));
        assert!(!monthly.fires_on(d("2027-01-02")));
        let seven = rules.for_trigger(Trigger::BeforeDeadline).next().unwrap();
        assert_eq!(seven.deadline_on(d("2026-12-25")), Some(d("2027-01-01")));
        let after = rules.for_trigger(Trigger::AfterDeadline).next().unwrap();
        assert_eq!(after.deadline_on(d("2026-03-01")), Some(d("2026-02-28")));
    }

    #[test]
    fn bad_rules_say_what_and_where() {
        let e = Rules::parse("[[rule]]\nname = \"x\"\nwhen = \"before_deadline\"\nto = [\"focal\"]\nchannels = [\"email\"]\n").unwrap_err();
        assert_eq!(e.place, "rule 1 (x)");
        assert!(e.message.contains("`days`"), "{e}");
        let e = Rules::parse("[[rule]]\nname = \"x\"\nwhen = \"sometimes\"\n").unwrap_err();
        assert!(e.place.starts_with("line 3"), "{e}");
        let e = Rules::parse(
            "[[rule]]\nname = \"w\"\nwhen = \"overdue_weekly\"\nweekday = \"thứ hai\"\nto = [\"office\"]\nchannels = [\"in_app\"]\n",
        )
        .unwrap_err();
        assert!(e.message.contains("monday"), "{e}");
        let twice = "[[rule]]\nname = \"a\"\nwhen = \"report_submitted\"\nto = [\"office\"]\nchannels = [\"in_app\"]\n";
        let e = Rules::parse(&format!("{twice}{twice}")).unwrap_err();
        assert_eq!(e.place, "rule 2 (a)");
        let e = Rules::parse("[[rule]]\nname = \"a\"\nwhen = \"report_submitted\"\nto = [\"author\"]\nchannels = [\"in_app\"]\n").unwrap_err();
        assert!(e.message.contains("author"), "{e}");
        let off = Rules::parse("[[rule]]\nname = \"a\"\nwhen = \"overdue_weekly\"\nweekday = \"Monday\"\nto = [\"office\"]\nchannels = [\"in_app\"]\nenabled = false\n").unwrap();
        assert!(!off.rule[0].fires_on(d("2026-12-07")));
        assert_eq!(off.for_trigger(Trigger::OverdueWeekly).count(), 0);
    }
}
