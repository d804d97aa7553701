// Included by `repo.rs`, itself included by `sqlite.rs` and `postgres.rs`.

pub mod extensions {
    //! Requests to extend an assignment's deadline, and their decisions.

    use super::*;

    const EXTENSION_COLS: &str = "x.id, x.assignment_id, a.agency_id, x.requested_by, x.deadline_kind, x.due, x.deadline_raw, x.previous_kind, x.previous_due, \
         x.reason, x.state, x.decision_note, x.decided_by, x.decided_at, x.created_at";

    fn extension_from(row: &DbRow) -> Result<tiendo_core::model::Extension, StoreError> {
        use tiendo_core::model::DeadlineView;
        Ok(tiendo_core::model::Extension {
            id: row.try_get("id")?,
            assignment_id: row.try_get("assignment_id")?,
            agency_id: row.try_get("agency_id")?,
            requested_by: row.try_get("requested_by")?,
            requested_deadline: DeadlineView::from_parts(
                parse_kind(&row.try_get::<String, _>("deadline_kind")?),
                row.try_get("due")?,
                &row.try_get::<String, _>("deadline_raw")?,
            ),
            previous_deadline: DeadlineView::from_parts(
                parse_kind(&row.try_get::<String, _>("previous_kind")?),
                row.try_get("previous_due")?,
                "",
            ),
            reason: row.try_get("reason")?,
            state: row.try_get("state")?,
            decision_note: row.try_get("decision_note")?,
            decided_by: row.try_get("decided_by")?,
            created_at: instant_rfc3339(row.try_get("created_at")?),
            decided_at: row.try_get::<Option<i64>, _>("decided_at")?.map(instant_rfc3339),
        })
    }

    pub async fn create_extension(backend: &Backend, x: &NewExtension, previous: &AssignmentState, stamp: &Stamp) -> Result<i64, StoreError> {
        let (_guard, mut tx) = backend.begin().await?;
        let id = insert_extension(&mut tx, x, previous, stamp).await?;
        commit(tx).await?;
        Ok(id)
    }

    /// Writes a request and its audit entry inside a transaction.
    pub(crate) async fn insert_extension(tx: &mut Tx<'_>, x: &NewExtension, previous: &AssignmentState, stamp: &Stamp) -> Result<i64, StoreError> {
        let mut sql = Sql::default();
        sql.push_args(
            "INSERT INTO extensions (assignment_id, requested_by, deadline_kind, due, deadline_raw, previous_kind, previous_due, reason, state, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'requested', ?) RETURNING id",
            [
                Arg::I64(x.assignment_id),
                Arg::I64(x.requested_by),
                Arg::Text(x.deadline.kind.as_str().into()),
                Arg::OptDate(x.deadline.due),
                Arg::Text(x.deadline.raw.clone()),
                Arg::Text(previous.deadline_kind.as_str().into()),
                Arg::OptDate(previous.due),
                Arg::Text(x.reason.clone()),
                Arg::I64(stamp.recorded_at),
            ],
        );
        let id = tx_insert_id(tx, &sql).await?;
        audit(
            tx,
            stamp,
            &Audit {
                entity: "extension",
                entity_id: id,
                action: "request".into(),
                changes: serde_json::json!({"assignment_id": x.assignment_id, "deadline": x.deadline, "previous": {"kind": previous.deadline_kind, "due": previous.due}, "reason": x.reason}),
            },
        )
        .await?;
        Ok(id)
    }

    /// Approves or refuses a request. Approval moves the assignment's deadline in the
    /// same transaction; the earlier deadline stays in the history.
    pub async fn decide_extension(backend: &Backend, id: i64, approve: bool, note: Option<&str>, stamp: &Stamp) -> Result<(), StoreError> {
        let mut sql = Sql::new(&format!("SELECT {EXTENSION_COLS} FROM extensions x JOIN assignments a ON a.id = x.assignment_id WHERE "));
        sql.push_args("x.id = ?", [Arg::I64(id)]);
        let x = fetch_optional(&backend.pool, &sql)
            .await?
            .as_ref()
            .map(extension_from)
            .transpose()?
            .ok_or(StoreError::NotFound("extension"))?;
        if x.state != "requested" {
            return Err(StoreError::Conflict(format!("extension {id} was already decided ({})", x.state)));
        }
        let (_guard, mut tx) = backend.begin().await?;
        let state = if approve { "approved" } else { "refused" };
        let mut sql = Sql::default();
        sql.push_args(
            "UPDATE extensions SET state = ?, decision_note = ?, decided_by = ?, decided_at = ? WHERE id = ?",
            [
                Arg::Text(state.into()),
                Arg::OptText(note.map(str::to_string)),
                Arg::OptI64(stamp.actor_id),
                Arg::I64(stamp.recorded_at),
                Arg::I64(id),
            ],
        );
        tx_exec(&mut tx, &sql).await?;
        audit(
            &mut tx,
            stamp,
            &Audit {
                entity: "extension",
                entity_id: id,
                action: if approve { "approve".into() } else { "refuse".into() },
                changes: serde_json::json!({"state": state, "note": note}),
            },
        )
        .await?;
        if approve {
            let kind = DeadlineKind::parse(&x.requested_deadline.kind).unwrap_or(DeadlineKind::Date);
            change_assignment_in(
                &mut tx,
                x.assignment_id,
                &StateChange::DeadlineSet { kind, due: x.requested_deadline.due },
                "extend",
                serde_json::json!({"extension_id": id}),
                stamp,
            )
            .await?;
        }
        commit(tx).await?;
        Ok(())
    }

