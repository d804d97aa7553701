//! The records tiendo keeps, as the API shows them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::deadline::{Deadline, DeadlineKind};
use crate::status::Status;

/// Lĩnh vực: the field a task belongs to.
pub const FIELDS: [(&str, &str); 5] = [
    ("khcn", "Khoa học, công nghệ"),
    ("dmst", "Đổi mới sáng tạo"),
    ("cds", "Chuyển đổi số"),
    ("da06", "Đề án 06"),
    ("cchc", "Cải cách hành chính"),
];

pub fn is_field(code: &str) -> bool {
    FIELDS.iter().any(|(c, _)| *c == code)
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Agency {
    pub id: i64,
    pub code: String,
    /// ministry, ministerial_agency, government_agency, city, province, commune, party_body, state_body, enterprise, bank, other
    pub kind: String,
    pub name: String,
    pub short_name: Option<String>,
    pub bare: Option<String>,
    pub aliases: Vec<String>,
    pub groups: Vec<String>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub successor_id: Option<i64>,
    pub parent_id: Option<i64>,
}

/// A directive document (văn bản chỉ đạo): a conclusion notice, a resolution, a plan.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Document {
    pub id: i64,
    /// Số, ký hiệu: "624/TB-VPCP". Unique when present.
    pub number: Option<String>,
    /// Loại: "Thông báo", "Nghị quyết", …
    pub kind: String,
    pub title: String,
    pub issued_on: Option<NaiveDate>,
    pub issuer: Option<String>,
    pub signer: Option<String>,
    /// How reports cite it: "Thông báo số 624/TB-VPCP ngày 16/11/2025".
    pub citation: String,
    pub has_text: bool,
    pub task_count: i64,
    pub created_at: String,
    pub updated_at: String,
}

impl Document {
    /// Whether the system knew the document at the end of `day`: recorded by
    /// then and not issued after it ("văn bản chưa có vào ngày …" otherwise).
    pub fn known_on(&self, day: NaiveDate) -> bool {
        crate::time::known_on(&self.created_at, day) && self.issued_on.is_none_or(|d| d <= day)
    }
}

/// An agency or a group named on a task (lead or coordinating).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PartyRef {
    /// Agency id, absent for a group.
    pub agency_id: Option<i64>,
    /// Agency code, or the group token "@bo-nganh" / "@dia-phuong".
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DeadlineView {
    /// date, month, quarter, half, year, recurring, event, none
    pub kind: String,
    /// The last day still on time (YYYY-MM-DD); null for recurring, event, none.
    pub due: Option<NaiveDate>,
    /// The deadline words as written.
    pub raw: String,
    /// Vietnamese label: "25/11/2025", "Quý IV/2025", "thường xuyên".
    pub label: String,
}

impl From<&Deadline> for DeadlineView {
    fn from(d: &Deadline) -> Self {
        DeadlineView {
            kind: d.kind.as_str().into(),
            due: d.due,
            raw: d.raw.clone(),
            label: d.label_vi(),
        }
    }
}

impl DeadlineView {
    pub fn from_parts(kind: DeadlineKind, due: Option<NaiveDate>, raw: &str) -> DeadlineView {
        DeadlineView::from(&Deadline {
            kind,
            due,
            raw: raw.into(),
        })
    }
}

/// A task (nhiệm vụ) assigned by a document.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Task {
    pub id: i64,
    pub document_id: i64,
    pub document_citation: String,
    /// Its place in the document: "III.5.a.(2)", "PL.7".
    #[serde(rename = "ref")]
    pub ref_: Option<String>,
    pub text: String,
    /// Sản phẩm: the expected result.
    pub product: Option<String>,
    /// khcn, dmst, cds, da06, cchc
    pub field: Option<String>,
    /// 1 (highest) to 3; 2 by default.
    pub priority: i32,
    pub deadline: DeadlineView,
    pub lead: Vec<PartyRef>,
    pub coord: Vec<PartyRef>,
    /// The leader who directs it (lãnh đạo chỉ đạo).
    pub leader: Option<String>,
    /// The assigning document as the source cites it, when it differs from the
    /// listing document ("Nghị quyết số 71/NQ-CP" for a row of an appendix).
    pub source_citation: Option<String>,
    /// The task's status on the as-of day: the most urgent of its assignments'.
    pub status: Option<Status>,
    pub assignment_count: i64,
    pub cancelled: bool,
    pub created_at: String,
    pub updated_at: String,
}

/// One task for one agency, with its own status.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Assignment {
    pub id: i64,
    pub task_id: i64,
    pub task_text: String,
    pub agency_id: i64,
    pub agency_name: String,
    /// The deadline in force (after extensions) on the as-of day.
    pub deadline: DeadlineView,
    pub completed_on: Option<NaiveDate>,
    pub cancelled: bool,
    pub status: Status,
    pub days_late: i64,
    pub as_of: NaiveDate,
    pub created_at: String,
}

