//! The OpenAPI 3 document at `/api/openapi.json`. Schemas come from the Rust types
//! (utoipa derives); operations are listed in one table beside the router, and a
//! test checks that the table and the router name the same routes.

use serde_json::{Value, json};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(components(schemas(
    tiendo_core::model::Agency,
    tiendo_core::model::Document,
    tiendo_core::model::Task,
    tiendo_core::model::PartyRef,
    tiendo_core::model::DeadlineView,
    tiendo_core::model::Assignment,
    tiendo_core::model::ProgressReport,
    tiendo_core::model::Extension,
    tiendo_core::model::Commitment,
    tiendo_core::model::User,
    tiendo_core::model::Event,
    tiendo_core::status::Status,
    tiendo_core::report::OverdueReport,
    tiendo_core::report::OverdueRow,
    tiendo_service::input::LoginInput,
    tiendo_service::input::TokenOutput,
    tiendo_service::input::LogoutInput,
    tiendo_core::model::ApiToken,
    tiendo_core::model::TokenPolicy,
    tiendo_service::input::AgencyInput,
    tiendo_service::input::DocumentInput,
    tiendo_service::input::DeadlineInput,
    tiendo_service::input::TaskInput,
    tiendo_service::input::TaskPatchInput,
    tiendo_service::input::AssignmentInput,
    tiendo_service::input::AssignmentPatchInput,
    tiendo_service::input::ReportInput,
    tiendo_service::input::ReviewInput,
    tiendo_service::input::BulkReviewInput,
    tiendo_service::input::ExtensionInput,
    tiendo_service::input::DecisionInput,
    tiendo_service::input::CommitmentInput,
    tiendo_service::input::CommitmentPatchInput,
    tiendo_service::input::UserInput,
    tiendo_service::input::UserPatchInput,
    tiendo_service::input::ApiTokenInput,
    crate::api::LoginOutput,
    crate::api::DocumentText,
    crate::api::StatusReport,
    crate::api::StatusCount,
    crate::error::ErrorBody,
    tiendo_service::search::SiteSearch,
    tiendo_service::search::TaskHits,
    tiendo_service::search::TaskHit,
    tiendo_service::search::DocumentHits,
    tiendo_service::search::DocumentHit,
    tiendo_service::search::AgencyHits,
    tiendo_service::search::AgencyHit,
    tiendo_service::search::IndicatorHits,
    tiendo_service::search::IndicatorHit,
    tiendo_core::snippet::Piece,
    crate::api_notify::NoticeView,
    crate::api_comments::CommentInput,
    tiendo_service::comments::Comment,
    tiendo_service::parts::Part,
    tiendo_service::parts::PartInput,
    crate::api_notify::UnreadCount,
    crate::api_notify::ReadInput,
    crate::api_notify::ReadOutput,
    crate::api_notify::AttemptView,
    crate::api_notify::RulesInput,
    crate::api_notify::NotifyRunInput,
    crate::api_notify::NotifyRunOutput,
    crate::api_notify::WebhookInput,
    crate::api_notify::WebhookPatch,
    tiendo_service::notify::RulesInForce,
    tiendo_service::notify::WebhookView,
    tiendo_service::indicators::IndicatorInput,
    tiendo_service::indicators::IndicatorSummary,
    tiendo_service::indicators::IndicatorDetail,
    tiendo_service::indicators::TargetInput,
    tiendo_service::indicators::TargetView,
    tiendo_service::indicators::MeasurementInput,
    tiendo_service::indicators::MeasurementView,
    tiendo_service::indicators::PeriodTable,
    tiendo_service::indicators::AgencyValue,
    tiendo_service::indicators::PeriodValue,
    tiendo_core::indicator::Direction,
    tiendo_core::indicator::Aggregation,
    tiendo_core::indicator::Periodicity,
    tiendo_core::indicator::IndicatorStatus,
    tiendo_core::indicator::Evaluation,
    tiendo_core::indicator::Point,
    crate::api_indicators::MeasurementsInput,
    crate::api_indicators::Recorded,
    tiendo_service::indicators::BulkMeasurementInput,
    tiendo_service::indicators::BulkOutcome,
    tiendo_service::indicators::ItemError,
    crate::api_indicators::BulkRejected,
    crate::api_drafts::ImportInput,
    crate::api_reports::UrgingInput,
    crate::api_drafts::MergeInput,
    crate::api_drafts::Confirmed,
    tiendo_service::drafts::DraftView,
    tiendo_service::drafts::PartyCheck,
    tiendo_service::drafts::DraftInput,
    tiendo_service::drafts::ImportedDocument,
    tiendo_service::scoring::RuleSetView,
    tiendo_service::scoring::RulesInput,
    tiendo_service::scoring::ScoreRunInput,
    tiendo_service::scoring::ScoreRunView,
    tiendo_service::scoring::SubjectScore,
    tiendo_service::scoring::ScoreBreakdown,
    tiendo_service::scoring::LineView,
    tiendo_service::scoring::Ranking,
    tiendo_service::scoring::RankingRow,
    tiendo_core::scoring::Rule,
    tiendo_service::evidence::EvidenceFile,
    // database quality assessment
    tiendo_service::dbquality::DatabaseView,
    tiendo_service::dbquality::DatabaseInput,
    tiendo_service::dbquality::DatabaseDetail,
    tiendo_service::dbquality::DatabaseRoundResult,
    tiendo_service::dbquality::CriterionView,
    tiendo_service::dbquality::CriteriaView,
    tiendo_service::dbquality::CriteriaInput,
    tiendo_service::dbquality::RoundInput,
    tiendo_service::dbquality::RoundView,
    tiendo_service::dbquality::AssessmentView,
    tiendo_service::dbquality::AssessInput,
    tiendo_service::dbquality::ReassessInput,
    tiendo_service::dbquality::CriterionPoints,
    tiendo_service::dbquality::DbRanking,
    tiendo_service::dbquality::DbRankingRow,
    tiendo_core::dbquality::Source,
    // spreadsheets in (docs/spreadsheets.md)
    tiendo_service::sheets::SheetImportSummary,
    tiendo_service::sheets::SheetKind,
    tiendo_service::sheets::CellError,
    crate::api_sheets::SheetErrors,
    // tamper evidence (docs/audit.md)
    tiendo_service::audit::AuditHead,
    tiendo_core::model::SecurityEvent,
)))]
struct Components;

