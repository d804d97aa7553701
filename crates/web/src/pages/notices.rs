//! Notifications in the pages (issue 13, docs/notifications.md): the bell's page
//! (`/thong-bao`: one's notices, mark read, one's email and channel choice); for
//! the office, the log of everything sent to whom and when
//! (`/thong-bao/nhat-ky`), and the rules and webhooks (`/thong-bao/quy-tac`).

use askama::Template;
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use tiendo_core::notify::{Channel, Trigger};
use tiendo_core::policy::Role;
use tiendo_core::time::format_instant_vi;
use tiendo_service::input::UserPatchInput;
use tiendo_service::notify::WebhookView;
use tiendo_service::{PageRequest, ServiceError};
use tiendo_store::{NoticeFilter, NoticeRow};

use crate::ctx::*;
use crate::i18n;

/// One notice as a line of a page.
pub struct NoticeLine {
    pub id: i64,
    pub kind: String,
    pub channel: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub when: String,
    pub unread: bool,
    pub state: String,
    pub attempts: i64,
    pub error: String,
}

fn line(ctx: &Ctx, n: NoticeRow) -> NoticeLine {
    let recipient = match (n.user_id, &n.address) {
        (_, Some(a)) => a.clone(),
        (Some(u), None) => format!("{} #{u}", ctx.t("người dùng", "user")),
        _ => n.recipient.clone(),
    };
    NoticeLine {
        id: n.id,
        kind: kind_label(ctx, n.trigger).to_string(),
        channel: channel_label(ctx, n.channel).to_string(),
        recipient,
        subject: n.subject,
        body: n.body,
        when: format_instant_vi(n.sent_at.unwrap_or(n.created_at)),
        unread: n.read_at.is_none(),
        state: state_label(ctx, &n.state).to_string(),
        attempts: n.attempts,
        error: n.last_error.unwrap_or_default(),
    }
}

fn kind_label(ctx: &Ctx, t: Trigger) -> &'static str {
    match ctx.lang {
        i18n::Lang::Vi => t.label_vi(),
        i18n::Lang::En => match t {
            Trigger::BeforeDeadline => "Reminder before the deadline",
            Trigger::AfterDeadline => "Overdue reminder",
            Trigger::OverdueWeekly => "Weekly overdue notice",
            Trigger::AgencyDigest => "Weekly digest",
            Trigger::MonthlyDigest => "Monthly digest",
            Trigger::ReportSubmitted => "Report to review",
            Trigger::ExtensionRequested => "Extension request",
            Trigger::CommitmentBroken => "Broken commitment",
            Trigger::ReportReviewed => "Report reviewed",
            Trigger::ExtensionDecided => "Extension decided",
            Trigger::CommentAdded => "New comment",
        },
    }
}

fn channel_label(ctx: &Ctx, c: Channel) -> &'static str {
    match c {
        Channel::InApp => ctx.t("Trên hệ thống", "In the pages"),
        Channel::Email => "Email",
        Channel::Webhook => "Webhook",
    }
}

fn state_label(ctx: &Ctx, s: &str) -> &'static str {
    match s {
        "pending" => ctx.t("Chờ gửi", "Waiting"),
        "sending" => ctx.t("Đang gửi", "Sending"),
        "sent" => ctx.t("Đã gửi", "Sent"),
        "failed" => ctx.t("Gửi không được", "Failed"),
        "obsolete" => ctx.t("Không gửi (việc đã xong)", "Not sent (no longer holds)"),
        _ => "",
    }
}

// ---------------------------------------------------------------- the bell's page

#[derive(Template)]
#[template(path = "notices.html")]
struct NoticesPage {
    ctx: Ctx,
    lines: Vec<NoticeLine>,
    total: i64,
    page: i64,
    pages: i64,
    unread_only: bool,
    email: String,
    notify_email: bool,
    mail_server: bool,
    error: Option<String>,
    is_admin: bool,
}

async fn render_notices(
    web: &Web,
    q: &QueryPairs,
    status: StatusCode,
    error: Option<String>,
    typed_email: Option<String>,
) -> Out {
    let ctx = &web.ctx;
    let unread_only = q.get("chua-doc").is_some();
    let page = q.int("trang").unwrap_or(1).max(1);
    let list = web
        .service
        .my_notices(&web.actor, unread_only, PageRequest { page, per_page: 30 })
        .await
        .or_page(ctx)?;
    let user = web
        .service
        .store
        .get_user(web.actor.user_id)
        .await
        .ok()
        .flatten();
    let pages = ((list.total + 29) / 30).max(1);
    let lines = list.items.into_iter().map(|n| line(ctx, n)).collect();
    Ok(render_status(
        status,
        &NoticesPage {
            ctx: ctx.clone(),
            lines,
            total: list.total,
            page,
            pages,
            unread_only,
            email: typed_email.unwrap_or_else(|| {
                user.as_ref()
                    .and_then(|u| u.email.clone())
                    .unwrap_or_default()
            }),
            notify_email: user.as_ref().is_none_or(|u| u.notify_email),
            mail_server: web.service.config.notify.smtp.is_some(),
            error,
            is_admin: web.actor.role == Role::Admin,
        },
    ))
}

