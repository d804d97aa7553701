// Included by `repo.rs`, itself included by `sqlite.rs` and `postgres.rs`.

pub mod reports {
    //! Progress reports of agencies on their assignments, and their review.

    use super::*;

    const REPORT_COLS: &str = "r.id, r.assignment_id, a.task_id, a.agency_id, r.author_id, r.reported_on, r.percent, r.claims_completion, r.completed_on, \
         r.narrative, r.difficulties, r.proposals, r.evidence_number, r.review_state, r.review_note, r.created_at, r.updated_at";

    fn report_from(row: &DbRow) -> Result<tiendo_core::model::ProgressReport, StoreError> {
        Ok(tiendo_core::model::ProgressReport {
            id: row.try_get("id")?,
            assignment_id: row.try_get("assignment_id")?,
            task_id: row.try_get("task_id")?,
            agency_id: row.try_get("agency_id")?,
            author_id: row.try_get("author_id")?,
            reported_on: row.try_get("reported_on")?,
            percent: row.try_get::<Option<i32>, _>("percent")?,
            claims_completion: row.try_get("claims_completion")?,
            completed_on: row.try_get("completed_on")?,
            narrative: row.try_get("narrative")?,
            difficulties: row.try_get("difficulties")?,
            proposals: row.try_get("proposals")?,
            evidence_number: row.try_get("evidence_number")?,
            review_state: row.try_get("review_state")?,
            review_note: row.try_get("review_note")?,
            created_at: instant_rfc3339(row.try_get("created_at")?),
            updated_at: instant_rfc3339(row.try_get("updated_at")?),
        })
    }

    pub async fn create_report(backend: &Backend, r: &NewReport, stamp: &Stamp) -> Result<i64, StoreError> {
        let (_guard, mut tx) = backend.begin().await?;
        let id = insert_report(&mut tx, r, stamp).await?;
        commit(tx).await?;
        Ok(id)
    }

