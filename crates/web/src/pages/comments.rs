//! The comment thread on the assignment page (trao đổi, issue 14 part 7): the
//! office and the agency's focal points write; everyone who may read the
//! assignment reads. Writing tells the other side (docs/notifications.md).

use axum::body::Bytes;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use tiendo_service::{Service, ServiceError};

use crate::ctx::*;
use crate::i18n;

/// One comment as the page shows it.
pub struct CommentItem {
    pub author: String,
    pub who: String,
    pub when: String,
    pub body: String,
}

/// The thread of an assignment as of the page's day, and whether the reader may write.
pub async fn thread(
    web: &Web,
    assignment_id: i64,
    agency_id: i64,
) -> Result<(Vec<CommentItem>, bool), Response> {
    let ctx = &web.ctx;
    let list = web
        .service
        .comments(&web.actor, assignment_id, ctx.as_of)
        .await
        .or_page(ctx)?;
    let items = list
        .into_iter()
        .map(|c| CommentItem {
            who: match (c.author_role.as_str(), &c.author_agency) {
                ("admin", _) => ctx.t("Cơ quan thường trực", "Standing office").to_string(),
                (_, Some(a)) => a.clone(),
                _ => String::new(),
            },
            author: c.author,
            when: i18n::instant(&c.created_at),
            body: c.body,
        })
        .collect();
    // Writing is for today's page only: a past day's page is a record.
    let may = ctx.as_of.is_none() && Service::may_comment(&web.actor, agency_id);
    Ok((items, may))
}

/// POST /phan-cong/{id}/y-kien: adds a comment, back to the thread.
pub async fn add(web: Web, Path(id): Path<i64>, body: Bytes) -> Out {
    let form = Form::parse(&body);
    web.check_csrf(&form)?;
    match web
        .service
        .add_comment(&web.actor, id, &form.raw("body"))
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/phan-cong/{id}?ok=comment#trao-doi")).into_response()),
        Err(ServiceError::Invalid { message, .. }) => {
            let why = format!(
                "{} {}",
                web.ctx.t("Ý kiến chưa gửi:", "The comment was not sent:"),
                i18n::message(web.ctx.lang, &message)
            );
            let typed = form.raw("body");
            crate::pages::work::assignment_page(web, id, &QueryPairs::default(), Some((why, typed)))
                .await
        }
        Err(e) => Err(error_page(&web.ctx, e)),
    }
}