/// One operation: (method, path, summary, request schema, response schema, query
/// parameters). A response schema `page:X` is a page of X, `list:X` an array of X,
/// `-` no body.
pub type Operation = (
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
    &'static [&'static str],
);

pub const OPERATIONS: &[Operation] = &[
    // Bulk ingest of measurements (issue 6): a JSON array or NDJSON (see `document`).
    (
        "post",
        "/api/v1/indicators/measurements/bulk",
        "Record many measurements of any indicators at once, all or nothing: a JSON array of BulkMeasurementInput, or NDJSON with `Content-Type: application/x-ndjson` (one a line); up to 256 MB for the office, 16 MB for a focal point (its own agency's figures), refused (403) for a viewer before the body is read. A bad item answers 422 with every bad item's index, line and field, and nothing is stored. A value for an (indicator, agency, period) that has one supersedes it, which stays as history",
        Some("list:BulkMeasurementInput"),
        "BulkOutcome",
        &[],
    ),
    // Indicators (docs/indicators.md).
    (
        "get",
        "/api/v1/indicators",
        "Indicators with their latest status as of a day",
        None,
        "list:IndicatorSummary",
        &["q", "as_of"],
    ),
    (
        "post",
        "/api/v1/indicators",
        "Define an indicator (admin)",
        Some("IndicatorInput"),
        "IndicatorSummary",
        &[],
    ),
    (
        "get",
        "/api/v1/indicators/{code}",
        "One indicator: its targets, its series and its status as of a day",
        None,
        "IndicatorDetail",
        &["as_of"],
    ),
    (
        "post",
        "/api/v1/indicators/{code}/targets",
        "Add a target to an indicator (admin)",
        Some("TargetInput"),
        "TargetView",
        &[],
    ),
    (
        "post",
        "/api/v1/indicators/{code}/measurements",
        "Record measurements of an indicator, all or nothing (admin; a focal point for its own agency). A period is a month, quarter or year between 2000 and 2100",
        Some("MeasurementsInput"),
        "Recorded",
        &[],
    ),
    (
        "get",
        "/api/v1/indicators/{code}/periods/{period}",
        "The values of every agency for one period, and the national figure",
        None,
        "PeriodTable",
        &[],
    ),
    (
        "get",
        "/api/v1/indicators/{code}/history",
        "Every value recorded for an agency and period, the superseded ones too",
        None,
        "list:MeasurementView",
        &["agency", "period"],
    ),
    // A notice read for review (docs/extraction.md): drafts, then tasks.
    (
        "post",
        "/api/v1/documents/import",
        "Read a notice's text into a document and drafts of its tasks, for review (admin); 201 when the document is new, 200 when it was known",
        Some("ImportInput"),
        "ImportedDocument",
        &[],
    ),
    (
        "get",
        "/api/v1/documents/{id}/drafts",
        "The drafts of a document, with the extractor's doubts and what the register makes of each party",
        None,
        "list:DraftView",
        &[],
    ),
    (
        "post",
        "/api/v1/documents/{id}/drafts/confirm",
        "Confirm every draft of a document that has no doubt left (admin)",
        None,
        "Confirmed",
        &[],
    ),
    (
        "patch",
        "/api/v1/drafts/{id}",
        "Correct a draft (admin)",
        Some("DraftInput"),
        "DraftView",
        &[],
    ),
    (
        "post",
        "/api/v1/drafts/{id}/confirm",
        "Confirm a draft: the task is created (admin)",
        None,
        "Task",
        &[],
    ),
    (
        "post",
        "/api/v1/drafts/{id}/merge",
        "Merge a draft into another of the same document (admin)",
        Some("MergeInput"),
        "DraftView",
        &[],
    ),
    // Spreadsheets in (docs/spreadsheets.md): the import's body is the XLSX file.
    (
        "get",
        "/api/v1/sheets/templates/{kind}",
        "The XLSX template of a kind of sheet: tasks, reports or measurements (headers, instructions, the valid agency names and indicator codes)",
        None,
        "file",
        &[],
    ),
    (
        "post",
        "/api/v1/sheets/import/{kind}",
        "Import a filled template (the body is the XLSX file, Content-Type application/vnd.openxmlformats-officedocument.spreadsheetml.sheet): every row is checked; 200 with the counts, or 422 with {\"errors\": [{row, column, field, message}]} and nothing imported. dry_run=true only checks. Tasks: admin; reports and measurements: admin, or a focal point for its own agency",
        Some("xlsx"),
        "SheetImportSummary",
        &["dry_run"],
    ),
    // Evidence files (issue 4, web): the upload's body is multipart (see `document`).
    (
        "post",
        "/api/v1/progress-reports/{id}/evidence",
        "Attach evidence files to a report not yet accepted: multipart/form-data, each file in a part named `file`; PDF, DOCX, DOC, XLSX, XLS, JPEG or PNG judged from the bytes, at most the configured size (10 MB by default)",
        Some("multipart"),
        "list:EvidenceFile",
        &[],
    ),
    (
        "get",
        "/api/v1/progress-reports/{id}/evidence",
        "The evidence files of a report",
        None,
        "list:EvidenceFile",
        &[],
    ),
    (
        "get",
        "/api/v1/evidence/{id}",
        "Download an evidence file (an attachment with its stored type; 403 for another agency's focal point)",
        None,
        "file",
        &[],
    ),
    (
        "post",
        "/api/v1/auth/login",
        "Sign in with a password; returns a bearer token",
        Some("LoginInput"),
        "LoginOutput",
        &[],
    ),
    (
        "post",
        "/api/v1/auth/logout",
        "Revoke the token used; with {\"revoke_tokens\": true} also the API tokens this session made",
        Some("LogoutInput"),
        "-",
        &[],
    ),
    (
        "get",
        "/api/v1/auth/me",
        "The signed-in user",
        None,
        "User",
        &[],
    ),
    (
        "post",
        "/api/v1/auth/tokens",
        "Create a long-lived API token (roles and longest lifetime per the token policy; from a sign-in session only, never from another token)",
        Some("ApiTokenInput"),
        "TokenOutput",
        &[],
    ),
    (
        "get",
        "/api/v1/auth/tokens",
        "API tokens (and with sessions=true live sign-in sessions): one's own; an administrator's: everyone's, or one user's",
        None,
        "list:ApiToken",
        &["user", "sessions"],
    ),
    (
        "delete",
        "/api/v1/auth/tokens/{id}",
        "Revoke a token: one's own, or any for an administrator",
        None,
        "ApiToken",
        &[],
    ),
    (
        "get",
        "/api/v1/auth/token-policy",
        "Who may hold API tokens and for how long at most",
        None,
        "TokenPolicy",
        &[],
    ),
    (
        "put",
        "/api/v1/auth/token-policy",
        "Change the token policy (admin); tokens it no longer allows stop working",
        Some("TokenPolicy"),
        "TokenPolicy",
        &[],
    ),
    (
        "get",
        "/api/v1/assignments/{id}/comments",
        "The comment thread of an assignment, oldest first (as of a day: those written by then)",
        None,
        "list:Comment",
        &["as_of"],
    ),
    (
        "post",
        "/api/v1/assignments/{id}/comments",
        "Write in an assignment's thread (the office, and the focal points of its agency); the other side is told",
        Some("CommentInput"),
        "Comment",
        &[],
    ),
    (
        "get",
        "/api/v1/assignments/{id}/parts",
        "What coordinating agencies reported of their part of the assignment's task, oldest first (the lead agency, the office, leaders and the coordinating agencies read them)",
        None,
        "list:Part",
        &["as_of"],
    ),
    (
        "post",
        "/api/v1/assignments/{id}/parts",
        "Report the part of a coordinating agency (its focal point only; a part never changes the assignment's status)",
        Some("PartInput"),
        "Part",
        &[],
    ),
    (
        "get",
        "/api/v1/coordinating",
        "The open assignments of other agencies on tasks that name the focal point's agency as coordinating",
        None,
        "list:Assignment",
        &["as_of"],
    ),
    (
        "get",
        "/api/v1/notifications",
        "One's own notices in the pages (the bell), newest first; unread=true for the unread only",
        None,
        "page:NoticeView",
        &["unread", "page", "per_page"],
    ),
    (
        "get",
        "/api/v1/notifications/unread",
        "How many of one's notices are unread (the bell's number)",
        None,
        "UnreadCount",
        &[],
    ),
    (
        "post",
        "/api/v1/notifications/read",
        "Mark one's notices read: the given ids, or all",
        Some("ReadInput"),
        "ReadOutput",
        &[],
    ),
    (
        "get",
        "/api/v1/notifications/log",
        "Every notice on every channel, what was sent to whom and when (admin)",
        None,
        "page:NoticeView",
        &[
            "state",
            "channel",
            "agency_id",
            "user_id",
            "page",
            "per_page",
        ],
    ),
    (
        "get",
        "/api/v1/notifications/{id}/attempts",
        "The delivery attempts of a notice by email or webhook (admin)",
        None,
        "list:AttemptView",
        &[],
    ),
    (
        "get",
        "/api/v1/notify/rules",
        "The notification rules in force: who is told what, when, by which channel",
        None,
        "RulesInForce",
        &[],
    ),
    (
        "put",
        "/api/v1/notify/rules",
        "Replace the notification rules (admin; TOML text, checked first; audited)",
        Some("RulesInput"),
        "RulesInForce",
        &[],
    ),
    (
        "post",
        "/api/v1/notify/run",
        "Plan a day's notices, make them and send what is due (admin); dry_run says what would be made",
        Some("NotifyRunInput"),
        "NotifyRunOutput",
        &[],
    ),
    (
        "get",
        "/api/v1/webhooks",
        "The office's webhooks (admin; never their secrets)",
        None,
        "list:WebhookView",
        &[],
    ),
    (
        "post",
        "/api/v1/webhooks",
        "Add a webhook (admin); the answer holds its signing secret, shown this once",
        Some("WebhookInput"),
        "WebhookView",
        &[],
    ),
    (
        "patch",
        "/api/v1/webhooks/{id}",
        "Switch a webhook on or off (admin)",
        Some("WebhookPatch"),
        "list:WebhookView",
        &[],
    ),
    (
        "get",
        "/api/v1/search",
        "Search the whole site: tasks, documents (number, title and whole text), agencies (name, code, short name, aliases) and indicators (code, name). Every word of q must occur, diacritics and case ignored ('hoc ba so' finds 'học bạ số'). Each section has its total and its first `limit` results, with the passage around the first match as pieces (`mark` = a matched word). A focal point finds only its agency's tasks, the documents that assign it something and its own agency. As of a day, tasks and documents are those recorded by then. An empty q finds nothing; more than 200 characters or 12 words is refused (422, field q)",
        None,
        "SiteSearch",
        &["q", "as_of", "limit"],
    ),
    (
        "get",
        "/api/v1/agencies",
        "List agencies",
        None,
        "page:Agency",
        &["q", "kind", "group", "current", "page", "per_page"],
    ),
    (
        "post",
        "/api/v1/agencies",
        "Create an agency (admin)",
        Some("AgencyInput"),
        "Agency",
        &[],
    ),
    (
        "get",
        "/api/v1/agencies/{id}",
        "One agency",
        None,
        "Agency",
        &[],
    ),
    (
        "patch",
        "/api/v1/agencies/{id}",
        "Update an agency (admin)",
        Some("AgencyInput"),
        "Agency",
        &[],
    ),
    (
        "get",
        "/api/v1/documents",
        "List directive documents",
        None,
        "page:Document",
        &[
            "q",
            "kind",
            "issued_from",
            "issued_to",
            "agency",
            "as_of",
            "page",
            "per_page",
        ],
    ),
    (
        "post",
        "/api/v1/documents",
        "Register a document (admin)",
        Some("DocumentInput"),
        "Document",
        &[],
    ),
    (
        "get",
        "/api/v1/documents/{id}",
        "One document",
        None,
        "Document",
        &["as_of"],
    ),
    (
        "patch",
        "/api/v1/documents/{id}",
        "Update a document (admin)",
        Some("DocumentInput"),
        "Document",
        &[],
    ),
    (
        "get",
        "/api/v1/documents/{id}/text",
        "The document's text",
        None,
        "DocumentText",
        &[],
    ),
    (
        "get",
        "/api/v1/tasks",
        "List tasks with filters; status is computed as of a date",
        None,
        "page:Task",
        &[
            "agency", "document", "status", "as_of", "due_from", "due_to", "field", "q", "lacking",
            "sort", "page", "per_page",
        ],
    ),
    (
        "post",
        "/api/v1/tasks",
        "Create a task and its assignments (admin)",
        Some("TaskInput"),
        "Task",
        &[],
    ),
    (
        "get",
        "/api/v1/tasks/{id}",
        "One task, its status as of a date",
        None,
        "Task",
        &["as_of"],
    ),
    (
        "patch",
        "/api/v1/tasks/{id}",
        "Update or cancel a task (admin)",
        Some("TaskPatchInput"),
        "Task",
        &[],
    ),
    (
        "get",
        "/api/v1/tasks/{id}/history",
        "The task's full history",
        None,
        "list:Event",
        &["as_of"],
    ),
    (
        "get",
        "/api/v1/assignments",
        "List assignments (one task for one agency)",
        None,
        "page:Assignment",
        &[
            "task", "agency", "document", "status", "as_of", "page", "per_page",
        ],
    ),
    (
        "post",
        "/api/v1/assignments",
        "Assign a task to another agency (admin)",
        Some("AssignmentInput"),
        "Assignment",
        &[],
    ),
    (
        "get",
        "/api/v1/assignments/{id}",
        "One assignment, as of a date",
        None,
        "Assignment",
        &["as_of"],
    ),
    (
        "patch",
        "/api/v1/assignments/{id}",
        "Confirm completion, reopen, cancel, correct the deadline (admin)",
        Some("AssignmentPatchInput"),
        "Assignment",
        &[],
    ),
    (
        "get",
        "/api/v1/progress-reports",
        "List progress reports",
        None,
        "page:ProgressReport",
        &[
            "assignment",
            "task",
            "agency",
            "review_state",
            "as_of",
            "page",
            "per_page",
        ],
    ),
    (
        "post",
        "/api/v1/progress-reports",
        "Report progress on an assignment (its focal point or admin)",
        Some("ReportInput"),
        "ProgressReport",
        &[],
    ),
    (
        "get",
        "/api/v1/progress-reports/{id}",
        "One progress report",
        None,
        "ProgressReport",
        &[],
    ),
    (
        "patch",
        "/api/v1/progress-reports/{id}",
        "Edit a report not yet accepted (its author or admin)",
        Some("ReportInput"),
        "ProgressReport",
        &[],
    ),
    (
        "post",
        "/api/v1/progress-reports/{id}/review",
        "Accept or return a report claiming completion (admin)",
        Some("ReviewInput"),
        "ProgressReport",
        &[],
    ),
    (
        "post",
        "/api/v1/progress-reports/{id}/withdraw",
        "Withdraw a report waiting for review (its author, or the office): it stays in the history as withdrawn and decides nothing; 409 once decided",
        None,
        "ProgressReport",
        &[],
    ),
    (
        "post",
        "/api/v1/extensions/{id}/withdraw",
        "Withdraw an extension request not decided yet (the person who asked, or the office): the deadline does not move; 409 once decided",
        None,
        "Extension",
        &[],
    ),
    (
        "post",
        "/api/v1/progress-reports/review",
        "Accept (or return, with one reason) several reports at once (admin): all of them in one transaction, or none if one is no longer waiting for review (409 naming it)",
        Some("BulkReviewInput"),
        "list:ProgressReport",
        &[],
    ),
    (
        "get",
        "/api/v1/extensions",
        "List extension requests",
        None,
        "page:Extension",
        &["assignment", "agency", "state", "as_of", "page", "per_page"],
    ),
    (
        "post",
        "/api/v1/extensions",
        "Ask for a later deadline (its focal point or admin)",
        Some("ExtensionInput"),
        "Extension",
        &[],
    ),
    (
        "get",
        "/api/v1/extensions/{id}",
        "One extension request",
        None,
        "Extension",
        &[],
    ),
    (
        "post",
        "/api/v1/extensions/{id}/decision",
        "Approve or refuse an extension (admin)",
        Some("DecisionInput"),
        "Extension",
        &[],
    ),
    (
        "get",
        "/api/v1/commitments",
        "List commitments",
        None,
        "page:Commitment",
        &["assignment", "agency", "as_of", "page", "per_page"],
    ),
    (
        "post",
        "/api/v1/commitments",
        "Commit to a completion date (its focal point or admin)",
        Some("CommitmentInput"),
        "Commitment",
        &[],
    ),
    (
        "get",
        "/api/v1/commitments/{id}",
        "One commitment, judged as of a date",
        None,
        "Commitment",
        &["as_of"],
    ),
    (
        "patch",
        "/api/v1/commitments/{id}",
        "Change a commitment",
        Some("CommitmentPatchInput"),
        "Commitment",
        &[],
    ),
    (
        "get",
        "/api/v1/users",
        "List users (admin; others see themselves)",
        None,
        "page:User",
        &["page", "per_page"],
    ),
    (
        "post",
        "/api/v1/users",
        "Create a user (admin)",
        Some("UserInput"),
        "User",
        &[],
    ),
    ("get", "/api/v1/users/{id}", "One user", None, "User", &[]),
    (
        "patch",
        "/api/v1/users/{id}",
        "Update a user (admin; anyone their own password)",
        Some("UserPatchInput"),
        "User",
        &[],
    ),
    (
        "get",
        "/api/v1/events",
        "The audit history (admin)",
        None,
        "page:Event",
        &["entity", "entity_id", "actor", "page", "per_page"],
    ),
    (
        "get",
        "/api/v1/audit/head",
        "The head of the audit chain: its last event and that event's hash (docs/audit.md)",
        None,
        "AuditHead",
        &[],
    ),
    (
        "get",
        "/api/v1/security-log",
        "The security log, newest first: failed sign-ins, refused permissions, token creation (admin)",
        None,
        "page:SecurityEvent",
        &["kind", "page", "per_page"],
    ),
    (
        "get",
        "/api/v1/reports/overdue",
        "Overdue tasks as of a date, after the appendix of 365/TB-VPCP",
        None,
        "OverdueReport",
        &["as_of"],
    ),
    (
        "get",
        "/api/v1/reports/status",
        "Assignments by status as of a date",
        None,
        "StatusReport",
        &["as_of", "agency"],
    ),
    (
        "get",
        "/api/v1/reports/{kind}/file",
        "A report as a file (kind: overdue, monthly, agency, document; format: xlsx, docx, pdf) as of a date; agency needs `agency`, document needs `document`, monthly takes `month`",
        None,
        "file",
        &["as_of", "format", "agency", "document", "month"],
    ),
    (
        "post",
        "/api/v1/reports/urging",
        "Issue an urging letter (công văn đôn đốc) on the overdue assignments of one agency or of all, as DOCX or PDF in the administrative layout (admin): records an `assignment/urged` event in the history of every assignment it lists, in one transaction (header `x-urged-assignments`: how many); `preview: true` records nothing. 409 when nothing is overdue",
        Some("UrgingInput"),
        "file",
        &[],
    ),
    (
        "get",
        "/api/v1/scores/rules",
        "Scoring rule sets (TOML), the active one first",
        None,
        "list:RuleSetView",
        &[],
    ),
    (
        "post",
        "/api/v1/scores/rules",
        "Store a new version of the scoring rules (admin); new runs use it",
        Some("RulesInput"),
        "RuleSetView",
        &[],
    ),
    (
        "get",
        "/api/v1/scores/runs",
        "Published score runs, newest first",
        None,
        "list:ScoreRunView",
        &["month"],
    ),
    (
        "post",
        "/api/v1/scores/runs",
        "Score a month: preview (200, nothing stored) or publish (201, admin); a correction names the run it replaces",
        Some("ScoreRunInput"),
        "ScoreRunView",
        &[],
    ),
    (
        "get",
        "/api/v1/scores/runs/{id}",
        "One published run with its scores (a focal point sees its own agency's)",
        None,
        "ScoreRunView",
        &[],
    ),
    (
        "get",
        "/api/v1/scores/rankings",
        "Ranking of a group in the published run of a month, with movement since the previous month",
        None,
        "Ranking",
        &["month", "group"],
    ),
    (
        "get",
        "/api/v1/scores/agencies/{id}",
        "An agency's score in the published run of a month, line by line",
        None,
        "ScoreBreakdown",
        &["month"],
    ),
    // -- database quality assessment (docs/databases.md)
    (
        "get",
        "/api/v1/databases",
        "The register of national and sectoral databases with their owner agency",
        None,
        "list:DatabaseView",
        &["kind"],
    ),
    (
        "post",
        "/api/v1/databases",
        "Register a database (admin)",
        Some("DatabaseInput"),
        "DatabaseView",
        &[],
    ),
    (
        "get",
        "/api/v1/databases/ranking",
        "The ranking of the assessment round in force on a day, with movement since the round before",
        None,
        "DbRanking",
        &["as_of"],
    ),
    (
        "get",
        "/api/v1/databases/{code}",
        "A database and its place in every published round",
        None,
        "DatabaseDetail",
        &[],
    ),
    (
        "get",
        "/api/v1/database-criteria",
        "Criteria versions (đúng, đủ, sạch, sống, thống nhất, dùng chung; TOML), the active one first",
        None,
        "list:CriteriaView",
        &[],
    ),
    (
        "post",
        "/api/v1/database-criteria",
        "Store a new version of the criteria (admin); new rounds use it",
        Some("CriteriaInput"),
        "CriteriaView",
        &[],
    ),
    (
        "get",
        "/api/v1/database-rounds",
        "Assessment rounds, newest first",
        None,
        "list:RoundView",
        &[],
    ),
    (
        "post",
        "/api/v1/database-rounds",
        "Open an assessment round (admin); a correction names the published round it replaces and why",
        Some("RoundInput"),
        "RoundView",
        &[],
    ),
    (
        "get",
        "/api/v1/database-rounds/{id}",
        "A round with the assessments the caller may see",
        None,
        "RoundView",
        &[],
    ),
    (
        "post",
        "/api/v1/database-rounds/{id}/assess",
        "Self-assessment of a database by its owner agency's focal point (or admin), in an open round",
        Some("AssessInput"),
        "RoundView",
        &[],
    ),
    (
        "post",
        "/api/v1/database-rounds/{id}/reassess",
        "Reassessment by the reviewing agency's focal point (or admin), with a reason per changed criterion",
        Some("ReassessInput"),
        "RoundView",
        &[],
    ),
    (
        "post",
        "/api/v1/database-rounds/{id}/publish",
        "Publish a round (admin): its ranking is stored with its content hash and never changes",
        None,
        "DbRanking",
        &[],
    ),
    (
        "get",
        "/api/v1/database-rounds/{id}/ranking",
        "The ranking of a round (a preview while it is open, not for focal points)",
        None,
        "DbRanking",
        &[],
    ),
];

