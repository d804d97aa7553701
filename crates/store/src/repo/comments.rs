// Included by `repo.rs`, itself included by `sqlite.rs` and `postgres.rs`.

pub mod comments {
    //! The comment thread of an assignment (trao đổi) between the office and the agency.

    use super::*;

    /// Writes a comment and its audit entry (which also writes the cause of its
    /// notices, see `notices::cause_for_change`).
    pub async fn add_comment(backend: &Backend, assignment_id: i64, author_id: i64, body: &str, stamp: &Stamp) -> Result<i64, StoreError> {
        let (_guard, mut tx) = backend.begin().await?;
        let mut sql = Sql::default();
        sql.push_args(
            "INSERT INTO assignment_comments (assignment_id, author_id, body, created_at) VALUES (?, ?, ?, ?) RETURNING id",
            [Arg::I64(assignment_id), Arg::I64(author_id), Arg::Text(body.into()), Arg::I64(stamp.recorded_at)],
        );
        let id = tx_insert_id(&mut tx, &sql).await?;
        audit(
            &mut tx,
            stamp,
            &Audit {
                entity: "assignment_comment",
                entity_id: id,
                action: "create".into(),
                changes: serde_json::json!({"assignment_id": assignment_id, "body": body}),
            },
        )
        .await?;
        commit(tx).await?;
        Ok(id)
    }

    /// The comments of an assignment, oldest first; with `known_by`, only those
    /// written by then.
    pub async fn list_comments(pool: &Pool, assignment_id: i64, known_by: Option<Micros>) -> Result<Vec<CommentRow>, StoreError> {
        let mut sql = Sql::default();
        sql.push_args(
            "SELECT c.id, c.assignment_id, c.author_id, u.username, u.display_name, u.role, u.agency_id, c.body, c.created_at \
             FROM assignment_comments c JOIN users u ON u.id = c.author_id WHERE c.assignment_id = ?",
            [Arg::I64(assignment_id)],
        );
        if let Some(t) = known_by {
            sql.push_args(" AND c.created_at <= ?", [Arg::I64(t)]);
        }
        sql.push(" ORDER BY c.id LIMIT 2000");
        let mut out = Vec::new();
        for row in fetch_all(pool, &sql).await? {
            out.push(CommentRow {
                id: row.try_get("id")?,
                assignment_id: row.try_get("assignment_id")?,
                author_id: row.try_get("author_id")?,
                author_username: row.try_get("username")?,
                author_name: row.try_get("display_name")?,
                author_role: row.try_get("role")?,
                author_agency_id: row.try_get("agency_id")?,
                body: row.try_get("body")?,
                created_at: row.try_get("created_at")?,
            });
        }
        Ok(out)
    }
}
