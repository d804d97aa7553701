//! The office restores what was cancelled (issue 14.4): a cancelled task
//! (`/nhiem-vu/{id}/khoi-phuc`: every cancelled assignment of it comes back) or
//! one cancelled assignment (`/phan-cong/{id}/khoi-phuc`), each with a reason.
//! The service writes one `restore` event per assignment with the reason as its
//! note, which the history says in words ("khôi phục phân công đã hủy của …;
//! ghi chú: …"). A focal point or a viewer gets 403, GET and POST.

use askama::Template;
use axum::body::Bytes;
use axum::extract::Path;
use tiendo_core::model::Assignment;
use tiendo_core::policy::Write;
use tiendo_core::status::Status;
use tiendo_service::ServiceError;
use tiendo_service::input::{AssignmentPatchInput, TaskPatchInput};

use super::office::{self, Errors};
use crate::ctx::*;

#[derive(Template)]
#[template(path = "restore.html")]
struct RestorePage {
    ctx: Ctx,
    title: String,
    back: String,
    back_label: String,
    /// What is restored, in a sentence.
    what: String,
    /// What happens, in a sentence.
    effect: String,
    /// The agencies whose assignments come back.
    agencies: Vec<String>,
    action: String,
    reason: String,
    errors: Errors,
}

fn gate(web: &Web) -> Result<(), axum::response::Response> {
    office::require(
        web,
        Write::ManageTasks,
        "Chỉ cơ quan thường trực khôi phục nhiệm vụ và phân công đã hủy.",
        "Only the standing office restores cancelled tasks and assignments.",
    )
}

fn not_cancelled(ctx: &Ctx, vi: &str, en: &str) -> axum::response::Response {
    error_page(ctx, ServiceError::Conflict(ctx.t(vi, en).to_string()))
}

async fn cancelled_of(
    web: &Web,
    task_id: i64,
) -> Result<Vec<Assignment>, axum::response::Response> {
    Ok(web
        .service
        .list_assignments(
            &web.actor,
            tiendo_store::AssignmentFilter {
                task_id: Some(task_id),
                agency_id: None,
                document_id: None,
                status: None,
                as_of: web.ctx.today,
                due_soon_days: 0,
                confined_to: None,
                page: 1,
                per_page: 500,
            },
        )
        .await
        .or_page(&web.ctx)?
        .items
        .into_iter()
        .filter(|a| a.cancelled)
        .collect())
}

async fn task_page(web: &Web, id: i64, reason: String, errors: Errors) -> Out {
    let ctx = &web.ctx;
    let task = web
        .service
        .get_task(&web.actor, id, ctx.today)
        .await
        .or_page(ctx)?;
    if task.status != Some(Status::Cancelled) {
        return Err(not_cancelled(
            ctx,
            "Nhiệm vụ này không ở trạng thái đã hủy.",
            "This task is not cancelled.",
        ));
    }
    let agencies = cancelled_of(web, id)
        .await?
        .into_iter()
        .map(|a| a.agency_name)
        .collect();
    Ok(render_status(
        errors.status(),
        &RestorePage {
            title: format!("{} #{id}", ctx.t("Khôi phục nhiệm vụ", "Restore the task")),
            back: format!("/nhiem-vu/{id}"),
            back_label: format!("{} #{id}", ctx.t("Nhiệm vụ", "Task")),
            what: task.text.clone(),
            effect: ctx
                .t(
                    "Mọi phân công đã hủy của nhiệm vụ dưới đây được khôi phục, với thời hạn và báo cáo như trước khi hủy. Chỉ muốn khôi phục một cơ quan: dùng “Khôi phục” của phân công đó ở trang sửa nhiệm vụ.",
                    "Every cancelled assignment of the task below comes back, with its deadline and reports as before. To restore only one agency, use that assignment's “Restore” on the task's edit page.",
                )
                .into(),
            agencies,
            action: format!("/nhiem-vu/{id}/khoi-phuc"),
            reason,
            errors,
            ctx: ctx.clone(),
        },
    ))
}

