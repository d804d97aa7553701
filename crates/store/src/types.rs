//! What the repository takes in and gives back, beyond the API records of
//! `tiendo_core::model`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tiendo_core::deadline::{Deadline, DeadlineKind};
use tiendo_core::model::PartyRef;
use tiendo_core::status::{AssignmentState, Status};
use tiendo_core::time::Micros;

/// Who wrote a change and when it takes effect in the system's knowledge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub actor_id: Option<i64>,
    /// When the change entered the system's knowledge. Now for ordinary writes;
    /// a past instant for imported history.
    pub recorded_at: Micros,
    /// When the row is written.
    pub entered_at: Micros,
}

impl Stamp {
    pub fn now(actor_id: Option<i64>) -> Stamp {
        let now = tiendo_core::time::now_micros();
        Stamp {
            actor_id,
            recorded_at: now,
            entered_at: now,
        }
    }

    pub fn backdated(actor_id: Option<i64>, recorded_at: Micros) -> Stamp {
        Stamp {
            actor_id,
            recorded_at,
            entered_at: tiendo_core::time::now_micros(),
        }
    }
}

/// The head of the audit chain: the last event's id and hash (docs/audit.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainHead {
    pub event_id: i64,
    pub hash: String,
}

/// The first broken link of the audit chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokenLink {
    /// The first event at fault (for a removed event: the one after the gap).
    pub event_id: i64,
    pub problem: String,
}

/// What checking the audit chain found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainVerification {
    /// Events whose link was checked and found sound.
    pub checked: i64,
    /// The head as recorded in the database.
    pub head: ChainHead,
    /// Whether a checkpoint was checked (and found sound, when `broken` is none).
    pub checkpoint_checked: bool,
    pub broken: Option<BrokenLink>,
}

/// An entry for the security log (`security_events`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSecurityEvent {
    /// sign_in_failed, permission_refused, token_created
    pub kind: String,
    pub at: Micros,
    pub actor_id: Option<i64>,
    pub username: Option<String>,
    pub client: Option<String>,
    pub action: String,
    pub detail: String,
}

/// Which security log entries to list, newest first.
#[derive(Debug, Clone, Default)]
pub struct SecurityFilter {
    pub kind: Option<String>,
    pub page: i64,
    pub per_page: i64,
}

/// An entry for the history, written in the same transaction as the change.
#[derive(Debug, Clone)]
pub struct Audit {
    pub entity: &'static str,
    pub entity_id: i64,
    pub action: String,
    pub changes: serde_json::Value,
}

#[derive(Debug, Clone, Default)]
pub struct NewAgency {
    pub code: String,
    pub kind: String,
    pub name: String,
    pub short_name: Option<String>,
    pub bare: Option<String>,
    pub aliases: Vec<String>,
    pub groups: Vec<String>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub successor_code: Option<String>,
    pub parent_code: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct AgencyFilter {
    pub q: Option<String>,
    pub kind: Option<String>,
    pub group: Option<String>,
    pub current_only: bool,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Debug, Clone, Default)]
pub struct NewDocument {
    pub number: Option<String>,
    pub kind: String,
    pub title: String,
    pub issued_on: Option<NaiveDate>,
    pub issuer: Option<String>,
    pub signer: Option<String>,
    pub body: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct DocumentFilter {
    pub q: Option<String>,
    pub kind: Option<String>,
    pub issued_from: Option<NaiveDate>,
    pub issued_to: Option<NaiveDate>,
    /// Only documents with a task assigned to this agency.
    pub agency_id: Option<i64>,
    /// As of a day: only what was recorded strictly before this instant
    /// (`tiendo_core::time::end_of_day`), in the state it had then.
    pub known_by: Option<Micros>,
    pub page: i64,
    pub per_page: i64,
}

/// A task to create, with the agencies that get an assignment.
#[derive(Debug, Clone)]
pub struct NewTask {
    pub document_id: i64,
    pub ref_: Option<String>,
    pub text: String,
    pub product: Option<String>,
    pub field: Option<String>,
    pub priority: i32,
    pub deadline: Deadline,
    pub lead: Vec<PartyRef>,
    pub coord: Vec<PartyRef>,
    pub leader: Option<String>,
    pub source_citation: Option<String>,
    /// One assignment per agency (the lead agencies, groups expanded).
    pub assignees: Vec<i64>,
}

/// The editable fields of a task; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct TaskPatch {
    pub ref_: Option<Option<String>>,
    pub text: Option<String>,
    pub product: Option<Option<String>>,
    pub field: Option<Option<String>>,
    pub priority: Option<i32>,
    pub deadline: Option<Deadline>,
    pub leader: Option<Option<String>>,
    pub coord: Option<Vec<PartyRef>>,
}

