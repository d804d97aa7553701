// The repository, written once for both backends. This file is `include!`d by
// `sqlite.rs` and `postgres.rs`, each of which defines `type Db` first; the SQL uses
// `$n` placeholders and types that mean the same in SQLite and PostgreSQL.
//
// Every write is one transaction that also appends its entry to `events`.

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
        let tx = self.pool.begin().await?;
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

async fn audit(tx: &mut Tx<'_>, stamp: &Stamp, entry: &Audit) -> Result<(), StoreError> {
    let mut sql = Sql::default();
    sql.push_args(
        "INSERT INTO events (entity, entity_id, action, actor_id, changes, recorded_at, entered_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            Arg::Text(entry.entity.into()),
            Arg::I64(entry.entity_id),
            Arg::Text(entry.action.clone()),
            Arg::OptI64(stamp.actor_id),
            Arg::Text(entry.changes.to_string()),
            Arg::I64(stamp.recorded_at),
            Arg::I64(stamp.entered_at),
        ],
    );
    tx_exec(tx, &sql).await?;
    Ok(())
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
    let offset = (page.max(1) - 1) * per_page;
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
    let (_guard, mut tx) = backend.begin().await?;
    for statement in statements {
        sqlx::query(sqlx::AssertSqlSafe(statement.clone())).execute(&mut *tx).await?;
    }
    sqlx::query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)")
        .bind(version)
        .bind(now_micros())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------- agencies

const AGENCY_COLS: &str = "id, code, kind, name, short_name, bare, aliases, groups_json, valid_from, valid_to, successor_id, parent_id";

fn agency_from(row: &DbRow) -> Result<Agency, StoreError> {
    Ok(Agency {
        id: row.try_get("id")?,
        code: row.try_get("code")?,
        kind: row.try_get("kind")?,
        name: row.try_get("name")?,
        short_name: row.try_get("short_name")?,
        bare: row.try_get("bare")?,
        aliases: json_list(&row.try_get::<String, _>("aliases")?),
        groups: json_list(&row.try_get::<String, _>("groups_json")?),
        valid_from: row.try_get("valid_from")?,
        valid_to: row.try_get("valid_to")?,
        successor_id: row.try_get("successor_id")?,
        parent_id: row.try_get("parent_id")?,
    })
}

fn agency_search_text(a: &NewAgency) -> String {
    let mut text = vec![a.code.clone(), a.name.clone()];
    text.extend(a.short_name.iter().cloned());
    text.extend(a.bare.iter().cloned());
    text.extend(a.aliases.iter().cloned());
    fold(&text.join(" "))
}

/// Inserts the agencies whose code is not there yet, then links successors and
/// parents. Existing rows are left as the office may have edited them. Returns how
/// many were inserted.
pub async fn sync_agencies(backend: &Backend, agencies: &[NewAgency]) -> Result<usize, StoreError> {
    let (_guard, mut tx) = backend.begin().await?;
    let now = now_micros();
    let mut inserted = 0;
    for a in agencies {
        let mut sql = Sql::default();
        sql.push_args(
            "INSERT INTO agencies (code, kind, name, short_name, bare, aliases, groups_json, valid_from, valid_to, search_text, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO NOTHING",
            [
                Arg::Text(a.code.clone()),
                Arg::Text(a.kind.clone()),
                Arg::Text(a.name.clone()),
                Arg::OptText(a.short_name.clone()),
                Arg::OptText(a.bare.clone()),
                Arg::Text(serde_json::to_string(&a.aliases).unwrap_or_default()),
                Arg::Text(serde_json::to_string(&a.groups).unwrap_or_default()),
                Arg::OptDate(a.valid_from),
                Arg::OptDate(a.valid_to),
                Arg::Text(agency_search_text(a)),
                Arg::I64(now),
                Arg::I64(now),
            ],
        );
        inserted += tx_exec(&mut tx, &sql).await? as usize;
    }
    for a in agencies {
        for (column, target) in [("successor_id", &a.successor_code), ("parent_id", &a.parent_code)] {
            if let Some(target) = target {
                let mut sql = Sql::default();
                sql.push(&format!("UPDATE agencies SET {column} = (SELECT id FROM agencies WHERE code = "));
                sql.push_args("?) WHERE code = ? AND ", [Arg::Text(target.clone()), Arg::Text(a.code.clone())]);
                sql.push(&format!("{column} IS NULL"));
                tx_exec(&mut tx, &sql).await?;
            }
        }
    }
    commit(tx).await?;
    Ok(inserted)
}

pub async fn create_agency(backend: &Backend, a: &NewAgency, stamp: &Stamp) -> Result<Agency, StoreError> {
    let (_guard, mut tx) = backend.begin().await?;
    let mut sql = Sql::default();
    sql.push_args(
        "INSERT INTO agencies (code, kind, name, short_name, bare, aliases, groups_json, valid_from, valid_to, successor_id, parent_id, search_text, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT id FROM agencies WHERE code = ?), (SELECT id FROM agencies WHERE code = ?), ?, ?, ?) RETURNING id",
        [
            Arg::Text(a.code.clone()),
            Arg::Text(a.kind.clone()),
            Arg::Text(a.name.clone()),
            Arg::OptText(a.short_name.clone()),
            Arg::OptText(a.bare.clone()),
            Arg::Text(serde_json::to_string(&a.aliases).unwrap_or_default()),
            Arg::Text(serde_json::to_string(&a.groups).unwrap_or_default()),
            Arg::OptDate(a.valid_from),
            Arg::OptDate(a.valid_to),
            Arg::OptText(a.successor_code.clone()),
            Arg::OptText(a.parent_code.clone()),
            Arg::Text(agency_search_text(a)),
            Arg::I64(stamp.recorded_at),
            Arg::I64(stamp.recorded_at),
        ],
    );
    let id = tx_insert_id(&mut tx, &sql).await?;
    audit(
        &mut tx,
        stamp,
        &Audit {
            entity: "agency",
            entity_id: id,
            action: "create".into(),
            changes: serde_json::json!({"code": a.code, "kind": a.kind, "name": a.name, "short_name": a.short_name, "aliases": a.aliases, "groups": a.groups}),
        },
    )
    .await?;
    commit(tx).await?;
    get_agency(&backend.pool, id).await?.ok_or(StoreError::NotFound("agency"))
}

