//! Notifications in the JSON API (docs/notifications.md): one's own notices and
//! the bell's count; for the office, the log of every notice with its delivery
//! attempts, the rules, the webhooks, and a run of the scheduler's work for a day.

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::routing::{get, patch, post};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tiendo_core::model::Page;
use tiendo_core::notify::Channel;
use tiendo_core::time::{instant_rfc3339, now_micros};
use tiendo_service::notify::{PlannedNotice, RulesInForce, WebhookView};
use tiendo_service::{PageRequest, Service, ServiceError};
use tiendo_store::{NoticeFilter, NoticeRow};
use utoipa::ToSchema;

use crate::error::ApiResult;
use crate::extract::{Auth, Body, Office, Path, Query};

pub fn router() -> Router<Service> {
    Router::new()
        .route("/notifications", get(mine))
        .route("/notifications/unread", get(unread))
        .route("/notifications/read", post(mark_read))
        .route("/notifications/log", get(log))
        .route("/notifications/{id}/attempts", get(attempts))
        .route("/notify/rules", get(rules).put(save_rules))
        .route("/notify/run", post(run))
        .route("/webhooks", get(webhooks).post(create_webhook))
        .route("/webhooks/{id}", patch(update_webhook))
}

/// A notice as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoticeView {
    pub id: i64,
    /// What set it off (before_deadline, report_submitted, …).
    pub kind: String,
    /// in_app, email, webhook
    pub channel: String,
    /// user:ID or webhook:ID
    pub recipient: String,
    pub user_id: Option<i64>,
    pub agency_id: Option<i64>,
    /// The email address or webhook URL it went to.
    pub address: Option<String>,
    pub subject: String,
    pub body: String,
    /// The page it leads to.
    pub link: String,
    /// pending, sending, sent, failed, obsolete
    pub state: String,
    pub attempts: i64,
    pub sent_at: Option<String>,
    pub read_at: Option<String>,
    pub last_error: Option<String>,
    pub created_at: String,
}

impl From<NoticeRow> for NoticeView {
    fn from(n: NoticeRow) -> Self {
        NoticeView {
            id: n.id,
            kind: n.trigger.as_str().into(),
            channel: n.channel.as_str().into(),
            recipient: n.recipient,
            user_id: n.user_id,
            agency_id: n.agency_id,
            address: n.address,
            subject: n.subject,
            body: n.body,
            link: n.link,
            state: n.state,
            attempts: n.attempts,
            sent_at: n.sent_at.map(instant_rfc3339),
            read_at: n.read_at.map(instant_rfc3339),
            last_error: n.last_error,
            created_at: instant_rfc3339(n.created_at),
        }
    }
}

fn views(p: Page<NoticeRow>) -> Page<NoticeView> {
    Page {
        items: p.items.into_iter().map(NoticeView::from).collect(),
        total: p.total,
        page: p.page,
        per_page: p.per_page,
    }
}

