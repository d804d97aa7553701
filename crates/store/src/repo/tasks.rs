// Included by `repo.rs`, itself included by `sqlite.rs` and `postgres.rs`.

pub mod tasks {
    //! Tasks: writes (one, many, an imported document's), lookups and edits, and
    //! the task list (from the tasks or from the assignment spans).

    use super::*;

    const TASK_COLS: &str = "t.id, t.document_id, d.kind AS doc_kind, d.number AS doc_number, d.issued_on AS doc_issued_on, d.title AS doc_title, \
         t.ref, t.text, t.product, t.field, t.priority, t.deadline_kind, t.due, t.deadline_raw, t.lead_json, t.coord_json, t.leader, \
         t.source_citation, t.cancelled, t.created_at, t.updated_at";

    fn task_from(row: &DbRow) -> Result<TaskRow, StoreError> {
        let doc_kind: String = row.try_get("doc_kind")?;
        let doc_number: Option<String> = row.try_get("doc_number")?;
        let doc_issued_on: Option<NaiveDate> = row.try_get("doc_issued_on")?;
        let doc_title: String = row.try_get("doc_title")?;
        Ok(TaskRow {
            id: row.try_get("id")?,
            document_id: row.try_get("document_id")?,
            document_citation: citation(&doc_kind, doc_number.as_deref(), doc_issued_on, &doc_title),
            ref_: row.try_get("ref")?,
            text: row.try_get("text")?,
            product: row.try_get("product")?,
            field: row.try_get("field")?,
            priority: row.try_get("priority")?,
            deadline: Deadline {
                kind: parse_kind(&row.try_get::<String, _>("deadline_kind")?),
                due: row.try_get("due")?,
                raw: row.try_get("deadline_raw")?,
            },
            lead: json_parties(&row.try_get::<String, _>("lead_json")?),
            coord: json_parties(&row.try_get::<String, _>("coord_json")?),
            leader: row.try_get("leader")?,
            source_citation: row.try_get("source_citation")?,
            cancelled: row.try_get("cancelled")?,
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
        })
    }

    pub(super) fn task_search_text(t: &NewTask, extra: &str) -> String {
        let parties: Vec<&str> = t.lead.iter().chain(t.coord.iter()).map(|p| p.name.as_str()).collect();
        fold(&format!(
            "{} {} {} {} {} {}",
            t.ref_.as_deref().unwrap_or(""),
            t.text,
            t.product.as_deref().unwrap_or(""),
            t.source_citation.as_deref().unwrap_or(""),
            parties.join(" "),
            extra
        ))
    }

    pub async fn create_task(backend: &Backend, t: &NewTask, stamp: &Stamp) -> Result<i64, StoreError> {
        let (_guard, mut tx) = backend.begin().await?;
        let id = insert_task(&mut tx, t, stamp).await?;
        commit(tx).await?;
        Ok(id)
    }