    /// Withdraws a request not decided yet: it stays in the history, marked
    /// withdrawn; the deadline does not move. As of a day before, it was waiting.
    pub async fn withdraw_extension(backend: &Backend, id: i64, stamp: &Stamp) -> Result<(), StoreError> {
        let (_guard, mut tx) = backend.begin().await?;
        let mut sql = Sql::default();
        sql.push_args(
            "UPDATE extensions SET state = 'withdrawn', decided_by = ?, decided_at = ? WHERE id = ? AND state = 'requested'",
            [Arg::OptI64(stamp.actor_id), Arg::I64(stamp.recorded_at), Arg::I64(id)],
        );
        if tx_exec(&mut tx, &sql).await? == 0 {
            return Err(StoreError::Conflict(format!(
                "extension {id} was already decided: only a request waiting for a decision can be withdrawn"
            )));
        }
        audit(
            &mut tx,
            stamp,
            &Audit {
                entity: "extension",
                entity_id: id,
                action: "withdraw".into(),
                changes: serde_json::json!({"state": "withdrawn"}),
            },
        )
        .await?;
        commit(tx).await?;
        Ok(())
    }

    pub async fn get_extension(pool: &Pool, id: i64) -> Result<Option<tiendo_core::model::Extension>, StoreError> {
        let mut sql = Sql::new(&format!("SELECT {EXTENSION_COLS} FROM extensions x JOIN assignments a ON a.id = x.assignment_id WHERE "));
        sql.push_args("x.id = ?", [Arg::I64(id)]);
        fetch_optional(pool, &sql).await?.as_ref().map(extension_from).transpose()
    }

    pub async fn list_extensions(pool: &Pool, f: &ExtensionFilter) -> Result<(Vec<tiendo_core::model::Extension>, i64), StoreError> {
        let mut wh = Sql::new(" WHERE 1=1");
        if let Some(v) = f.assignment_id {
            wh.push_args(" AND x.assignment_id = ?", [Arg::I64(v)]);
        }
        if let Some(v) = f.agency_id {
            wh.push_args(" AND a.agency_id = ?", [Arg::I64(v)]);
        }
        if let Some(v) = f.confined_to {
            wh.push_args(" AND a.agency_id = ?", [Arg::I64(v)]);
        }
        // As of a day: the requests made by then, undecided if decided later.
        let (state, cols) = match f.known_by {
            Some(t) => {
                wh.push_args(" AND x.created_at < ?", [Arg::I64(t)]);
                // `t` is an integer computed here, never user text.
                let later = format!("x.decided_at IS NOT NULL AND x.decided_at >= {t}");
                let state = format!("(CASE WHEN {later} THEN 'requested' ELSE x.state END)");
                let cols = EXTENSION_COLS.replace(
                    "x.state, x.decision_note, x.decided_by, x.decided_at",
                    &format!(
                        "(CASE WHEN {later} THEN 'requested' ELSE x.state END) AS state, (CASE WHEN {later} THEN NULL ELSE x.decision_note END) AS decision_note, \
                         (CASE WHEN {later} THEN NULL ELSE x.decided_by END) AS decided_by, (CASE WHEN {later} THEN NULL ELSE x.decided_at END) AS decided_at"
                    ),
                );
                (state, cols)
            }
            None => ("x.state".to_string(), EXTENSION_COLS.to_string()),
        };
        if let Some(v) = &f.state {
            wh.push_args(&format!(" AND {state} = ?"), [Arg::Text(v.clone())]);
        }
        let from = " FROM extensions x JOIN assignments a ON a.id = x.assignment_id";
        let from_where = Sql { text: format!("{from}{}", wh.text), args: wh.args };
        paged(pool, &cols, from_where, "x.id DESC", f.page, f.per_page, extension_from).await
    }
}