#[derive(Debug, Clone)]
pub struct TaskFilter {
    pub agency_id: Option<i64>,
    pub document_id: Option<i64>,
    pub status: Option<Status>,
    /// The day statuses are computed for; the knowledge is that at its end.
    pub as_of: NaiveDate,
    /// Only tasks the system knew of at the end of `as_of`.
    pub known_only: bool,
    pub due_from: Option<NaiveDate>,
    pub due_to: Option<NaiveDate>,
    pub field: Option<String>,
    /// Folded search words; each must occur.
    pub words: Vec<String>,
    /// A focal point's agency: only tasks assigned to it.
    pub confined_to: Option<i64>,
    /// Only tasks lacking one of the "6 rõ" (`tiendo_core::clarity`).
    pub lacking: Option<tiendo_core::clarity::Lacking>,
    pub due_soon_days: u32,
    pub sort: TaskSort,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TaskSort {
    #[default]
    Due,
    DueDesc,
    Created,
    CreatedDesc,
    Document,
}

/// What a report row needs of a task (the overdue report reads tens of thousands):
/// its text, where it comes from and its lead agencies' names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskHead {
    pub id: i64,
    pub text: String,
    /// The task's own citation when it has one, else its document's.
    pub source: String,
    pub lead: Vec<String>,
}

/// The raw row of a task, before statuses are added.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TaskRow {
    pub id: i64,
    pub document_id: i64,
    pub document_citation: String,
    pub ref_: Option<String>,
    pub text: String,
    pub product: Option<String>,
    pub field: Option<String>,
    pub priority: i32,
    pub deadline: Deadline,
    pub lead: Vec<PartyRef>,
    pub coord: Vec<PartyRef>,
    pub leader: Option<String>,
    pub source_citation: Option<String>,
    pub cancelled: bool,
    pub created_at: Micros,
    pub updated_at: Micros,
}

/// An assignment's known state at an instant, with what identifies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownAssignment {
    pub assignment_id: i64,
    pub task_id: i64,
    pub agency_id: i64,
    pub state: AssignmentState,
}

#[derive(Debug, Clone)]
pub struct AssignmentFilter {
    pub task_id: Option<i64>,
    pub agency_id: Option<i64>,
    pub document_id: Option<i64>,
    pub status: Option<Status>,
    pub as_of: NaiveDate,
    pub due_soon_days: u32,
    pub confined_to: Option<i64>,
    pub page: i64,
    pub per_page: i64,
}

/// An assignment row with the state known on the as-of day.
#[derive(Debug, Clone)]
pub struct AssignmentRow {
    pub id: i64,
    pub task_id: i64,
    pub task_text: String,
    pub agency_id: i64,
    pub agency_name: String,
    pub deadline_raw: String,
    pub state: AssignmentState,
    pub created_at: Micros,
}

#[derive(Debug, Clone)]
pub struct NewReport {
    pub assignment_id: i64,
    pub author_id: i64,
    pub reported_on: NaiveDate,
    pub percent: Option<i32>,
    pub claims_completion: bool,
    pub completed_on: Option<NaiveDate>,
    pub narrative: String,
    pub difficulties: Option<String>,
    pub proposals: Option<String>,
    pub evidence_number: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    pub assignment_id: Option<i64>,
    pub task_id: Option<i64>,
    pub agency_id: Option<i64>,
    pub review_state: Option<String>,
    pub confined_to: Option<i64>,
    /// As of a day: only what was recorded strictly before this instant
    /// (`tiendo_core::time::end_of_day`), in the state it had then.
    pub known_by: Option<Micros>,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Debug, Clone)]
