// The repository, written once for both backends. This file is `include!`d by
// `sqlite.rs` and `postgres.rs`, each of which defines `type Db` first; the SQL uses
// `$n` placeholders and types that mean the same in SQLite and PostgreSQL.
//
// Every write is one transaction that also appends its entry to `events`.
//
// Here: the backend, the query helpers every subject shares, and the migrations;
// the queries of each subject are in `repo/` (included at the end of this file).

use chrono::NaiveDate;
use sqlx::Row;
use tiendo_core::deadline::{Deadline, DeadlineKind};
use tiendo_core::model::{Agency, Document, Event, PartyRef, User};
use tiendo_core::status::{AssignmentState, StateChange, Status};
use tiendo_core::text::fold;
use tiendo_core::time::{Micros, end_of_day, format_date_vi, instant_rfc3339, now_micros};

use crate::error::StoreError;
use crate::sql::{Arg, Sql};
use crate::types::*;

pub type Pool = sqlx::Pool<Db>;
type Tx<'c> = sqlx::Transaction<'c, Db>;
type DbRow = <Db as sqlx::Database>::Row;

/// A connection pool and, for SQLite, the lock that keeps writers one at a time.
#[derive(Debug)]
pub struct Backend {
    pub pool: Pool,
    pub write_lock: Option<tokio::sync::Mutex<()>>,
}

pub(crate) fn bind<'q>(
    mut q: sqlx::query::Query<'q, Db, <Db as sqlx::Database>::Arguments>,
    args: &'q [Arg],
) -> sqlx::query::Query<'q, Db, <Db as sqlx::Database>::Arguments> {
    for a in args {
        q = bind_one(q, a);
    }
    q
}

fn bind_one<'q>(
    q: sqlx::query::Query<'q, Db, <Db as sqlx::Database>::Arguments>,
    a: &'q Arg,
) -> sqlx::query::Query<'q, Db, <Db as sqlx::Database>::Arguments> {
    match a {
        Arg::I64(v) => q.bind(*v),
        Arg::OptI64(v) => q.bind(*v),
        Arg::Text(v) => q.bind(v.as_str()),
        Arg::OptText(v) => q.bind(v.as_deref()),
        Arg::Date(v) => q.bind(*v),
        Arg::OptDate(v) => q.bind(*v),
        Arg::Bool(v) => q.bind(*v),
    }
}

fn is_postgres() -> bool {
    std::any::type_name::<Db>().contains("Postgres")
}

async fn fetch_all(pool: &Pool, sql: &Sql) -> Result<Vec<DbRow>, StoreError> {
    Ok(bind(sqlx::query(sqlx::AssertSqlSafe(sql.text_for(POSITIONAL_PARAMETERS))), &sql.args).fetch_all(pool).await?)
}

async fn fetch_optional(pool: &Pool, sql: &Sql) -> Result<Option<DbRow>, StoreError> {
    Ok(bind(sqlx::query(sqlx::AssertSqlSafe(sql.text_for(POSITIONAL_PARAMETERS))), &sql.args)
        .fetch_optional(pool)
        .await?)
}

async fn count(pool: &Pool, sql: &Sql) -> Result<i64, StoreError> {
    let row = bind(sqlx::query(sqlx::AssertSqlSafe(sql.text_for(POSITIONAL_PARAMETERS))), &sql.args)
        .fetch_one(pool)
        .await?;
    Ok(row.try_get::<i64, _>(0)?)
}

async fn tx_exec(tx: &mut Tx<'_>, sql: &Sql) -> Result<u64, StoreError> {
    Ok(bind(sqlx::query(sqlx::AssertSqlSafe(sql.text_for(POSITIONAL_PARAMETERS))), &sql.args)
        .execute(&mut **tx)
        .await?
        .rows_affected())
}

async fn tx_insert_id(tx: &mut Tx<'_>, sql: &Sql) -> Result<i64, StoreError> {
    let row = bind(sqlx::query(sqlx::AssertSqlSafe(sql.text_for(POSITIONAL_PARAMETERS))), &sql.args)
        .fetch_one(&mut **tx)
        .await?;
    Ok(row.try_get::<i64, _>(0)?)
}

