// Proposed tasks of imported documents (drafts), written once for both backends.

pub mod drafts {
    use super::*;
    use crate::types::{DraftRow, DraftUnit, NewDraft, NewAgency};

    const DRAFT_COLS: &str = "id, document_id, position, ref, text, lead_json, coord_json, deadline_kind, due, deadline_raw, product, \
         span_start, span_end, six_clear, source_doc, state, task_id, repeat_of, first_words, confidence_permille, doubts_json, units_json, unit_parent";

    fn units_from(json: &str) -> Vec<DraftUnit> {
        serde_json::from_str(json).unwrap_or_default()
    }

    fn draft_from(row: &DbRow) -> Result<DraftRow, StoreError> {
        let start: Option<i64> = row.try_get("span_start")?;
        let end: Option<i64> = row.try_get("span_end")?;
        Ok(DraftRow {
            id: row.try_get("id")?,
            document_id: row.try_get("document_id")?,
            position: row.try_get::<i32, _>("position")? as i64,
            ref_: row.try_get("ref")?,
            text: row.try_get("text")?,
            lead: json_list(&row.try_get::<String, _>("lead_json")?),
            coord: json_list(&row.try_get::<String, _>("coord_json")?),
            deadline_kind: row.try_get("deadline_kind")?,
            due: row.try_get("due")?,
            deadline_raw: row.try_get("deadline_raw")?,
            product: row.try_get("product")?,
            span: start.zip(end),
            six_clear: json_list(&row.try_get::<String, _>("six_clear")?),
            source_doc: row.try_get("source_doc")?,
            state: row.try_get("state")?,
            task_id: row.try_get("task_id")?,
            repeat_of: row.try_get("repeat_of")?,
            first_words: row.try_get("first_words")?,
            confidence_permille: row.try_get("confidence_permille")?,
            doubts: json_list(&row.try_get::<String, _>("doubts_json")?),
            units: units_from(&row.try_get::<String, _>("units_json")?),
            unit_parent: row.try_get("unit_parent")?,
        })
    }

    fn draft_args(d: &NewDraft) -> Vec<Arg> {
        vec![
            Arg::Text(serde_json::to_string(&d.lead).unwrap_or_default()),
            Arg::Text(serde_json::to_string(&d.coord).unwrap_or_default()),
            Arg::Text(d.deadline_kind.clone()),
            Arg::OptDate(d.due),
            Arg::Text(d.deadline_raw.clone()),
            Arg::OptText(d.product.clone()),
            Arg::Text(serde_json::to_string(&d.six_clear).unwrap_or_default()),
            Arg::OptText(d.first_words.clone()),
            Arg::OptI64(d.confidence_permille),
            Arg::Text(serde_json::to_string(&d.doubts).unwrap_or_default()),
            Arg::Text(serde_json::to_string(&d.units).unwrap_or_default()),
            Arg::OptText(d.unit_parent.clone()),
        ]
    }

    pub async fn create_drafts(backend: &Backend, document_id: i64, drafts: &[NewDraft], stamp: &Stamp) -> Result<Vec<i64>, StoreError> {
        let (_guard, mut tx) = backend.begin().await?;
        let mut ids = Vec::with_capacity(drafts.len());
        for d in drafts {
            let mut sql = Sql::default();
            sql.push_args(
                "INSERT INTO task_drafts (document_id, position, ref, text, span_start, span_end, source_doc, repeat_of, state, created_at, updated_at, \
                 lead_json, coord_json, deadline_kind, due, deadline_raw, product, six_clear, first_words, confidence_permille, doubts_json, units_json, unit_parent) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'proposed', ?, ?, ",
                [
                    Arg::I64(document_id),
                    Arg::I64(d.position),
                    Arg::OptText(d.ref_.clone()),
                    Arg::Text(d.text.clone()),
                    Arg::OptI64(d.span.map(|s| s.0)),
                    Arg::OptI64(d.span.map(|s| s.1)),
                    Arg::OptText(d.source_doc.clone()),
                    Arg::OptI64(d.repeat_of),
                    Arg::I64(stamp.recorded_at),
                    Arg::I64(stamp.recorded_at),
                ],
            );
            sql.push_args("?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id", draft_args(d));
            ids.push(tx_insert_id(&mut tx, &sql).await?);
        }
        audit(
            &mut tx,
            stamp,
            &Audit {
                entity: "document",
                entity_id: document_id,
                action: "propose_tasks".into(),
                changes: serde_json::json!({"drafts": ids.len()}),
            },
        )
        .await?;
        commit(tx).await?;
        Ok(ids)
    }

    pub async fn list_drafts(pool: &Pool, document_id: i64) -> Result<Vec<DraftRow>, StoreError> {
        let mut sql = Sql::new(&format!("SELECT {DRAFT_COLS} FROM task_drafts WHERE "));
        sql.push_args("document_id = ? ORDER BY position, id", [Arg::I64(document_id)]);
        fetch_all(pool, &sql).await?.iter().map(draft_from).collect()
    }

    pub async fn get_draft(pool: &Pool, id: i64) -> Result<Option<DraftRow>, StoreError> {
        let mut sql = Sql::new(&format!("SELECT {DRAFT_COLS} FROM task_drafts WHERE "));
        sql.push_args("id = ?", [Arg::I64(id)]);
        fetch_optional(pool, &sql).await?.as_ref().map(draft_from).transpose()
    }