fn page_request(page: Option<i64>, per_page: Option<i64>) -> ApiResult<PageRequest> {
    let page = page.unwrap_or(1);
    let per_page = per_page.unwrap_or(50);
    if page < 1 {
        return Err(ServiceError::invalid("page", "must be 1 or more").into());
    }
    if !(1..=500).contains(&per_page) {
        return Err(ServiceError::invalid("per_page", "must be between 1 and 500").into());
    }
    Ok(PageRequest { page, per_page })
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct MineQuery {
    unread: Option<bool>,
    page: Option<i64>,
    per_page: Option<i64>,
}

async fn mine(
    State(s): State<Service>,
    auth: Auth,
    Query(q): Query<MineQuery>,
) -> ApiResult<Json<Page<NoticeView>>> {
    let req = page_request(q.page, q.per_page)?;
    Ok(Json(views(
        s.my_notices(&auth.actor, q.unread.unwrap_or(false), req)
            .await?,
    )))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnreadCount {
    pub unread: i64,
}

async fn unread(State(s): State<Service>, auth: Auth) -> ApiResult<Json<UnreadCount>> {
    Ok(Json(UnreadCount {
        unread: s.unread_notices(&auth.actor).await?,
    }))
}

/// Which of one's notices to mark read: the given ids, or all when none is given.
#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ReadInput {
    #[serde(default)]
    pub ids: Option<Vec<i64>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReadOutput {
    pub marked: u64,
}

async fn mark_read(
    State(s): State<Service>,
    auth: Auth,
    Body(input): Body<ReadInput>,
) -> ApiResult<Json<ReadOutput>> {
    if input.ids.as_ref().is_some_and(|ids| ids.len() > 1000) {
        return Err(ServiceError::invalid("ids", "at most 1000 at once").into());
    }
    Ok(Json(ReadOutput {
        marked: s
            .mark_notices_read(&auth.actor, input.ids.as_deref())
            .await?,
    }))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct LogQuery {
    state: Option<String>,
    channel: Option<String>,
    agency_id: Option<i64>,
    user_id: Option<i64>,
    page: Option<i64>,
    per_page: Option<i64>,
}

async fn log(
    State(s): State<Service>,
    auth: Auth,
    Query(q): Query<LogQuery>,
) -> ApiResult<Json<Page<NoticeView>>> {
    let req = page_request(q.page, q.per_page)?;
    let channel =
        match q.channel.as_deref().filter(|c| !c.is_empty()) {
            Some(c) => Some(Channel::parse(c).ok_or_else(|| {
                ServiceError::invalid("channel", "must be in_app, email or webhook")
            })?),
            None => None,
        };
    let state = q.state.filter(|st| !st.is_empty());
    if state
        .as_deref()
        .is_some_and(|st| !["pending", "sending", "sent", "failed", "obsolete"].contains(&st))
    {
        return Err(ServiceError::invalid(
            "state",
            "must be pending, sending, sent, failed or obsolete",
        )
        .into());
    }
    let f = NoticeFilter {
        user_id: q.user_id,
        channel,
        agency_id: q.agency_id,
        state,
        unread_only: false,
        page: req.page,
        per_page: req.per_page,
    };
    Ok(Json(views(s.notice_log(&auth.actor, f).await?)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttemptView {
    pub attempt: i64,
    pub at: String,
    /// sent, retry, failed, obsolete
    pub outcome: String,
    pub detail: String,
}

async fn attempts(
    State(s): State<Service>,
    auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<AttemptView>>> {
    let list = s.notice_attempts(&auth.actor, id).await?;
    Ok(Json(
        list.into_iter()
            .map(|a| AttemptView {
                attempt: a.attempt,
                at: instant_rfc3339(a.at),
                outcome: a.outcome,
                detail: a.detail,
            })
            .collect(),
    ))
}

async fn rules(State(s): State<Service>, _auth: Auth) -> ApiResult<Json<RulesInForce>> {
    Ok(Json(s.notify_rules().await?))
}

/// New rules, as TOML text (data/notify/default.toml shows the form).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RulesInput {
    pub text: String,
}

async fn save_rules(
    State(s): State<Service>,
    Office(auth): Office,
    Body(input): Body<RulesInput>,
) -> ApiResult<Json<RulesInForce>> {
    Ok(Json(s.save_notify_rules(&auth.actor, &input.text).await?))
}

/// A run of the scheduler's work for one day.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotifyRunInput {
    /// The day to plan; today when absent.
    #[serde(default)]
    pub as_of: Option<NaiveDate>,
    /// Only say what would be made.
    #[serde(default)]
    pub dry_run: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotifyRunOutput {
    #[schema(value_type = Vec<Object>)]
    pub notices: Vec<serde_json::Value>,
}

async fn run(
    State(s): State<Service>,
    Office(auth): Office,
    Body(input): Body<NotifyRunInput>,
) -> ApiResult<Json<NotifyRunOutput>> {
    let day = tiendo_service::as_of_day("as_of", input.as_of)?;
    let notices = if input.dry_run {
        s.notify_dry_run(&auth.actor, day)
            .await?
            .into_iter()
            .map(|n: PlannedNotice| serde_json::to_value(n).unwrap_or_default())
            .collect()
    } else {
        s.notify_run(&auth.actor, day, now_micros())
            .await?
            .delivered
            .into_iter()
            .map(|d| serde_json::to_value(d).unwrap_or_default())
            .collect()
    };
    Ok(Json(NotifyRunOutput { notices }))
}

async fn webhooks(State(s): State<Service>, auth: Auth) -> ApiResult<Json<Vec<WebhookView>>> {
    Ok(Json(s.webhooks(&auth.actor).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookInput {
    pub url: String,
    #[serde(default)]
    pub description: String,
}

async fn create_webhook(
    State(s): State<Service>,
    Office(auth): Office,
    Body(input): Body<WebhookInput>,
) -> ApiResult<(axum::http::StatusCode, Json<WebhookView>)> {
    let hook = s
        .create_webhook(&auth.actor, &input.url, &input.description)
        .await?;
    Ok((axum::http::StatusCode::CREATED, Json(hook)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookPatch {
    pub active: bool,
}

async fn update_webhook(
    State(s): State<Service>,
    Office(auth): Office,
    Path(id): Path<i64>,
    Body(input): Body<WebhookPatch>,
) -> ApiResult<Json<Vec<WebhookView>>> {
    s.set_webhook_active(&auth.actor, id, input.active).await?;
    Ok(Json(s.webhooks(&auth.actor).await?))
}
