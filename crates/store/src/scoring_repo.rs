// Monthly scoring (issue 5): the bulk reads a run needs (one scan of the scorable
// assignment spans, the tasks' weights and leaders, the month's reports and
// commitments), rule sets, and published runs. Written once for both backends
// (included by `sqlite.rs` and `postgres.rs` after `repo.rs`).

pub mod scoring {
    use super::*;
    use crate::types::{NewScoreRun, RuleSetRow, ScoreResultRow, ScoreRunRow, ScoreTaskInfo};
    use tiendo_core::scoring::{CommitmentFact, Scorable};
    use tiendo_core::time::start_of_day;

    /// Every assignment scorable in the month `first..=last`, in the state known at
    /// the end of `last`, in one scan: not cancelled, and either completed in the
    /// month (dated in it, or dated earlier but confirmed in it), or open and
    /// recurring, or open and past its deadline on the last day. The rules in
    /// `tiendo_core::scoring::evaluate_assignment` decide the rest.
    pub async fn score_scan(pool: &Pool, first: NaiveDate, last: NaiveDate) -> Result<Vec<Scorable>, StoreError> {
        use futures_util::TryStreamExt;
        let mut sql = Sql::new(
            "SELECT s.assignment_id, s.task_id, s.agency_id, s.deadline_kind, s.due, s.completed_on, s.known_from \
             FROM assignment_states s",
        );
        // A past month on SQLite: read the table through (10.9 s → 1.2 s on 2M
        // assignments; the planner otherwise skip-scans the agency index).
        past_national_scan_hint(&mut sql, None, last);
        sql.push(" WHERE s.cancelled = FALSE");
        known_clause(&mut sql, end_of_day(last));
        sql.push_args(
            " AND ((s.completed_on IS NOT NULL AND s.completed_on <= ? AND (s.completed_on >= ? OR s.known_from >= ?)) \
             OR (s.completed_on IS NULL AND (s.deadline_kind = 'recurring' OR (s.due IS NOT NULL AND s.due < ?))))",
            [Arg::Date(last), Arg::Date(first), Arg::I64(start_of_day(first)), Arg::Date(last)],
        );
        let mut rows = bind(sqlx::query(sqlx::AssertSqlSafe(sql.text_for(POSITIONAL_PARAMETERS))), &sql.args).fetch(pool);
        let mut out = Vec::new();
        while let Some(row) = rows.try_next().await? {
            let kind: &str = row.try_get("deadline_kind")?;
            out.push(Scorable {
                assignment_id: row.try_get("assignment_id")?,
                task_id: row.try_get("task_id")?,
                agency_id: row.try_get("agency_id")?,
                state: AssignmentState {
                    deadline_kind: parse_kind(kind),
                    due: row.try_get("due")?,
                    completed_on: row.try_get("completed_on")?,
                    cancelled: false,
                },
                known_from: row.try_get("known_from")?,
            });
        }
        Ok(out)
    }

    /// Priority, field and leader of every task known before `knowledge_at`, as
    /// they stood then: the task rows hold today's values, and every edit since
    /// recorded the values it replaced (`events`, `task`/`update`, `before`), so
    /// the first edit after `knowledge_at` of each task gives that day's.
    pub async fn score_tasks(pool: &Pool, knowledge_at: Micros) -> Result<Vec<ScoreTaskInfo>, StoreError> {
        let mut tasks = score_tasks_now(pool, knowledge_at).await?;
        let then = values_before_edits_since(pool, "task", knowledge_at).await?;
        let text = |v: &serde_json::Value| v.as_str().map(str::to_owned);
        for task in &mut tasks {
            let Some(before) = then.get(&task.task_id) else { continue };
            if let Some(p) = before["priority"].as_i64().and_then(|p| i32::try_from(p).ok()) {
                task.priority = p;
            }
            if before.get("field").is_some() {
                task.field = text(&before["field"]);
            }
            if before.get("leader").is_some() {
                task.leader = text(&before["leader"]);
            }
        }
        Ok(tasks)
    }

    /// For each `entity` (`task` or `commitment`) edited at or after `t`, the
    /// values its first such edit replaced (its history entry's `before`): those
    /// that stood at `t`. Read through the partial index of that entity's edits
    /// (migration 0013), which the literal condition below matches.
    async fn values_before_edits_since(
        pool: &Pool,
        entity: &'static str,
        t: Micros,
    ) -> Result<std::collections::HashMap<i64, serde_json::Value>, StoreError> {
        let mut sql = Sql::default();
        sql.push_args(
            &format!("SELECT entity_id, changes FROM events WHERE entity = '{entity}' AND action = 'update' AND recorded_at >= ? ORDER BY recorded_at, id"),
            [Arg::I64(t)],
        );
        let mut then = std::collections::HashMap::new();
        for row in fetch_all(pool, &sql).await? {
            let id: i64 = row.try_get("entity_id")?;
            if then.contains_key(&id) {
                continue;
            }
            let changes: serde_json::Value = serde_json::from_str(&row.try_get::<String, _>("changes")?)
                .map_err(|e| StoreError::Invalid(format!("history of {entity} {id}: {e}")))?;
            then.insert(id, changes["before"].clone());
        }
        Ok(then)
    }