/// A progress report (báo cáo tiến độ) on an assignment.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ProgressReport {
    pub id: i64,
    pub assignment_id: i64,
    pub task_id: i64,
    pub agency_id: i64,
    pub author_id: i64,
    pub reported_on: NaiveDate,
    /// 0–100.
    pub percent: Option<i32>,
    /// Whether the report claims the work is complete.
    pub claims_completion: bool,
    pub completed_on: Option<NaiveDate>,
    pub narrative: String,
    pub difficulties: Option<String>,
    pub proposals: Option<String>,
    /// Số văn bản of the evidence.
    pub evidence_number: Option<String>,
    /// none, pending, accepted, returned
    pub review_state: String,
    pub review_note: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// A request to move an assignment's deadline (gia hạn), and its decision.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Extension {
    pub id: i64,
    pub assignment_id: i64,
    pub agency_id: i64,
    pub requested_by: i64,
    pub requested_deadline: DeadlineView,
    pub previous_deadline: DeadlineView,
    pub reason: String,
    /// requested, approved, refused
    pub state: String,
    pub decision_note: Option<String>,
    pub decided_by: Option<i64>,
    pub created_at: String,
    pub decided_at: Option<String>,
}

/// An agency's committed completion date for a late task (văn bản cam kết).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Commitment {
    pub id: i64,
    pub assignment_id: i64,
    pub agency_id: i64,
    pub committed_on: NaiveDate,
    /// The assignment's deadline when the commitment was made.
    pub original_due: Option<NaiveDate>,
    pub letter_number: Option<String>,
    pub note: Option<String>,
    /// pending (not yet due), kept, broken: judged on the as-of day.
    pub outcome: String,
    pub created_by: i64,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: Option<String>,
    /// admin, focal, viewer
    pub role: String,
    pub agency_id: Option<i64>,
    pub active: bool,
    /// An administrator reset the password: the user must choose a new one
    /// before doing anything else.
    #[serde(default)]
    pub must_change_password: bool,
    /// Where emailed notices go, if anywhere.
    #[serde(default)]
    pub email: Option<String>,
    /// Whether the user chose email besides the bell.
    #[serde(default = "default_true")]
    pub notify_email: bool,
    pub created_at: String,
}

fn default_true() -> bool {
    true
}

/// A sign-in session or a long-lived API token, as its owner and the
/// administrators see it (never the secret).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ApiToken {
    pub id: i64,
    pub user_id: i64,
    pub username: String,
    pub label: String,
    /// `session` (a sign-in) or `api` (a long-lived token).
    pub kind: String,
    /// RFC 3339, +07:00.
    pub created_at: String,
    pub expires_at: Option<String>,
    pub revoked_at: Option<String>,
    /// For an API token: the sign-in session that made it.
    pub session_id: Option<i64>,
}

/// Who may hold long-lived API tokens, and for how long at most (set by an
/// administrator; by default admins only, 90 days).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TokenPolicy {
    /// The roles allowed: admin, focal, viewer.
    pub roles: Vec<String>,
    /// The longest lifetime of a token, in days.
    pub max_days: i64,
}

/// One entry of the security log: a failed sign-in, a refused permission or a new
/// token (docs/audit.md).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SecurityEvent {
    pub id: i64,
    /// sign_in_failed, permission_refused, token_created
    pub kind: String,
    /// When it happened (RFC 3339, +07:00).
    pub at: String,
    /// The signed-in user, when there was one.
    pub actor_id: Option<i64>,
    /// The username tried (failed sign-ins) or the actor's.
    pub username: Option<String>,
    /// The client's address, when the server knew it.
    pub client: Option<String>,
    /// What was attempted: "POST /api/v1/users", "sign in", "create token".
    pub action: String,
    /// Why it was refused, or the token's label.
    pub detail: String,
}

/// One entry of the history: who changed what, when.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Event {
    pub id: i64,
    /// agency, document, task, assignment, progress_report, extension, commitment, user, token
    pub entity: String,
    pub entity_id: i64,
    pub action: String,
    pub actor_id: Option<i64>,
    /// The actor's username (`system` for the system user).
    pub actor_name: Option<String>,
    /// The actor's display name, when the account has one.
    #[serde(default)]
    pub actor_display_name: Option<String>,
    /// What changed: the new values, and the old ones for updates.
    pub changes: serde_json::Value,
    /// When the change took effect in the system's knowledge (RFC 3339, +07:00).
    pub recorded_at: String,
    /// When it was written (differs from recorded_at only for imported history).
    pub entered_at: String,
}

/// A page of a list.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}