pub struct NewExtension {
    pub assignment_id: i64,
    pub requested_by: i64,
    pub deadline: Deadline,
    pub reason: String,
}

#[derive(Debug, Clone, Default)]
pub struct ExtensionFilter {
    pub assignment_id: Option<i64>,
    pub agency_id: Option<i64>,
    pub state: Option<String>,
    pub confined_to: Option<i64>,
    /// As of a day: only what was recorded strictly before this instant
    /// (`tiendo_core::time::end_of_day`), in the state it had then.
    pub known_by: Option<Micros>,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Debug, Clone)]
pub struct NewCommitment {
    pub assignment_id: i64,
    pub committed_on: NaiveDate,
    pub letter_number: Option<String>,
    pub note: Option<String>,
    pub created_by: i64,
}

#[derive(Debug, Clone, Default)]
pub struct CommitmentFilter {
    pub assignment_id: Option<i64>,
    pub agency_id: Option<i64>,
    pub confined_to: Option<i64>,
    /// As of a day: only what was recorded strictly before this instant
    /// (`tiendo_core::time::end_of_day`), in the state it had then.
    pub known_by: Option<Micros>,
    pub page: i64,
    pub per_page: i64,
}

/// A commitment with what is needed to judge it.
#[derive(Debug, Clone)]
pub struct CommitmentRow {
    pub id: i64,
    pub assignment_id: i64,
    pub agency_id: i64,
    pub committed_on: NaiveDate,
    pub original_due: Option<NaiveDate>,
    pub letter_number: Option<String>,
    pub note: Option<String>,
    pub created_by: i64,
    pub created_at: Micros,
    pub updated_at: Micros,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: Option<String>,
    pub password_hash: String,
    pub role: String,
    pub agency_id: Option<i64>,
    /// Where emailed notices go.
    pub email: Option<String>,
    /// The password is a one-time one: the user must choose their own at the
    /// first sign-in.
    pub must_change_password: bool,
}

/// The changes to a user; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct UserPatch {
    pub display_name: Option<Option<String>>,
    pub role: Option<String>,
    pub agency_id: Option<Option<i64>>,
    pub active: Option<bool>,
    pub password_hash: Option<String>,
    /// Set by an administrator's reset; cleared when the user chooses a password.
    pub must_change_password: Option<bool>,
    /// When the password changes, the one token not revoked (the session of a
    /// user who changes their own).
    pub keep_token_id: Option<i64>,
    /// The address for emailed notices (`Some(None)` removes it).
    pub email: Option<Option<String>>,
    /// Whether the user wants notices by email too (the bell is always on).
    pub notify_email: Option<bool>,
}

/// A user with the secret needed to sign in.
#[derive(Debug, Clone)]
pub struct UserCredentials {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
    pub role: String,
    pub agency_id: Option<i64>,
    pub active: bool,
    /// An administrator reset the password: a new one must be chosen first.
    pub must_change_password: bool,
}

/// A live token and the user behind it.
#[derive(Debug, Clone)]
pub struct TokenHolder {
    pub token_id: i64,
    /// `session` (a sign-in) or `api` (a long-lived token).
    pub kind: String,
    /// When the token expires.
    pub expires_at: Option<Micros>,
    pub user: UserCredentials,
}

/// A token to be stored (only its hash).
#[derive(Debug, Clone)]
pub struct NewToken {
    pub user_id: i64,
    pub token_hash: String,
    pub label: String,
    /// `session` or `api`.
    pub kind: String,
    pub expires_at: Option<Micros>,
    /// For an API token: the session token that made it.
    pub session_id: Option<i64>,
}

#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    pub entity: Option<String>,
    pub entity_id: Option<i64>,
    pub actor_id: Option<i64>,
    pub page: i64,
    pub per_page: i64,
}

/// The deadline an assignment had, for the history of an extension.
pub fn deadline_of(state: &AssignmentState, raw: &str) -> Deadline {
    Deadline {
        kind: state.deadline_kind,
        due: state.due,
        raw: raw.to_string(),
    }
}