    /// [`score_tasks`] with today's values.
    async fn score_tasks_now(pool: &Pool, knowledge_at: Micros) -> Result<Vec<ScoreTaskInfo>, StoreError> {
        use futures_util::TryStreamExt;
        let mut sql = Sql::default();
        sql.push_args("SELECT id, priority, field, leader FROM tasks WHERE created_at < ?", [Arg::I64(knowledge_at)]);
        let mut rows = bind(sqlx::query(sqlx::AssertSqlSafe(sql.text_for(POSITIONAL_PARAMETERS))), &sql.args).fetch(pool);
        let mut out = Vec::new();
        while let Some(row) = rows.try_next().await? {
            out.push(ScoreTaskInfo {
                task_id: row.try_get("id")?,
                priority: row.try_get("priority")?,
                field: row.try_get("field")?,
                leader: row.try_get("leader")?,
            });
        }
        Ok(out)
    }

    /// The assignments with a progress report dated in `first..=last` and entered
    /// before `knowledge_at`.
    pub async fn score_reported(pool: &Pool, first: NaiveDate, last: NaiveDate, knowledge_at: Micros) -> Result<Vec<i64>, StoreError> {
        let mut sql = Sql::default();
        sql.push_args(
            "SELECT DISTINCT r.assignment_id FROM progress_reports r WHERE r.reported_on >= ? AND r.reported_on <= ? AND r.created_at < ?",
            [Arg::Date(first), Arg::Date(last), Arg::I64(knowledge_at)],
        );
        fetch_all(pool, &sql).await?.iter().map(|r| r.try_get::<i64, _>(0).map_err(StoreError::from)).collect()
    }

    /// The commitments dated in `first..=last` and entered before the end of
    /// `last`, each with its assignment's state known then.
    ///
    /// Each with the committed date it had then: a date changed since comes from
    /// the change's history entry, so a commitment moved out of the month after
    /// its end still counts in it, and one moved into it does not.
    pub async fn score_commitments(pool: &Pool, first: NaiveDate, last: NaiveDate) -> Result<Vec<CommitmentFact>, StoreError> {
        let t = end_of_day(last);
        let then = values_before_edits_since(pool, "commitment", t).await?;
        let mut sql = Sql::default();
        sql.push_args(
            "SELECT c.id AS commitment_id, c.committed_on, s.assignment_id, s.task_id, s.agency_id, s.deadline_kind, s.due, s.completed_on, s.cancelled \
             FROM commitments c JOIN assignment_states s ON s.assignment_id = c.assignment_id \
             WHERE c.created_at < ? AND ((c.committed_on >= ? AND c.committed_on <= ?) OR c.updated_at >= ?)",
            [Arg::I64(t), Arg::Date(first), Arg::Date(last), Arg::I64(t)],
        );
        known_clause(&mut sql, t);
        sql.push(" ORDER BY c.id");
        let mut out = Vec::new();
        for row in fetch_all(pool, &sql).await? {
            let commitment_id: i64 = row.try_get("commitment_id")?;
            let committed_on = match then.get(&commitment_id).and_then(|b| b["committed_on"].as_str()) {
                Some(day) => day
                    .parse::<NaiveDate>()
                    .map_err(|e| StoreError::Invalid(format!("history of commitment {commitment_id}: {e}")))?,
                None => row.try_get("committed_on")?,
            };
            if committed_on < first || committed_on > last {
                continue;
            }
            out.push(CommitmentFact {
                commitment_id,
                assignment_id: row.try_get("assignment_id")?,
                task_id: row.try_get("task_id")?,
                agency_id: row.try_get("agency_id")?,
                committed_on,
                state: AssignmentState {
                    deadline_kind: parse_kind(&row.try_get::<String, _>("deadline_kind")?),
                    due: row.try_get("due")?,
                    completed_on: row.try_get("completed_on")?,
                    cancelled: row.try_get("cancelled")?,
                },
            });
        }
        Ok(out)
    }

    // ------------------------------------------------------------ rule sets

    fn rule_set_from(row: &DbRow) -> Result<RuleSetRow, StoreError> {
        Ok(RuleSetRow {
            id: row.try_get("id")?,
            version: row.try_get("version")?,
            name: row.try_get("name")?,
            body: row.try_get("body")?,
            created_by: row.try_get("created_by")?,
            created_at: row.try_get("created_at")?,
        })
    }