    /// Saves an edited draft (or drops it: state `dropped`), with its history.
    pub async fn update_draft(backend: &Backend, id: i64, d: &NewDraft, state: &str, stamp: &Stamp) -> Result<(), StoreError> {
        let before = get_draft(&backend.pool, id).await?.ok_or(StoreError::NotFound("draft"))?;
        if before.state == "confirmed" {
            return Err(StoreError::Conflict("a confirmed draft is a task now: change the task instead".into()));
        }
        let (_guard, mut tx) = backend.begin().await?;
        let mut sql = Sql::default();
        sql.push_args(
            "UPDATE task_drafts SET ref = ?, text = ?, span_start = ?, span_end = ?, state = ?, updated_at = ?, ",
            [
                Arg::OptText(d.ref_.clone()),
                Arg::Text(d.text.clone()),
                Arg::OptI64(d.span.map(|s| s.0)),
                Arg::OptI64(d.span.map(|s| s.1)),
                Arg::Text(state.into()),
                Arg::I64(stamp.recorded_at),
            ],
        );
        sql.push_args(
            "lead_json = ?, coord_json = ?, deadline_kind = ?, due = ?, deadline_raw = ?, product = ?, six_clear = ?, \
             first_words = ?, confidence_permille = ?, doubts_json = ?, units_json = ?, unit_parent = ?",
            draft_args(d),
        );
        sql.push_args(" WHERE id = ?", [Arg::I64(id)]);
        tx_exec(&mut tx, &sql).await?;
        audit(
            &mut tx,
            stamp,
            &Audit {
                entity: "draft",
                entity_id: id,
                action: if state == "dropped" { "drop".into() } else { "edit".into() },
                changes: serde_json::json!({
                    "before": {"ref": before.ref_, "text": before.text, "lead": before.lead, "coord": before.coord, "deadline_kind": before.deadline_kind, "due": before.due, "product": before.product, "unit_parent": before.unit_parent, "state": before.state},
                    "after": {"ref": d.ref_, "text": d.text, "lead": d.lead, "coord": d.coord, "deadline_kind": d.deadline_kind, "due": d.due, "product": d.product, "unit_parent": d.unit_parent, "state": state},
                }),
            },
        )
        .await?;
        commit(tx).await?;
        Ok(())
    }

    /// Turns a draft into a task with its assignments, in one transaction. `units`
    /// are bodies the task names that join the agency register first (each with its
    /// own audit entry; one already there under its code is reused): the task's
    /// parties that carry their code and no id get the new id, and a lead among
    /// them gets an assignment.
    pub async fn confirm_draft(backend: &Backend, id: i64, task: &NewTask, units: &[NewAgency], stamp: &Stamp) -> Result<i64, StoreError> {
        let draft = get_draft(&backend.pool, id).await?.ok_or(StoreError::NotFound("draft"))?;
        if draft.state != "proposed" {
            return Err(StoreError::Conflict(format!("draft {id} is {}, not waiting for confirmation", draft.state)));
        }
        let (_guard, mut tx) = backend.begin().await?;
        let mut task = task.clone();
        let mut added = Vec::new();
        for unit in units {
            let mut sql = Sql::default();
            sql.push_args("SELECT id FROM agencies WHERE code = ?", [Arg::Text(unit.code.clone())]);
            let agency_id = match tx_optional(&mut tx, &sql).await? {
                Some(row) => row.try_get::<i64, _>(0)?,
                None => {
                    let new_id = agencies::insert_agency(&mut tx, unit, stamp, serde_json::json!({"draft": id, "document": draft.document_id})).await?;
                    added.push(unit.code.clone());
                    new_id
                }
            };
            for party in task.lead.iter_mut().chain(task.coord.iter_mut()) {
                if party.agency_id.is_none() && party.code == unit.code {
                    party.agency_id = Some(agency_id);
                }
            }
            if task.lead.iter().any(|p| p.code == unit.code) && !task.assignees.contains(&agency_id) {
                task.assignees.push(agency_id);
            }
        }
        let task_id = insert_task(&mut tx, &task, stamp).await?;
        let mut sql = Sql::default();
        sql.push_args(
            "UPDATE task_drafts SET state = 'confirmed', task_id = ?, updated_at = ? WHERE id = ? AND state = 'proposed'",
            [Arg::I64(task_id), Arg::I64(stamp.recorded_at), Arg::I64(id)],
        );
        if tx_exec(&mut tx, &sql).await? != 1 {
            return Err(StoreError::Conflict(format!("draft {id} was confirmed by someone else meanwhile")));
        }
        audit(
            &mut tx,
            stamp,
            &Audit {
                entity: "draft",
                entity_id: id,
                action: "confirm".into(),
                changes: serde_json::json!({"task_id": task_id, "agencies_added": added}),
            },
        )
        .await?;
        commit(tx).await?;
        Ok(task_id)
    }

    /// Tasks of other documents whose folded text holds any of the given words: the
    /// candidates for "this task repeats an earlier one", scored by
    /// `tiendo_core::repeat`. The most recent first. (id, text, search_text)
    pub async fn similar_tasks(pool: &Pool, words: &[String], exclude_document: i64) -> Result<Vec<(i64, String, String)>, StoreError> {
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = Sql::default();
        sql.push_args("SELECT id, text, search_text FROM tasks WHERE document_id <> ? AND (", [Arg::I64(exclude_document)]);
        for (i, w) in words.iter().enumerate() {
            if i > 0 {
                sql.push(" OR ");
            }
            sql.push_args("search_text LIKE ?", [Arg::Text(format!("%{w}%"))]);
        }
        sql.push(") ORDER BY id DESC LIMIT 500");
        let mut out = Vec::new();
        for row in fetch_all(pool, &sql).await? {
            out.push((row.try_get("id")?, row.try_get("text")?, row.try_get("search_text")?));
        }
        Ok(out)
    }
}
