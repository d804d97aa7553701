//! The comment thread of each assignment (trao đổi, issue 14 part 7): the office and
//! the agency's focal points write to each other beside the work; leaders read.
//! Each comment is kept as written, in the audit history, and tells the other side
//! (notification rule `comment_added`).

use chrono::NaiveDate;
use tiendo_core::policy::{Actor, Role};
use tiendo_core::time::{end_of_day, instant_rfc3339};
use tiendo_store::{CommentRow, Stamp};

use crate::{Result, Service, ServiceError};

/// The longest comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 4000;

/// A comment as pages and the API show it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Comment {
    pub id: i64,
    pub assignment_id: i64,
    pub author_id: i64,
    /// The author's name as shown: display name, else username.
    pub author: String,
    /// admin (the office), focal, viewer
    pub author_role: String,
    /// The author's agency, for a focal point.
    pub author_agency: Option<String>,
    pub body: String,
    pub created_at: String,
}

impl Service {
    fn comment_view(&self, c: CommentRow) -> Comment {
        Comment {
            id: c.id,
            assignment_id: c.assignment_id,
            author_id: c.author_id,
            author: c
                .author_name
                .filter(|n| !n.trim().is_empty())
                .unwrap_or(c.author_username),
            author_role: c.author_role,
            author_agency: c.author_agency_id.map(|a| self.agency_name(a)),
            body: c.body,
            created_at: instant_rfc3339(c.created_at),
        }
    }

    /// The agency of an assignment, if the actor may read it.
    async fn readable_assignment(&self, actor: &Actor, assignment_id: i64) -> Result<i64> {
        let (_, agency, _) = self
            .store
            .assignment_owner(assignment_id)
            .await?
            .ok_or(ServiceError::NotFound("assignment".into()))?;
        if !actor.sees_agency(agency) {
            return Err(ServiceError::Forbidden(
                "this assignment belongs to another agency".into(),
            ));
        }
        Ok(agency)
    }

    /// An assignment's comments, oldest first; as of a past day, those written by then.
    pub async fn comments(
        &self,
        actor: &Actor,
        assignment_id: i64,
        as_of: Option<NaiveDate>,
    ) -> Result<Vec<Comment>> {
        self.readable_assignment(actor, assignment_id).await?;
        let rows = self
            .store
            .list_comments(assignment_id, as_of.map(end_of_day))
            .await?;
        Ok(rows.into_iter().map(|c| self.comment_view(c)).collect())
    }

    /// Whether the actor may write in an assignment's thread: the office, and the
    /// focal points of the agency it is assigned to.
    pub fn may_comment(actor: &Actor, agency: i64) -> bool {
        match actor.role {
            Role::Admin => true,
            Role::Focal => actor.agency_id == Some(agency),
            Role::Viewer => false,
        }
    }

    /// Adds a comment to an assignment's thread.
    pub async fn add_comment(
        &self,
        actor: &Actor,
        assignment_id: i64,
        body: &str,
    ) -> Result<Comment> {
        let agency = self.readable_assignment(actor, assignment_id).await?;
        if !Service::may_comment(actor, agency) {
            return Err(ServiceError::Forbidden(
                "only the standing office and the agency's focal points write in an assignment's thread".into(),
            ));
        }
        let body = tiendo_core::text::nfc(body.trim());
        if body.is_empty() {
            return Err(ServiceError::invalid("body", "must not be empty"));
        }
        if body.chars().count() > MAX_COMMENT_CHARS {
            return Err(ServiceError::invalid(
                "body",
                format!("is longer than {MAX_COMMENT_CHARS} characters"),
            ));
        }
        let id = self
            .store
            .add_comment(
                assignment_id,
                actor.user_id,
                &body,
                &Stamp::now(Some(actor.user_id)),
            )
            .await?;
        let rows = self.store.list_comments(assignment_id, None).await?;
        let row = rows
            .into_iter()
            .find(|c| c.id == id)
            .ok_or_else(|| ServiceError::Internal("the comment just written is missing".into()))?;
        Ok(self.comment_view(row))
    }
}