pub async fn page(web: Web, q: QueryPairs) -> Out {
    let mut web = web.nav("notices");
    web.ctx.notice = match q.get("ok") {
        Some("doc") => Some(
            web.ctx
                .t("Đã đánh dấu đã đọc.", "Marked as read.")
                .to_string(),
        ),
        Some("cai-dat") => Some(
            web.ctx
                .t(
                    "Đã lưu cách nhận thông báo.",
                    "Your notification settings are saved.",
                )
                .to_string(),
        ),
        _ => None,
    };
    render_notices(&web, &q, StatusCode::OK, None, None).await
}

/// Marks one notice (`id`) or all of one's notices read.
pub async fn mark_read(web: Web, body: Bytes) -> Out {
    let form = Form::parse(&body);
    web.check_csrf(&form)?;
    let ids: Option<Vec<i64>> = form
        .get("id")
        .and_then(|v| v.parse().ok())
        .map(|id| vec![id]);
    web.service
        .mark_notices_read(&web.actor, ids.as_deref())
        .await
        .or_page(&web.ctx)?;
    Ok(Redirect::to("/thong-bao?ok=doc").into_response())
}

/// Opens a notice's page and marks it read on the way.
pub async fn open(web: Web, Path(id): Path<i64>) -> Out {
    let mine = web
        .service
        .store
        .list_notices(&NoticeFilter {
            user_id: Some(web.actor.user_id),
            channel: Some(Channel::InApp),
            page: 1,
            per_page: 1000,
            ..NoticeFilter::default()
        })
        .await
        .map_err(|e| error_page(&web.ctx, e.into()))?
        .0
        .into_iter()
        .find(|n| n.id == id);
    let Some(notice) = mine else {
        return Err(not_found_page(
            &web.ctx,
            web.ctx
                .t("Không có thông báo này.", "No such notification."),
        ));
    };
    web.service
        .mark_notices_read(&web.actor, Some(&[id]))
        .await
        .or_page(&web.ctx)?;
    let to = if notice.link.starts_with('/') {
        notice.link
    } else {
        "/thong-bao".into()
    };
    Ok(Redirect::to(&to).into_response())
}

/// One's email address and whether notices come by email too.
pub async fn settings(web: Web, q: QueryPairs, body: Bytes) -> Out {
    let web = web.nav("notices");
    let form = Form::parse(&body);
    web.check_csrf(&form)?;
    let input = UserPatchInput {
        email: Some(form.raw("email").trim().to_string()),
        notify_email: Some(form.checked("notify_email")),
        ..UserPatchInput::default()
    };
    match web
        .service
        .update_user(&web.session, web.actor.user_id, &input)
        .await
    {
        Ok(_) => Ok(Redirect::to("/thong-bao?ok=cai-dat").into_response()),
        Err(ServiceError::Invalid { message, .. }) => {
            let message = format!(
                "{}: {}",
                web.ctx.t("Địa chỉ email", "Email address"),
                i18n::message(web.ctx.lang, &message)
            );
            render_notices(
                &web,
                &q,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(message),
                Some(form.raw("email")),
            )
            .await
        }
        Err(e) => Err(error_page(&web.ctx, e)),
    }
}

// ---------------------------------------------------------------- the office's log

#[derive(Template)]
#[template(path = "notices_log.html")]
struct LogPage {
    ctx: Ctx,
    lines: Vec<NoticeLine>,
    total: i64,
    page: i64,
    pages: i64,
    state: String,
    channel: String,
    states: Vec<(&'static str, &'static str)>,
    channels: Vec<(&'static str, &'static str)>,
}

