// Included by `repo.rs`, itself included by `sqlite.rs` and `postgres.rs`.

pub mod bulk {
    //! Bulk loading.
    //!
    //! For benchmarks and large imports into an EMPTY database: rows carry their ids
    //! (assigned by the caller), and are written with multi-row `INSERT … VALUES`
    //! statements (both backends accept them), one transaction per call.

    use super::*;

    /// An assignment to bulk insert: `(id, task_id, agency_id, spans)`, the spans as
    /// `(known_from, state)` in order.
    pub type BulkAssignment = (i64, i64, i64, Vec<(Micros, AssignmentState)>);

    /// The multi-row INSERT of tasks with their ids, and one task's values for it
    /// ([`TASK_INSERT_COLS`] of them): shared by the bulk paths.
    pub(super) const TASK_INSERT: &str = "INSERT INTO tasks (id, document_id, ref, text, product, field, priority, deadline_kind, due, deadline_raw, lead_json, coord_json, leader, source_citation, search_text, created_at, updated_at)";
    pub(super) const TASK_INSERT_COLS: usize = 17;

    pub(super) fn task_row(id: i64, t: &NewTask, at: Micros) -> Vec<Arg> {
        vec![
            Arg::I64(id),
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
            Arg::I64(at),
            Arg::I64(at),
        ]
    }

    /// Bulk insert of tasks with their ids, each with the instant it was recorded,
    /// and their "create" history entries (the system user's, chained in batches). Assignments are written by
    /// [`bulk_insert_assignments`]. The caller keeps ids unique and the document ids valid.
    pub async fn bulk_insert_tasks(backend: &Backend, tasks: &[(i64, NewTask, Micros)]) -> Result<usize, StoreError> {
        let (_guard, mut tx) = backend.begin().await?;
        let entered = now_micros();
        let mut rows = Vec::with_capacity(tasks.len());
        let mut events = Vec::with_capacity(tasks.len());
        for (id, t, at) in tasks {
            rows.push(task_row(*id, t, *at));
            events.push(chain::PendingEvent {
                entity: "task".into(),
                entity_id: *id,
                action: "create".into(),
                actor_id: None,
                changes: tiendo_core::chain::canonical_json(
                    &serde_json::json!({"document_id": t.document_id, "ref": t.ref_, "text": t.text, "deadline": t.deadline, "assignees": t.assignees}),
                ),
                recorded_at: *at,
                entered_at: entered,
            });
        }
        tx_insert_rows(&mut tx, TASK_INSERT, TASK_INSERT_COLS, &rows).await?;
        chain::append_events(&mut tx, &events).await?;
        commit(tx).await?;
        Ok(tasks.len())
    }

    /// Bulk insert of assignments `(id, task_id, agency_id, spans)` where `spans` are
    /// the knowledge spans in order: `(known_from, state)`, the first at the
    /// assignment's creation. Writes the latest state into `assignments`, one chained
    /// row per span into `assignment_states`, and one history entry per span.
    pub async fn bulk_insert_assignments(
        backend: &Backend,
        assignments: &[BulkAssignment],
    ) -> Result<usize, StoreError> {
        let (_guard, mut tx) = backend.begin().await?;
        let entered = now_micros();
        let mut rows = Vec::with_capacity(assignments.len());
        let mut states = Vec::with_capacity(assignments.len() * 2);
        let mut events = Vec::with_capacity(assignments.len() * 2);
        let mut buckets = Vec::with_capacity(assignments.len());
        for (id, task_id, agency_id, spans) in assignments {
            let (Some(first), Some(last)) = (spans.first(), spans.last()) else {
                return Err(StoreError::Open(format!("assignment {id} has no knowledge span")));
            };
            buckets.push((Bucket::of(&last.1), 1));
            rows.push(vec![
                Arg::I64(*id),
                Arg::I64(*task_id),
                Arg::I64(*agency_id),
                Arg::Text(last.1.deadline_kind.as_str().into()),
                Arg::OptDate(last.1.due),
                Arg::OptDate(last.1.completed_on),
                Arg::Bool(last.1.cancelled),
                Arg::I64(first.0),
                Arg::I64(last.0),
            ]);
            for (i, (from, state)) in spans.iter().enumerate() {
                let to = spans.get(i + 1).map(|n| n.0);
                states.push(vec![
                    Arg::I64(*id),
                    Arg::I64(*task_id),
                    Arg::I64(*agency_id),
                    Arg::I64(*from),
                    Arg::OptI64(to),
                    Arg::Text(state.deadline_kind.as_str().into()),
                    Arg::OptDate(state.due),
                    Arg::OptDate(state.completed_on),
                    Arg::Bool(state.cancelled),
                ]);
                let (action, changes) = if i == 0 {
                    (
                        "create",
                        serde_json::json!({"task_id": task_id, "agency_id": agency_id, "deadline_kind": state.deadline_kind, "due": state.due}),
                    )
                } else {
                    (
                        "update",
                        serde_json::json!({"deadline_kind": state.deadline_kind, "due": state.due, "completed_on": state.completed_on, "cancelled": state.cancelled}),
                    )
                };
                events.push(chain::PendingEvent {
                    entity: "assignment".into(),
                    entity_id: *id,
                    action: action.into(),
                    actor_id: None,
                    changes: tiendo_core::chain::canonical_json(&changes),
                    recorded_at: *from,
                    entered_at: entered,
                });
            }
        }
        tx_insert_rows(
            &mut tx,
            "INSERT INTO assignments (id, task_id, agency_id, deadline_kind, due, completed_on, cancelled, created_at, updated_at)",
            9,
            &rows,
        )
        .await?;
        tx_insert_rows(
            &mut tx,
            "INSERT INTO assignment_states (assignment_id, task_id, agency_id, known_from, known_to, deadline_kind, due, completed_on, cancelled)",
            9,
            &states,
        )
        .await?;
        chain::append_events(&mut tx, &events).await?;
        shift_buckets(&mut tx, &buckets).await?;
        commit(tx).await?;
        Ok(assignments.len())
    }

    /// After a bulk load with explicit ids: moves PostgreSQL's identity sequences past
    /// the largest ids (SQLite needs nothing), and refreshes the planner's statistics.
    pub async fn bulk_finish(backend: &Backend) -> Result<(), StoreError> {
        let (_guard, mut tx) = backend.begin().await?;
        if is_postgres() {
            // (events take their ids from the chain's head, not from a sequence)
            for table in ["documents", "tasks", "assignments", "assignment_states"] {
                let sql = Sql::new(&format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
                ));
                tx_optional(&mut tx, &sql).await?;
            }
        }
        commit(tx).await?;
        let analyze = Sql::new("ANALYZE");
        bind(sqlx::query(sqlx::AssertSqlSafe(analyze.text.clone())), &analyze.args)
            .execute(&backend.pool)
            .await?;
        Ok(())
    }
}
