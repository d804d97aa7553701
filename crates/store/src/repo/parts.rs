// Included by `repo.rs`, itself included by `sqlite.rs` and `postgres.rs`.

pub mod parts {
    //! What coordinating agencies (cơ quan phối hợp) did of a task led by another,
    //! reported on the lead's assignment (issue 14 part 7).

    use super::*;

    /// Writes a part and its audit entry.
    pub async fn add_part(backend: &Backend, p: &NewPart, stamp: &Stamp) -> Result<i64, StoreError> {
        let (_guard, mut tx) = backend.begin().await?;
        let mut sql = Sql::default();
        sql.push_args(
            "INSERT INTO coordination_parts (assignment_id, agency_id, author_id, reported_on, percent, narrative, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            [
                Arg::I64(p.assignment_id),
                Arg::I64(p.agency_id),
                Arg::I64(p.author_id),
                Arg::Date(p.reported_on),
                Arg::OptI64(p.percent.map(i64::from)),
                Arg::Text(p.narrative.clone()),
                Arg::I64(stamp.recorded_at),
            ],
        );
        let id = tx_insert_id(&mut tx, &sql).await?;
        audit(
            &mut tx,
            stamp,
            &Audit {
                entity: "coordination_part",
                entity_id: id,
                action: "create".into(),
                changes: serde_json::json!({
                    "assignment_id": p.assignment_id, "agency_id": p.agency_id,
                    "reported_on": p.reported_on, "percent": p.percent, "narrative": p.narrative,
                }),
            },
        )
        .await?;
        commit(tx).await?;
        Ok(id)
    }

    /// The parts reported on an assignment, oldest first; with `known_by`, only
    /// those written by then.
    pub async fn list_parts(pool: &Pool, assignment_id: i64, known_by: Option<Micros>) -> Result<Vec<PartRow>, StoreError> {
        let mut sql = Sql::default();
        sql.push_args(
            "SELECT p.id, p.assignment_id, p.agency_id, u.username, u.display_name, p.reported_on, p.percent, p.narrative, p.created_at \
             FROM coordination_parts p JOIN users u ON u.id = p.author_id WHERE p.assignment_id = ?",
            [Arg::I64(assignment_id)],
        );
        if let Some(t) = known_by {
            sql.push_args(" AND p.created_at <= ?", [Arg::I64(t)]);
        }
        sql.push(" ORDER BY p.id LIMIT 2000");
        let mut out = Vec::new();
        for row in fetch_all(pool, &sql).await? {
            out.push(PartRow {
                id: row.try_get("id")?,
                assignment_id: row.try_get("assignment_id")?,
                agency_id: row.try_get("agency_id")?,
                author_username: row.try_get("username")?,
                author_name: row.try_get("display_name")?,
                reported_on: row.try_get("reported_on")?,
                percent: row.try_get::<Option<i32>, _>("percent")?,
                narrative: row.try_get("narrative")?,
                created_at: row.try_get("created_at")?,
            });
        }
        Ok(out)
    }

    /// The open lead assignments of tasks that name one of `agency_ids` (an agency
    /// and the ones it carries the work of) or one of `groups` ("@dia-phuong") as
    /// coordinating, earliest due first. The coordinators are kept as JSON in the
    /// task (`coord_json`, `PartyRef` serialised with `agency_id` first), so the
    /// match is on its text; a task's own agencies are never its coordinators.
    pub async fn coordinated_assignments(pool: &Pool, agency_ids: &[i64], groups: &[String], limit: i64) -> Result<Vec<i64>, StoreError> {
        if agency_ids.is_empty() && groups.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = Sql::default();
        sql.push(
            "SELECT a.id FROM tasks t JOIN assignments a ON a.task_id = t.id \
             WHERE t.cancelled = FALSE AND a.cancelled = FALSE AND a.completed_on IS NULL AND t.coord_json <> '[]' AND (1=0",
        );
        for id in agency_ids {
            sql.push_args(" OR t.coord_json LIKE ?", [Arg::Text(format!("%\"agency_id\":{id},%"))]);
        }
        for g in groups {
            sql.push_args(" OR t.coord_json LIKE ?", [Arg::Text(format!("%\"code\":\"{g}\"%"))]);
        }
        sql.push(")");
        if !agency_ids.is_empty() {
            sql.push(" AND a.agency_id NOT IN (");
            sql.push_ids(agency_ids);
            sql.push(")");
        }
        sql.push_args(" ORDER BY (a.due IS NULL), a.due, a.id LIMIT ?", [Arg::I64(limit)]);
        let mut out = Vec::new();
        for row in fetch_all(pool, &sql).await? {
            out.push(row.try_get("id")?);
        }
        Ok(out)
    }
}