async fn assignment_page(web: &Web, id: i64, reason: String, errors: Errors) -> Out {
    let ctx = &web.ctx;
    let a = web
        .service
        .get_assignment(&web.actor, id, ctx.today)
        .await
        .or_page(ctx)?;
    if !a.cancelled {
        return Err(not_cancelled(
            ctx,
            "Phân công này không ở trạng thái đã hủy.",
            "This assignment is not cancelled.",
        ));
    }
    Ok(render_status(
        errors.status(),
        &RestorePage {
            title: format!("{} #{id}", ctx.t("Khôi phục phân công", "Restore the assignment")),
            back: format!("/phan-cong/{id}"),
            back_label: format!("{} #{id}", ctx.t("Phân công", "Assignment")),
            what: a.task_text.clone(),
            effect: ctx
                .t(
                    "Phân công của cơ quan dưới đây được khôi phục, với thời hạn và báo cáo như trước khi hủy; cơ quan lại thấy nó trong việc của mình.",
                    "The assignment of the agency below comes back, with its deadline and reports as before; the agency sees it in its work again.",
                )
                .into(),
            agencies: vec![a.agency_name.clone()],
            action: format!("/phan-cong/{id}/khoi-phuc"),
            reason,
            errors,
            ctx: ctx.clone(),
        },
    ))
}

/// The reason, or its error.
fn reason_of(web: &Web, form: &Form) -> (String, Errors) {
    let reason = form.raw("reason");
    let mut errors = Errors::default();
    if reason.trim().is_empty() {
        errors.add(
            "reason",
            web.ctx
                .t("Cần nêu lý do khôi phục.", "Give the reason for restoring."),
        );
    } else if reason.trim().chars().count() > 2000 {
        errors.add(
            "reason",
            web.ctx.t(
                "Lý do dài quá 2000 ký tự.",
                "The reason is longer than 2000 characters.",
            ),
        );
    }
    (reason, errors)
}

pub async fn task_form(web: Web, Path(id): Path<i64>) -> Out {
    let web = web.nav("tasks");
    gate(&web)?;
    task_page(&web, id, String::new(), Errors::default()).await
}

pub async fn task_post(web: Web, Path(id): Path<i64>, body: Bytes) -> Out {
    let web = web.nav("tasks");
    gate(&web)?;
    let form = Form::parse(&body);
    web.check_csrf(&form)?;
    let (reason, errors) = reason_of(&web, &form);
    if !errors.is_empty() {
        return task_page(&web, id, reason, errors).await;
    }
    // The page's own check (a 409 page when it is not cancelled any more).
    task_page(&web, id, String::new(), Errors::default()).await?;
    let input = TaskPatchInput {
        cancelled: Some(false),
        note: Some(reason.trim().to_string()),
        ..TaskPatchInput::default()
    };
    web.service
        .update_task(&web.actor, id, &input)
        .await
        .or_page(&web.ctx)?;
    Ok(see_other(&format!("/nhiem-vu/{id}?ok=khoi-phuc")))
}

pub async fn assignment_form(web: Web, Path(id): Path<i64>) -> Out {
    let web = web.nav("tasks");
    gate(&web)?;
    assignment_page(&web, id, String::new(), Errors::default()).await
}

pub async fn assignment_post(web: Web, Path(id): Path<i64>, body: Bytes) -> Out {
    let web = web.nav("tasks");
    gate(&web)?;
    let form = Form::parse(&body);
    web.check_csrf(&form)?;
    let (reason, errors) = reason_of(&web, &form);
    if !errors.is_empty() {
        return assignment_page(&web, id, reason, errors).await;
    }
    let input = AssignmentPatchInput {
        completed_on: None,
        reopen: None,
        cancelled: Some(false),
        deadline: None,
        note: Some(reason.trim().to_string()),
    };
    match web.service.patch_assignment(&web.actor, id, &input).await {
        Ok(_) => Ok(see_other(&format!("/phan-cong/{id}?ok=khoi-phuc"))),
        // Not cancelled (any more): "nothing to change".
        Err(ServiceError::Invalid { .. }) => Err(not_cancelled(
            &web.ctx,
            "Phân công này không ở trạng thái đã hủy.",
            "This assignment is not cancelled.",
        )),
        Err(e) => Err(error_page(&web.ctx, e)),
    }
}