pub fn parse_kind(s: &str) -> DeadlineKind {
    DeadlineKind::parse(s).unwrap_or(DeadlineKind::None)
}

/// An indicator as stored. Values and bounds are in the fixed scale
/// (`tiendo_core::indicator::SCALE`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndicatorRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub unit: String,
    pub direction: String,
    /// JSON of `tiendo_core::indicator::Aggregation`.
    pub aggregation: String,
    pub levels: Vec<String>,
    pub periodicity: String,
    pub source: Option<String>,
    pub valid_min: Option<i64>,
    pub valid_max: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct NewIndicator {
    pub code: String,
    pub name: String,
    pub unit: String,
    pub direction: String,
    pub aggregation: String,
    pub levels: Vec<String>,
    pub periodicity: String,
    pub source: Option<String>,
    pub valid_min: Option<i64>,
    pub valid_max: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct NewTarget {
    pub indicator_id: i64,
    pub agency_id: Option<i64>,
    pub value: i64,
    pub due: NaiveDate,
    pub baseline_value: Option<i64>,
    pub baseline_on: Option<NaiveDate>,
    pub source: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TargetRow {
    pub id: i64,
    pub agency_id: Option<i64>,
    pub value: i64,
    pub due: NaiveDate,
    pub baseline_value: Option<i64>,
    pub baseline_on: Option<NaiveDate>,
    pub source: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewMeasurement {
    pub indicator_id: i64,
    /// `None`: a value for the nation as a whole.
    pub agency_id: Option<i64>,
    pub period: String,
    pub period_end: NaiveDate,
    pub value: i64,
    pub source: Option<String>,
    pub note: Option<String>,
}

/// What a bulk recording of measurements did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkCounts {
    /// New (indicator, agency, period) values.
    pub inserted: usize,
    /// Values that superseded a different current value (kept as history).
    pub corrected: usize,
    /// Values equal to the current one (same value and source): nothing written.
    pub unchanged: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MeasurementRow {
    pub id: i64,
    pub agency_id: Option<i64>,
    pub parent_id: Option<i64>,
    pub period: String,
    pub period_end: NaiveDate,
    pub value: i64,
    pub source: Option<String>,
    pub note: Option<String>,
    pub recorded_at: Micros,
    pub superseded_at: Option<Micros>,
}

/// A body outside the agency register that a draft names, with the extractor's
/// kind for it: `unit`, `department` or `group`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftUnit {
    pub name: String,
    pub kind: String,
}

/// A proposed task as read from a document.
#[derive(Debug, Clone, Default)]
pub struct NewDraft {
    pub position: i64,
    pub ref_: Option<String>,
    /// The task's whole text, as the document writes it (or as a reviewer edited it).
    pub text: String,
    /// The extractor's first words of the task: how a re-import recognises it.
    pub first_words: Option<String>,
    /// Names as the extractor wrote them (official names or group tokens).
    pub lead: Vec<String>,
    pub coord: Vec<String>,
    pub deadline_kind: String,
    pub due: Option<NaiveDate>,
    pub deadline_raw: String,
    pub product: Option<String>,
    pub span: Option<(i64, i64)>,
    pub six_clear: Vec<String>,
    pub source_doc: Option<String>,
    pub repeat_of: Option<i64>,
    /// How sure the extractor was, per mille; `None` for drafts read before it said.
    pub confidence_permille: Option<i64>,
    /// The extractor's reasons for doubt (`lead_inherited`, `unknown_unit`, …).
    pub doubts: Vec<String>,
    /// Bodies outside the register that the draft names.
    pub units: Vec<DraftUnit>,
    /// Code of the agency under which the draft's new units join the register,
    /// when a reviewer chose one (else the document's issuer).
    pub unit_parent: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DraftRow {
    pub id: i64,
    pub document_id: i64,
    pub position: i64,
    pub ref_: Option<String>,
    pub text: String,
    pub first_words: Option<String>,
    pub lead: Vec<String>,
    pub coord: Vec<String>,
    pub deadline_kind: String,
    pub due: Option<NaiveDate>,
    pub deadline_raw: String,
    pub product: Option<String>,
    pub span: Option<(i64, i64)>,
    pub six_clear: Vec<String>,
    pub source_doc: Option<String>,
    /// proposed, confirmed, dropped
    pub state: String,
    pub task_id: Option<i64>,
    pub repeat_of: Option<i64>,
    pub confidence_permille: Option<i64>,
    pub doubts: Vec<String>,
    pub units: Vec<DraftUnit>,
    pub unit_parent: Option<String>,
}

// ---------------------------------------------------------------- scoring (issue 5)

/// What the monthly scoring needs of a task: its weight and its leader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreTaskInfo {
    pub task_id: i64,
    pub priority: i32,
    pub field: Option<String>,
    pub leader: Option<String>,
}

/// A stored scoring rule set (a version of the TOML text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSetRow {
    pub id: i64,
    pub version: i64,
    pub name: String,
    pub body: String,
    pub created_by: Option<i64>,
    pub created_at: Micros,
}

/// One agency's or leader's result in a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreResultRow {
    /// agency, leader
    pub subject: String,
    pub agency_id: Option<i64>,
    pub leader: Option<String>,
    /// central, provinces, others (agencies); leaders
    pub grp: String,
    pub score_x100: Option<i64>,
    pub earned_x100: i64,
    pub possible_x100: i64,
    pub lines: i64,
    pub rank_in_group: Option<i64>,
    /// The breakdown lines as JSON (empty when not asked for).
    pub breakdown: String,
}