/// Replaces an agency's editable fields, recording old and new values.
pub async fn update_agency(
    backend: &Backend,
    id: i64,
    a: &NewAgency,
    stamp: &Stamp,
) -> Result<Agency, StoreError> {
    let before = get_agency(&backend.pool, id).await?.ok_or(StoreError::NotFound("agency"))?;
    let (_guard, mut tx) = backend.begin().await?;
    let mut sql = Sql::default();
    sql.push_args(
        "UPDATE agencies SET kind = ?, name = ?, short_name = ?, bare = ?, aliases = ?, groups_json = ?, valid_from = ?, valid_to = ?, \
         successor_id = (SELECT id FROM agencies WHERE code = ?), parent_id = (SELECT id FROM agencies WHERE code = ?), search_text = ?, updated_at = ? WHERE id = ?",
        [
            Arg::Text(a.kind.clone()),
            Arg::Text(a.name.clone()),
            Arg::OptText(a.short_name.clone()),
            Arg::OptText(a.bare.clone()),
            Arg::Text(serde_json::to_string(&a.aliases).unwrap_or_default()),
            Arg::Text(serde_json::to_string(&a.groups).unwrap_or_default()),
            Arg::OptDate(a.valid_from),
            Arg::OptDate(a.valid_to),
            Arg::OptText(a.successor_code.clone()),
            Arg::OptText(a.parent_code.clone()),
            Arg::Text(agency_search_text(a)),
            Arg::I64(stamp.recorded_at),
            Arg::I64(id),
        ],
    );
    tx_exec(&mut tx, &sql).await?;
    audit(
        &mut tx,
        stamp,
        &Audit {
            entity: "agency",
            entity_id: id,
            action: "update".into(),
            changes: serde_json::json!({
                "before": {"kind": before.kind, "name": before.name, "short_name": before.short_name, "aliases": before.aliases, "valid_to": before.valid_to},
                "after": {"kind": a.kind, "name": a.name, "short_name": a.short_name, "aliases": a.aliases, "valid_to": a.valid_to},
            }),
        },
    )
    .await?;
    commit(tx).await?;
    get_agency(&backend.pool, id).await?.ok_or(StoreError::NotFound("agency"))
}

pub async fn get_agency(pool: &Pool, id: i64) -> Result<Option<Agency>, StoreError> {
    let mut sql = Sql::new(&format!("SELECT {AGENCY_COLS} FROM agencies WHERE "));
    sql.push_args("id = ?", [Arg::I64(id)]);
    fetch_optional(pool, &sql).await?.as_ref().map(agency_from).transpose()
}

pub async fn get_agency_by_code(pool: &Pool, code: &str) -> Result<Option<Agency>, StoreError> {
    let mut sql = Sql::new(&format!("SELECT {AGENCY_COLS} FROM agencies WHERE "));
    sql.push_args("code = ?", [Arg::Text(code.into())]);
    fetch_optional(pool, &sql).await?.as_ref().map(agency_from).transpose()
}

pub async fn all_agencies(pool: &Pool) -> Result<Vec<Agency>, StoreError> {
    let sql = Sql::new(&format!("SELECT {AGENCY_COLS} FROM agencies ORDER BY id"));
    fetch_all(pool, &sql).await?.iter().map(agency_from).collect()
}

pub async fn list_agencies(pool: &Pool, f: &AgencyFilter) -> Result<(Vec<Agency>, i64), StoreError> {
    let mut wh = Sql::new(" WHERE 1=1");
    for word in f.q.as_deref().map(fold).unwrap_or_default().split(' ').filter(|w| !w.is_empty()) {
        wh.push_args(" AND search_text LIKE ?", [Arg::Text(format!("%{word}%"))]);
    }
    if let Some(kind) = &f.kind {
        wh.push_args(" AND kind = ?", [Arg::Text(kind.clone())]);
    }
    if let Some(group) = &f.group {
        wh.push_args(" AND groups_json LIKE ?", [Arg::Text(format!("%\"{group}\"%"))]);
    }
    if f.current_only {
        wh.push(" AND valid_to IS NULL");
    }
    let from_where = Sql { text: format!(" FROM agencies{}", wh.text), args: wh.args };
    paged(pool, AGENCY_COLS, from_where, "id", f.page, f.per_page, agency_from).await
}

// ---------------------------------------------------------------- documents

const DOCUMENT_COLS: &str = "d.id, d.number, d.kind, d.title, d.issued_on, d.issuer, d.signer, (d.body IS NOT NULL) AS has_text, \
     (SELECT COUNT(*) FROM tasks t WHERE t.document_id = d.id) AS task_count, d.created_at, d.updated_at";

/// How reports cite a document: "Thông báo số 624/TB-VPCP ngày 16/11/2025".
pub fn citation(kind: &str, number: Option<&str>, issued_on: Option<NaiveDate>, title: &str) -> String {
    match (number, issued_on) {
        (Some(n), Some(d)) => format!("{kind} số {n} ngày {}", format_date_vi(d)),
        (Some(n), None) => format!("{kind} số {n}"),
        (None, Some(d)) => format!("{title} ({})", format_date_vi(d)),
        (None, None) => title.to_string(),
    }
}

fn document_from(row: &DbRow) -> Result<Document, StoreError> {
    let kind: String = row.try_get("kind")?;
    let number: Option<String> = row.try_get("number")?;
    let issued_on: Option<NaiveDate> = row.try_get("issued_on")?;
    let title: String = row.try_get("title")?;
    Ok(Document {
        id: row.try_get("id")?,
        citation: citation(&kind, number.as_deref(), issued_on, &title),
        number,
        kind,
        title,
        issued_on,
        issuer: row.try_get("issuer")?,
        signer: row.try_get("signer")?,
        has_text: row.try_get("has_text")?,
        task_count: row.try_get("task_count")?,
        created_at: instant_rfc3339(row.try_get("created_at")?),
        updated_at: instant_rfc3339(row.try_get("updated_at")?),
    })
}

fn document_search_text(d: &NewDocument) -> String {
    fold(&format!(
        "{} {} {} {}",
        d.number.as_deref().unwrap_or(""),
        d.kind,
        d.title,
        d.issuer.as_deref().unwrap_or("")
    ))
}

pub async fn create_document(backend: &Backend, d: &NewDocument, stamp: &Stamp) -> Result<Document, StoreError> {
    let (_guard, mut tx) = backend.begin().await?;
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
            Arg::Text(document_search_text(d)),
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
            action: "create".into(),
            changes: serde_json::json!({"number": d.number, "kind": d.kind, "title": d.title, "issued_on": d.issued_on, "issuer": d.issuer, "signer": d.signer, "has_text": d.body.is_some()}),
        },
    )
    .await?;
    commit(tx).await?;
    get_document(&backend.pool, id).await?.ok_or(StoreError::NotFound("document"))
}

pub async fn update_document(
    backend: &Backend,
    id: i64,
    d: &NewDocument,
    stamp: &Stamp,
) -> Result<Document, StoreError> {
    let before = get_document(&backend.pool, id).await?.ok_or(StoreError::NotFound("document"))?;
    let (_guard, mut tx) = backend.begin().await?;
    let mut sql = Sql::default();
    sql.push_args(
        "UPDATE documents SET number = ?, kind = ?, title = ?, issued_on = ?, issuer = ?, signer = ?, search_text = ?, updated_at = ? WHERE id = ?",
        [
            Arg::OptText(d.number.clone()),
            Arg::Text(d.kind.clone()),
            Arg::Text(d.title.clone()),
            Arg::OptDate(d.issued_on),
            Arg::OptText(d.issuer.clone()),
            Arg::OptText(d.signer.clone()),
            Arg::Text(document_search_text(d)),
            Arg::I64(stamp.recorded_at),
            Arg::I64(id),
        ],
    );
    tx_exec(&mut tx, &sql).await?;
    if let Some(body) = &d.body {
        let mut sql = Sql::default();
        sql.push_args("UPDATE documents SET body = ? WHERE id = ?", [Arg::Text(body.clone()), Arg::I64(id)]);
        tx_exec(&mut tx, &sql).await?;
    }
    audit(
        &mut tx,
        stamp,
        &Audit {
            entity: "document",
            entity_id: id,
            action: "update".into(),
            changes: serde_json::json!({
                "before": {"number": before.number, "kind": before.kind, "title": before.title, "issued_on": before.issued_on, "issuer": before.issuer, "signer": before.signer},
                "after": {"number": d.number, "kind": d.kind, "title": d.title, "issued_on": d.issued_on, "issuer": d.issuer, "signer": d.signer},
            }),
        },
    )
    .await?;
    commit(tx).await?;
    get_document(&backend.pool, id).await?.ok_or(StoreError::NotFound("document"))
}

