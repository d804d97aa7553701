//! Request bodies of the use cases (JSON in the API, the same structs from the CLI).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginInput {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct TokenOutput {
    pub token: String,
    /// RFC 3339: when the token stops working.
    pub expires_at: Option<String>,
}

/// Signing out (`POST /auth/logout`; the body is optional).
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LogoutInput {
    /// Also revoke every API token this session made.
    #[serde(default)]
    pub revoke_tokens: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgencyInput {
    pub code: String,
    pub kind: String,
    pub name: String,
    #[serde(default)]
    pub short_name: Option<String>,
    #[serde(default)]
    pub bare: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub groups: Vec<String>,
    #[serde(default)]
    pub valid_from: Option<NaiveDate>,
    #[serde(default)]
    pub valid_to: Option<NaiveDate>,
    /// Code of the agency that took over its work.
    #[serde(default)]
    pub successor: Option<String>,
    #[serde(default)]
    pub parent: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentInput {
    /// "624/TB-VPCP"
    #[serde(default)]
    pub number: Option<String>,
    /// "Thông báo", "Nghị quyết", "Chỉ thị", "Kế hoạch", "Công văn", …
    pub kind: String,
    pub title: String,
    #[serde(default)]
    pub issued_on: Option<NaiveDate>,
    #[serde(default)]
    pub issuer: Option<String>,
    #[serde(default)]
    pub signer: Option<String>,
    /// The full text.
    #[serde(default)]
    pub body: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct DeadlineInput {
    /// date, month, quarter, half, year, recurring, event, none
    pub kind: String,
    /// Any day of the period for month/quarter/half/year (it is moved to the last
    /// day); null for recurring, event, none.
    #[serde(default)]
    pub due: Option<NaiveDate>,
    #[serde(default)]
    pub raw: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskInput {
    pub document_id: i64,
    #[serde(default, rename = "ref")]
    pub ref_: Option<String>,
    pub text: String,
    #[serde(default)]
    pub product: Option<String>,
    /// khcn, dmst, cds, da06, cchc
    #[serde(default)]
    pub field: Option<String>,
    #[serde(default)]
    pub priority: Option<i32>,
    pub deadline: DeadlineInput,
    /// Lead agencies: codes, names or aliases ("Bộ KH&CN", "UBND TP Hà Nội"), or
    /// the groups "@bo-nganh" and "@dia-phuong". Each gets an assignment.
    pub lead: Vec<String>,
    #[serde(default)]
    pub coord: Vec<String>,
    #[serde(default)]
    pub leader: Option<String>,
    /// The assigning document as cited, when the task is restated from another.
    #[serde(default)]
    pub source_citation: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskPatchInput {
    #[serde(default, rename = "ref")]
    pub ref_: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub product: Option<String>,
    #[serde(default)]
    pub field: Option<String>,
    #[serde(default)]
    pub priority: Option<i32>,
    #[serde(default)]
    pub deadline: Option<DeadlineInput>,
    #[serde(default)]
    pub leader: Option<String>,
    #[serde(default)]
    pub coord: Option<Vec<String>>,
    /// true cancels the task (all its assignments), false restores it.
    #[serde(default)]
    pub cancelled: Option<bool>,
    /// Why the task is cancelled or restored, kept with each assignment's change.
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignmentInput {
    pub task_id: i64,
    /// Agency code, name or alias.
    pub agency: String,
}

/// A change of an assignment by the standing office.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignmentPatchInput {
    /// Confirm completion on this day.
    #[serde(default)]
    pub completed_on: Option<NaiveDate>,
    /// Withdraw a confirmed completion.
    #[serde(default)]
    pub reopen: Option<bool>,
    /// true cancels, false restores.
    #[serde(default)]
    pub cancelled: Option<bool>,
    /// Correct the deadline (an extension should go through an extension request).
    #[serde(default)]
    pub deadline: Option<DeadlineInput>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportInput {
    pub assignment_id: i64,
    /// Defaults to today.
    #[serde(default)]
    pub reported_on: Option<NaiveDate>,
    #[serde(default)]
    pub percent: Option<i32>,
    /// The work is complete: the report goes to the standing office for review.
    #[serde(default)]
    pub claims_completion: bool,
    #[serde(default)]
    pub completed_on: Option<NaiveDate>,
    pub narrative: String,
    #[serde(default)]
    pub difficulties: Option<String>,
    #[serde(default)]
    pub proposals: Option<String>,
    #[serde(default)]
    pub evidence_number: Option<String>,
}

/// The most reports decided at once.
pub const MAX_BULK_REVIEW: usize = 200;

/// Several reports decided at once (the review queue's "accept the chosen").
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkReviewInput {
    /// The reports, each waiting for review; at most 200.
    pub ids: Vec<i64>,
    /// true accepts them all; false returns them all with `note`.
    pub accept: bool,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewInput {
    /// true accepts; false returns the report to its author.
    pub accept: bool,
    /// Required when returning: the reason.
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionInput {
    pub assignment_id: i64,
    pub deadline: DeadlineInput,
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    pub approve: bool,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommitmentInput {
    pub assignment_id: i64,
    /// The committed completion date.
    pub committed_on: NaiveDate,
    /// Number of the commitment letter (văn bản cam kết).
    #[serde(default)]
    pub letter_number: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommitmentPatchInput {
    pub committed_on: NaiveDate,
    #[serde(default)]
    pub letter_number: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserInput {
    pub username: String,
    pub password: String,
    /// admin, focal, viewer
    pub role: String,
    /// Required for focal points: the agency (code, name or alias).
    #[serde(default)]
    pub agency: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    /// Where emailed notices go.
    #[serde(default)]
    pub email: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatchInput {
    /// A new password. Changing one's own needs `current_password`; an
    /// administrator setting another user's signs that user out everywhere and
    /// makes them choose a new one at their next sign-in.
    #[serde(default)]
    pub password: Option<String>,
    /// The password in use, to change one's own.
    #[serde(default)]
    pub current_password: Option<String>,
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub agency: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub active: Option<bool>,
    /// The address for emailed notices; "" removes it. Users set their own.
    #[serde(default)]
    pub email: Option<String>,
    /// Whether notices come by email too (the bell is always on). Users set their own.
    #[serde(default)]
    pub notify_email: Option<bool>,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiTokenInput {
    pub label: String,
    /// Days until it expires, at most the token policy's `max_days` (its
    /// default when left out).
    #[serde(default)]
    pub days: Option<i64>,
}
