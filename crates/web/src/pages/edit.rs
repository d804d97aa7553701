//! Changing what was sent before it is decided (issue 14 item 4), from the
//! assignment page ("Sửa"): a progress report while it waits for review (or was
//! never sent for review), by its author or the office; a commitment before its
//! day, by the agency's focal point or the office. The same checks as creating
//! them (a commitment day in the past is refused by its field); each change is
//! in the history, in words.

use axum::body::Bytes;
use axum::extract::Path;
use axum::http::StatusCode;
use tiendo_core::model::{Assignment, Commitment, ProgressReport};
use tiendo_core::policy::{Role, Write};
use tiendo_service::ServiceError;
use tiendo_service::input::{CommitmentPatchInput, ReportInput};

use super::work::{Fields, Kind, date_field, edit_form_response, opt_text, required};
use crate::ctx::*;
use crate::i18n;

fn refused(web: &Web, vi: &str, en: &str) -> axum::response::Response {
    forbidden_page(&web.ctx, web.ctx.t(vi, en))
}

fn decided(web: &Web, vi: &str, en: &str) -> axum::response::Response {
    error_page(
        &web.ctx,
        ServiceError::Conflict(web.ctx.t(vi, en).to_string()),
    )
}

/// The report and its assignment, when the actor may change it now.
async fn report_target(
    web: &Web,
    id: i64,
) -> Result<(ProgressReport, Assignment), axum::response::Response> {
    let ctx = &web.ctx;
    let r = web.service.get_report(&web.actor, id).await.or_page(ctx)?;
    if !web.actor.may(Write::Report {
        agency: r.agency_id,
    }) || (web.actor.role == Role::Focal && r.author_id != web.actor.user_id)
    {
        return Err(refused(
            web,
            "Chỉ người lập báo cáo (hoặc cơ quan thường trực) được sửa báo cáo.",
            "Only the report's author (or the standing office) may change it.",
        ));
    }
    if !matches!(r.review_state.as_str(), "pending" | "none") {
        return Err(decided(
            web,
            "Báo cáo này đã được duyệt, trả lại hoặc rút lại: không sửa được nữa.",
            "This report has been decided or withdrawn: it no longer changes.",
        ));
    }
    let a = web
        .service
        .get_assignment(&web.actor, r.assignment_id, ctx.today)
        .await
        .or_page(ctx)?;
    Ok((r, a))
}

/// `GET /bao-cao/{id}/sua`: the report form filled with the report.
pub async fn report_form(web: Web, Path(id): Path<i64>) -> Out {
    let web = web.nav("work");
    let (r, a) = report_target(&web, id).await?;
    let mut f = Fields::default();
    let mut put = |k: &str, v: String| {
        f.values.insert(k.into(), v);
    };
    put("narrative", r.narrative.clone());
    put(
        "percent",
        r.percent.map(|p| p.to_string()).unwrap_or_default(),
    );
    if r.claims_completion {
        put("claims_completion", "on".into());
    }
    put("completed_on", i18n::opt_date(r.completed_on));
    put("difficulties", r.difficulties.clone().unwrap_or_default());
    put("proposals", r.proposals.clone().unwrap_or_default());
    put(
        "evidence_number",
        r.evidence_number.clone().unwrap_or_default(),
    );
    Ok(edit_form_response(
        &web,
        &a,
        Kind::Report,
        f,
        format!("/bao-cao/{id}/sua"),
        StatusCode::OK,
    ))
}

/// `POST /bao-cao/{id}/sua`: changes the report through the use case.
pub async fn report_submit(web: Web, Path(id): Path<i64>, body: Bytes) -> Out {
    let web = web.nav("work");
    let form = Form::parse(&body);
    web.check_csrf(&form)?;
    let (r, a) = report_target(&web, id).await?;
    let lang = web.ctx.lang;
    let mut f = Fields::from_form(&form);
    let narrative = required(&mut f, lang, "narrative");
    let claims = f.checked("claims_completion");
    let percent = match f.v("percent").trim() {
        "" => None,
        p => match p.parse::<i32>() {
            Ok(n) if (0..=100).contains(&n) => Some(n),
            _ => {
                f.err(
                    "percent",
                    lang.t("Nhập một số từ 0 đến 100.", "Enter a number from 0 to 100."),
                );
                None
            }
        },
    };
    let completed_on = date_field(&mut f, lang, "completed_on", false);
    if completed_on.is_some() && !claims {
        f.err(
            "completed_on",
            lang.t(
                "Chỉ điền ngày hoàn thành khi báo cáo đã hoàn thành.",
                "Give a completion date only when reporting completion.",
            ),
        );
    }
    if !f.any() {
        let input = ReportInput {
            assignment_id: r.assignment_id,
            reported_on: Some(r.reported_on),
            percent,
            claims_completion: claims,
            completed_on,
            narrative: narrative.unwrap_or_default(),
            difficulties: opt_text(&f, "difficulties"),
            proposals: opt_text(&f, "proposals"),
            evidence_number: opt_text(&f, "evidence_number"),
        };
        match web.service.update_report(&web.actor, id, &input).await {
            Ok(_) => {
                return Ok(see_other(&format!(
                    "/phan-cong/{}?ok=edited_report",
                    r.assignment_id
                )));
            }
            Err(e @ (ServiceError::Invalid { .. } | ServiceError::Conflict(_))) => {
                let known = [
                    "narrative",
                    "percent",
                    "completed_on",
                    "difficulties",
                    "proposals",
                    "evidence_number",
                    "reported_on",
                ];
                f.service_error(lang, &e, &known);
            }
            Err(e) => return Err(error_page(&web.ctx, e)),
        }
    }
    Ok(edit_form_response(
        &web,
        &a,
        Kind::Report,
        f,
        format!("/bao-cao/{id}/sua"),
        StatusCode::UNPROCESSABLE_ENTITY,
    ))
}