/// A run to publish, with its results.
#[derive(Debug, Clone)]
pub struct NewScoreRun {
    pub month: String,
    pub knowledge_at: Micros,
    pub rules_version: i64,
    pub rules_body: String,
    pub replaces: Option<i64>,
    pub reason: Option<String>,
    pub content_hash: String,
    pub results: Vec<ScoreResultRow>,
}

/// A published run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreRunRow {
    pub id: i64,
    pub month: String,
    pub knowledge_at: Micros,
    pub rules_version: i64,
    pub rules_body: String,
    pub replaces: Option<i64>,
    pub reason: Option<String>,
    pub content_hash: String,
    pub scored_agencies: i64,
    pub scored_leaders: i64,
    pub created_by: Option<i64>,
    pub created_at: Micros,
    /// The run that replaced this one, if any.
    pub replaced_by: Option<i64>,
}

// ---------------------------------------------------------------- notifications

/// A cause of notices to write to the outbox (repo/notices.rs).
#[derive(Debug, Clone)]
pub struct NewCause {
    /// Unique: the same cause is never written twice.
    pub key: String,
    pub trigger: tiendo_core::notify::Trigger,
    /// For calendar causes, the rule that made it; event causes go to every rule
    /// of their trigger.
    pub rule_name: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<i64>,
    pub agency_id: Option<i64>,
    /// Who sent the report or request the cause is about.
    pub author_id: Option<i64>,
    /// The day it is about (the planned day, or the day of the change).
    pub day: NaiveDate,
    /// What the notice needs to be worded and checked: assignment ids, counts…
    pub payload: serde_json::Value,
}

/// A cause as written.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CauseRow {
    pub id: i64,
    pub key: String,
    pub trigger: tiendo_core::notify::Trigger,
    pub rule_name: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<i64>,
    pub agency_id: Option<i64>,
    pub author_id: Option<i64>,
    pub day: NaiveDate,
    pub payload: serde_json::Value,
    pub created_at: Micros,
}

/// One notice to write for a cause: one recipient on one channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotice {
    pub trigger: tiendo_core::notify::Trigger,
    pub channel: tiendo_core::notify::Channel,
    /// "user:12" or "webhook:3": unique per cause and channel.
    pub recipient: String,
    pub user_id: Option<i64>,
    pub webhook_id: Option<i64>,
    pub agency_id: Option<i64>,
    /// The email address or webhook URL at the time it was made.
    pub address: Option<String>,
}