pub async fn get_document(pool: &Pool, id: i64) -> Result<Option<Document>, StoreError> {
    let mut sql = Sql::new(&format!("SELECT {DOCUMENT_COLS} FROM documents d WHERE "));
    sql.push_args("d.id = ?", [Arg::I64(id)]);
    fetch_optional(pool, &sql).await?.as_ref().map(document_from).transpose()
}

pub async fn get_document_body(pool: &Pool, id: i64) -> Result<Option<String>, StoreError> {
    let mut sql = Sql::default();
    sql.push_args("SELECT body FROM documents WHERE id = ?", [Arg::I64(id)]);
    Ok(match fetch_optional(pool, &sql).await? {
        Some(row) => row.try_get("body")?,
        None => None,
    })
}

pub async fn find_document_by_number(pool: &Pool, number: &str) -> Result<Option<Document>, StoreError> {
    let mut sql = Sql::new(&format!("SELECT {DOCUMENT_COLS} FROM documents d WHERE "));
    sql.push_args("d.number = ?", [Arg::Text(number.into())]);
    fetch_optional(pool, &sql).await?.as_ref().map(document_from).transpose()
}

pub async fn count_documents(pool: &Pool) -> Result<i64, StoreError> {
    count(pool, &Sql::new("SELECT COUNT(*) FROM documents")).await
}

pub async fn list_documents(pool: &Pool, f: &DocumentFilter) -> Result<(Vec<Document>, i64), StoreError> {
    let mut wh = Sql::new(" WHERE 1=1");
    for word in f.q.as_deref().map(fold).unwrap_or_default().split(' ').filter(|w| !w.is_empty()) {
        wh.push_args(" AND d.search_text LIKE ?", [Arg::Text(format!("%{word}%"))]);
    }
    if let Some(kind) = &f.kind {
        wh.push_args(" AND d.kind = ?", [Arg::Text(kind.clone())]);
    }
    if let Some(from) = f.issued_from {
        wh.push_args(" AND d.issued_on >= ?", [Arg::Date(from)]);
    }
    if let Some(to) = f.issued_to {
        wh.push_args(" AND d.issued_on <= ?", [Arg::Date(to)]);
    }
    if let Some(agency) = f.agency_id {
        wh.push_args(
            " AND d.id IN (SELECT t.document_id FROM tasks t JOIN assignments a ON a.task_id = t.id WHERE a.agency_id = ?)",
            [Arg::I64(agency)],
        );
    }
    let from_where = Sql { text: format!(" FROM documents d{}", wh.text), args: wh.args };
    paged(pool, DOCUMENT_COLS, from_where, "d.issued_on DESC, d.id DESC", f.page, f.per_page, document_from).await
}

// ---------------------------------------------------------------- tasks

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

fn task_search_text(t: &NewTask, extra: &str) -> String {
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

/// Writes the first knowledge span of a new assignment.
async fn insert_assignment(
    tx: &mut Tx<'_>,
    task_id: i64,
    agency_id: i64,
    deadline: &Deadline,
    stamp: &Stamp,
) -> Result<i64, StoreError> {
    let mut sql = Sql::default();
    sql.push_args(
        "INSERT INTO assignments (task_id, agency_id, deadline_kind, due, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        [
            Arg::I64(task_id),
            Arg::I64(agency_id),
            Arg::Text(deadline.kind.as_str().into()),
            Arg::OptDate(deadline.due),
            Arg::I64(stamp.recorded_at),
            Arg::I64(stamp.recorded_at),
        ],
    );
    let id = tx_insert_id(tx, &sql).await?;
    let state = AssignmentState::new(deadline);
    insert_span(tx, id, task_id, agency_id, stamp.recorded_at, &state).await?;
    audit(
        tx,
        stamp,
        &Audit {
            entity: "assignment",
            entity_id: id,
            action: "create".into(),
            changes: serde_json::json!({"task_id": task_id, "agency_id": agency_id, "deadline_kind": deadline.kind, "due": deadline.due}),
        },
    )
    .await?;
    Ok(id)
}