pub async fn log(web: Web, q: QueryPairs) -> Out {
    let web = web.nav("notices");
    let ctx = &web.ctx;
    let state = q
        .get("trang-thai")
        .filter(|s| ["pending", "sending", "sent", "failed", "obsolete"].contains(s))
        .map(str::to_string);
    let channel = q.get("kenh").and_then(Channel::parse);
    let page = q.int("trang").unwrap_or(1).max(1);
    let f = NoticeFilter {
        state: state.clone(),
        channel,
        page,
        per_page: 100,
        ..NoticeFilter::default()
    };
    let list = web.service.notice_log(&web.actor, f).await.or_page(ctx)?;
    let pages = ((list.total + 99) / 100).max(1);
    let lines = list.items.into_iter().map(|n| line(ctx, n)).collect();
    Ok(render(&LogPage {
        ctx: ctx.clone(),
        lines,
        total: list.total,
        page,
        pages,
        state: state.unwrap_or_default(),
        channel: channel.map(|c| c.as_str().to_string()).unwrap_or_default(),
        states: ["pending", "sent", "failed", "obsolete"]
            .into_iter()
            .map(|s| (s, state_label(ctx, s)))
            .collect(),
        channels: [Channel::InApp, Channel::Email, Channel::Webhook]
            .into_iter()
            .map(|c| (c.as_str(), channel_label(ctx, c)))
            .collect(),
    }))
}

// ---------------------------------------------------------------- rules and webhooks

#[derive(Template)]
#[template(path = "notices_rules.html")]
struct RulesPage {
    ctx: Ctx,
    text: String,
    version: i64,
    error: Option<String>,
    hooks: Vec<WebhookView>,
    new_hook: Option<WebhookView>,
    public_url: String,
    mail_server: bool,
}

async fn render_rules(
    web: &Web,
    status: StatusCode,
    text: Option<String>,
    error: Option<String>,
    new_hook: Option<WebhookView>,
) -> Out {
    let ctx = &web.ctx;
    let rules = web.service.notify_rules().await.or_page(ctx)?;
    let hooks = web.service.webhooks(&web.actor).await.or_page(ctx)?;
    Ok(render_status(
        status,
        &RulesPage {
            ctx: ctx.clone(),
            text: text.unwrap_or(rules.text),
            version: rules.version,
            error,
            hooks,
            new_hook,
            public_url: web.service.config.notify.public_url.clone(),
            mail_server: web.service.config.notify.smtp.is_some(),
        },
    ))
}

pub async fn rules(web: Web, q: QueryPairs) -> Out {
    let mut web = web.nav("notices");
    if web.actor.role != Role::Admin {
        return Err(forbidden_page(
            &web.ctx,
            web.ctx.t(
                "Chỉ cơ quan thường trực sửa quy tắc thông báo.",
                "Only the standing office edits the notification rules.",
            ),
        ));
    }
    web.ctx.notice = match q.get("ok") {
        Some("quy-tac") => Some(
            web.ctx
                .t("Đã lưu quy tắc thông báo.", "The rules are saved.")
                .to_string(),
        ),
        Some("webhook") => Some(
            web.ctx
                .t("Đã cập nhật webhook.", "The webhook is updated.")
                .to_string(),
        ),
        _ => None,
    };
    render_rules(&web, StatusCode::OK, None, None, None).await
}

pub async fn save_rules(web: Web, body: Bytes) -> Out {
    let web = web.nav("notices");
    let form = Form::parse(&body);
    web.check_csrf(&form)?;
    let text = form.raw("rules");
    match web.service.save_notify_rules(&web.actor, &text).await {
        Ok(_) => Ok(Redirect::to("/thong-bao/quy-tac?ok=quy-tac").into_response()),
        Err(ServiceError::Invalid { message, .. }) => {
            let message = format!(
                "{} {message}",
                web.ctx
                    .t("Quy tắc chưa lưu, có lỗi:", "The rules were not saved:")
            );
            render_rules(
                &web,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(text),
                Some(message),
                None,
            )
            .await
        }
        Err(e) => Err(error_page(&web.ctx, e)),
    }
}

pub async fn add_webhook(web: Web, body: Bytes) -> Out {
    let web = web.nav("notices");
    let form = Form::parse(&body);
    web.check_csrf(&form)?;
    match web
        .service
        .create_webhook(&web.actor, &form.raw("url"), &form.raw("description"))
        .await
    {
        Ok(hook) => render_rules(&web, StatusCode::OK, None, None, Some(hook)).await,
        Err(ServiceError::Invalid { message, .. }) => {
            let message = format!(
                "{} {}",
                web.ctx
                    .t("Webhook chưa thêm:", "The webhook was not added:"),
                i18n::message(web.ctx.lang, &message)
            );
            render_rules(
                &web,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some(message),
                None,
            )
            .await
        }
        Err(e) => Err(error_page(&web.ctx, e)),
    }
}

pub async fn toggle_webhook(web: Web, Path(id): Path<i64>, body: Bytes) -> Out {
    let form = Form::parse(&body);
    web.check_csrf(&form)?;
    let active = form.get("active") == Some("1");
    web.service
        .set_webhook_active(&web.actor, id, active)
        .await
        .or_page(&web.ctx)?;
    Ok(Redirect::to("/thong-bao/quy-tac?ok=webhook").into_response())
}