    /// Stores a new version of the rules (the highest version is the active one).
    pub async fn create_rule_set(backend: &Backend, name: &str, body: &str, stamp: &Stamp) -> Result<RuleSetRow, StoreError> {
        let (_guard, mut tx) = backend.begin().await?;
        let row = tx_optional(&mut tx, &Sql::new("SELECT MAX(version) FROM scoring_rules")).await?;
        let latest: Option<i64> = match row {
            Some(r) => r.try_get(0)?,
            None => None,
        };
        let version = latest.unwrap_or(0) + 1;
        let mut sql = Sql::default();
        sql.push_args(
            "INSERT INTO scoring_rules (version, name, body, created_by, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
            [Arg::I64(version), Arg::Text(name.into()), Arg::Text(body.into()), Arg::OptI64(stamp.actor_id), Arg::I64(stamp.recorded_at)],
        );
        let id = tx_insert_id(&mut tx, &sql).await?;
        audit(
            &mut tx,
            stamp,
            &Audit {
                entity: "scoring_rules",
                entity_id: id,
                action: "create".into(),
                changes: serde_json::json!({"version": version, "name": name, "body": body}),
            },
        )
        .await?;
        commit(tx).await?;
        Ok(RuleSetRow { id, version, name: name.into(), body: body.into(), created_by: stamp.actor_id, created_at: stamp.recorded_at })
    }

    /// Every stored rule set, newest version first.
    pub async fn rule_sets(pool: &Pool) -> Result<Vec<RuleSetRow>, StoreError> {
        let sql = Sql::new("SELECT id, version, name, body, created_by, created_at FROM scoring_rules ORDER BY version DESC");
        fetch_all(pool, &sql).await?.iter().map(rule_set_from).collect()
    }

    // ------------------------------------------------------------ runs

    const RUN_COLS: &str = "r.id, r.month, r.knowledge_at, r.rules_version, r.rules_body, r.replaces, r.reason, r.content_hash, \
         r.scored_agencies, r.scored_leaders, r.created_by, r.created_at, (SELECT x.id FROM score_runs x WHERE x.replaces = r.id) AS replaced_by";

    fn run_from(row: &DbRow) -> Result<ScoreRunRow, StoreError> {
        Ok(ScoreRunRow {
            id: row.try_get("id")?,
            month: row.try_get("month")?,
            knowledge_at: row.try_get("knowledge_at")?,
            rules_version: row.try_get("rules_version")?,
            rules_body: row.try_get("rules_body")?,
            replaces: row.try_get("replaces")?,
            reason: row.try_get("reason")?,
            content_hash: row.try_get("content_hash")?,
            scored_agencies: row.try_get("scored_agencies")?,
            scored_leaders: row.try_get("scored_leaders")?,
            created_by: row.try_get("created_by")?,
            created_at: row.try_get("created_at")?,
            replaced_by: row.try_get("replaced_by")?,
        })
    }