async fn insert_span(
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

pub async fn create_task(backend: &Backend, t: &NewTask, stamp: &Stamp) -> Result<i64, StoreError> {
    let (_guard, mut tx) = backend.begin().await?;
    let id = insert_task(&mut tx, t, stamp).await?;
    commit(tx).await?;
    Ok(id)
}

async fn insert_task(tx: &mut Tx<'_>, t: &NewTask, stamp: &Stamp) -> Result<i64, StoreError> {
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
                    Arg::Text(document_search_text(d)),
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

/// The SQL condition on `assignment_states s` for what was known at instant `t`.
fn known_clause(sql: &mut Sql, t: Micros) {
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
fn past_national_scan_hint(sql: &mut Sql, agency: Option<i64>, as_of: NaiveDate) {
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
    sql
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

fn known_from_row(row: &DbRow) -> Result<KnownAssignment, StoreError> {
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

const KNOWN_COLS: &str = "s.assignment_id, s.task_id, s.agency_id, s.deadline_kind, s.due, s.completed_on, s.cancelled";

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

// ---------------------------------------------------------------- status buckets

/// The bucket of `status_buckets` a current span counts in: what its status on
/// any day depends on (see migration 0010).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Bucket {
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
    fn of(state: &AssignmentState) -> Bucket {
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
async fn shift_buckets(tx: &mut Tx<'_>, deltas: &[(Bucket, i64)]) -> Result<(), StoreError> {
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
async fn status_counts_from_buckets(pool: &Pool, day: NaiveDate, due_soon_days: u32) -> Result<Vec<(Status, i64)>, StoreError> {
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

// ---------------------------------------------------------------- assignments

const ASSIGNMENT_COLS: &str = "a.id, a.task_id, t.text AS task_text, t.deadline_raw, a.agency_id, g.name AS agency_name, a.created_at, \
     s.deadline_kind, s.due, s.completed_on, s.cancelled";

fn assignment_from(row: &DbRow) -> Result<AssignmentRow, StoreError> {
    Ok(AssignmentRow {
        id: row.try_get("id")?,
        task_id: row.try_get("task_id")?,
        task_text: row.try_get("task_text")?,
        agency_id: row.try_get("agency_id")?,
        agency_name: row.try_get("agency_name")?,
        deadline_raw: row.try_get("deadline_raw")?,
        created_at: row.try_get("created_at")?,
        state: AssignmentState {
            deadline_kind: parse_kind(&row.try_get::<String, _>("deadline_kind")?),
            due: row.try_get("due")?,
            completed_on: row.try_get("completed_on")?,
            cancelled: row.try_get("cancelled")?,
        },
    })
}

pub async fn list_assignments(pool: &Pool, f: &AssignmentFilter) -> Result<(Vec<AssignmentRow>, i64), StoreError> {
    let mut wh = Sql::new(" WHERE 1=1");
    known_clause(&mut wh, end_of_day(f.as_of));
    if let Some(task) = f.task_id {
        wh.push_args(" AND s.task_id = ?", [Arg::I64(task)]);
    }
    if let Some(agency) = f.agency_id {
        wh.push_args(" AND s.agency_id = ?", [Arg::I64(agency)]);
    }
    if let Some(agency) = f.confined_to {
        wh.push_args(" AND s.agency_id = ?", [Arg::I64(agency)]);
    }
    if let Some(doc) = f.document_id {
        wh.push_args(" AND t.document_id = ?", [Arg::I64(doc)]);
    }
    if let Some(status) = f.status {
        status_clause(&mut wh, status, f.as_of, f.due_soon_days);
    }
    let from = " FROM assignment_states s JOIN assignments a ON a.id = s.assignment_id JOIN tasks t ON t.id = a.task_id JOIN agencies g ON g.id = a.agency_id";
    let from_where = Sql { text: format!("{from}{}", wh.text), args: wh.args };
    paged(pool, ASSIGNMENT_COLS, from_where, "(s.due IS NULL), s.due, a.id", f.page, f.per_page, assignment_from).await
}

/// One assignment with its state known at the end of `as_of` (`None` if it did not
/// exist yet then).
pub async fn get_assignment(pool: &Pool, id: i64, as_of: NaiveDate) -> Result<Option<AssignmentRow>, StoreError> {
    let mut sql = Sql::new(&format!(
        "SELECT {ASSIGNMENT_COLS} FROM assignment_states s JOIN assignments a ON a.id = s.assignment_id JOIN tasks t ON t.id = a.task_id JOIN agencies g ON g.id = a.agency_id WHERE "
    ));
    sql.push_args("a.id = ?", [Arg::I64(id)]);
    known_clause(&mut sql, end_of_day(as_of));
    fetch_optional(pool, &sql).await?.as_ref().map(assignment_from).transpose()
}

/// The agency an assignment belongs to (for permission checks), with its current state.
pub async fn assignment_owner(pool: &Pool, id: i64) -> Result<Option<(i64, i64, AssignmentState)>, StoreError> {
    let mut sql = Sql::default();
    sql.push_args(
        "SELECT task_id, agency_id, deadline_kind, due, completed_on, cancelled FROM assignments WHERE id = ?",
        [Arg::I64(id)],
    );
    Ok(match fetch_optional(pool, &sql).await? {
        Some(row) => Some((
            row.try_get("task_id")?,
            row.try_get("agency_id")?,
            AssignmentState {
                deadline_kind: parse_kind(&row.try_get::<String, _>("deadline_kind")?),
                due: row.try_get("due")?,
                completed_on: row.try_get("completed_on")?,
                cancelled: row.try_get("cancelled")?,
            },
        )),
        None => None,
    })
}

pub async fn add_assignment(backend: &Backend, task_id: i64, agency_id: i64, deadline: &Deadline, stamp: &Stamp) -> Result<i64, StoreError> {
    let (_guard, mut tx) = backend.begin().await?;
    let id = insert_assignment(&mut tx, task_id, agency_id, deadline, stamp).await?;
    commit(tx).await?;
    Ok(id)
}

/// Applies a status change to an assignment: updates its current row, closes the
/// current knowledge span and opens the next, and records the event.
async fn change_assignment_in(
    tx: &mut Tx<'_>,
    id: i64,
    change: &StateChange,
    action: &str,
    details: serde_json::Value,
    stamp: &Stamp,
) -> Result<AssignmentState, StoreError> {
    let mut sql = Sql::default();
    sql.push_args(
        "SELECT id, task_id, agency_id, known_from, deadline_kind, due, completed_on, cancelled FROM assignment_states WHERE assignment_id = ? AND known_to IS NULL",
        [Arg::I64(id)],
    );
    let row = tx_optional(tx, &sql).await?.ok_or(StoreError::NotFound("assignment"))?;
    let span_id: i64 = row.try_get("id")?;
    let task_id: i64 = row.try_get("task_id")?;
    let agency_id: i64 = row.try_get("agency_id")?;
    let known_from: i64 = row.try_get("known_from")?;
    let before = AssignmentState {
        deadline_kind: parse_kind(&row.try_get::<String, _>("deadline_kind")?),
        due: row.try_get("due")?,
        completed_on: row.try_get("completed_on")?,
        cancelled: row.try_get("cancelled")?,
    };
    if stamp.recorded_at < known_from {
        return Err(StoreError::Invalid(
            "history can only be appended: this change is dated before the assignment's last change".into(),
        ));
    }
    let after = before.apply(change);
    if stamp.recorded_at == known_from {
        let mut sql = Sql::default();
        sql.push_args(
            "UPDATE assignment_states SET deadline_kind = ?, due = ?, completed_on = ?, cancelled = ? WHERE id = ?",
            [
                Arg::Text(after.deadline_kind.as_str().into()),
                Arg::OptDate(after.due),
                Arg::OptDate(after.completed_on),
                Arg::Bool(after.cancelled),
                Arg::I64(span_id),
            ],
        );
        tx_exec(tx, &sql).await?;
        shift_buckets(tx, &[(Bucket::of(&before), -1), (Bucket::of(&after), 1)]).await?;
    } else {
        let mut sql = Sql::default();
        sql.push_args("UPDATE assignment_states SET known_to = ? WHERE id = ?", [Arg::I64(stamp.recorded_at), Arg::I64(span_id)]);
        tx_exec(tx, &sql).await?;
        shift_buckets(tx, &[(Bucket::of(&before), -1)]).await?;
        insert_span(tx, id, task_id, agency_id, stamp.recorded_at, &after).await?;
    }
    let mut sql = Sql::default();
    sql.push_args(
        "UPDATE assignments SET deadline_kind = ?, due = ?, completed_on = ?, cancelled = ?, updated_at = ? WHERE id = ?",
        [
            Arg::Text(after.deadline_kind.as_str().into()),
            Arg::OptDate(after.due),
            Arg::OptDate(after.completed_on),
            Arg::Bool(after.cancelled),
            Arg::I64(stamp.recorded_at),
            Arg::I64(id),
        ],
    );
    tx_exec(tx, &sql).await?;
    audit(
        tx,
        stamp,
        &Audit {
            entity: "assignment",
            entity_id: id,
            action: action.into(),
            changes: serde_json::json!({"change": change, "before": before, "after": after, "details": details}),
        },
    )
    .await?;
    Ok(after)
}

pub async fn change_assignment(
    backend: &Backend,
    id: i64,
    change: &StateChange,
    action: &str,
    details: serde_json::Value,
    stamp: &Stamp,
) -> Result<AssignmentState, StoreError> {
    let (_guard, mut tx) = backend.begin().await?;
    let state = change_assignment_in(&mut tx, id, change, action, details, stamp).await?;
    commit(tx).await?;
    Ok(state)
}

// ---------------------------------------------------------------- progress reports

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
async fn insert_report(tx: &mut Tx<'_>, r: &NewReport, stamp: &Stamp) -> Result<i64, StoreError> {
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
    let report = get_report(&backend.pool, id).await?.ok_or(StoreError::NotFound("progress report"))?;
    if report.review_state != "pending" {
        return Err(StoreError::Conflict(format!(
            "report {id} is not waiting for review (its review state is `{}`)",
            report.review_state
        )));
    }
    let (_guard, mut tx) = backend.begin().await?;
    let state = if accept { "accepted" } else { "returned" };
    let mut sql = Sql::default();
    sql.push_args(
        "UPDATE progress_reports SET review_state = ?, review_note = ?, reviewed_by = ?, reviewed_at = ?, updated_at = ? WHERE id = ?",
        [
            Arg::Text(state.into()),
            Arg::OptText(note.map(str::to_string)),
            Arg::OptI64(stamp.actor_id),
            Arg::I64(stamp.recorded_at),
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
    if let Some(v) = &f.review_state {
        wh.push_args(" AND r.review_state = ?", [Arg::Text(v.clone())]);
    }
    let from = " FROM progress_reports r JOIN assignments a ON a.id = r.assignment_id";
    let from_where = Sql { text: format!("{from}{}", wh.text), args: wh.args };
    paged(pool, REPORT_COLS, from_where, "r.id DESC", f.page, f.per_page, report_from).await
}

// ---------------------------------------------------------------- extensions

const EXTENSION_COLS: &str = "x.id, x.assignment_id, a.agency_id, x.requested_by, x.deadline_kind, x.due, x.deadline_raw, x.previous_kind, x.previous_due, \
     x.reason, x.state, x.decision_note, x.decided_by, x.decided_at, x.created_at";

fn extension_from(row: &DbRow) -> Result<tiendo_core::model::Extension, StoreError> {
    use tiendo_core::model::DeadlineView;
    Ok(tiendo_core::model::Extension {
        id: row.try_get("id")?,
        assignment_id: row.try_get("assignment_id")?,
        agency_id: row.try_get("agency_id")?,
        requested_by: row.try_get("requested_by")?,
        requested_deadline: DeadlineView::from_parts(
            parse_kind(&row.try_get::<String, _>("deadline_kind")?),
            row.try_get("due")?,
            &row.try_get::<String, _>("deadline_raw")?,
        ),
        previous_deadline: DeadlineView::from_parts(
            parse_kind(&row.try_get::<String, _>("previous_kind")?),
            row.try_get("previous_due")?,
            "",
        ),
        reason: row.try_get("reason")?,
        state: row.try_get("state")?,
        decision_note: row.try_get("decision_note")?,
        decided_by: row.try_get("decided_by")?,
        created_at: instant_rfc3339(row.try_get("created_at")?),
        decided_at: row.try_get::<Option<i64>, _>("decided_at")?.map(instant_rfc3339),
    })
}

pub async fn create_extension(backend: &Backend, x: &NewExtension, previous: &AssignmentState, stamp: &Stamp) -> Result<i64, StoreError> {
    let (_guard, mut tx) = backend.begin().await?;
    let mut sql = Sql::default();
    sql.push_args(
        "INSERT INTO extensions (assignment_id, requested_by, deadline_kind, due, deadline_raw, previous_kind, previous_due, reason, state, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'requested', ?) RETURNING id",
        [
            Arg::I64(x.assignment_id),
            Arg::I64(x.requested_by),
            Arg::Text(x.deadline.kind.as_str().into()),
            Arg::OptDate(x.deadline.due),
            Arg::Text(x.deadline.raw.clone()),
            Arg::Text(previous.deadline_kind.as_str().into()),
            Arg::OptDate(previous.due),
            Arg::Text(x.reason.clone()),
            Arg::I64(stamp.recorded_at),
        ],
    );
    let id = tx_insert_id(&mut tx, &sql).await?;
    audit(
        &mut tx,
        stamp,
        &Audit {
            entity: "extension",
            entity_id: id,
            action: "request".into(),
            changes: serde_json::json!({"assignment_id": x.assignment_id, "deadline": x.deadline, "previous": {"kind": previous.deadline_kind, "due": previous.due}, "reason": x.reason}),
        },
    )
    .await?;
    commit(tx).await?;
    Ok(id)
}

/// Approves or refuses a request. Approval moves the assignment's deadline in the
/// same transaction; the earlier deadline stays in the history.
pub async fn decide_extension(backend: &Backend, id: i64, approve: bool, note: Option<&str>, stamp: &Stamp) -> Result<(), StoreError> {
    let mut sql = Sql::new(&format!("SELECT {EXTENSION_COLS} FROM extensions x JOIN assignments a ON a.id = x.assignment_id WHERE "));
    sql.push_args("x.id = ?", [Arg::I64(id)]);
    let x = fetch_optional(&backend.pool, &sql)
        .await?
        .as_ref()
        .map(extension_from)
        .transpose()?
        .ok_or(StoreError::NotFound("extension"))?;
    if x.state != "requested" {
        return Err(StoreError::Conflict(format!("extension {id} was already decided ({})", x.state)));
    }
    let (_guard, mut tx) = backend.begin().await?;
    let state = if approve { "approved" } else { "refused" };
    let mut sql = Sql::default();
    sql.push_args(
        "UPDATE extensions SET state = ?, decision_note = ?, decided_by = ?, decided_at = ? WHERE id = ?",
        [
            Arg::Text(state.into()),
            Arg::OptText(note.map(str::to_string)),
            Arg::OptI64(stamp.actor_id),
            Arg::I64(stamp.recorded_at),
            Arg::I64(id),
        ],
    );
    tx_exec(&mut tx, &sql).await?;
    audit(
        &mut tx,
        stamp,
        &Audit {
            entity: "extension",
            entity_id: id,
            action: if approve { "approve".into() } else { "refuse".into() },
            changes: serde_json::json!({"state": state, "note": note}),
        },
    )
    .await?;
    if approve {
        let kind = DeadlineKind::parse(&x.requested_deadline.kind).unwrap_or(DeadlineKind::Date);
        change_assignment_in(
            &mut tx,
            x.assignment_id,
            &StateChange::DeadlineSet { kind, due: x.requested_deadline.due },
            "extend",
            serde_json::json!({"extension_id": id}),
            stamp,
        )
        .await?;
    }
    commit(tx).await?;
    Ok(())
}

pub async fn get_extension(pool: &Pool, id: i64) -> Result<Option<tiendo_core::model::Extension>, StoreError> {
    let mut sql = Sql::new(&format!("SELECT {EXTENSION_COLS} FROM extensions x JOIN assignments a ON a.id = x.assignment_id WHERE "));
    sql.push_args("x.id = ?", [Arg::I64(id)]);
    fetch_optional(pool, &sql).await?.as_ref().map(extension_from).transpose()
}

pub async fn list_extensions(pool: &Pool, f: &ExtensionFilter) -> Result<(Vec<tiendo_core::model::Extension>, i64), StoreError> {
    let mut wh = Sql::new(" WHERE 1=1");
    if let Some(v) = f.assignment_id {
        wh.push_args(" AND x.assignment_id = ?", [Arg::I64(v)]);
    }
    if let Some(v) = f.agency_id {
        wh.push_args(" AND a.agency_id = ?", [Arg::I64(v)]);
    }
    if let Some(v) = f.confined_to {
        wh.push_args(" AND a.agency_id = ?", [Arg::I64(v)]);
    }
    if let Some(v) = &f.state {
        wh.push_args(" AND x.state = ?", [Arg::Text(v.clone())]);
    }
    let from = " FROM extensions x JOIN assignments a ON a.id = x.assignment_id";
    let from_where = Sql { text: format!("{from}{}", wh.text), args: wh.args };
    paged(pool, EXTENSION_COLS, from_where, "x.id DESC", f.page, f.per_page, extension_from).await
}

// ---------------------------------------------------------------- commitments

const COMMITMENT_COLS: &str = "c.id, c.assignment_id, a.agency_id, c.committed_on, c.original_due, c.letter_number, c.note, c.created_by, c.created_at, c.updated_at";

fn commitment_from(row: &DbRow) -> Result<CommitmentRow, StoreError> {
    Ok(CommitmentRow {
        id: row.try_get("id")?,
        assignment_id: row.try_get("assignment_id")?,
        agency_id: row.try_get("agency_id")?,
        committed_on: row.try_get("committed_on")?,
        original_due: row.try_get("original_due")?,
        letter_number: row.try_get("letter_number")?,
        note: row.try_get("note")?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

pub async fn create_commitment(backend: &Backend, c: &NewCommitment, original_due: Option<NaiveDate>, stamp: &Stamp) -> Result<i64, StoreError> {
    let (_guard, mut tx) = backend.begin().await?;
    let mut sql = Sql::default();
    sql.push_args(
        "INSERT INTO commitments (assignment_id, committed_on, original_due, letter_number, note, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [
            Arg::I64(c.assignment_id),
            Arg::Date(c.committed_on),
            Arg::OptDate(original_due),
            Arg::OptText(c.letter_number.clone()),
            Arg::OptText(c.note.clone()),
            Arg::I64(c.created_by),
            Arg::I64(stamp.recorded_at),
            Arg::I64(stamp.recorded_at),
        ],
    );
    let id = tx_insert_id(&mut tx, &sql).await?;
    audit(
        &mut tx,
        stamp,
        &Audit {
            entity: "commitment",
            entity_id: id,
            action: "create".into(),
            changes: serde_json::json!({"assignment_id": c.assignment_id, "committed_on": c.committed_on, "original_due": original_due, "letter_number": c.letter_number, "note": c.note}),
        },
    )
    .await?;
    commit(tx).await?;
    Ok(id)
}

pub async fn update_commitment(backend: &Backend, id: i64, committed_on: NaiveDate, letter_number: Option<String>, note: Option<String>, stamp: &Stamp) -> Result<(), StoreError> {
    let before = get_commitment(&backend.pool, id).await?.ok_or(StoreError::NotFound("commitment"))?;
    let (_guard, mut tx) = backend.begin().await?;
    let mut sql = Sql::default();
    sql.push_args(
        "UPDATE commitments SET committed_on = ?, letter_number = ?, note = ?, updated_at = ? WHERE id = ?",
        [Arg::Date(committed_on), Arg::OptText(letter_number.clone()), Arg::OptText(note.clone()), Arg::I64(stamp.recorded_at), Arg::I64(id)],
    );
    tx_exec(&mut tx, &sql).await?;
    audit(
        &mut tx,
        stamp,
        &Audit {
            entity: "commitment",
            entity_id: id,
            action: "update".into(),
            changes: serde_json::json!({
                "before": {"committed_on": before.committed_on, "letter_number": before.letter_number, "note": before.note},
                "after": {"committed_on": committed_on, "letter_number": letter_number, "note": note},
            }),
        },
    )
    .await?;
    commit(tx).await?;
    Ok(())
}

pub async fn get_commitment(pool: &Pool, id: i64) -> Result<Option<CommitmentRow>, StoreError> {
    let mut sql = Sql::new(&format!("SELECT {COMMITMENT_COLS} FROM commitments c JOIN assignments a ON a.id = c.assignment_id WHERE "));
    sql.push_args("c.id = ?", [Arg::I64(id)]);
    fetch_optional(pool, &sql).await?.as_ref().map(commitment_from).transpose()
}

pub async fn list_commitments(pool: &Pool, f: &CommitmentFilter) -> Result<(Vec<CommitmentRow>, i64), StoreError> {
    let mut wh = Sql::new(" WHERE 1=1");
    if let Some(v) = f.assignment_id {
        wh.push_args(" AND c.assignment_id = ?", [Arg::I64(v)]);
    }
    if let Some(v) = f.agency_id {
        wh.push_args(" AND a.agency_id = ?", [Arg::I64(v)]);
    }
    if let Some(v) = f.confined_to {
        wh.push_args(" AND a.agency_id = ?", [Arg::I64(v)]);
    }
    let from = " FROM commitments c JOIN assignments a ON a.id = c.assignment_id";
    let from_where = Sql { text: format!("{from}{}", wh.text), args: wh.args };
    paged(pool, COMMITMENT_COLS, from_where, "c.id DESC", f.page, f.per_page, commitment_from).await
}

// ---------------------------------------------------------------- users and tokens

const USER_COLS: &str = "id, username, display_name, role, agency_id, active, created_at";

fn user_from(row: &DbRow) -> Result<User, StoreError> {
    Ok(User {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        role: row.try_get("role")?,
        agency_id: row.try_get("agency_id")?,
        active: row.try_get("active")?,
        created_at: instant_rfc3339(row.try_get("created_at")?),
    })
}

pub async fn create_user(backend: &Backend, u: &NewUser, stamp: &Stamp) -> Result<User, StoreError> {
    let (_guard, mut tx) = backend.begin().await?;
    let mut sql = Sql::default();
    sql.push_args(
        "INSERT INTO users (username, display_name, password_hash, role, agency_id, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, TRUE, ?, ?) RETURNING id",
        [
            Arg::Text(u.username.clone()),
            Arg::OptText(u.display_name.clone()),
            Arg::Text(u.password_hash.clone()),
            Arg::Text(u.role.clone()),
            Arg::OptI64(u.agency_id),
            Arg::I64(stamp.recorded_at),
            Arg::I64(stamp.recorded_at),
        ],
    );
    let id = tx_insert_id(&mut tx, &sql).await?;
    audit(
        &mut tx,
        stamp,
        &Audit {
            entity: "user",
            entity_id: id,
            action: "create".into(),
            changes: serde_json::json!({"username": u.username, "display_name": u.display_name, "role": u.role, "agency_id": u.agency_id}),
        },
    )
    .await?;
    commit(tx).await?;
    get_user(&backend.pool, id).await?.ok_or(StoreError::NotFound("user"))
}

/// Updates a user; a new password hash replaces the old, and deactivation or a
/// password change revokes the user's tokens.
pub async fn update_user(backend: &Backend, id: i64, patch: &UserPatch, stamp: &Stamp) -> Result<User, StoreError> {
    let UserPatch { display_name, role, agency_id, active, password_hash } = patch.clone();
    let before = get_user(&backend.pool, id).await?.ok_or(StoreError::NotFound("user"))?;
    let (_guard, mut tx) = backend.begin().await?;
    let mut sql = Sql::default();
    sql.push_args(
        "UPDATE users SET display_name = ?, role = ?, agency_id = ?, active = ?, updated_at = ? WHERE id = ?",
        [
            Arg::OptText(display_name.clone().unwrap_or(before.display_name.clone())),
            Arg::Text(role.clone().unwrap_or(before.role.clone())),
            Arg::OptI64(agency_id.unwrap_or(before.agency_id)),
            Arg::Bool(active.unwrap_or(before.active)),
            Arg::I64(stamp.recorded_at),
            Arg::I64(id),
        ],
    );
    tx_exec(&mut tx, &sql).await?;
    if let Some(hash) = &password_hash {
        let mut sql = Sql::default();
        sql.push_args("UPDATE users SET password_hash = ? WHERE id = ?", [Arg::Text(hash.clone()), Arg::I64(id)]);
        tx_exec(&mut tx, &sql).await?;
    }
    if password_hash.is_some() || active == Some(false) || role.is_some() || agency_id.is_some() {
        let mut sql = Sql::default();
        sql.push_args(
            "UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
            [Arg::I64(stamp.recorded_at), Arg::I64(id)],
        );
        tx_exec(&mut tx, &sql).await?;
    }
    audit(
        &mut tx,
        stamp,
        &Audit {
            entity: "user",
            entity_id: id,
            action: "update".into(),
            changes: serde_json::json!({
                "before": {"display_name": before.display_name, "role": before.role, "agency_id": before.agency_id, "active": before.active},
                "after": {"display_name": display_name.unwrap_or(before.display_name.clone()), "role": role.unwrap_or(before.role.clone()), "agency_id": agency_id.unwrap_or(before.agency_id), "active": active.unwrap_or(before.active)},
                "password_changed": password_hash.is_some(),
            }),
        },
    )
    .await?;
    commit(tx).await?;
    get_user(&backend.pool, id).await?.ok_or(StoreError::NotFound("user"))
}

pub async fn get_user(pool: &Pool, id: i64) -> Result<Option<User>, StoreError> {
    let mut sql = Sql::new(&format!("SELECT {USER_COLS} FROM users WHERE "));
    sql.push_args("id = ?", [Arg::I64(id)]);
    fetch_optional(pool, &sql).await?.as_ref().map(user_from).transpose()
}

pub async fn list_users(pool: &Pool, page: i64, per_page: i64, only: Option<i64>) -> Result<(Vec<User>, i64), StoreError> {
    let mut wh = Sql::new(" WHERE 1=1");
    if let Some(id) = only {
        wh.push_args(" AND id = ?", [Arg::I64(id)]);
    }
    let from_where = Sql { text: format!(" FROM users{}", wh.text), args: wh.args };
    paged(pool, USER_COLS, from_where, "id", page, per_page, user_from).await
}

pub async fn user_credentials(pool: &Pool, username: &str) -> Result<Option<UserCredentials>, StoreError> {
    let mut sql = Sql::default();
    sql.push_args(
        "SELECT id, username, password_hash, role, agency_id, active FROM users WHERE username = ?",
        [Arg::Text(username.into())],
    );
    Ok(match fetch_optional(pool, &sql).await? {
        Some(row) => Some(UserCredentials {
            id: row.try_get("id")?,
            username: row.try_get("username")?,
            password_hash: row.try_get("password_hash")?,
            role: row.try_get("role")?,
            agency_id: row.try_get("agency_id")?,
            active: row.try_get("active")?,
            expires_at: None,
        }),
        None => None,
    })
}

pub async fn create_token(backend: &Backend, user_id: i64, token_hash: &str, label: &str, expires_at: Option<Micros>, stamp: &Stamp) -> Result<i64, StoreError> {
    let (_guard, mut tx) = backend.begin().await?;
    let mut sql = Sql::default();
    sql.push_args(
        "INSERT INTO api_tokens (user_id, token_hash, label, created_at, expires_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
        [Arg::I64(user_id), Arg::Text(token_hash.into()), Arg::Text(label.into()), Arg::I64(stamp.recorded_at), Arg::OptI64(expires_at)],
    );
    let id = tx_insert_id(&mut tx, &sql).await?;
    audit(
        &mut tx,
        stamp,
        &Audit { entity: "token", entity_id: id, action: "create".into(), changes: serde_json::json!({"user_id": user_id, "label": label, "expires_at": expires_at}) },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The user behind a live token.
pub async fn token_user(pool: &Pool, token_hash: &str, now: Micros) -> Result<Option<UserCredentials>, StoreError> {
    let mut sql = Sql::default();
    sql.push_args(
        "SELECT u.id, u.username, u.password_hash, u.role, u.agency_id, u.active, k.expires_at FROM api_tokens k JOIN users u ON u.id = k.user_id \
         WHERE k.token_hash = ? AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > ?) AND u.active = TRUE",
        [Arg::Text(token_hash.into()), Arg::I64(now)],
    );
    Ok(match fetch_optional(pool, &sql).await? {
        Some(row) => Some(UserCredentials {
            id: row.try_get("id")?,
            username: row.try_get("username")?,
            password_hash: String::new(),
            role: row.try_get("role")?,
            agency_id: row.try_get("agency_id")?,
            active: row.try_get("active")?,
            expires_at: row.try_get("expires_at")?,
        }),
        None => None,
    })
}

pub async fn revoke_token(backend: &Backend, token_hash: &str, stamp: &Stamp) -> Result<bool, StoreError> {
    let (_guard, mut tx) = backend.begin().await?;
    let mut sql = Sql::default();
    sql.push_args(
        "UPDATE api_tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL RETURNING id",
        [Arg::I64(stamp.recorded_at), Arg::Text(token_hash.into())],
    );
    let revoked = match tx_optional(&mut tx, &sql).await? {
        Some(row) => {
            let id: i64 = row.try_get(0)?;
            audit(&mut tx, stamp, &Audit { entity: "token", entity_id: id, action: "revoke".into(), changes: serde_json::json!({}) }).await?;
            true
        }
        None => false,
    };
    tx.commit().await?;
    Ok(revoked)
}

// ---------------------------------------------------------------- events

pub async fn list_events(pool: &Pool, f: &EventFilter) -> Result<(Vec<Event>, i64), StoreError> {
    let mut wh = Sql::new(" WHERE 1=1");
    if let Some(v) = &f.entity {
        wh.push_args(" AND e.entity = ?", [Arg::Text(v.clone())]);
    }
    if let Some(v) = f.entity_id {
        wh.push_args(" AND e.entity_id = ?", [Arg::I64(v)]);
    }
    if let Some(v) = f.actor_id {
        wh.push_args(" AND e.actor_id = ?", [Arg::I64(v)]);
    }
    events_page(pool, wh, f.page, f.per_page).await
}

/// The history of a task: its own events and those of its assignments, reports,
/// extensions and commitments, oldest first.
pub async fn task_history(pool: &Pool, task_id: i64, confined_to: Option<i64>) -> Result<Vec<Event>, StoreError> {
    let confine = |sql: &mut Sql| {
        if let Some(agency) = confined_to {
            sql.push_args(" AND agency_id = ?", [Arg::I64(agency)]);
        }
    };
    let mut wh = Sql::new(" WHERE (");
    wh.push_args("(e.entity = 'task' AND e.entity_id = ?)", [Arg::I64(task_id)]);
    wh.push_args(" OR (e.entity = 'assignment' AND e.entity_id IN (SELECT id FROM assignments WHERE task_id = ?", [Arg::I64(task_id)]);
    confine(&mut wh);
    wh.push_args(")) OR (e.entity = 'progress_report' AND e.entity_id IN (SELECT r.id FROM progress_reports r WHERE r.assignment_id IN (SELECT id FROM assignments WHERE task_id = ?", [Arg::I64(task_id)]);
    confine(&mut wh);
    wh.push_args("))) OR (e.entity = 'extension' AND e.entity_id IN (SELECT x.id FROM extensions x WHERE x.assignment_id IN (SELECT id FROM assignments WHERE task_id = ?", [Arg::I64(task_id)]);
    confine(&mut wh);
    wh.push_args("))) OR (e.entity = 'commitment' AND e.entity_id IN (SELECT c.id FROM commitments c WHERE c.assignment_id IN (SELECT id FROM assignments WHERE task_id = ?", [Arg::I64(task_id)]);
    confine(&mut wh);
    wh.push("))))");
    let (items, _) = events_page(pool, wh, 1, 1000).await?;
    Ok(items)
}

async fn events_page(pool: &Pool, wh: Sql, page: i64, per_page: i64) -> Result<(Vec<Event>, i64), StoreError> {
    let total = count(pool, &Sql { text: format!("SELECT COUNT(*) FROM events e{}", wh.text), args: wh.args.clone() }).await?;
    let mut sql = Sql {
        text: format!(
            "SELECT e.id, e.entity, e.entity_id, e.action, e.actor_id, u.username AS actor_name, e.changes, e.recorded_at, e.entered_at \
             FROM events e LEFT JOIN users u ON u.id = e.actor_id{} ORDER BY e.recorded_at, e.id",
            wh.text
        ),
        args: wh.args,
    };
    page_clause(&mut sql, page, per_page);
    let mut items = Vec::new();
    for row in fetch_all(pool, &sql).await? {
        items.push(Event {
            id: row.try_get("id")?,
            entity: row.try_get("entity")?,
            entity_id: row.try_get("entity_id")?,
            action: row.try_get("action")?,
            actor_id: row.try_get("actor_id")?,
            actor_name: row.try_get("actor_name")?,
            changes: serde_json::from_str(&row.try_get::<String, _>("changes")?).unwrap_or(serde_json::Value::Null),
            recorded_at: instant_rfc3339(row.try_get("recorded_at")?),
            entered_at: instant_rfc3339(row.try_get("entered_at")?),
        });
    }
    Ok((items, total))
}

// ---------------------------------------------------------------- bulk loading
//
// For benchmarks and large imports into an EMPTY database: rows carry their ids
// (assigned by the caller), and are written with multi-row `INSERT … VALUES`
// statements (both backends accept them), one transaction per call.

/// An assignment to bulk insert: `(id, task_id, agency_id, spans)`, the spans as
/// `(known_from, state)` in order.
pub type BulkAssignment = (i64, i64, i64, Vec<(Micros, AssignmentState)>);

/// Parameters per multi-row statement, kept under SQLite's 32,766 (and
/// PostgreSQL's 65,535).
const BULK_PARAMS: usize = 30_000;

fn is_postgres() -> bool {
    std::any::type_name::<Db>().contains("Postgres")
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

/// The multi-row INSERT of tasks with their ids, and one task's values for it
/// ([`TASK_INSERT_COLS`] of them): shared by the bulk paths.
const TASK_INSERT: &str = "INSERT INTO tasks (id, document_id, ref, text, product, field, priority, deadline_kind, due, deadline_raw, lead_json, coord_json, leader, source_citation, search_text, created_at, updated_at)";
const TASK_INSERT_COLS: usize = 17;

fn task_row(id: i64, t: &NewTask, at: Micros) -> Vec<Arg> {
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
/// and their "create" history entries. Assignments are written by
/// [`bulk_insert_assignments`]. The caller keeps ids unique and the document ids valid.
pub async fn bulk_insert_tasks(backend: &Backend, tasks: &[(i64, NewTask, Micros)]) -> Result<usize, StoreError> {
    let (_guard, mut tx) = backend.begin().await?;
    let entered = now_micros();
    let mut rows = Vec::with_capacity(tasks.len());
    let mut events = Vec::with_capacity(tasks.len());
    for (id, t, at) in tasks {
        rows.push(task_row(*id, t, *at));
        events.push(vec![
            Arg::Text("task".into()),
            Arg::I64(*id),
            Arg::Text("create".into()),
            Arg::OptI64(None),
            Arg::Text(
                serde_json::json!({"document_id": t.document_id, "ref": t.ref_, "text": t.text, "deadline": t.deadline, "assignees": t.assignees})
                    .to_string(),
            ),
            Arg::I64(*at),
            Arg::I64(entered),
        ]);
    }
    tx_insert_rows(&mut tx, TASK_INSERT, TASK_INSERT_COLS, &rows).await?;
    tx_insert_rows(
        &mut tx,
        "INSERT INTO events (entity, entity_id, action, actor_id, changes, recorded_at, entered_at)",
        7,
        &events,
    )
    .await?;
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
            events.push(vec![
                Arg::Text("assignment".into()),
                Arg::I64(*id),
                Arg::Text(action.into()),
                Arg::OptI64(None),
                Arg::Text(changes.to_string()),
                Arg::I64(*from),
                Arg::I64(entered),
            ]);
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
    tx_insert_rows(
        &mut tx,
        "INSERT INTO events (entity, entity_id, action, actor_id, changes, recorded_at, entered_at)",
        7,
        &events,
    )
    .await?;
    shift_buckets(&mut tx, &buckets).await?;
    commit(tx).await?;
    Ok(assignments.len())
}

/// After a bulk load with explicit ids: moves PostgreSQL's identity sequences past
/// the largest ids (SQLite needs nothing), and refreshes the planner's statistics.
pub async fn bulk_finish(backend: &Backend) -> Result<(), StoreError> {
    let (_guard, mut tx) = backend.begin().await?;
    if is_postgres() {
        for table in ["documents", "tasks", "assignments", "assignment_states", "events"] {
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