    /// Writes a progress report and its audit entry inside a transaction.
    pub(super) async fn insert_report(tx: &mut Tx<'_>, r: &NewReport, stamp: &Stamp) -> Result<i64, StoreError> {
        let review_state = if r.claims_completion { "pending" } else { "none" };
        let mut sql = Sql::default();
        sql.push_args(
            "INSERT INTO progress_reports (assignment_id, author_id, reported_on, percent, claims_completion, completed_on, narrative, difficulties, proposals, evidence_number, review_state, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            [
                Arg::I64(r.assignment_id),
                Arg::I64(r.author_id),
                Arg::Date(r.reported_on),
                Arg::OptI64(r.percent.map(i64::from)),
                Arg::Bool(r.claims_completion),
                Arg::OptDate(r.completed_on),
                Arg::Text(r.narrative.clone()),
                Arg::OptText(r.difficulties.clone()),
                Arg::OptText(r.proposals.clone()),
                Arg::OptText(r.evidence_number.clone()),
                Arg::Text(review_state.into()),
                Arg::I64(stamp.recorded_at),
                Arg::I64(stamp.recorded_at),
            ],
        );
        let id = tx_insert_id(tx, &sql).await?;
        audit(
            tx,
            stamp,
            &Audit {
                entity: "progress_report",
                entity_id: id,
                action: "create".into(),
                changes: serde_json::json!({
                    "assignment_id": r.assignment_id, "reported_on": r.reported_on, "percent": r.percent, "claims_completion": r.claims_completion,
                    "completed_on": r.completed_on, "narrative": r.narrative, "difficulties": r.difficulties, "proposals": r.proposals, "evidence_number": r.evidence_number,
                }),
            },
        )
        .await?;
        Ok(id)
    }

    /// Edits a report that has not been reviewed yet.
    pub async fn update_report(backend: &Backend, id: i64, r: &NewReport, stamp: &Stamp) -> Result<(), StoreError> {
        let before = get_report(&backend.pool, id).await?.ok_or(StoreError::NotFound("progress report"))?;
        if before.review_state == "accepted" {
            return Err(StoreError::Conflict("an accepted report cannot be changed".into()));
        }
        let (_guard, mut tx) = backend.begin().await?;
        let review_state = if r.claims_completion { "pending" } else { "none" };
        let mut sql = Sql::default();
        sql.push_args(
            "UPDATE progress_reports SET reported_on = ?, percent = ?, claims_completion = ?, completed_on = ?, narrative = ?, difficulties = ?, proposals = ?, evidence_number = ?, review_state = ?, updated_at = ? WHERE id = ?",
            [
                Arg::Date(r.reported_on),
                Arg::OptI64(r.percent.map(i64::from)),
                Arg::Bool(r.claims_completion),
                Arg::OptDate(r.completed_on),
                Arg::Text(r.narrative.clone()),
                Arg::OptText(r.difficulties.clone()),
                Arg::OptText(r.proposals.clone()),
                Arg::OptText(r.evidence_number.clone()),
                Arg::Text(review_state.into()),
                Arg::I64(stamp.recorded_at),
                Arg::I64(id),
            ],
        );
        tx_exec(&mut tx, &sql).await?;
        audit(
            &mut tx,
            stamp,
            &Audit {
                entity: "progress_report",
                entity_id: id,
                action: "update".into(),
                changes: serde_json::json!({"before": before, "after": {
                    "reported_on": r.reported_on, "percent": r.percent, "claims_completion": r.claims_completion, "completed_on": r.completed_on,
                    "narrative": r.narrative, "difficulties": r.difficulties, "proposals": r.proposals, "evidence_number": r.evidence_number}}),
            },
        )
        .await?;
        commit(tx).await?;
        Ok(())
    }

    /// Accepts or returns a report. Accepting a report that claims completion
    /// confirms the completion of its assignment, in the same transaction.
    pub async fn review_report(
        backend: &Backend,
        id: i64,
        accept: bool,
        note: Option<&str>,
        stamp: &Stamp,
    ) -> Result<(), StoreError> {
        review_reports(backend, &[id], accept, note, stamp).await
    }

    /// Accepts or returns several reports in one transaction: all of them, or
    /// none when one is missing or no longer waiting for review. Each report is
    /// read inside the transaction and updated only while still pending, so two
    /// reviewers never decide the same report twice.
    pub async fn review_reports(
        backend: &Backend,
        ids: &[i64],
        accept: bool,
        note: Option<&str>,
        stamp: &Stamp,
    ) -> Result<(), StoreError> {
        let (_guard, mut tx) = backend.begin().await?;
        let state = if accept { "accepted" } else { "returned" };
        for &id in ids {
            let mut read = Sql::new(&format!("SELECT {REPORT_COLS} FROM progress_reports r JOIN assignments a ON a.id = r.assignment_id WHERE "));
            read.push_args("r.id = ?", [Arg::I64(id)]);
            let report = tx_optional(&mut tx, &read)
                .await?
                .as_ref()
                .map(report_from)
                .transpose()?
                .ok_or(StoreError::NotFound("progress report"))?;
            let not_pending = || {
                StoreError::Conflict(format!(
                    "report {id} is not waiting for review (its review state is `{}`)",
                    report.review_state
                ))
            };
            if report.review_state != "pending" {
                return Err(not_pending());
            }
            let mut sql = Sql::default();
            sql.push_args(
                "UPDATE progress_reports SET review_state = ?, review_note = ?, reviewed_by = ?, reviewed_at = ?, updated_at = ? WHERE id = ? AND review_state = 'pending'",
                [
                    Arg::Text(state.into()),
                    Arg::OptText(note.map(str::to_string)),
                    Arg::OptI64(stamp.actor_id),
                    Arg::I64(stamp.recorded_at),
                    Arg::I64(stamp.recorded_at),
                    Arg::I64(id),
                ],
            );
            if tx_exec(&mut tx, &sql).await? == 0 {
                return Err(not_pending());
            }
            audit(
                &mut tx,
                stamp,
                &Audit {
                    entity: "progress_report",
                    entity_id: id,
                    action: if accept { "accept".into() } else { "return".into() },
                    changes: serde_json::json!({"review_state": state, "note": note}),
                },
            )
            .await?;
            if accept && report.claims_completion {
                let on = report.completed_on.unwrap_or(report.reported_on);
                change_assignment_in(
                    &mut tx,
                    report.assignment_id,
                    &StateChange::Completed { on },
                    "complete",
                    serde_json::json!({"report_id": id}),
                    stamp,
                )
                .await?;
            }
        }
        commit(tx).await?;
        Ok(())
    }

    /// Withdraws a report waiting for review (its author changed their mind): it
    /// stays in the history, marked withdrawn, and decides nothing. As of a day
    /// before, it was waiting for review (`reviewed_at` is the withdrawal's time).
    pub async fn withdraw_report(backend: &Backend, id: i64, stamp: &Stamp) -> Result<(), StoreError> {
        let (_guard, mut tx) = backend.begin().await?;
        let mut sql = Sql::default();
        sql.push_args(
            "UPDATE progress_reports SET review_state = 'withdrawn', reviewed_by = ?, reviewed_at = ?, updated_at = ? WHERE id = ? AND review_state = 'pending'",
            [Arg::OptI64(stamp.actor_id), Arg::I64(stamp.recorded_at), Arg::I64(stamp.recorded_at), Arg::I64(id)],
        );
        if tx_exec(&mut tx, &sql).await? == 0 {
            return Err(StoreError::Conflict(format!(
                "report {id} is not waiting for review: only a report waiting for review can be withdrawn"
            )));
        }
        audit(
            &mut tx,
            stamp,
            &Audit {
                entity: "progress_report",
                entity_id: id,
                action: "withdraw".into(),
                changes: serde_json::json!({"review_state": "withdrawn"}),
            },
        )
        .await?;
        commit(tx).await?;
        Ok(())
    }

    pub async fn get_report(pool: &Pool, id: i64) -> Result<Option<tiendo_core::model::ProgressReport>, StoreError> {
        let mut sql = Sql::new(&format!("SELECT {REPORT_COLS} FROM progress_reports r JOIN assignments a ON a.id = r.assignment_id WHERE "));
        sql.push_args("r.id = ?", [Arg::I64(id)]);
        fetch_optional(pool, &sql).await?.as_ref().map(report_from).transpose()
    }

    pub async fn list_reports(pool: &Pool, f: &ReportFilter) -> Result<(Vec<tiendo_core::model::ProgressReport>, i64), StoreError> {
        let mut wh = Sql::new(" WHERE 1=1");
        if let Some(v) = f.assignment_id {
            wh.push_args(" AND r.assignment_id = ?", [Arg::I64(v)]);
        }
        if let Some(v) = f.task_id {
            wh.push_args(" AND a.task_id = ?", [Arg::I64(v)]);
        }
        if let Some(v) = f.agency_id {
            wh.push_args(" AND a.agency_id = ?", [Arg::I64(v)]);
        }
        if let Some(v) = f.confined_to {
            wh.push_args(" AND a.agency_id = ?", [Arg::I64(v)]);
        }
        // As of a day: the reports recorded by then, each in the review state it
        // had then (a review made later leaves it waiting for review).
        let (review_state, cols) = match f.known_by {
            Some(t) => {
                wh.push_args(" AND r.created_at < ?", [Arg::I64(t)]);
                // `t` is an integer computed here, never user text.
                let later = format!("r.reviewed_at IS NOT NULL AND r.reviewed_at >= {t}");
                let state = format!("(CASE WHEN {later} THEN 'pending' ELSE r.review_state END)");
                let cols = REPORT_COLS
                    .replace("r.review_state, r.review_note", &format!("{state} AS review_state, (CASE WHEN {later} THEN NULL ELSE r.review_note END) AS review_note"));
                (state, cols)
            }
            None => ("r.review_state".to_string(), REPORT_COLS.to_string()),
        };
        if let Some(v) = &f.review_state {
            wh.push_args(&format!(" AND {review_state} = ?"), [Arg::Text(v.clone())]);
        }
        let from = " FROM progress_reports r JOIN assignments a ON a.id = r.assignment_id";
        let from_where = Sql { text: format!("{from}{}", wh.text), args: wh.args };
        paged(pool, &cols, from_where, "r.id DESC", f.page, f.per_page, report_from).await
    }
}