fn schema_ref(name: &str) -> Value {
    if let Some(item) = name.strip_prefix("page:") {
        json!({"type": "object", "required": ["items", "total", "page", "per_page"], "properties": {
            "items": {"type": "array", "items": {"$ref": format!("#/components/schemas/{item}")}},
            "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"}}})
    } else if let Some(item) = name.strip_prefix("list:") {
        json!({"type": "array", "items": {"$ref": format!("#/components/schemas/{item}")}})
    } else {
        json!({"$ref": format!("#/components/schemas/{name}")})
    }
}

fn parameter(name: &str) -> Value {
    let (schema, description) = match name {
        "as_of" => (
            json!({"type": "string", "format": "date"}),
            "As the system knew it at the end of this day (YYYY-MM-DD, Asia/Ho_Chi_Minh): lists hold only what was recorded by then, in the state it had then, and statuses are computed for that day; today by default. A day after today, or outside 2000–2100, is refused (422, field as_of)",
        ),
        "issued_from" | "issued_to" | "due_from" | "due_to" => (
            json!({"type": "string", "format": "date"}),
            "YYYY-MM-DD, between 2000-01-01 and 2100-12-31; anything else is refused (422 naming the parameter), never ignored",
        ),
        "page" => (
            json!({"type": "integer", "minimum": 1}),
            "Page number, from 1; a page past the last is empty (with the total)",
        ),
        "per_page" => (
            json!({"type": "integer", "minimum": 1, "maximum": 1000}),
            "Items per page (50 by default)",
        ),
        "document" | "task" | "assignment" | "entity_id" | "actor" => {
            (json!({"type": "integer"}), "Id")
        }
        "current" => (json!({"type": "boolean"}), "Only agencies that still exist"),
        "status" => (
            json!({"type": "string", "enum": ["in_progress", "due_soon", "overdue", "completed_on_time", "completed_late", "recurring", "cancelled"]}),
            "Tasks with at least one assignment in this status on the as-of day",
        ),
        "agency" => (
            json!({"type": "string"}),
            "Agency id, code, name or alias ('Bộ KH&CN', 'UBND TP Hà Nội')",
        ),
        "q" => (
            json!({"type": "string"}),
            "Words to find; diacritics and case are ignored ('bo khoa hoc' finds 'Bộ Khoa học')",
        ),
        "lacking" => (
            json!({"type": "string", "enum": ["any", "person", "task", "time", "responsibility", "product", "authority"]}),
            "Tasks lacking one of the \"6 rõ\" (who, what, when, which leader, what result, on whose authority), or any of them",
        ),
        "sort" => (
            json!({"type": "string", "enum": ["due", "-due", "created", "-created", "document"]}),
            "Order",
        ),
        "month" => (
            json!({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"}),
            "A month, YYYY-MM",
        ),
        "format" => (
            json!({"type": "string", "enum": ["xlsx", "docx", "pdf"]}),
            "The file format",
        ),
        "group" => (
            json!({"type": "string", "enum": ["central", "provinces", "others"]}),
            "Ministries and central agencies, provinces and cities, or other bodies",
        ),
        "user" => (
            json!({"type": "integer"}),
            "An administrator: this user's only",
        ),
        "sessions" => (json!({"type": "boolean"}), "Also the live sign-in sessions"),
        "unread" => (json!({"type": "boolean"}), "Only the notices not read yet"),
        "agency_id" | "user_id" => (json!({"type": "integer"}), "Id"),
        "channel" => (
            json!({"type": "string", "enum": ["in_app", "email", "webhook"]}),
            "The channel",
        ),
        "state" => (
            json!({"type": "string", "enum": ["pending", "sending", "sent", "failed", "obsolete"]}),
            "The delivery state",
        ),
        "limit" => (
            json!({"type": "integer", "minimum": 1, "maximum": 100}),
            "Results listed a section (10 by default); the totals count them all",
        ),
        "dry_run" => (
            json!({"type": "boolean"}),
            "Only check the file: write nothing",
        ),
        _ => (json!({"type": "string"}), ""),
    };
    json!({"name": name, "in": "query", "required": false, "schema": schema, "description": description})
}

/// The whole OpenAPI document.
pub fn document() -> Value {
    let mut doc = serde_json::to_value(Components::openapi()).unwrap_or_else(|_| json!({}));
    doc["openapi"] = json!("3.1.0");
    doc["info"] = json!({
        "title": "tiendo API",
        "version": env!("CARGO_PKG_VERSION"),
        "description": "Tracking the tasks the Government assigns: documents, tasks, assignments, progress reports, extensions, commitments, status as of any date. Authenticate with POST /api/v1/auth/login, then send `Authorization: Bearer TOKEN`."
    });
    doc["components"]["securitySchemes"] = json!({"bearer": {"type": "http", "scheme": "bearer"}});
    let mut paths = serde_json::Map::new();
    paths.insert(
        "/health".into(),
        json!({"get": {"summary": "Liveness and database check", "security": [], "responses": {"200": {"description": "OK"}, "503": {"description": "The database does not answer"}}}}),
    );
    for (method, path, summary, request, response, params) in OPERATIONS {
        let mut parameters: Vec<Value> = params.iter().map(|p| parameter(p)).collect();
        if path.contains("{id}") {
            parameters.push(json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}));
        }
        for name in ["code", "period", "kind"] {
            if path.contains(&format!("{{{name}}}")) {
                parameters.push(json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}));
            }
        }
        let ok = if *response == "-" {
            json!({"description": "Done"})
        } else {
            json!({"description": "OK", "content": {"application/json": {"schema": schema_ref(response)}}})
        };
        let success = match (*method, *response) {
            (_, "-") => "204",
            ("post", _)
                if !path.ends_with("/login")
                    && !path.contains("/review")
                    && !path.contains("/decision")
                    && !path.contains("/sheets/")
                    && !path.ends_with("/notifications/read")
                    && !path.ends_with("/notify/run") =>
            {
                "201"
            }
            _ => "200",
        };
        let error = json!({"description": "Error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}});
        let mut op = json!({
            "summary": summary,
            "parameters": parameters,
            "responses": {success: ok, "400": error, "401": error, "403": error, "404": error, "405": error, "409": error, "413": error, "414": error, "422": error},
        });
        if *path == "/api/v1/auth/login" {
            op["security"] = json!([]);
        } else {
            op["security"] = json!([{"bearer": []}]);
        }
        if *request == Some("multipart") {
            op["requestBody"] = json!({"required": true, "content": {"multipart/form-data": {"schema": {"type": "object", "properties": {"file": {"type": "array", "items": {"type": "string", "format": "binary"}}}, "required": ["file"]}}}});
            op["responses"]["413"] = json!({"description": "The body is larger than the route accepts", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}});
        } else if *request == Some("xlsx") {
            op["requestBody"] = json!({"required": true, "content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"schema": {"type": "string", "format": "binary"}}}});
            op["responses"]["422"] = json!({"description": "Problems in the file, every one by row and column; nothing was imported", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SheetErrors"}}}});
        } else if let Some(req) = request {
            op["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": schema_ref(req)}}});
        }
        if path.ends_with("/measurements/bulk") {
            op["requestBody"]["content"]["application/x-ndjson"] =
                json!({"schema": {"$ref": "#/components/schemas/BulkMeasurementInput"}});
            op["responses"]["422"] = json!({"description": "Bad items; nothing stored", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BulkRejected"}}}});
            op["responses"]["413"] = json!({"description": "The body is larger than the route accepts", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}});
        }
        if *response == "file" {
            op["responses"]["200"] = json!({"description": "The file's bytes, with Content-Disposition: attachment", "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}});
        }
        let entry = paths.entry(path.to_string()).or_insert_with(|| json!({}));
        entry[*method] = op;
    }
    doc["paths"] = Value::Object(paths);
    doc
}