/// A notice as stored.
#[derive(Debug, Clone, serde::Serialize)]
pub struct NoticeRow {
    pub id: i64,
    pub cause_id: i64,
    pub trigger: tiendo_core::notify::Trigger,
    pub channel: tiendo_core::notify::Channel,
    pub recipient: String,
    pub user_id: Option<i64>,
    pub webhook_id: Option<i64>,
    pub agency_id: Option<i64>,
    pub address: Option<String>,
    pub subject: String,
    pub body: String,
    pub link: String,
    /// pending, sending, sent, failed, obsolete
    pub state: String,
    pub attempts: i64,
    pub next_attempt_at: Micros,
    pub sent_at: Option<Micros>,
    pub read_at: Option<Micros>,
    pub last_error: Option<String>,
    pub created_at: Micros,
}

/// How a delivery attempt ended.
#[derive(Debug, Clone)]
pub enum NoticeOutcome {
    Sent {
        subject: String,
        body: String,
        link: String,
        detail: String,
    },
    Retry {
        at: Micros,
        error: String,
    },
    Failed {
        error: String,
    },
    /// What the notice was about no longer holds (the work was done meanwhile).
    Obsolete {
        why: String,
    },
}

/// One delivery attempt, for the office's log.
#[derive(Debug, Clone, serde::Serialize)]
pub struct NoticeAttempt {
    pub attempt: i64,
    pub at: Micros,
    pub outcome: String,
    pub detail: String,
}

#[derive(Debug, Clone, Default)]
pub struct NoticeFilter {
    pub user_id: Option<i64>,
    pub channel: Option<tiendo_core::notify::Channel>,
    pub agency_id: Option<i64>,
    pub state: Option<String>,
    pub unread_only: bool,
    pub page: i64,
    pub per_page: i64,
}

/// A user who may be told something.
#[derive(Debug, Clone)]
pub struct Recipient {
    pub id: i64,
    pub username: String,
    pub display_name: Option<String>,
    pub role: String,
    pub agency_id: Option<i64>,
    pub email: Option<String>,
    pub notify_email: bool,
}

/// A webhook of the office.
#[derive(Debug, Clone)]
pub struct WebhookRow {
    pub id: i64,
    pub url: String,
    /// Signs each delivery (HMAC-SHA256); shown once, when made.
    pub secret: String,
    pub description: String,
    pub active: bool,
    pub created_at: Micros,
}

/// A comment on an assignment, with its author.
#[derive(Debug, Clone, Serialize)]
pub struct CommentRow {
    pub id: i64,
    pub assignment_id: i64,
    pub author_id: i64,
    pub author_username: String,
    pub author_name: Option<String>,
    pub author_role: String,
    pub author_agency_id: Option<i64>,
    pub body: String,
    pub created_at: Micros,
}

/// A coordinating agency's part, to be written.
#[derive(Debug, Clone)]
pub struct NewPart {
    pub assignment_id: i64,
    pub agency_id: i64,
    pub author_id: i64,
    pub reported_on: NaiveDate,
    pub percent: Option<i32>,
    pub narrative: String,
}

/// A coordinating agency's part, with its author.
#[derive(Debug, Clone)]
pub struct PartRow {
    pub id: i64,
    pub assignment_id: i64,
    pub agency_id: i64,
    pub author_username: String,
    pub author_name: Option<String>,
    pub reported_on: NaiveDate,
    pub percent: Option<i32>,
    pub narrative: String,
    pub created_at: Micros,
}

/// What the site search looks for in one section (issue 14): folded words, each
/// of which must occur in the folded key; who asks; as of when; how many to list.
#[derive(Debug, Clone, Default)]
pub struct SearchFilter {
    /// Folded words (`tiendo_core::snippet::query_words`); none finds nothing.
    pub words: Vec<String>,
    /// A focal point's agency: documents that assign it something, itself only
    /// among agencies.
    pub confined_to: Option<i64>,
    /// As of a day: documents recorded before this instant and not issued after
    /// its day (`tiendo_core::time::end_of_day`).
    pub known_by: Option<Micros>,
    /// How many rows to return (the count is of all).
    pub limit: i64,
}

/// A document found, with its text for the passage shown.
#[derive(Debug, Clone)]
pub struct DocumentHitRow {
    pub document: tiendo_core::model::Document,
    pub body: Option<String>,
}
