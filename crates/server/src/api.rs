//! The JSON API under `/api/v1`. Handlers are thin: they read the request, call a
//! use case of `tiendo_service`, and return its result.

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tiendo_core::model::*;
use tiendo_core::report::OverdueReport;
use tiendo_core::status::Status;
use tiendo_core::text::fold;
use tiendo_service::input::*;
use tiendo_service::{Service, ServiceError};
use tiendo_store::*;

use crate::error::{ApiError, ApiResult};
use crate::extract::{Auth, Body, Office, Path, Query, Writer};

pub fn router() -> Router<Service> {
    Router::new()
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/auth/me", get(me))
        .route("/auth/tokens", get(list_tokens).post(create_token))
        .route("/auth/tokens/{id}", delete(revoke_token))
        .route(
            "/auth/token-policy",
            get(get_token_policy).put(set_token_policy),
        )
        .route("/agencies", get(list_agencies).post(create_agency))
        .route("/agencies/{id}", get(get_agency).patch(update_agency))
        .route("/documents", get(list_documents).post(create_document))
        .route("/documents/{id}", get(get_document).patch(update_document))
        .route("/documents/{id}/text", get(get_document_text))
        .route("/tasks", get(list_tasks).post(create_task))
        .route("/tasks/{id}", get(get_task).patch(update_task))
        .route("/tasks/{id}/history", get(task_history))
        .route(
            "/assignments",
            get(list_assignments).post(create_assignment),
        )
        .route(
            "/assignments/{id}",
            get(get_assignment).patch(update_assignment),
        )
        .route("/progress-reports", get(list_reports).post(create_report))
        .route(
            "/progress-reports/{id}",
            get(get_report).patch(update_report),
        )
        .route("/progress-reports/{id}/review", post(review_report))
        .route("/progress-reports/review", post(review_reports))
        .route("/progress-reports/{id}/withdraw", post(withdraw_report))
        .route("/extensions", get(list_extensions).post(create_extension))
        .route("/extensions/{id}", get(get_extension))
        .route("/extensions/{id}/decision", post(decide_extension))
        .route("/extensions/{id}/withdraw", post(withdraw_extension))
        .route(
            "/commitments",
            get(list_commitments).post(create_commitment),
        )
        .route(
            "/commitments/{id}",
            get(get_commitment).patch(update_commitment),
        )
        .route("/users", get(list_users).post(create_user))
        .route("/users/{id}", get(get_user).patch(update_user))
        .route("/events", get(list_events))
        .route("/reports/overdue", get(overdue_report))
        .route("/reports/status", get(status_report))
}

fn paging(page: Option<i64>, per_page: Option<i64>) -> ApiResult<(i64, i64)> {
    let page = page.unwrap_or(1);
    let per_page = per_page.unwrap_or(50);
    if page < 1 {
        return Err(ServiceError::invalid("page", "must be 1 or more").into());
    }
    if !(1..=1000).contains(&per_page) {
        return Err(ServiceError::invalid("per_page", "must be between 1 and 1000").into());
    }
    Ok((page, per_page))
}

fn status_param(s: &Option<String>) -> ApiResult<Option<Status>> {
    match s.as_deref() {
        None | Some("") => Ok(None),
        Some(s) => Status::parse(s).map(Some).ok_or_else(|| {
            ApiError(ServiceError::invalid(
                "status",
                "must be one of in_progress, due_soon, overdue, completed_on_time, completed_late, recurring, cancelled",
            ))
        }),
    }
}

fn agency_param(service: &Service, a: &Option<String>) -> ApiResult<Option<i64>> {
    match a.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(a) => Ok(Some(service.resolve_agency("agency", a, None)?.id)),
    }
}

// ------------------------------------------------------------------ auth

#[derive(Serialize, utoipa::ToSchema)]
pub struct LoginOutput {
    pub token: String,
    pub expires_at: Option<String>,
    pub user: User,
}

async fn login(
    State(s): State<Service>,
    extensions: axum::http::Extensions,
    headers: axum::http::HeaderMap,
    Body(input): Body<LoginInput>,
) -> ApiResult<Json<LoginOutput>> {
    let client =
        tiendo_web::client::client_address(&extensions, &headers, s.config.trust_forwarded_for);
    let (token, user) = s
        .login_from(&input.username, &input.password, client)
        .await?;
    Ok(Json(LoginOutput {
        token: token.token,
        expires_at: token.expires_at,
        user,
    }))
}