/// The commitment and its assignment, when the actor may change it now.
async fn commitment_target(
    web: &Web,
    id: i64,
) -> Result<(Commitment, Assignment), axum::response::Response> {
    let ctx = &web.ctx;
    let c = web
        .service
        .get_commitment(&web.actor, id, ctx.today)
        .await
        .or_page(ctx)?;
    if !web.actor.may(Write::Commit {
        agency: c.agency_id,
    }) {
        return Err(refused(
            web,
            "Chỉ đầu mối của cơ quan đã cam kết (hoặc cơ quan thường trực) được sửa cam kết.",
            "Only the committing agency's focal point (or the standing office) may change it.",
        ));
    }
    if c.outcome != "pending" || c.committed_on < ctx.today {
        return Err(decided(
            web,
            "Cam kết này đã đến hạn hoặc đã được đánh giá: không sửa được nữa.",
            "This commitment is due or judged: it no longer changes.",
        ));
    }
    let a = web
        .service
        .get_assignment(&web.actor, c.assignment_id, ctx.today)
        .await
        .or_page(ctx)?;
    Ok((c, a))
}

/// `GET /cam-ket/{id}/sua`: the commitment form filled with the commitment.
pub async fn commitment_form(web: Web, Path(id): Path<i64>) -> Out {
    let web = web.nav("work");
    let (c, a) = commitment_target(&web, id).await?;
    let mut f = Fields::default();
    f.values
        .insert("committed_on".into(), i18n::date(c.committed_on));
    f.values.insert(
        "letter_number".into(),
        c.letter_number.clone().unwrap_or_default(),
    );
    f.values
        .insert("note".into(), c.note.clone().unwrap_or_default());
    Ok(edit_form_response(
        &web,
        &a,
        Kind::Commitment,
        f,
        format!("/cam-ket/{id}/sua"),
        StatusCode::OK,
    ))
}

/// `POST /cam-ket/{id}/sua`: changes the commitment through the use case; a
/// day before today is refused as on creation.
pub async fn commitment_submit(web: Web, Path(id): Path<i64>, body: Bytes) -> Out {
    let web = web.nav("work");
    let form = Form::parse(&body);
    web.check_csrf(&form)?;
    let (c, a) = commitment_target(&web, id).await?;
    let ctx = &web.ctx;
    let lang = ctx.lang;
    let mut f = Fields::from_form(&form);
    let on = date_field(&mut f, lang, "committed_on", true);
    if let Some(d) = on
        && d < ctx.today
    {
        f.err(
            "committed_on",
            i18n::message(lang, "cannot be before the day the commitment is made"),
        );
    }
    if !f.any()
        && let Some(on) = on
    {
        let input = CommitmentPatchInput {
            committed_on: on,
            letter_number: opt_text(&f, "letter_number"),
            note: opt_text(&f, "note"),
        };
        match web.service.update_commitment(&web.actor, id, &input).await {
            Ok(_) => {
                return Ok(see_other(&format!(
                    "/phan-cong/{}?ok=edited_commitment",
                    c.assignment_id
                )));
            }
            Err(e @ ServiceError::Invalid { .. }) => {
                f.service_error(lang, &e, &["committed_on", "letter_number", "note"]);
            }
            Err(e) => return Err(error_page(ctx, e)),
        }
    }
    Ok(edit_form_response(
        &web,
        &a,
        Kind::Commitment,
        f,
        format!("/cam-ket/{id}/sua"),
        StatusCode::UNPROCESSABLE_ENTITY,
    ))
}
