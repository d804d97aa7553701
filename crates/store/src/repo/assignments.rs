// Included by `repo.rs`, itself included by `sqlite.rs` and `postgres.rs`.

pub mod assignments {
    //! Assignments, a task's share for one agency: creation, lists, lookups and
    //! state changes (each one closes a knowledge span and opens the next).

    use super::*;

    /// Writes the first knowledge span of a new assignment.
    pub(super) async fn insert_assignment(
        tx: &mut Tx<'_>,
        task_id: i64,
        agency_id: i64,
        deadline: &Deadline,
        stamp: &Stamp,
    ) -> Result<i64, StoreError> {
        let mut sql = Sql::default();
        sql.push_args(
            "INSERT INTO assignments (task_id, agency_id, deadline_kind, due, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            [
                Arg::I64(task_id),
                Arg::I64(agency_id),
                Arg::Text(deadline.kind.as_str().into()),
                Arg::OptDate(deadline.due),
                Arg::I64(stamp.recorded_at),
                Arg::I64(stamp.recorded_at),
            ],
        );
        let id = tx_insert_id(tx, &sql).await?;
        let state = AssignmentState::new(deadline);
        insert_span(tx, id, task_id, agency_id, stamp.recorded_at, &state).await?;
        audit(
            tx,
            stamp,
            &Audit {
                entity: "assignment",
                entity_id: id,
                action: "create".into(),
                changes: serde_json::json!({"task_id": task_id, "agency_id": agency_id, "deadline_kind": deadline.kind, "due": deadline.due}),
            },
        )
        .await?;
        Ok(id)
    }

    const ASSIGNMENT_COLS: &str = "a.id, a.task_id, t.text AS task_text, t.deadline_raw, a.agency_id, g.name AS agency_name, a.created_at, \
         s.deadline_kind, s.due, s.completed_on, s.cancelled";

    fn assignment_from(row: &DbRow) -> Result<AssignmentRow, StoreError> {
        Ok(AssignmentRow {
            id: row.try_get("id")?,
            task_id: row.try_get("task_id")?,
            task_text: row.try_get("task_text")?,
            agency_id: row.try_get("agency_id")?,
            agency_name: row.try_get("agency_name")?,
            deadline_raw: row.try_get("deadline_raw")?,
            created_at: row.try_get("created_at")?,
            state: AssignmentState {
                deadline_kind: parse_kind(&row.try_get::<String, _>("deadline_kind")?),
                due: row.try_get("due")?,
                completed_on: row.try_get("completed_on")?,
                cancelled: row.try_get("cancelled")?,
            },
        })
    }

    pub async fn list_assignments(pool: &Pool, f: &AssignmentFilter) -> Result<(Vec<AssignmentRow>, i64), StoreError> {
        let mut wh = Sql::new(" WHERE 1=1");
        known_clause(&mut wh, end_of_day(f.as_of));
        if let Some(task) = f.task_id {
            wh.push_args(" AND s.task_id = ?", [Arg::I64(task)]);
        }
        if let Some(agency) = f.agency_id {
            wh.push_args(" AND s.agency_id = ?", [Arg::I64(agency)]);
        }
        if let Some(agency) = f.confined_to {
            wh.push_args(" AND s.agency_id = ?", [Arg::I64(agency)]);
        }
        if let Some(doc) = f.document_id {
            wh.push_args(" AND t.document_id = ?", [Arg::I64(doc)]);
        }
        if let Some(status) = f.status {
            status_clause(&mut wh, status, f.as_of, f.due_soon_days);
        }
        let from = " FROM assignment_states s JOIN assignments a ON a.id = s.assignment_id JOIN tasks t ON t.id = a.task_id JOIN agencies g ON g.id = a.agency_id";
        let from_where = Sql { text: format!("{from}{}", wh.text), args: wh.args };
        paged(pool, ASSIGNMENT_COLS, from_where, "(s.due IS NULL), s.due, a.id", f.page, f.per_page, assignment_from).await
    }

    /// One assignment with its state known at the end of `as_of` (`None` if it did not
    /// exist yet then).
    pub async fn get_assignment(pool: &Pool, id: i64, as_of: NaiveDate) -> Result<Option<AssignmentRow>, StoreError> {
        let mut sql = Sql::new(&format!(
            "SELECT {ASSIGNMENT_COLS} FROM assignment_states s JOIN assignments a ON a.id = s.assignment_id JOIN tasks t ON t.id = a.task_id JOIN agencies g ON g.id = a.agency_id WHERE "
        ));
        sql.push_args("a.id = ?", [Arg::I64(id)]);
        known_clause(&mut sql, end_of_day(as_of));
        fetch_optional(pool, &sql).await?.as_ref().map(assignment_from).transpose()
    }

    /// The agency an assignment belongs to (for permission checks), with its current state.
    pub async fn assignment_owner(pool: &Pool, id: i64) -> Result<Option<(i64, i64, AssignmentState)>, StoreError> {
        let mut sql = Sql::default();
        sql.push_args(
            "SELECT task_id, agency_id, deadline_kind, due, completed_on, cancelled FROM assignments WHERE id = ?",
            [Arg::I64(id)],
        );
        Ok(match fetch_optional(pool, &sql).await? {
            Some(row) => Some((
                row.try_get("task_id")?,
                row.try_get("agency_id")?,
                AssignmentState {
                    deadline_kind: parse_kind(&row.try_get::<String, _>("deadline_kind")?),
                    due: row.try_get("due")?,
                    completed_on: row.try_get("completed_on")?,
                    cancelled: row.try_get("cancelled")?,
                },
            )),
            None => None,
        })
    }

    pub async fn add_assignment(backend: &Backend, task_id: i64, agency_id: i64, deadline: &Deadline, stamp: &Stamp) -> Result<i64, StoreError> {
        let (_guard, mut tx) = backend.begin().await?;
        let id = insert_assignment(&mut tx, task_id, agency_id, deadline, stamp).await?;
        commit(tx).await?;
        Ok(id)
    }

    /// Applies a status change to an assignment: updates its current row, closes the
    /// current knowledge span and opens the next, and records the event.
    pub(super) async fn change_assignment_in(
        tx: &mut Tx<'_>,
        id: i64,
        change: &StateChange,
        action: &str,
        details: serde_json::Value,
        stamp: &Stamp,
    ) -> Result<AssignmentState, StoreError> {
        let mut sql = Sql::default();
        sql.push_args(
            "SELECT id, task_id, agency_id, known_from, deadline_kind, due, completed_on, cancelled FROM assignment_states WHERE assignment_id = ? AND known_to IS NULL",
            [Arg::I64(id)],
        );
        let row = tx_optional(tx, &sql).await?.ok_or(StoreError::NotFound("assignment"))?;
        let span_id: i64 = row.try_get("id")?;
        let task_id: i64 = row.try_get("task_id")?;
        let agency_id: i64 = row.try_get("agency_id")?;
        let known_from: i64 = row.try_get("known_from")?;
        let before = AssignmentState {
            deadline_kind: parse_kind(&row.try_get::<String, _>("deadline_kind")?),
            due: row.try_get("due")?,
            completed_on: row.try_get("completed_on")?,
            cancelled: row.try_get("cancelled")?,
        };
        if stamp.recorded_at < known_from {
            return Err(StoreError::Invalid(
                "history can only be appended: this change is dated before the assignment's last change".into(),
            ));
        }
        let after = before.apply(change);
        if stamp.recorded_at == known_from {
            let mut sql = Sql::default();
            sql.push_args(
                "UPDATE assignment_states SET deadline_kind = ?, due = ?, completed_on = ?, cancelled = ? WHERE id = ?",
                [
                    Arg::Text(after.deadline_kind.as_str().into()),
                    Arg::OptDate(after.due),
                    Arg::OptDate(after.completed_on),
                    Arg::Bool(after.cancelled),
                    Arg::I64(span_id),
                ],
            );
            tx_exec(tx, &sql).await?;
            shift_buckets(tx, &[(Bucket::of(&before), -1), (Bucket::of(&after), 1)]).await?;
        } else {
            let mut sql = Sql::default();
            sql.push_args("UPDATE assignment_states SET known_to = ? WHERE id = ?", [Arg::I64(stamp.recorded_at), Arg::I64(span_id)]);
            tx_exec(tx, &sql).await?;
            shift_buckets(tx, &[(Bucket::of(&before), -1)]).await?;
            insert_span(tx, id, task_id, agency_id, stamp.recorded_at, &after).await?;
        }
        let mut sql = Sql::default();
        sql.push_args(
            "UPDATE assignments SET deadline_kind = ?, due = ?, completed_on = ?, cancelled = ?, updated_at = ? WHERE id = ?",
            [
                Arg::Text(after.deadline_kind.as_str().into()),
                Arg::OptDate(after.due),
                Arg::OptDate(after.completed_on),
                Arg::Bool(after.cancelled),
                Arg::I64(stamp.recorded_at),
                Arg::I64(id),
            ],
        );
        tx_exec(tx, &sql).await?;
        audit(
            tx,
            stamp,
            &Audit {
                entity: "assignment",
                entity_id: id,
                action: action.into(),
                changes: serde_json::json!({"change": change, "before": before, "after": after, "details": details}),
            },
        )
        .await?;
        Ok(after)
    }

    pub async fn change_assignment(
        backend: &Backend,
        id: i64,
        change: &StateChange,
        action: &str,
        details: serde_json::Value,
        stamp: &Stamp,
    ) -> Result<AssignmentState, StoreError> {
        let (_guard, mut tx) = backend.begin().await?;
        let state = change_assignment_in(&mut tx, id, change, action, details, stamp).await?;
        commit(tx).await?;
        Ok(state)
    }
}