    pub(super) async fn insert_task(tx: &mut Tx<'_>, t: &NewTask, stamp: &Stamp) -> Result<i64, StoreError> {
        let mut sql = Sql::default();
        sql.push_args(
            "INSERT INTO tasks (document_id, ref, text, product, field, priority, deadline_kind, due, deadline_raw, lead_json, coord_json, leader, source_citation, search_text, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            [
                Arg::I64(t.document_id),
                Arg::OptText(t.ref_.clone()),
                Arg::Text(t.text.clone()),
                Arg::OptText(t.product.clone()),
                Arg::OptText(t.field.clone()),
                Arg::I64(i64::from(t.priority)),
                Arg::Text(t.deadline.kind.as_str().into()),
                Arg::OptDate(t.deadline.due),
                Arg::Text(t.deadline.raw.clone()),
                Arg::Text(serde_json::to_string(&t.lead).unwrap_or_default()),
                Arg::Text(serde_json::to_string(&t.coord).unwrap_or_default()),
                Arg::OptText(t.leader.clone()),
                Arg::OptText(t.source_citation.clone()),
                Arg::Text(task_search_text(t, "")),
                Arg::I64(stamp.recorded_at),
                Arg::I64(stamp.recorded_at),
            ],
        );
        let id = tx_insert_id(tx, &sql).await?;
        audit(
            tx,
            stamp,
            &Audit {
                entity: "task",
                entity_id: id,
                action: "create".into(),
                changes: serde_json::json!({
                    "document_id": t.document_id, "ref": t.ref_, "text": t.text, "product": t.product, "field": t.field,
                    "priority": t.priority, "deadline": t.deadline, "lead": t.lead, "coord": t.coord, "leader": t.leader,
                    "source_citation": t.source_citation, "assignees": t.assignees,
                }),
            },
        )
        .await?;
        let mut seen = std::collections::HashSet::new();
        for agency in &t.assignees {
            if seen.insert(*agency) {
                insert_assignment(tx, id, *agency, &t.deadline, stamp).await?;
            }
        }
        Ok(id)
    }

    /// Creates many tasks in one transaction (an import): all or nothing.
    pub async fn create_tasks(backend: &Backend, tasks: &[(NewTask, Stamp)]) -> Result<Vec<i64>, StoreError> {
        let (_guard, mut tx) = backend.begin().await?;
        let mut ids = Vec::with_capacity(tasks.len());
        for (t, stamp) in tasks {
            ids.push(insert_task(&mut tx, t, stamp).await?);
        }
        commit(tx).await?;
        Ok(ids)
    }

    /// Stores an imported document (when new) and its tasks in one transaction:
    /// either all of it is written or nothing. Returns the document id and task ids.
    pub async fn import_document(
        backend: &Backend,
        document: Option<&NewDocument>,
        existing: Option<i64>,
        tasks: &[NewTask],
        stamp: &Stamp,
    ) -> Result<(i64, Vec<i64>), StoreError> {
        let (_guard, mut tx) = backend.begin().await?;
        let document_id = match (document, existing) {
            (_, Some(id)) => id,
            (Some(d), None) => {
                let mut sql = Sql::default();
                sql.push_args(
                    "INSERT INTO documents (number, kind, title, issued_on, issuer, signer, body, search_text, created_at, updated_at) \
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    [
                        Arg::OptText(d.number.clone()),
                        Arg::Text(d.kind.clone()),
                        Arg::Text(d.title.clone()),
                        Arg::OptDate(d.issued_on),
                        Arg::OptText(d.issuer.clone()),
                        Arg::OptText(d.signer.clone()),
                        Arg::OptText(d.body.clone()),
                        Arg::Text(document_search_text(d, d.body.as_deref())),
                        Arg::I64(stamp.recorded_at),
                        Arg::I64(stamp.recorded_at),
                    ],
                );
                let id = tx_insert_id(&mut tx, &sql).await?;
                audit(
                    &mut tx,
                    stamp,
                    &Audit {
                        entity: "document",
                        entity_id: id,
                        action: "import".into(),
                        changes: serde_json::json!({"number": d.number, "kind": d.kind, "title": d.title, "issued_on": d.issued_on, "issuer": d.issuer, "signer": d.signer, "has_text": d.body.is_some()}),
                    },
                )
                .await?;
                id
            }
            (None, None) => return Err(StoreError::Invalid("an import needs a document".into())),
        };
        let mut ids = Vec::with_capacity(tasks.len());
        for t in tasks {
            let mut t = t.clone();
            t.document_id = document_id;
            ids.push(insert_task(&mut tx, &t, stamp).await?);
        }
        commit(tx).await?;
        Ok((document_id, ids))
    }

    pub async fn find_task(pool: &Pool, document_id: i64, ref_: Option<&str>, text: &str) -> Result<Option<i64>, StoreError> {
        let mut sql = Sql::default();
        sql.push_args("SELECT id FROM tasks WHERE document_id = ? AND text = ?", [Arg::I64(document_id), Arg::Text(text.into())]);
        match ref_ {
            Some(r) => sql.push_args(" AND ref = ?", [Arg::Text(r.into())]),
            None => sql.push(" AND ref IS NULL"),
        };
        Ok(match fetch_optional(pool, &sql).await? {
            Some(row) => Some(row.try_get(0)?),
            None => None,
        })
    }

    pub async fn get_task(pool: &Pool, id: i64) -> Result<Option<TaskRow>, StoreError> {
        let mut sql = Sql::new(&format!("SELECT {TASK_COLS} FROM tasks t JOIN documents d ON d.id = t.document_id WHERE "));
        sql.push_args("t.id = ?", [Arg::I64(id)]);
        fetch_optional(pool, &sql).await?.as_ref().map(task_from).transpose()
    }

    pub async fn update_task(backend: &Backend, id: i64, patch: &TaskPatch, stamp: &Stamp) -> Result<(), StoreError> {
        let before = get_task(&backend.pool, id).await?.ok_or(StoreError::NotFound("task"))?;
        let after = NewTask {
            document_id: before.document_id,
            ref_: patch.ref_.clone().unwrap_or(before.ref_.clone()),
            text: patch.text.clone().unwrap_or(before.text.clone()),
            product: patch.product.clone().unwrap_or(before.product.clone()),
            field: patch.field.clone().unwrap_or(before.field.clone()),
            priority: patch.priority.unwrap_or(before.priority),
            deadline: patch.deadline.clone().unwrap_or(before.deadline.clone()),
            lead: before.lead.clone(),
            coord: patch.coord.clone().unwrap_or(before.coord.clone()),
            leader: patch.leader.clone().unwrap_or(before.leader.clone()),
            source_citation: before.source_citation.clone(),
            assignees: Vec::new(),
        };
        let (_guard, mut tx) = backend.begin().await?;
        let mut sql = Sql::default();
        sql.push_args(
            "UPDATE tasks SET ref = ?, text = ?, product = ?, field = ?, priority = ?, deadline_kind = ?, due = ?, deadline_raw = ?, coord_json = ?, leader = ?, search_text = ?, updated_at = ? WHERE id = ?",
            [
                Arg::OptText(after.ref_.clone()),
                Arg::Text(after.text.clone()),
                Arg::OptText(after.product.clone()),
                Arg::OptText(after.field.clone()),
                Arg::I64(i64::from(after.priority)),
                Arg::Text(after.deadline.kind.as_str().into()),
                Arg::OptDate(after.deadline.due),
                Arg::Text(after.deadline.raw.clone()),
                Arg::Text(serde_json::to_string(&after.coord).unwrap_or_default()),
                Arg::OptText(after.leader.clone()),
                Arg::Text(task_search_text(&after, "")),
                Arg::I64(stamp.recorded_at),
                Arg::I64(id),
            ],
        );
        tx_exec(&mut tx, &sql).await?;
        audit(
            &mut tx,
            stamp,
            &Audit {
                entity: "task",
                entity_id: id,
                action: "update".into(),
                changes: serde_json::json!({
                    "before": {"ref": before.ref_, "text": before.text, "product": before.product, "field": before.field, "priority": before.priority, "deadline": before.deadline, "coord": before.coord, "leader": before.leader},
                    "after": {"ref": after.ref_, "text": after.text, "product": after.product, "field": after.field, "priority": after.priority, "deadline": after.deadline, "coord": after.coord, "leader": after.leader},
                }),
            },
        )
        .await?;
        // A corrected task deadline moves the deadline of every assignment that still
        // follows the task's (not those moved by an approved extension).
        if let Some(deadline) = &patch.deadline
            && *deadline != before.deadline
        {
            let mut sql = Sql::default();
            sql.push_args(
                "SELECT id FROM assignments WHERE task_id = ? AND deadline_kind = ? AND ",
                [Arg::I64(id), Arg::Text(before.deadline.kind.as_str().into())],
            );
            match before.deadline.due {
                Some(due) => sql.push_args("due = ?", [Arg::Date(due)]),
                None => sql.push("due IS NULL"),
            };
            let rows = bind(sqlx::query(sqlx::AssertSqlSafe(sql.text_for(POSITIONAL_PARAMETERS))), &sql.args).fetch_all(&mut *tx).await?;
            for row in rows {
                let assignment: i64 = row.try_get(0)?;
                let change = StateChange::DeadlineSet { kind: deadline.kind, due: deadline.due };
                change_assignment_in(&mut tx, assignment, &change, "task_deadline_corrected", serde_json::json!({"task_id": id}), stamp).await?;
            }
        }
        commit(tx).await?;
        Ok(())
    }

    /// The FROM and WHERE of a task list. With an agency or status filter the list
    /// starts from the (few) matching assignment spans and joins their tasks, rather
    /// than testing every task: a province's overdue work is a few thousand tasks of
    /// 200,000.
    fn task_from_where(f: &TaskFilter) -> Sql {
        let t = end_of_day(f.as_of);
        let mut sql = Sql::default();
        if f.status.is_some() || f.agency_id.is_some() {
            sql.push(" FROM (SELECT DISTINCT s.task_id FROM assignment_states s WHERE 1=1");
            known_clause(&mut sql, t);
            if let Some(agency) = f.agency_id {
                sql.push_args(" AND s.agency_id = ?", [Arg::I64(agency)]);
            }
            if let Some(confined) = f.confined_to {
                sql.push_args(" AND s.agency_id = ?", [Arg::I64(confined)]);
            }
            if let Some(status) = f.status {
                status_clause(&mut sql, status, f.as_of, f.due_soon_days);
            }
            sql.push(") x JOIN tasks t ON t.id = x.task_id JOIN documents d ON d.id = t.document_id WHERE 1=1");
        } else {
            sql.push(" FROM tasks t JOIN documents d ON d.id = t.document_id WHERE 1=1");
            if let Some(confined) = f.confined_to {
                sql.push_args(" AND t.id IN (SELECT a.task_id FROM assignments a WHERE a.agency_id = ?)", [Arg::I64(confined)]);
            }
        }
        if f.known_only {
            sql.push_args(" AND t.created_at < ?", [Arg::I64(t)]);
        }
        if let Some(doc) = f.document_id {
            sql.push_args(" AND t.document_id = ?", [Arg::I64(doc)]);
        }
        if let Some(field) = &f.field {
            sql.push_args(" AND t.field = ?", [Arg::Text(field.clone())]);
        }
        if let Some(from) = f.due_from {
            sql.push_args(" AND t.due >= ?", [Arg::Date(from)]);
        }
        if let Some(to) = f.due_to {
            sql.push_args(" AND t.due <= ?", [Arg::Date(to)]);
        }
        for word in &f.words {
            sql.push_args(" AND t.search_text LIKE ?", [Arg::Text(format!("%{word}%"))]);
        }
        if let Some(lacking) = f.lacking {
            sql.push(" AND ");
            sql.push(&lacking_clause(lacking));
        }
        sql
    }

    /// The SQL of `tiendo_core::clarity`: the same columns tested the same way
    /// (the test `lacking_filter_agrees_with_the_core_rule` holds them equal).
    fn lacking_clause(lacking: tiendo_core::clarity::Lacking) -> String {
        use tiendo_core::clarity::{Clarity, Lacking};
        let one = |c: Clarity| -> &'static str {
            match c {
                Clarity::Person => "t.lead_json = '[]'",
                Clarity::Task => "TRIM(t.text) = ''",
                Clarity::Time => "t.deadline_kind = 'none'",
                Clarity::Responsibility => "(t.leader IS NULL OR TRIM(t.leader) = '')",
                Clarity::Product => "(t.product IS NULL OR TRIM(t.product) = '')",
                Clarity::Authority => "t.document_id <= 0",
            }
        };
        match lacking {
            Lacking::One(c) => one(c).to_string(),
            Lacking::Any => format!("({})", Clarity::ALL.map(one).join(" OR ")),
        }
    }

    pub async fn list_tasks(pool: &Pool, f: &TaskFilter) -> Result<(Vec<TaskRow>, i64), StoreError> {
        if let Some(page) = list_tasks_from_spans(pool, f).await? {
            return Ok(page);
        }
        let from_where = task_from_where(f);
        let order = match f.sort {
            TaskSort::Due => "(t.due IS NULL), t.due, t.id",
            TaskSort::DueDesc => "(t.due IS NULL), t.due DESC, t.id DESC",
            TaskSort::Created => "t.id",
            TaskSort::CreatedDesc => "t.id DESC",
            TaskSort::Document => "t.document_id, t.id",
        };
        paged(pool, TASK_COLS, from_where, order, f.page, f.per_page, task_from).await
    }

    /// The common case of the task list, "an agency's tasks in a status", answered from
    /// the assignment spans alone (a covering index), then only the page's tasks read.
    /// Tasks are ordered by the earliest due day of their matching assignments. `None`
    /// when the filter needs task columns (document, field, words, due range).
    async fn list_tasks_from_spans(pool: &Pool, f: &TaskFilter) -> Result<Option<(Vec<TaskRow>, i64)>, StoreError> {
        let spans_only = (f.status.is_some() || f.agency_id.is_some())
            && f.document_id.is_none()
            && f.field.is_none()
            && f.words.is_empty()
            && f.lacking.is_none()
            && f.due_from.is_none()
            && f.due_to.is_none()
            && !matches!(f.sort, TaskSort::Document);
        if !spans_only {
            return Ok(None);
        }
        let mut wh = Sql::new(" FROM assignment_states s WHERE 1=1");
        known_clause(&mut wh, end_of_day(f.as_of));
        if let Some(agency) = f.agency_id {
            wh.push_args(" AND s.agency_id = ?", [Arg::I64(agency)]);
        }
        if let Some(confined) = f.confined_to {
            wh.push_args(" AND s.agency_id = ?", [Arg::I64(confined)]);
        }
        if let Some(status) = f.status {
            status_clause(&mut wh, status, f.as_of, f.due_soon_days);
        }
        let order = match f.sort {
            TaskSort::Due => "(MIN(s.due) IS NULL), MIN(s.due), s.task_id",
            TaskSort::DueDesc => "(MIN(s.due) IS NULL), MIN(s.due) DESC, s.task_id DESC",
            TaskSort::Created => "s.task_id",
            TaskSort::CreatedDesc | TaskSort::Document => "s.task_id DESC",
        };
        // The page and the number of matching tasks in one query (a window over the
        // groups). With one agency there is at most one current span per task (an
        // assignment is one task for one agency), so no grouping is needed.
        let one_per_task = f.agency_id.is_some() || f.confined_to.is_some();
        let text = if one_per_task {
            let order = order.replace("MIN(s.due)", "s.due");
            format!("SELECT s.task_id, COUNT(*) OVER () AS total{} ORDER BY {order}", wh.text)
        } else {
            format!("SELECT s.task_id, COUNT(*) OVER () AS total{} GROUP BY s.task_id ORDER BY {order}", wh.text)
        };
        let mut sql = Sql { text, args: wh.args.clone() };
        page_clause(&mut sql, f.page, f.per_page);
        let mut ids = Vec::new();
        let mut total = 0;
        for row in fetch_all(pool, &sql).await? {
            ids.push(row.try_get::<i64, _>("task_id")?);
            total = row.try_get::<i64, _>("total")?;
        }
        if ids.is_empty() && f.page > 1 {
            // Past the last page: the window saw no rows, so count separately.
            total = count(pool, &Sql { text: format!("SELECT COUNT(DISTINCT s.task_id){}", wh.text), args: wh.args }).await?;
        }
        let mut tasks = get_tasks(pool, &ids).await?;
        tasks.sort_by_key(|t| ids.iter().position(|id| *id == t.id));
        Ok(Some((tasks, total)))
    }

    /// Tasks by id (in chunks), for reports that list many.
    pub async fn get_tasks(pool: &Pool, ids: &[i64]) -> Result<Vec<TaskRow>, StoreError> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let mut sql = Sql::new(&format!("SELECT {TASK_COLS} FROM tasks t JOIN documents d ON d.id = t.document_id WHERE t.id IN ("));
            sql.push_ids(chunk);
            sql.push(")");
            for row in fetch_all(pool, &sql).await? {
                out.push(task_from(&row)?);
            }
        }
        Ok(out)
    }

    /// The heads of tasks (text, source, lead names) by id, in id order, read in
    /// chunks of 5,000 ids with only the columns a report row needs (no JSON but the
    /// lead list, no other text columns).
    pub async fn task_heads(pool: &Pool, ids: &[i64]) -> Result<Vec<TaskHead>, StoreError> {
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(5_000) {
            let mut sql = Sql::new(
                "SELECT t.id, t.text, t.source_citation, t.lead_json, d.kind AS doc_kind, d.number AS doc_number, d.issued_on AS doc_issued_on, d.title AS doc_title \
                 FROM tasks t JOIN documents d ON d.id = t.document_id WHERE t.id IN (",
            );
            sql.push_ids(chunk);
            sql.push(") ORDER BY t.id");
            for row in fetch_all(pool, &sql).await? {
                let source = match row.try_get::<Option<String>, _>("source_citation")? {
                    Some(own) => own,
                    None => citation(
                        &row.try_get::<String, _>("doc_kind")?,
                        row.try_get::<Option<String>, _>("doc_number")?.as_deref(),
                        row.try_get("doc_issued_on")?,
                        &row.try_get::<String, _>("doc_title")?,
                    ),
                };
                out.push(TaskHead {
                    id: row.try_get("id")?,
                    text: row.try_get("text")?,
                    source,
                    lead: json_parties(&row.try_get::<String, _>("lead_json")?).into_iter().map(|p| p.name).collect(),
                });
            }
        }
        Ok(out)
    }
}