async fn logout(
    State(s): State<Service>,
    auth: Auth,
    body: axum::body::Bytes,
) -> ApiResult<StatusCode> {
    // The body is optional: `{"revoke_tokens": true}` also revokes the API
    // tokens this session made.
    let input: LogoutInput = if body.iter().all(u8::is_ascii_whitespace) {
        LogoutInput::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| ApiError(ServiceError::invalid("body", e.to_string())))?
    };
    s.logout(&auth.actor, &auth.token, input.revoke_tokens)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn me(State(s): State<Service>, auth: Auth) -> ApiResult<Json<User>> {
    Ok(Json(s.get_user(&auth.actor, auth.actor.user_id).await?))
}

async fn create_token(
    State(s): State<Service>,
    auth: Auth,
    Body(input): Body<ApiTokenInput>,
) -> ApiResult<(StatusCode, Json<TokenOutput>)> {
    Ok((
        StatusCode::CREATED,
        Json(s.create_api_token(&auth.session, &input).await?),
    ))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct TokenQuery {
    /// An administrator: this user's tokens only.
    user: Option<i64>,
    /// Also the live sign-in sessions.
    sessions: Option<bool>,
}

async fn list_tokens(
    State(s): State<Service>,
    auth: Auth,
    Query(q): Query<TokenQuery>,
) -> ApiResult<Json<Vec<ApiToken>>> {
    Ok(Json(
        s.list_tokens(&auth.actor, q.user, q.sessions.unwrap_or(false))
            .await?,
    ))
}

async fn revoke_token(
    State(s): State<Service>,
    auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<ApiToken>> {
    Ok(Json(s.revoke_token(&auth.actor, id).await?))
}

async fn get_token_policy(State(s): State<Service>, _auth: Auth) -> ApiResult<Json<TokenPolicy>> {
    Ok(Json(s.token_policy().await?))
}

async fn set_token_policy(
    State(s): State<Service>,
    auth: Auth,
    Body(input): Body<TokenPolicy>,
) -> ApiResult<Json<TokenPolicy>> {
    Ok(Json(s.set_token_policy(&auth.actor, &input).await?))
}

// ------------------------------------------------------------------ agencies

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct AgencyQuery {
    q: Option<String>,
    kind: Option<String>,
    group: Option<String>,
    current: Option<bool>,
    page: Option<i64>,
    per_page: Option<i64>,
}

async fn list_agencies(
    State(s): State<Service>,
    _auth: Auth,
    Query(q): Query<AgencyQuery>,
) -> ApiResult<Json<Page<Agency>>> {
    let (page, per_page) = paging(q.page, q.per_page)?;
    Ok(Json(
        s.list_agencies(AgencyFilter {
            q: q.q,
            kind: q.kind,
            group: q.group,
            current_only: q.current.unwrap_or(false),
            page,
            per_page,
        })
        .await?,
    ))
}

async fn get_agency(
    State(s): State<Service>,
    _auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<Agency>> {
    Ok(Json(s.get_agency(id).await?))
}

async fn create_agency(
    State(s): State<Service>,
    Office(auth): Office,
    Body(input): Body<AgencyInput>,
) -> ApiResult<(StatusCode, Json<Agency>)> {
    Ok((
        StatusCode::CREATED,
        Json(s.create_agency(&auth.actor, &input).await?),
    ))
}

async fn update_agency(
    State(s): State<Service>,
    Office(auth): Office,
    Path(id): Path<i64>,
    Body(input): Body<AgencyInput>,
) -> ApiResult<Json<Agency>> {
    Ok(Json(s.update_agency(&auth.actor, id, &input).await?))
}

// ------------------------------------------------------------------ documents

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct DocumentQuery {
    q: Option<String>,
    kind: Option<String>,
    issued_from: Option<NaiveDate>,
    issued_to: Option<NaiveDate>,
    agency: Option<String>,
    /// Only what was known at the end of that day (Asia/Ho_Chi_Minh).
    as_of: Option<NaiveDate>,
    page: Option<i64>,
    per_page: Option<i64>,
}

/// The instant that ends an as-of day: lists then hold only what was recorded
/// before it, in the state it had then.
fn known_by(as_of: Option<NaiveDate>) -> Option<tiendo_core::time::Micros> {
    as_of.map(tiendo_core::time::end_of_day)
}

async fn list_documents(
    State(s): State<Service>,
    auth: Auth,
    Query(q): Query<DocumentQuery>,
) -> ApiResult<Json<Page<Document>>> {
    let (page, per_page) = paging(q.page, q.per_page)?;
    let agency_id = agency_param(&s, &q.agency)?;
    Ok(Json(
        s.list_documents(
            &auth.actor,
            DocumentFilter {
                q: q.q,
                kind: q.kind,
                issued_from: tiendo_service::filter_day("issued_from", q.issued_from)?,
                issued_to: tiendo_service::filter_day("issued_to", q.issued_to)?,
                agency_id,
                known_by: known_by(q.as_of),
                page,
                per_page,
            },
        )
        .await?,
    ))
}

async fn get_document(
    State(s): State<Service>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<AsOfQuery>,
) -> ApiResult<Json<Document>> {
    Ok(Json(match q.as_of {
        Some(day) => s.get_document_on(&auth.actor, id, day).await?,
        None => s.get_document(&auth.actor, id).await?,
    }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct DocumentText {
    pub id: i64,
    pub text: Option<String>,
}

async fn get_document_text(
    State(s): State<Service>,
    auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<DocumentText>> {
    Ok(Json(DocumentText {
        id,
        text: s.get_document_body(&auth.actor, id).await?,
    }))
}

async fn create_document(
    State(s): State<Service>,
    Office(auth): Office,
    Body(input): Body<DocumentInput>,
) -> ApiResult<(StatusCode, Json<Document>)> {
    Ok((
        StatusCode::CREATED,
        Json(s.create_document(&auth.actor, &input).await?),
    ))
}

async fn update_document(
    State(s): State<Service>,
    Office(auth): Office,
    Path(id): Path<i64>,
    Body(input): Body<DocumentInput>,
) -> ApiResult<Json<Document>> {
    Ok(Json(s.update_document(&auth.actor, id, &input).await?))
}

// ------------------------------------------------------------------ tasks

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct TaskQuery {
    agency: Option<String>,
    document: Option<i64>,
    status: Option<String>,
    as_of: Option<NaiveDate>,
    due_from: Option<NaiveDate>,
    due_to: Option<NaiveDate>,
    field: Option<String>,
    q: Option<String>,
    /// One of the "6 rõ" the task lacks, or `any`.
    lacking: Option<String>,
    sort: Option<String>,
    page: Option<i64>,
    per_page: Option<i64>,
}

async fn list_tasks(
    State(s): State<Service>,
    auth: Auth,
    Query(q): Query<TaskQuery>,
) -> ApiResult<Json<Page<Task>>> {
    let (page, per_page) = paging(q.page, q.per_page)?;
    let status = status_param(&q.status)?;
    let agency_id = agency_param(&s, &q.agency)?;
    let sort = match q.sort.as_deref() {
        None | Some("due") => TaskSort::Due,
        Some("-due") => TaskSort::DueDesc,
        Some("created") => TaskSort::Created,
        Some("-created") => TaskSort::CreatedDesc,
        Some("document") => TaskSort::Document,
        Some(_) => {
            return Err(ServiceError::invalid(
                "sort",
                "must be due, -due, created, -created or document",
            )
            .into());
        }
    };
    let due_from = tiendo_service::filter_day("due_from", q.due_from)?;
    let due_to = tiendo_service::filter_day("due_to", q.due_to)?;
    if let (Some(f), Some(t)) = (due_from, due_to)
        && f > t
    {
        return Err(ServiceError::invalid("due_to", "is before due_from").into());
    }
    let lacking = match q.lacking.as_deref() {
        None => None,
        Some(code) => Some(tiendo_core::clarity::Lacking::parse(code).ok_or_else(|| {
            ServiceError::invalid(
                "lacking",
                "must be any, person, task, time, responsibility, product or authority",
            )
        })?),
    };
    let filter = TaskFilter {
        agency_id,
        document_id: q.document,
        status,
        as_of: tiendo_service::as_of_day("as_of", q.as_of)?,
        known_only: q.as_of.is_some(),
        due_from,
        due_to,
        field: q.field,
        words: q
            .q
            .as_deref()
            .map(fold)
            .unwrap_or_default()
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect(),
        confined_to: None,
        lacking,
        due_soon_days: 0,
        sort,
        page,
        per_page,
    };
    Ok(Json(s.list_tasks(&auth.actor, filter).await?))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct AsOfQuery {
    as_of: Option<NaiveDate>,
}

async fn get_task(
    State(s): State<Service>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<AsOfQuery>,
) -> ApiResult<Json<Task>> {
    Ok(Json(
        s.get_task(
            &auth.actor,
            id,
            tiendo_service::as_of_day("as_of", q.as_of)?,
        )
        .await?,
    ))
}

async fn task_history(
    State(s): State<Service>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<AsOfQuery>,
) -> ApiResult<Json<Vec<Event>>> {
    let mut events = s.task_history(&auth.actor, id).await?;
    if let Some(day) = q.as_of {
        events.retain(|e| tiendo_core::time::known_on(&e.recorded_at, day));
    }
    Ok(Json(events))
}

async fn create_task(
    State(s): State<Service>,
    Office(auth): Office,
    Body(input): Body<TaskInput>,
) -> ApiResult<(StatusCode, Json<Task>)> {
    Ok((
        StatusCode::CREATED,
        Json(s.create_task(&auth.actor, &input).await?),
    ))
}

async fn update_task(
    State(s): State<Service>,
    Office(auth): Office,
    Path(id): Path<i64>,
    Body(input): Body<TaskPatchInput>,
) -> ApiResult<Json<Task>> {
    Ok(Json(s.update_task(&auth.actor, id, &input).await?))
}

// ------------------------------------------------------------------ assignments

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct AssignmentQuery {
    task: Option<i64>,
    agency: Option<String>,
    document: Option<i64>,
    status: Option<String>,
    as_of: Option<NaiveDate>,
    page: Option<i64>,
    per_page: Option<i64>,
}

async fn list_assignments(
    State(s): State<Service>,
    auth: Auth,
    Query(q): Query<AssignmentQuery>,
) -> ApiResult<Json<Page<Assignment>>> {
    let (page, per_page) = paging(q.page, q.per_page)?;
    let filter = AssignmentFilter {
        task_id: q.task,
        agency_id: agency_param(&s, &q.agency)?,
        document_id: q.document,
        status: status_param(&q.status)?,
        as_of: tiendo_service::as_of_day("as_of", q.as_of)?,
        due_soon_days: 0,
        confined_to: None,
        page,
        per_page,
    };
    Ok(Json(s.list_assignments(&auth.actor, filter).await?))
}

async fn get_assignment(
    State(s): State<Service>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<AsOfQuery>,
) -> ApiResult<Json<Assignment>> {
    Ok(Json(
        s.get_assignment(
            &auth.actor,
            id,
            tiendo_service::as_of_day("as_of", q.as_of)?,
        )
        .await?,
    ))
}

async fn create_assignment(
    State(s): State<Service>,
    Office(auth): Office,
    Body(input): Body<AssignmentInput>,
) -> ApiResult<(StatusCode, Json<Assignment>)> {
    Ok((
        StatusCode::CREATED,
        Json(s.add_assignment(&auth.actor, &input).await?),
    ))
}

async fn update_assignment(
    State(s): State<Service>,
    Office(auth): Office,
    Path(id): Path<i64>,
    Body(input): Body<AssignmentPatchInput>,
) -> ApiResult<Json<Assignment>> {
    Ok(Json(s.patch_assignment(&auth.actor, id, &input).await?))
}

// ------------------------------------------------------------------ progress reports

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ReportQuery {
    assignment: Option<i64>,
    task: Option<i64>,
    agency: Option<String>,
    review_state: Option<String>,
    as_of: Option<NaiveDate>,
    page: Option<i64>,
    per_page: Option<i64>,
}

async fn list_reports(
    State(s): State<Service>,
    auth: Auth,
    Query(q): Query<ReportQuery>,
) -> ApiResult<Json<Page<ProgressReport>>> {
    let (page, per_page) = paging(q.page, q.per_page)?;
    let filter = ReportFilter {
        assignment_id: q.assignment,
        task_id: q.task,
        agency_id: agency_param(&s, &q.agency)?,
        review_state: q.review_state,
        confined_to: None,
        known_by: known_by(q.as_of),
        page,
        per_page,
    };
    Ok(Json(s.list_reports(&auth.actor, filter).await?))
}

async fn get_report(
    State(s): State<Service>,
    auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<ProgressReport>> {
    Ok(Json(s.get_report(&auth.actor, id).await?))
}

async fn create_report(
    State(s): State<Service>,
    Writer(auth): Writer,
    Body(input): Body<ReportInput>,
) -> ApiResult<(StatusCode, Json<ProgressReport>)> {
    Ok((
        StatusCode::CREATED,
        Json(s.create_report(&auth.actor, &input).await?),
    ))
}

async fn update_report(
    State(s): State<Service>,
    Writer(auth): Writer,
    Path(id): Path<i64>,
    Body(input): Body<ReportInput>,
) -> ApiResult<Json<ProgressReport>> {
    Ok(Json(s.update_report(&auth.actor, id, &input).await?))
}

async fn review_report(
    State(s): State<Service>,
    Office(auth): Office,
    Path(id): Path<i64>,
    Body(input): Body<ReviewInput>,
) -> ApiResult<Json<ProgressReport>> {
    Ok(Json(s.review_report(&auth.actor, id, &input).await?))
}

async fn review_reports(
    State(s): State<Service>,
    Office(auth): Office,
    Body(input): Body<BulkReviewInput>,
) -> ApiResult<Json<Vec<ProgressReport>>> {
    Ok(Json(s.review_reports(&auth.actor, &input).await?))
}

// ------------------------------------------------------------------ extensions

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ExtensionQuery {
    assignment: Option<i64>,
    agency: Option<String>,
    state: Option<String>,
    as_of: Option<NaiveDate>,
    page: Option<i64>,
    per_page: Option<i64>,
}

async fn list_extensions(
    State(s): State<Service>,
    auth: Auth,
    Query(q): Query<ExtensionQuery>,
) -> ApiResult<Json<Page<Extension>>> {
    let (page, per_page) = paging(q.page, q.per_page)?;
    let filter = ExtensionFilter {
        assignment_id: q.assignment,
        agency_id: agency_param(&s, &q.agency)?,
        state: q.state,
        confined_to: None,
        known_by: known_by(q.as_of),
        page,
        per_page,
    };
    Ok(Json(s.list_extensions(&auth.actor, filter).await?))
}

async fn get_extension(
    State(s): State<Service>,
    auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<Extension>> {
    Ok(Json(s.get_extension(&auth.actor, id).await?))
}

async fn create_extension(
    State(s): State<Service>,
    Writer(auth): Writer,
    Body(input): Body<ExtensionInput>,
) -> ApiResult<(StatusCode, Json<Extension>)> {
    Ok((
        StatusCode::CREATED,
        Json(s.request_extension(&auth.actor, &input).await?),
    ))
}

async fn decide_extension(
    State(s): State<Service>,
    Office(auth): Office,
    Path(id): Path<i64>,
    Body(input): Body<DecisionInput>,
) -> ApiResult<Json<Extension>> {
    Ok(Json(s.decide_extension(&auth.actor, id, &input).await?))
}

async fn withdraw_extension(
    State(s): State<Service>,
    Writer(auth): Writer,
    Path(id): Path<i64>,
) -> ApiResult<Json<Extension>> {
    Ok(Json(s.withdraw_extension(&auth.actor, id).await?))
}

async fn withdraw_report(
    State(s): State<Service>,
    Writer(auth): Writer,
    Path(id): Path<i64>,
) -> ApiResult<Json<ProgressReport>> {
    Ok(Json(s.withdraw_report(&auth.actor, id).await?))
}

// ------------------------------------------------------------------ commitments

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct CommitmentQuery {
    assignment: Option<i64>,
    agency: Option<String>,
    as_of: Option<NaiveDate>,
    page: Option<i64>,
    per_page: Option<i64>,
}

async fn list_commitments(
    State(s): State<Service>,
    auth: Auth,
    Query(q): Query<CommitmentQuery>,
) -> ApiResult<Json<Page<Commitment>>> {
    let (page, per_page) = paging(q.page, q.per_page)?;
    let filter = CommitmentFilter {
        assignment_id: q.assignment,
        agency_id: agency_param(&s, &q.agency)?,
        confined_to: None,
        known_by: known_by(q.as_of),
        page,
        per_page,
    };
    Ok(Json(
        s.list_commitments(
            &auth.actor,
            filter,
            tiendo_service::as_of_day("as_of", q.as_of)?,
        )
        .await?,
    ))
}

async fn get_commitment(
    State(s): State<Service>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<AsOfQuery>,
) -> ApiResult<Json<Commitment>> {
    Ok(Json(
        s.get_commitment(
            &auth.actor,
            id,
            tiendo_service::as_of_day("as_of", q.as_of)?,
        )
        .await?,
    ))
}

async fn create_commitment(
    State(s): State<Service>,
    Writer(auth): Writer,
    Body(input): Body<CommitmentInput>,
) -> ApiResult<(StatusCode, Json<Commitment>)> {
    Ok((
        StatusCode::CREATED,
        Json(s.create_commitment(&auth.actor, &input).await?),
    ))
}

async fn update_commitment(
    State(s): State<Service>,
    Writer(auth): Writer,
    Path(id): Path<i64>,
    Body(input): Body<CommitmentPatchInput>,
) -> ApiResult<Json<Commitment>> {
    Ok(Json(s.update_commitment(&auth.actor, id, &input).await?))
}

// ------------------------------------------------------------------ users

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct PageQuery {
    page: Option<i64>,
    per_page: Option<i64>,
}

async fn list_users(
    State(s): State<Service>,
    auth: Auth,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Page<User>>> {
    let (page, per_page) = paging(q.page, q.per_page)?;
    Ok(Json(
        s.list_users(&auth.actor, tiendo_service::PageRequest { page, per_page })
            .await?,
    ))
}

async fn get_user(
    State(s): State<Service>,
    auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<User>> {
    Ok(Json(s.get_user(&auth.actor, id).await?))
}

async fn create_user(
    State(s): State<Service>,
    Office(auth): Office,
    Body(input): Body<UserInput>,
) -> ApiResult<(StatusCode, Json<User>)> {
    Ok((
        StatusCode::CREATED,
        Json(s.create_user(Some(&auth.actor), &input).await?),
    ))
}

async fn update_user(
    State(s): State<Service>,
    auth: Auth,
    Path(id): Path<i64>,
    Body(input): Body<UserPatchInput>,
) -> ApiResult<Json<User>> {
    Ok(Json(s.update_user(&auth.session, id, &input).await?))
}

// ------------------------------------------------------------------ history and reports

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct EventQuery {
    entity: Option<String>,
    entity_id: Option<i64>,
    actor: Option<i64>,
    page: Option<i64>,
    per_page: Option<i64>,
}

async fn list_events(
    State(s): State<Service>,
    auth: Auth,
    Query(q): Query<EventQuery>,
) -> ApiResult<Json<Page<Event>>> {
    let (page, per_page) = paging(q.page, q.per_page)?;
    Ok(Json(
        s.list_events(
            &auth.actor,
            EventFilter {
                entity: q.entity,
                entity_id: q.entity_id,
                actor_id: q.actor,
                page,
                per_page,
            },
        )
        .await?,
    ))
}

async fn overdue_report(
    State(s): State<Service>,
    auth: Auth,
    Query(q): Query<AsOfQuery>,
) -> ApiResult<Json<OverdueReport>> {
    Ok(Json(
        s.overdue_report(&auth.actor, tiendo_service::as_of_day("as_of", q.as_of)?)
            .await?,
    ))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct StatusCount {
    pub status: Status,
    pub label: String,
    pub count: i64,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct StatusReport {
    pub as_of: NaiveDate,
    pub counts: Vec<StatusCount>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct StatusQuery {
    as_of: Option<NaiveDate>,
    agency: Option<String>,
}

async fn status_report(
    State(s): State<Service>,
    auth: Auth,
    Query(q): Query<StatusQuery>,
) -> ApiResult<Json<StatusReport>> {
    let as_of = tiendo_service::as_of_day("as_of", q.as_of)?;
    let agency = agency_param(&s, &q.agency)?;
    let counts = s
        .status_counts(&auth.actor, as_of, agency)
        .await?
        .into_iter()
        .map(|(status, count)| StatusCount {
            status,
            label: status.label_vi().into(),
            count,
        })
        .collect();
    Ok(Json(StatusReport { as_of, counts }))
}
