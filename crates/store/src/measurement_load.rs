//! Loading a large number of measurements into a database that holds none of them
//! yet (the 20,000,000-measurement benchmark, a first import of history): no
//! history entries, no check that a value already exists. PostgreSQL gets them
//! through `COPY … FROM STDIN`; SQLite through multi-row INSERTs of bound
//! positional parameters in one transaction per call.

use chrono::NaiveDate;
use sqlx::postgres::PgPoolCopyExt;

use crate::error::StoreError;
use crate::sql::{Arg, Sql};
use crate::{Store, sqlite};

/// A measurement to load: `(indicator_id, agency_id, period, period_end, value)`.
pub type LoadMeasurement = (i64, i64, String, NaiveDate, i64);

/// Columns per row of the SQLite INSERT, and rows per statement (6 × 5,400 =
/// 32,400 parameters, under SQLite's 32,766).
const COLS: usize = 6;
const ROWS: usize = 5_400;

/// The indexes of `measurements`, exactly as the migrations create them (0002,
/// 0012; a test holds them equal): dropped before a large load and built once
/// after it, several times faster than maintaining them row by row.
const MEASUREMENT_INDEXES: [(&str, &str); 2] = [
    (
        "measurements_current_value",
        "CREATE INDEX IF NOT EXISTS measurements_current_value ON measurements (indicator_id, period, agency_id, value) WHERE superseded_at IS NULL",
    ),
    (
        "measurements_history",
        "CREATE INDEX IF NOT EXISTS measurements_history ON measurements (indicator_id, agency_id, period, recorded_at)",
    ),
];

impl Store {
    /// Before a large load into an empty `measurements`: drops its indexes, which
    /// [`Store::load_finish`] builds again. Nothing may read measurements between
    /// the two (benchmarks and first loads only).
    pub async fn load_start(&self) -> Result<(), StoreError> {
        for (name, _) in MEASUREMENT_INDEXES {
            let drop = format!("DROP INDEX IF EXISTS {name}");
            match self {
                Store::Postgres(b) => {
                    sqlx::query(sqlx::AssertSqlSafe(drop))
                        .execute(&b.pool)
                        .await?;
                }
                Store::Sqlite(b) => {
                    sqlx::query(sqlx::AssertSqlSafe(drop))
                        .execute(&b.pool)
                        .await?;
                }
            }
        }
        Ok(())
    }

    /// Loads current measurements, recorded at `recorded_at`, in one transaction
    /// (SQLite) or one COPY (PostgreSQL). For benchmarks and first loads only: the
    /// caller guarantees no (indicator, agency, period) already has a value.
    pub async fn load_measurements(
        &self,
        rows: &[LoadMeasurement],
        recorded_at: i64,
    ) -> Result<u64, StoreError> {
        match self {
            Store::Postgres(b) => {
                let mut data = Vec::with_capacity(rows.len() * 48);
                for (indicator, agency, period, end, value) in rows {
                    use std::io::Write;
                    let _ = writeln!(
                        data,
                        "{indicator}\t{agency}\t{period}\t{end}\t{value}\t{recorded_at}"
                    );
                }
                let mut copy = b
                    .pool
                    .copy_in_raw(
                        "COPY measurements (indicator_id, agency_id, period, period_end, value, recorded_at) FROM STDIN",
                    )
                    .await?;
                for chunk in data.chunks(1 << 20) {
                    copy.send(chunk).await?;
                }
                let n = copy.finish().await?;
                sqlx::query("UPDATE data_version SET n = n + 1 WHERE id = 1")
                    .execute(&b.pool)
                    .await?;
                Ok(n)
            }
            Store::Sqlite(b) => load_sqlite(b, rows, recorded_at).await,
        }
    }

    /// After a load: builds the measurement indexes (when [`Store::load_start`]
    /// dropped them; a no-op otherwise), then refreshes the planner's statistics
    /// (and on PostgreSQL the visibility map, so the covering index is read
    /// without the table).
    pub async fn load_finish(&self) -> Result<(), StoreError> {
        match self {
            Store::Postgres(b) => {
                // One connection, so the larger sort memory applies to the builds.
                let mut conn = b.pool.acquire().await?;
                sqlx::query("SET maintenance_work_mem = '512MB'")
                    .execute(&mut *conn)
                    .await?;
                for (_, create) in MEASUREMENT_INDEXES {
                    sqlx::query(create).execute(&mut *conn).await?;
                }
                sqlx::query("RESET maintenance_work_mem")
                    .execute(&mut *conn)
                    .await?;
                sqlx::query("VACUUM (ANALYZE) measurements")
                    .execute(&mut *conn)
                    .await?;
            }
            Store::Sqlite(b) => {
                for (_, create) in MEASUREMENT_INDEXES {
                    sqlx::query(create).execute(&b.pool).await?;
                }
                sqlx::query("ANALYZE").execute(&b.pool).await?;
            }
        }
        Ok(())
    }
}

async fn load_sqlite(
    b: &sqlite::Backend,
    rows: &[LoadMeasurement],
    recorded_at: i64,
) -> Result<u64, StoreError> {
    let _guard = match &b.write_lock {
        Some(lock) => Some(lock.lock().await),
        None => None,
    };
    let mut tx = b.pool.begin().await?;
    let mut n = 0;
    for chunk in rows.chunks(ROWS) {
        let mut sql = Sql::new(
            "INSERT INTO measurements (indicator_id, agency_id, period, period_end, value, recorded_at) VALUES ",
        );
        for (k, (indicator, agency, period, end, value)) in chunk.iter().enumerate() {
            if k > 0 {
                sql.push(",");
            }
            sql.push("(?,?,?,?,?,?)");
            sql.args.extend([
                Arg::I64(*indicator),
                Arg::I64(*agency),
                Arg::Text(period.clone()),
                Arg::Date(*end),
                Arg::I64(*value),
                Arg::I64(recorded_at),
            ]);
        }
        debug_assert_eq!(sql.args.len(), chunk.len() * COLS);
        let q = sqlite::bind(
            sqlx::query(sqlx::AssertSqlSafe(sql.text.clone())),
            &sql.args,
        );
        n += q.execute(&mut *tx).await?.rows_affected();
    }
    sqlx::query("UPDATE data_version SET n = n + 1 WHERE id = 1")
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::MEASUREMENT_INDEXES;

    /// The indexes a load rebuilds are those the migrations made.
    #[test]
    fn load_indexes_are_the_migrations_own() {
        let migrations: String = crate::MIGRATIONS
            .iter()
            .map(|(_, text)| text.replace("IF NOT EXISTS ", ""))
            .collect();
        for (name, create) in MEASUREMENT_INDEXES {
            let create = create.replace("IF NOT EXISTS ", "");
            assert!(
                migrations.contains(&format!("{create};")),
                "{name}: {create}"
            );
            assert!(create.contains(name));
        }
    }
}
