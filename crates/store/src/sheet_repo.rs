// Spreadsheet imports (docs/spreadsheets.md), written once for both backends
// (included by `sqlite.rs` and `postgres.rs` after `repo.rs`). Each import is one
// transaction: all rows or none, with their history entries.

pub mod sheets {
    use super::*;

    // The history entries of an import, serialised straight from the rows. The
    // fields are in alphabetical order, nested ones too: the text is exactly what
    // `serde_json::json!` (a sorted map) wrote before, without building a `Value`
    // per row.

    #[derive(serde::Serialize)]
    struct DeadlineJson<'a> {
        due: Option<chrono::NaiveDate>,
        kind: &'a tiendo_core::deadline::DeadlineKind,
        raw: &'a str,
    }

    impl<'a> DeadlineJson<'a> {
        fn of(d: &'a Deadline) -> Self {
            DeadlineJson { due: d.due, kind: &d.kind, raw: &d.raw }
        }
    }

    #[derive(serde::Serialize)]
    struct TaskImportEvent<'a> {
        assignees: &'a [i64],
        coord: &'a [tiendo_core::model::PartyRef],
        deadline: DeadlineJson<'a>,
        document_id: i64,
        field: &'a Option<String>,
        lead: &'a [tiendo_core::model::PartyRef],
        leader: &'a Option<String>,
        priority: i32,
        product: &'a Option<String>,
        #[serde(rename = "ref")]
        ref_: &'a Option<String>,
        source: &'static str,
        text: &'a str,
    }

    #[derive(serde::Serialize)]
    struct AssignmentCreateEvent<'a> {
        agency_id: i64,
        deadline_kind: &'a tiendo_core::deadline::DeadlineKind,
        due: Option<chrono::NaiveDate>,
        task_id: i64,
    }

    /// `(id, document_id, ref, text)` of the tasks of some documents: what a task
    /// sheet's rows are checked against (already present) and a report sheet's
    /// rows find their task by (document and ref).
    pub async fn task_keys(pool: &Pool, document_ids: &[i64]) -> Result<Vec<(i64, i64, Option<String>, String)>, StoreError> {
        let mut out = Vec::new();
        for chunk in document_ids.chunks(500) {
            let mut sql = Sql::new("SELECT id, document_id, ref, text FROM tasks WHERE document_id IN (");
            sql.push_ids(chunk);
            sql.push(")");
            for row in fetch_all(pool, &sql).await? {
                out.push((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?, row.try_get(3)?));
            }
        }
        Ok(out)
    }

    /// `(assignment_id, task_id, agency_id)` of the assignments of some tasks.
    pub async fn task_assignments(pool: &Pool, task_ids: &[i64]) -> Result<Vec<(i64, i64, i64)>, StoreError> {
        let mut out = Vec::new();
        for chunk in task_ids.chunks(500) {
            let mut sql = Sql::new("SELECT id, task_id, agency_id FROM assignments WHERE task_id IN (");
            sql.push_ids(chunk);
            sql.push(")");
            for row in fetch_all(pool, &sql).await? {
                out.push((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?));
            }
        }
        Ok(out)
    }

    /// `count` fresh ids of `table`, taken inside the transaction: PostgreSQL's
    /// sequence (safe with concurrent writers), SQLite's next rowids (the write
    /// transaction holds the single writer's lock).
    async fn reserve_ids(tx: &mut Tx<'_>, table: &str, count: usize) -> Result<Vec<i64>, StoreError> {
        if count == 0 {
            return Ok(Vec::new());
        }
        if is_postgres() {
            let mut sql = Sql::new(&format!("SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, "));
            let p = sql.arg(Arg::I64(count as i64));
            sql.push(&p);
            sql.push(")");
            let rows = bind(sqlx::query(sqlx::AssertSqlSafe(sql.text_for(POSITIONAL_PARAMETERS))), &sql.args)
                .fetch_all(&mut **tx)
                .await?;
            let mut ids = Vec::with_capacity(count);
            for row in rows {
                ids.push(row.try_get::<i64, _>(0)?);
            }
            ids.sort_unstable();
            Ok(ids)
        } else {
            let sql = Sql::new(&format!("SELECT COALESCE(MAX(id), 0) FROM {table}"));
            let row = tx_optional(tx, &sql).await?;
            let max: i64 = match row {
                Some(r) => r.try_get(0)?,
                None => 0,
            };
            Ok((1..=count as i64).map(|i| max + i).collect())
        }
    }

    /// Creates the tasks of a sheet and their assignments with multi-row INSERTs
    /// in ONE transaction, with a history entry per task and per assignment and
    /// the status buckets shifted (as `insert_span` does). Returns the task ids in
    /// order.
    pub async fn import_sheet_tasks(backend: &Backend, tasks: &[NewTask], stamp: &Stamp) -> Result<Vec<i64>, StoreError> {
        let (_guard, mut tx) = backend.begin().await?;
        let task_ids = reserve_ids(&mut tx, "tasks", tasks.len()).await?;
        let mut pairs: Vec<(i64, i64, &Deadline)> = Vec::new();
        for (t, id) in tasks.iter().zip(&task_ids) {
            let mut seen = std::collections::HashSet::new();
            for agency in &t.assignees {
                if seen.insert(*agency) {
                    pairs.push((*id, *agency, &t.deadline));
                }
            }
        }
        let assignment_ids = reserve_ids(&mut tx, "assignments", pairs.len()).await?;
        let at = stamp.recorded_at;
        let mut rows = Vec::with_capacity(tasks.len());
        let mut events = Vec::with_capacity(tasks.len() + pairs.len());
        for (t, id) in tasks.iter().zip(&task_ids) {
            rows.push(task_row(*id, t, at));
            events.push(chain::PendingEvent {
                entity: "task".into(),
                entity_id: *id,
                action: "import".into(),
                actor_id: stamp.actor_id,
                changes: serde_json::to_string(&TaskImportEvent {
                        assignees: &t.assignees,
                        coord: &t.coord,
                        deadline: DeadlineJson::of(&t.deadline),
                        document_id: t.document_id,
                        field: &t.field,
                        lead: &t.lead,
                        leader: &t.leader,
                        priority: t.priority,
                        product: &t.product,
                        ref_: &t.ref_,
                        source: "spreadsheet",
                    text: &t.text,
                })
                .unwrap_or_default(),
                recorded_at: at,
                entered_at: stamp.entered_at,
            });
        }
        let mut assignments = Vec::with_capacity(pairs.len());
        let mut states = Vec::with_capacity(pairs.len());
        let mut buckets = Vec::with_capacity(pairs.len());
        for ((task_id, agency_id, deadline), id) in pairs.iter().zip(&assignment_ids) {
            let state = AssignmentState::new(deadline);
            buckets.push((Bucket::of(&state), 1));
            assignments.push(vec![
                Arg::I64(*id),
                Arg::I64(*task_id),
                Arg::I64(*agency_id),
                Arg::Text(deadline.kind.as_str().into()),
                Arg::OptDate(deadline.due),
                Arg::I64(at),
                Arg::I64(at),
            ]);
            states.push(vec![
                Arg::I64(*id),
                Arg::I64(*task_id),
                Arg::I64(*agency_id),
                Arg::I64(at),
                Arg::Text(state.deadline_kind.as_str().into()),
                Arg::OptDate(state.due),
                Arg::OptDate(state.completed_on),
                Arg::Bool(state.cancelled),
            ]);
            events.push(chain::PendingEvent {
                entity: "assignment".into(),
                entity_id: *id,
                action: "create".into(),
                actor_id: stamp.actor_id,
                changes: serde_json::to_string(&AssignmentCreateEvent {
                    agency_id: *agency_id,
                    deadline_kind: &deadline.kind,
                    due: deadline.due,
                    task_id: *task_id,
                })
                .unwrap_or_default(),
                recorded_at: at,
                entered_at: stamp.entered_at,
            });
        }
        tx_insert_rows(&mut tx, TASK_INSERT, TASK_INSERT_COLS, &rows).await?;
        tx_insert_rows(
            &mut tx,
            "INSERT INTO assignments (id, task_id, agency_id, deadline_kind, due, created_at, updated_at)",
            7,
            &assignments,
        )
        .await?;
        tx_insert_rows(
            &mut tx,
            "INSERT INTO assignment_states (assignment_id, task_id, agency_id, known_from, deadline_kind, due, completed_on, cancelled)",
            8,
            &states,
        )
        .await?;
        chain::append_events(&mut tx, &events).await?;
        shift_buckets(&mut tx, &buckets).await?;
        commit(tx).await?;
        Ok(task_ids)
    }

    /// Creates the progress reports of a sheet in ONE transaction, each with its
    /// history entry. Returns their ids in order.
    pub async fn import_sheet_reports(backend: &Backend, reports: &[NewReport], stamp: &Stamp) -> Result<Vec<i64>, StoreError> {
        let (_guard, mut tx) = backend.begin().await?;
        let mut ids = Vec::with_capacity(reports.len());
        for r in reports {
            ids.push(insert_report(&mut tx, r, stamp).await?);
        }
        commit(tx).await?;
        Ok(ids)
    }
}