    /// Publishes a run with its results and its history entry (with the content
    /// hash), in one transaction. A month has one first run; any run is replaced
    /// at most once (the database refuses otherwise: a conflict).
    pub async fn create_score_run(backend: &Backend, run: &NewScoreRun, stamp: &Stamp) -> Result<i64, StoreError> {
        let (_guard, mut tx) = backend.begin().await?;
        let agencies = run.results.iter().filter(|r| r.subject == "agency" && r.score_x100.is_some()).count() as i64;
        let leaders = run.results.iter().filter(|r| r.subject == "leader" && r.score_x100.is_some()).count() as i64;
        let mut sql = Sql::default();
        sql.push_args(
            "INSERT INTO score_runs (month, knowledge_at, rules_version, rules_body, replaces, reason, content_hash, scored_agencies, scored_leaders, created_by, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            [
                Arg::Text(run.month.clone()),
                Arg::I64(run.knowledge_at),
                Arg::I64(run.rules_version),
                Arg::Text(run.rules_body.clone()),
                Arg::OptI64(run.replaces),
                Arg::OptText(run.reason.clone()),
                Arg::Text(run.content_hash.clone()),
                Arg::I64(agencies),
                Arg::I64(leaders),
                Arg::OptI64(stamp.actor_id),
                Arg::I64(stamp.recorded_at),
            ],
        );
        let id = match tx_insert_id(&mut tx, &sql).await {
            Err(StoreError::Duplicate(_)) => {
                return Err(StoreError::Conflict(match run.replaces {
                    None => format!("score run: {} already has a published run; a correction must say which run it replaces", run.month),
                    Some(r) => format!("score run: run {r} has already been replaced"),
                }));
            }
            other => other?,
        };
        let rows: Vec<Vec<Arg>> = run
            .results
            .iter()
            .map(|r| {
                vec![
                    Arg::I64(id),
                    Arg::Text(r.subject.clone()),
                    Arg::OptI64(r.agency_id),
                    Arg::OptText(r.leader.clone()),
                    Arg::Text(r.grp.clone()),
                    Arg::OptI64(r.score_x100),
                    Arg::I64(r.earned_x100),
                    Arg::I64(r.possible_x100),
                    Arg::I64(r.lines),
                    Arg::OptI64(r.rank_in_group),
                    Arg::Text(r.breakdown.clone()),
                ]
            })
            .collect();
        for chunk in rows.chunks(100) {
            tx_insert_rows(
                &mut tx,
                "INSERT INTO score_results (run_id, subject, agency_id, leader, grp, score_x100, earned_x100, possible_x100, lines, rank_in_group, breakdown)",
                11,
                chunk,
            )
            .await?;
        }
        audit(
            &mut tx,
            stamp,
            &Audit {
                entity: "score_run",
                entity_id: id,
                action: if run.replaces.is_some() { "correct".into() } else { "publish".into() },
                changes: serde_json::json!({
                    "month": run.month, "content_hash": run.content_hash, "rules_version": run.rules_version,
                    "replaces": run.replaces, "reason": run.reason, "scored_agencies": agencies, "scored_leaders": leaders,
                }),
            },
        )
        .await?;
        commit(tx).await?;
        Ok(id)
    }

    /// Published runs, newest first; of one month when given.
    pub async fn score_runs(pool: &Pool, month: Option<&str>) -> Result<Vec<ScoreRunRow>, StoreError> {
        let mut sql = Sql::new(&format!("SELECT {RUN_COLS} FROM score_runs r WHERE 1=1"));
        if let Some(m) = month {
            sql.push_args(" AND r.month = ?", [Arg::Text(m.into())]);
        }
        sql.push(" ORDER BY r.month DESC, r.id DESC");
        fetch_all(pool, &sql).await?.iter().map(run_from).collect()
    }

    pub async fn get_score_run(pool: &Pool, id: i64) -> Result<Option<ScoreRunRow>, StoreError> {
        let mut sql = Sql::new(&format!("SELECT {RUN_COLS} FROM score_runs r WHERE "));
        sql.push_args("r.id = ?", [Arg::I64(id)]);
        fetch_optional(pool, &sql).await?.as_ref().map(run_from).transpose()
    }

    /// The run in force for a month: the published run not replaced by another.
    pub async fn head_score_run(pool: &Pool, month: &str) -> Result<Option<ScoreRunRow>, StoreError> {
        let mut sql = Sql::new(&format!("SELECT {RUN_COLS} FROM score_runs r WHERE "));
        sql.push_args(
            "r.month = ? AND NOT EXISTS (SELECT 1 FROM score_runs y WHERE y.replaces = r.id)",
            [Arg::Text(month.into())],
        );
        fetch_optional(pool, &sql).await?.as_ref().map(run_from).transpose()
    }

    /// A run's results (agencies then leaders, by group and rank); with their
    /// breakdowns when `breakdown`, and only one agency's when `agency_id`.
    pub async fn score_results(pool: &Pool, run_id: i64, breakdown: bool, agency_id: Option<i64>) -> Result<Vec<ScoreResultRow>, StoreError> {
        let mut sql = Sql::new(&format!(
            "SELECT subject, agency_id, leader, grp, score_x100, earned_x100, possible_x100, lines, rank_in_group, {} AS breakdown FROM score_results WHERE ",
            if breakdown { "breakdown" } else { "''" }
        ));
        sql.push_args("run_id = ?", [Arg::I64(run_id)]);
        if let Some(a) = agency_id {
            sql.push_args(" AND agency_id = ?", [Arg::I64(a)]);
        }
        sql.push(" ORDER BY subject, grp, (rank_in_group IS NULL), rank_in_group, agency_id, leader");
        let mut out = Vec::new();
        for row in fetch_all(pool, &sql).await? {
            out.push(ScoreResultRow {
                subject: row.try_get("subject")?,
                agency_id: row.try_get("agency_id")?,
                leader: row.try_get("leader")?,
                grp: row.try_get("grp")?,
                score_x100: row.try_get("score_x100")?,
                earned_x100: row.try_get("earned_x100")?,
                possible_x100: row.try_get("possible_x100")?,
                lines: row.try_get("lines")?,
                rank_in_group: row.try_get("rank_in_group")?,
                breakdown: row.try_get("breakdown")?,
            });
        }
        Ok(out)
    }
}
