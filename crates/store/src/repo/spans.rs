// Included by `repo.rs`, itself included by `sqlite.rs` and `postgres.rs`.

pub mod spans {
    //! The knowledge spans of assignments (`assignment_states`): what was known
    //! when, and the status queries over them (known states, overdue lists, counts).

    use super::*;

    pub(super) async fn insert_span(
        tx: &mut Tx<'_>,
        assignment_id: i64,
        task_id: i64,
        agency_id: i64,
        from: Micros,
        state: &AssignmentState,
    ) -> Result<(), StoreError> {
        let mut sql = Sql::default();
        sql.push_args(
            "INSERT INTO assignment_states (assignment_id, task_id, agency_id, known_from, deadline_kind, due, completed_on, cancelled) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                Arg::I64(assignment_id),
                Arg::I64(task_id),
                Arg::I64(agency_id),
                Arg::I64(from),
                Arg::Text(state.deadline_kind.as_str().into()),
                Arg::OptDate(state.due),
                Arg::OptDate(state.completed_on),
                Arg::Bool(state.cancelled),
            ],
        );
        tx_exec(tx, &sql).await?;
        shift_buckets(tx, &[(Bucket::of(state), 1)]).await?;
        Ok(())
    }

    /// The SQL condition on `assignment_states s` for what was known at instant `t`.
    pub(super) fn known_clause(sql: &mut Sql, t: Micros) {
        if t > now_micros() {
            // Nothing is recorded in the future: the latest span is the one known.
            sql.push(" AND s.known_to IS NULL");
        } else {
            let p1 = sql.arg(Arg::I64(t));
            let p2 = sql.arg(Arg::I64(t));
            sql.push(&format!(" AND s.known_from < {p1} AND (s.known_to IS NULL OR s.known_to >= {p2})"));
        }
    }

    /// For a national question about a past day on SQLite, makes the query read the
    /// spans table through (`NOT INDEXED`). Left to itself, SQLite's planner
    /// skip-scans the (agency_id, known_from) index and fetches each row from the
    /// table: ten times slower than one pass over the table. Today's questions use the
    /// partial indexes of current spans, and one agency's use its index, so they are
    /// left alone; PostgreSQL's planner needs no hint.
    pub(super) fn past_national_scan_hint(sql: &mut Sql, agency: Option<i64>, as_of: NaiveDate) {
        if !is_postgres() && agency.is_none() && end_of_day(as_of) <= now_micros() {
            sql.push(" NOT INDEXED");
        }
    }

    /// The SQL condition on `assignment_states s` for a status on `day`. It mirrors
    /// `tiendo_core::status::status_on` (a test checks both agree).
    pub fn status_clause(sql: &mut Sql, status: Status, day: NaiveDate, due_soon_days: u32) {
        let soon = day + chrono::Duration::days(i64::from(due_soon_days));
        let open = " AND s.cancelled = FALSE AND s.completed_on IS NULL";
        match status {
            Status::Cancelled => {
                sql.push(" AND s.cancelled = TRUE");
            }
            Status::CompletedOnTime => {
                sql.push(" AND s.cancelled = FALSE AND s.completed_on IS NOT NULL AND (s.due IS NULL OR s.completed_on <= s.due)");
            }
            Status::CompletedLate => {
                sql.push(" AND s.cancelled = FALSE AND s.completed_on IS NOT NULL AND s.due IS NOT NULL AND s.completed_on > s.due");
            }
            Status::Recurring => {
                sql.push(open);
                sql.push(" AND s.deadline_kind = 'recurring'");
            }
            Status::Overdue => {
                sql.push(open);
                sql.push_args(" AND s.deadline_kind <> 'recurring' AND s.due IS NOT NULL AND s.due < ?", [Arg::Date(day)]);
            }
            Status::DueSoon => {
                sql.push(open);
                sql.push_args(
                    " AND s.deadline_kind <> 'recurring' AND s.due IS NOT NULL AND s.due >= ? AND s.due <= ?",
                    [Arg::Date(day), Arg::Date(soon)],
                );
            }
            Status::InProgress => {
                sql.push(open);
                sql.push_args(" AND s.deadline_kind <> 'recurring' AND (s.due IS NULL OR s.due > ?)", [Arg::Date(soon)]);
            }
        }
    }

    pub(super) fn known_from_row(row: &DbRow) -> Result<KnownAssignment, StoreError> {
        Ok(KnownAssignment {
            assignment_id: row.try_get("assignment_id")?,
            task_id: row.try_get("task_id")?,
            agency_id: row.try_get("agency_id")?,
            state: AssignmentState {
                deadline_kind: parse_kind(&row.try_get::<String, _>("deadline_kind")?),
                due: row.try_get("due")?,
                completed_on: row.try_get("completed_on")?,
                cancelled: row.try_get("cancelled")?,
            },
        })
    }

    pub(super) const KNOWN_COLS: &str = "s.assignment_id, s.task_id, s.agency_id, s.deadline_kind, s.due, s.completed_on, s.cancelled";

    /// The known state, at the end of `as_of`, of every assignment of the given tasks.
    pub async fn known_for_tasks(pool: &Pool, task_ids: &[i64], as_of: NaiveDate) -> Result<Vec<KnownAssignment>, StoreError> {
        if task_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        for chunk in task_ids.chunks(500) {
            let mut sql = Sql::new(&format!("SELECT {KNOWN_COLS} FROM assignment_states s WHERE s.task_id IN ("));
            sql.push_ids(chunk);
            sql.push(")");
            known_clause(&mut sql, end_of_day(as_of));
            for row in fetch_all(pool, &sql).await? {
                out.push(known_from_row(&row)?);
            }
        }
        Ok(out)
    }

    /// Every assignment overdue at the end of `as_of`, by task then assignment.
    pub async fn overdue_assignments(pool: &Pool, as_of: NaiveDate, confined_to: Option<i64>) -> Result<Vec<KnownAssignment>, StoreError> {
        let mut sql = Sql::new(&format!("SELECT {KNOWN_COLS} FROM assignment_states s"));
        past_national_scan_hint(&mut sql, confined_to, as_of);
        sql.push(" WHERE 1=1");
        status_clause(&mut sql, Status::Overdue, as_of, 0);
        known_clause(&mut sql, end_of_day(as_of));
        if let Some(agency) = confined_to {
            sql.push_args(" AND s.agency_id = ?", [Arg::I64(agency)]);
        }
        sql.push(" ORDER BY s.task_id, s.assignment_id");
        fetch_all(pool, &sql).await?.iter().map(known_from_row).collect()
    }

    /// Overdue assignments at the end of `as_of` counted per agency, with the earliest
    /// due day of each (its most late assignment): (agency, count, earliest due).
    pub async fn overdue_by_agency(pool: &Pool, as_of: NaiveDate, confined_to: Option<i64>) -> Result<Vec<(i64, i64, NaiveDate)>, StoreError> {
        let mut sql = Sql::new("SELECT s.agency_id, COUNT(*) AS n, MIN(s.due) AS first_due FROM assignment_states s");
        past_national_scan_hint(&mut sql, confined_to, as_of);
        sql.push(" WHERE 1=1");
        status_clause(&mut sql, Status::Overdue, as_of, 0);
        known_clause(&mut sql, end_of_day(as_of));
        if let Some(agency) = confined_to {
            sql.push_args(" AND s.agency_id = ?", [Arg::I64(agency)]);
        }
        sql.push(" GROUP BY s.agency_id");
        let mut out = Vec::new();
        for row in fetch_all(pool, &sql).await? {
            out.push((row.try_get("agency_id")?, row.try_get("n")?, row.try_get("first_due")?));
        }
        Ok(out)
    }

    /// The known state of every assignment at the end of `as_of` (streamed in pages of
    /// ids so memory stays bounded), passed to `visit`.
    pub async fn scan_known(pool: &Pool, as_of: NaiveDate, visit: &mut (dyn FnMut(&KnownAssignment) + Send)) -> Result<u64, StoreError> {
        use futures_util::TryStreamExt;
        let mut sql = Sql::new("SELECT s.assignment_id, s.task_id, s.agency_id, s.deadline_kind, s.due, s.completed_on, s.cancelled FROM assignment_states s WHERE 1=1");
        known_clause(&mut sql, end_of_day(as_of));
        let mut rows = bind(sqlx::query(sqlx::AssertSqlSafe(sql.text_for(POSITIONAL_PARAMETERS))), &sql.args).fetch(pool);
        let mut n = 0;
        while let Some(row) = rows.try_next().await? {
            visit(&known_from_row(&row)?);
            n += 1;
        }
        Ok(n)
    }

    /// The SQL expression giving the status of `assignment_states s` on `day`, one of
    /// the `Status` names. It mirrors `tiendo_core::status::status_on` (a test checks
    /// they agree), so one scan counts every status.
    fn status_case(sql: &mut Sql, day: NaiveDate, due_soon_days: u32) {
        let soon = day + chrono::Duration::days(i64::from(due_soon_days));
        sql.push(
            "CASE WHEN s.cancelled = TRUE THEN 'cancelled' \
             WHEN s.completed_on IS NOT NULL THEN (CASE WHEN s.due IS NOT NULL AND s.completed_on > s.due THEN 'completed_late' ELSE 'completed_on_time' END) \
             WHEN s.deadline_kind = 'recurring' THEN 'recurring' \
             WHEN s.due IS NULL THEN 'in_progress' ",
        );
        sql.push_args(
            "WHEN s.due < ? THEN 'overdue' WHEN s.due <= ? THEN 'due_soon' ELSE 'in_progress' END",
            [Arg::Date(day), Arg::Date(soon)],
        );
    }

    /// Counts of assignments by status at the end of `as_of`: every assignment's
    /// status computed in one scan of what was known then.
    pub async fn status_counts(pool: &Pool, as_of: NaiveDate, due_soon_days: u32, agency_id: Option<i64>) -> Result<Vec<(Status, i64)>, StoreError> {
        if agency_id.is_none() && end_of_day(as_of) > now_micros() {
            // What is known at the end of today is the current spans: their buckets.
            return status_counts_from_buckets(pool, as_of, due_soon_days).await;
        }
        status_counts_by_scan(pool, as_of, due_soon_days, agency_id).await
    }

    /// [`status_counts`] by scanning the knowledge spans (any day, any agency).
    pub async fn status_counts_by_scan(
        pool: &Pool,
        as_of: NaiveDate,
        due_soon_days: u32,
        agency_id: Option<i64>,
    ) -> Result<Vec<(Status, i64)>, StoreError> {
        let mut sql = Sql::new("SELECT ");
        status_case(&mut sql, as_of, due_soon_days);
        sql.push(" AS status, COUNT(*) AS n FROM assignment_states s");
        past_national_scan_hint(&mut sql, agency_id, as_of);
        sql.push(" WHERE 1=1");
        known_clause(&mut sql, end_of_day(as_of));
        if let Some(agency) = agency_id {
            sql.push_args(" AND s.agency_id = ?", [Arg::I64(agency)]);
        }
        sql.push(" GROUP BY 1");
        let mut counts: std::collections::HashMap<String, i64> = std::collections::HashMap::new();
        for row in fetch_all(pool, &sql).await? {
            counts.insert(row.try_get("status")?, row.try_get("n")?);
        }
        Ok(Status::ALL.iter().map(|s| (*s, counts.get(s.as_str()).copied().unwrap_or(0))).collect())
    }
}
