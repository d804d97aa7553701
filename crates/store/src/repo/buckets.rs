// Included by `repo.rs`, itself included by `sqlite.rs` and `postgres.rs`.

pub mod buckets {
    //! Status buckets (`status_buckets`, migration 0010): signed counts of the
    //! current spans by what their status depends on, so that today's national
    //! status counts read a few rows instead of scanning the spans.

    use super::*;

    /// The bucket of `status_buckets` a current span counts in: what its status on
    /// any day depends on (see migration 0010).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
    pub(super) struct Bucket {
        recurring: bool,
        due: Option<NaiveDate>,
        state: BucketState,
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
    enum BucketState {
        Open,
        OnTime,
        Late,
        Cancelled,
    }

    impl BucketState {
        fn as_str(self) -> &'static str {
            match self {
                BucketState::Open => "open",
                BucketState::OnTime => "on_time",
                BucketState::Late => "late",
                BucketState::Cancelled => "cancelled",
            }
        }

        fn parse(s: &str) -> Result<BucketState, StoreError> {
            Ok(match s {
                "open" => BucketState::Open,
                "on_time" => BucketState::OnTime,
                "late" => BucketState::Late,
                "cancelled" => BucketState::Cancelled,
                other => return Err(StoreError::Invalid(format!("unknown status bucket state {other:?}"))),
            })
        }
    }

    /// The due day that stands for "no due day" in `status_buckets.due` (NOT NULL, so
    /// that equal buckets group together on both backends).
    fn no_due() -> NaiveDate {
        NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(NaiveDate::MAX)
    }

    impl Bucket {
        pub(super) fn of(state: &AssignmentState) -> Bucket {
            let bucket_state = if state.cancelled {
                BucketState::Cancelled
            } else {
                match (state.completed_on, state.due) {
                    (None, _) => BucketState::Open,
                    (Some(done), Some(due)) if done > due => BucketState::Late,
                    (Some(_), _) => BucketState::OnTime,
                }
            };
            Bucket {
                recurring: state.deadline_kind == DeadlineKind::Recurring,
                due: state.due,
                state: bucket_state,
            }
        }

        /// A state in this bucket, whose status on any day is that of every span in it.
        fn representative(&self) -> AssignmentState {
            let completed_on = match self.state {
                BucketState::Open | BucketState::Cancelled => None,
                BucketState::OnTime => Some(self.due.unwrap_or_else(no_due)),
                BucketState::Late => self.due.and_then(|d| d.succ_opt()),
            };
            AssignmentState {
                deadline_kind: if self.recurring { DeadlineKind::Recurring } else { DeadlineKind::Date },
                due: self.due,
                completed_on,
                cancelled: self.state == BucketState::Cancelled,
            }
        }
    }

    /// Appends signed counts to `status_buckets`, one row per bucket (deltas of the
    /// same bucket added up first, zeros dropped).
    pub(super) async fn shift_buckets(tx: &mut Tx<'_>, deltas: &[(Bucket, i64)]) -> Result<(), StoreError> {
        let mut sums: std::collections::BTreeMap<Bucket, i64> = std::collections::BTreeMap::new();
        for (bucket, n) in deltas {
            *sums.entry(*bucket).or_insert(0) += n;
        }
        let rows: Vec<Vec<Arg>> = sums
            .into_iter()
            .filter(|(_, n)| *n != 0)
            .map(|(b, n)| {
                vec![
                    Arg::Bool(b.recurring),
                    Arg::Date(b.due.unwrap_or_else(no_due)),
                    Arg::Text(b.state.as_str().into()),
                    Arg::I64(n),
                ]
            })
            .collect();
        if !rows.is_empty() {
            tx_insert_rows(tx, "INSERT INTO status_buckets (recurring, due, state, n)", 4, &rows).await?;
        }
        Ok(())
    }

    /// Past this many rows, a read folds `status_buckets` back to one row per bucket.
    const BUCKET_ROWS_BEFORE_FOLD: usize = 20_000;

    /// Counts by status on `day` of the current spans, from their buckets.
    pub(super) async fn status_counts_from_buckets(pool: &Pool, day: NaiveDate, due_soon_days: u32) -> Result<Vec<(Status, i64)>, StoreError> {
        let rows = sqlx::query("SELECT recurring, due, state, n FROM status_buckets").fetch_all(pool).await?;
        let mut sums: std::collections::HashMap<Bucket, i64> = std::collections::HashMap::new();
        for row in &rows {
            let due: NaiveDate = row.try_get("due")?;
            let bucket = Bucket {
                recurring: row.try_get("recurring")?,
                due: (due != no_due()).then_some(due),
                state: BucketState::parse(row.try_get::<&str, _>("state")?)?,
            };
            *sums.entry(bucket).or_insert(0) += row.try_get::<i64, _>("n")?;
        }
        if rows.len() > BUCKET_ROWS_BEFORE_FOLD {
            // Only a speed-up for later reads: when it cannot run now (another writer
            // holds SQLite), the next read tries again.
            let _ = fold_buckets(pool).await;
        }
        let mut counts: std::collections::HashMap<Status, i64> = std::collections::HashMap::new();
        for (bucket, n) in sums {
            *counts.entry(tiendo_core::status::status_on(&bucket.representative(), day, due_soon_days)).or_insert(0) += n;
        }
        Ok(Status::ALL.iter().map(|s| (*s, counts.get(s).copied().unwrap_or(0))).collect())
    }

    /// Folds `status_buckets` now (tests and maintenance; reads do it when needed).
    pub async fn fold_status_buckets(pool: &Pool) -> Result<(), StoreError> {
        fold_buckets(pool).await
    }

    /// Rewrites `status_buckets` as one row per bucket. On PostgreSQL one statement
    /// deletes the rows it sums and inserts the sums, so a delta committed meanwhile
    /// is either folded or left as it is, never lost; SQLite has one writer at a time.
    async fn fold_buckets(pool: &Pool) -> Result<(), StoreError> {
        if is_postgres() {
            sqlx::query(
                "WITH moved AS (DELETE FROM status_buckets RETURNING recurring, due, state, n) \
                 INSERT INTO status_buckets (recurring, due, state, n) \
                 SELECT recurring, due, state, SUM(n) FROM moved GROUP BY recurring, due, state HAVING SUM(n) <> 0",
            )
            .execute(pool)
            .await?;
        } else {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "CREATE TEMP TABLE IF NOT EXISTS folded_buckets (recurring BOOLEAN, due DATE, state TEXT, n BIGINT)",
            )
            .execute(&mut *tx)
            .await?;
            for statement in [
                "DELETE FROM folded_buckets",
                "INSERT INTO folded_buckets SELECT recurring, due, state, SUM(n) FROM status_buckets GROUP BY recurring, due, state HAVING SUM(n) <> 0",
                "DELETE FROM status_buckets",
                "INSERT INTO status_buckets SELECT recurring, due, state, n FROM folded_buckets",
            ] {
                sqlx::query(statement).execute(&mut *tx).await?;
            }
            tx.commit().await?;
        }
        Ok(())
    }
}