async fn tx_optional(tx: &mut Tx<'_>, sql: &Sql) -> Result<Option<DbRow>, StoreError> {
    Ok(bind(sqlx::query(sqlx::AssertSqlSafe(sql.text_for(POSITIONAL_PARAMETERS))), &sql.args)
        .fetch_optional(&mut **tx)
        .await?)
}

impl Backend {
    /// Starts a write transaction; on SQLite waits for the single writer's turn so
    /// that concurrent writers queue instead of failing with SQLITE_BUSY.
    async fn begin(&self) -> Result<(Option<tokio::sync::MutexGuard<'_, ()>>, Tx<'_>), StoreError> {
        let guard = match &self.write_lock {
            Some(lock) => Some(lock.lock().await),
            None => None,
        };
        let mut tx = self.pool.begin().await?;
        chain::lock_head(&mut tx).await?;
        Ok((guard, tx))
    }
}

/// Commits a write transaction, advancing the data version in it. Readers key
/// their caches by this version (see `data_version`): it changes exactly when a
/// write becomes visible. The row is updated last, just before the commit, so the
/// row lock it takes on PostgreSQL is held only for the commit itself and always
/// acquired after every other lock of the transaction (no deadlock between writers).
async fn commit(mut tx: Tx<'_>) -> Result<(), StoreError> {
    sqlx::query("UPDATE data_version SET n = n + 1 WHERE id = 1")
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The data version: a number that grows with every committed write (writes of
/// sign-in tokens excepted). Two reads under the same version see the same data.
pub async fn data_version(pool: &Pool) -> Result<i64, StoreError> {
    let row = sqlx::query("SELECT n FROM data_version WHERE id = 1").fetch_one(pool).await?;
    Ok(row.try_get::<i64, _>(0)?)
}

/// Appends the history entry of a change to the audit chain, in the change's
/// transaction (see `chain::append_events`).
async fn audit(tx: &mut Tx<'_>, stamp: &Stamp, entry: &Audit) -> Result<(), StoreError> {
    chain::append_events(
        tx,
        &[chain::PendingEvent::new(stamp, entry.entity, entry.entity_id, &entry.action, entry.changes.clone())],
    )
    .await?;
    // The outbox: a change that sets notices off writes their cause with itself.
    notices::cause_for_change(tx, stamp, entry).await
}

/// One page of a list and the number of rows in all: `SELECT COUNT(*)` then
/// `SELECT cols … ORDER BY order` with the page's LIMIT and OFFSET, over the same
/// FROM and WHERE (`from_where`, whose arguments both queries bind).
async fn paged<T>(
    pool: &Pool,
    cols: &str,
    from_where: Sql,
    order: &str,
    page: i64,
    per_page: i64,
    row: impl Fn(&DbRow) -> Result<T, StoreError>,
) -> Result<(Vec<T>, i64), StoreError> {
    let total = count(pool, &Sql { text: format!("SELECT COUNT(*){}", from_where.text), args: from_where.args.clone() }).await?;
    let mut sql = Sql { text: format!("SELECT {cols}{} ORDER BY {order}", from_where.text), args: from_where.args };
    page_clause(&mut sql, page, per_page);
    let items = fetch_all(pool, &sql).await?.iter().map(row).collect::<Result<_, _>>()?;
    Ok((items, total))
}

fn page_clause(sql: &mut Sql, page: i64, per_page: i64) {
    let per_page = per_page.clamp(1, 1000);
    // A page far past the end is empty, never a wrapped-around offset (page 1).
    let offset = (page.max(1) - 1).saturating_mul(per_page);
    let l = sql.arg(Arg::I64(per_page));
    let o = sql.arg(Arg::I64(offset));
    sql.push(&format!(" LIMIT {l} OFFSET {o}"));
}

fn json_list(text: &str) -> Vec<String> {
    serde_json::from_str(text).unwrap_or_default()
}

fn json_parties(text: &str) -> Vec<PartyRef> {
    serde_json::from_str(text).unwrap_or_default()
}

// ---------------------------------------------------------------- multi-row inserts

/// Parameters per multi-row statement, kept under SQLite's 32,766 (and
/// PostgreSQL's 65,535).
const BULK_PARAMS: usize = 30_000;

/// `head VALUES (…),(…)` for `rows` rows of `cols` placeholders (`?` on SQLite,
/// `$n` on PostgreSQL).
fn insert_text(head: &str, cols: usize, rows: usize) -> String {
    use std::fmt::Write;
    let mut text = String::with_capacity(head.len() + 8 + rows * cols * 7);
    text.push_str(head);
    text.push_str(" VALUES ");
    let mut n = 0;
    for i in 0..rows {
        if i > 0 {
            text.push(',');
        }
        text.push('(');
        for j in 0..cols {
            if j > 0 {
                text.push(',');
            }
            n += 1;
            if POSITIONAL_PARAMETERS {
                text.push('?');
            } else {
                let _ = write!(text, "${n}");
            }
        }
        text.push(')');
    }
    text
}

/// Writes `rows` (each `cols` values) as multi-row INSERTs of `head` (`INSERT INTO t (…)`):
/// the statement text is built once per chunk size (so the prepared statement is
/// reused) and the values are bound without copying.
async fn tx_insert_rows(tx: &mut Tx<'_>, head: &str, cols: usize, rows: &[Vec<Arg>]) -> Result<(), StoreError> {
    let per = (BULK_PARAMS / cols.max(1)).max(1);
    let mut full: Option<String> = None;
    for chunk in rows.chunks(per) {
        let text = if chunk.len() == per {
            full.get_or_insert_with(|| insert_text(head, cols, per)).clone()
        } else {
            insert_text(head, cols, chunk.len())
        };
        let mut q = sqlx::query(sqlx::AssertSqlSafe(text));
        for row in chunk {
            debug_assert_eq!(row.len(), cols);
            for a in row {
                q = bind_one(q, a);
            }
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

// ---------------------------------------------------------------- migrations

pub async fn applied_versions(pool: &Pool) -> Result<Vec<i64>, StoreError> {
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)",
    )
    .execute(pool)
    .await?;
    let rows = sqlx::query("SELECT version FROM schema_migrations ORDER BY version")
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|r| r.try_get::<i64, _>(0).map_err(StoreError::from))
        .collect()
}

pub async fn apply_migration(
    backend: &Backend,
    version: i64,
    statements: &[String],
) -> Result<(), StoreError> {
    // Not `backend.begin()`: the chain's head may not exist yet.
    let _guard = match &backend.write_lock {
        Some(lock) => Some(lock.lock().await),
        None => None,
    };
    let mut tx = backend.pool.begin().await?;
    for statement in statements {
        sqlx::query(sqlx::AssertSqlSafe(statement.clone())).execute(&mut *tx).await?;
    }
    if version == chain::CHAIN_MIGRATION {
        chain::start_chain(&mut tx).await?;
    }
    if version == documents::DOCUMENT_TEXT_MIGRATION {
        documents::refold_documents(&mut tx).await?;
    }
    sqlx::query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)")
        .bind(version)
        .bind(now_micros())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------- subjects
//
// One module a subject, each in `repo/`, its public functions re-exported here
// (the `Store` methods of lib.rs forward to them).

include!("repo/agencies.rs");
pub use agencies::*;
include!("repo/documents.rs");
pub use documents::*;
include!("repo/tasks.rs");
pub use tasks::*;
include!("repo/assignments.rs");
pub use assignments::*;
include!("repo/spans.rs");
pub use spans::*;
include!("repo/buckets.rs");
pub use buckets::*;
include!("repo/reports.rs");
pub use reports::*;
include!("repo/extensions.rs");
pub use extensions::*;
include!("repo/letters.rs");
pub use letters::*;
include!("repo/commitments.rs");
pub use commitments::*;
include!("repo/users.rs");
pub use users::*;
include!("repo/events.rs");
pub use events::*;
include!("repo/bulk.rs");
pub use bulk::*;
include!("repo/chain.rs");
pub use chain::*;
include!("repo/security.rs");
pub use security::*;
include!("repo/tokens.rs");
pub use tokens::*;
include!("repo/notices.rs");
pub use notices::*;
include!("repo/comments.rs");
pub use comments::*;
include!("repo/parts.rs");
pub use parts::*;
include!("repo/search.rs");
pub use search::*;
