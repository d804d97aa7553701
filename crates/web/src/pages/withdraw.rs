//! Withdrawing a report waiting for review or an extension request not decided
//! yet (issue 14 item 4), from the assignment page: its author or the office.
//! What is withdrawn stays in the history and decides nothing.

use axum::body::Bytes;
use axum::extract::Path;

use crate::ctx::*;

/// POST /bao-cao/{id}/rut-lai
pub async fn report(web: Web, Path(id): Path<i64>, body: Bytes) -> Out {
    let form = Form::parse(&body);
    web.check_csrf(&form)?;
    match web.service.withdraw_report(&web.actor, id).await {
        Ok(r) => Ok(see_other(&format!(
            "/phan-cong/{}?ok=withdrawn_report",
            r.assignment_id
        ))),
        Err(e) => Err(error_page(&web.ctx, e)),
    }
}

/// POST /gia-han/{id}/rut-lai
pub async fn extension(web: Web, Path(id): Path<i64>, body: Bytes) -> Out {
    let form = Form::parse(&body);
    web.check_csrf(&form)?;
    match web.service.withdraw_extension(&web.actor, id).await {
        Ok(x) => Ok(see_other(&format!(
            "/phan-cong/{}?ok=withdrawn_extension",
            x.assignment_id
        ))),
        Err(e) => Err(error_page(&web.ctx, e)),
    }
}
