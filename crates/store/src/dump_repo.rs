// The whole database as JSON Lines (crate::dump has the format), written once for
// both backends (included by `sqlite.rs` and `postgres.rs` after `repo.rs`). The
// tables are read from the database's own schema; an export is one read
// transaction (one snapshot); an import is one write transaction.

pub mod dump_db {
    use super::*;
    use crate::dump::{self as d, Cell, Column, ExportSummary, Header, ImportSummary, Kind, Table};
    use std::collections::BTreeMap;
    use std::io::BufRead;

    type Conn = <Db as sqlx::Database>::Connection;

    /// Foreign keys: (table, table it refers to, column).
    type Edges = Vec<(String, String, String)>;

    /// The tables of the current schema (the exported ones: `schema_migrations`
    /// and SQLite's own excluded), sorted by name, and their foreign keys.
    pub(crate) async fn schema(conn: &mut Conn) -> Result<(Vec<Table>, Edges), StoreError> {
        let names: Vec<String> = if is_postgres() {
            sqlx::query_scalar(
                "SELECT table_name::text FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1",
            )
            .fetch_all(&mut *conn)
            .await?
        } else {
            sqlx::query_scalar(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite!_%' ESCAPE '!' \
                 AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY 1",
            )
            .fetch_all(&mut *conn)
            .await?
        };
        let names: Vec<String> = names.into_iter().filter(|n| !d::SKIPPED_TABLES.contains(&n.as_str())).collect();
        let mut edges: Edges = Vec::new();
        if is_postgres() {
            let rows = sqlx::query(
                "SELECT cl.relname::text, pr.relname::text, a.attname::text FROM pg_constraint c \
                 JOIN pg_class cl ON cl.oid = c.conrelid JOIN pg_class pr ON pr.oid = c.confrelid \
                 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] \
                 WHERE c.contype = 'f' AND cl.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema()) \
                 ORDER BY 1, 2, 3",
            )
            .fetch_all(&mut *conn)
            .await?;
            for r in rows {
                edges.push((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?));
            }
        }
        let mut tables = Vec::with_capacity(names.len());
        for name in &names {
            let rows = if is_postgres() {
                sqlx::query(
                    "SELECT column_name::text, data_type::text, is_nullable::text = 'YES' FROM information_schema.columns \
                     WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
                )
                .bind(name)
                .fetch_all(&mut *conn)
                .await?
            } else {
                let fks = sqlx::query("SELECT \"table\", \"from\" FROM pragma_foreign_key_list($1) ORDER BY 1, 2")
                    .bind(name)
                    .fetch_all(&mut *conn)
                    .await?;
                for r in fks {
                    edges.push((name.clone(), r.try_get(0)?, r.try_get(1)?));
                }
                sqlx::query("SELECT name, type, \"notnull\" = 0 AND pk = 0 FROM pragma_table_info($1) ORDER BY cid")
                    .bind(name)
                    .fetch_all(&mut *conn)
                    .await?
            };
            let mut columns = Vec::with_capacity(rows.len());
            for r in rows {
                let column: String = r.try_get(0)?;
                let declared: String = r.try_get(1)?;
                let nullable: bool = r.try_get(2)?;
                let kind = Kind::from_declared(&declared).ok_or_else(|| {
                    StoreError::Invalid(format!("{name}.{column}: column type '{declared}' cannot be exported"))
                })?;
                columns.push(Column { name: column, kind, nullable });
            }
            tables.push(Table { name: name.clone(), columns, rows: 0, self_refs: Vec::new() });
        }
        for t in &mut tables {
            t.self_refs = edges.iter().filter(|(c, p, _)| c == &t.name && p == &t.name).map(|(_, _, col)| col.clone()).collect();
        }
        Ok((tables, edges))
    }

    fn table_edges(edges: &Edges) -> Vec<(String, String)> {
        edges.iter().map(|(c, p, _)| (c.clone(), p.clone())).collect()
    }

    /// The highest migration applied (0 for a database with none).
    pub(crate) async fn schema_version(conn: &mut Conn) -> Result<i64, StoreError> {
        let exists: i64 = if is_postgres() {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations'",
            )
            .fetch_one(&mut *conn)
            .await?
        } else {
            sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
                .fetch_one(&mut *conn)
                .await?
        };
        if exists == 0 {
            return Ok(0);
        }
        Ok(sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetch_one(&mut *conn).await?)
    }

    async fn count_rows(conn: &mut Conn, table: &str) -> Result<i64, StoreError> {
        let text = format!("SELECT COUNT(*) FROM {}", d::ident(table)?);
        Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(text)).fetch_one(&mut *conn).await?)
    }

    /// Rows in every exported table.
    pub async fn table_counts(pool: &Pool) -> Result<BTreeMap<String, i64>, StoreError> {
        let mut conn = pool.acquire().await?;
        let (tables, _) = schema(&mut conn).await?;
        let mut out = BTreeMap::new();
        for t in tables {
            let n = count_rows(&mut conn, &t.name).await?;
            out.insert(t.name, n);
        }
        Ok(out)
    }

    /// The id of the last history event.
    pub async fn last_event_id(pool: &Pool) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar("SELECT MAX(id) FROM events").fetch_one(pool).await?)
    }

    /// The highest migration applied to the database.
    pub async fn applied_schema_version(pool: &Pool) -> Result<i64, StoreError> {
        let mut conn = pool.acquire().await?;
        schema_version(&mut conn).await
    }

    /// Writes the whole database to `out` in one read transaction (one snapshot:
    /// the server may go on writing).
    pub async fn export_all(pool: &Pool, out: &mut (dyn std::io::Write + Send)) -> Result<ExportSummary, StoreError> {
        let mut tx = pool.begin().await?;
        if is_postgres() {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute(&mut *tx).await?;
        }
        let result = export_in(&mut tx, out).await;
        tx.rollback().await?;
        result
    }

    /// The export, inside a transaction the caller holds (a backup shares it with
    /// `pg_dump`).
    pub(crate) async fn export_in(conn: &mut Conn, out: &mut (dyn std::io::Write + Send)) -> Result<ExportSummary, StoreError> {
        use futures_util::TryStreamExt;
        let version = schema_version(conn).await?;
        let (tables, edges) = schema(conn).await?;
        let names: Vec<String> = tables.iter().map(|t| t.name.clone()).collect();
        let order = d::dependency_order(&names, &table_edges(&edges))?;
        let mut by_name: BTreeMap<String, Table> = tables.into_iter().map(|t| (t.name.clone(), t)).collect();
        let mut ordered = Vec::with_capacity(order.len());
        for name in &order {
            if let Some(mut t) = by_name.remove(name) {
                t.rows = count_rows(conn, &t.name).await?;
                ordered.push(t);
            }
        }
        let header = Header {
            format: d::FORMAT.into(),
            format_version: d::FORMAT_VERSION,
            schema_version: version,
            backend: if is_postgres() { "postgres" } else { "sqlite" }.into(),
            exported_at: instant_rfc3339(now_micros()),
            tables: ordered.clone(),
        };
        let io = |e: std::io::Error| StoreError::Invalid(format!("cannot write the export: {e}"));
        let mut buf: Vec<u8> = serde_json::to_vec(&header).map_err(|e| StoreError::Invalid(e.to_string()))?;
        buf.push(b'\n');
        let mut summary = ExportSummary { schema_version: version, tables: BTreeMap::new() };
        for table in &ordered {
            let text = select_text(table)?;
            let mut rows = sqlx::query(sqlx::AssertSqlSafe(text)).fetch(&mut *conn);
            let mut n = 0i64;
            while let Some(row) = rows.try_next().await? {
                let mut cells = Vec::with_capacity(table.columns.len());
                for (i, c) in table.columns.iter().enumerate() {
                    cells.push(decode(&row, i, c.kind).map_err(|e| {
                        StoreError::Invalid(format!("{}.{} (row {}): {e}", table.name, c.name, n + 1))
                    })?);
                }
                d::write_row(&mut buf, table, &cells)?;
                n += 1;
                if buf.len() >= 1 << 20 {
                    out.write_all(&buf).map_err(io)?;
                    buf.clear();
                }
            }
            if n != table.rows {
                return Err(StoreError::Invalid(format!(
                    "table {} changed during the export ({} rows counted, {n} read)",
                    table.name, table.rows
                )));
            }
            summary.tables.insert(table.name.clone(), n);
        }
        out.write_all(&buf).map_err(io)?;
        out.flush().map_err(io)?;
        Ok(summary)
    }

    /// `SELECT` of a table's columns as the export reads them (whole numbers,
    /// text, days as text, booleans as 0/1, bytes), in a stable order.
    fn select_text(table: &Table) -> Result<String, StoreError> {
        let mut cols = Vec::with_capacity(table.columns.len());
        let mut order = Vec::new();
        for c in &table.columns {
            let q = d::ident(&c.name)?;
            cols.push(match (c.kind, is_postgres()) {
                (Kind::Int, true) => format!("{q}::bigint"),
                (Kind::Date, true) => format!("to_char({q}, 'YYYY-MM-DD')"),
                (Kind::Bool, true) => format!("{q}::int::bigint"),
                _ => q.clone(),
            });
            order.push(if c.kind == Kind::Text && is_postgres() { format!("{q} COLLATE \"C\"") } else { q });
        }
        let order = if table.has_id() { "\"id\"".to_string() } else { order.join(", ") };
        Ok(format!("SELECT {} FROM {} ORDER BY {order}", cols.join(", "), d::ident(&table.name)?))
    }

    fn decode(row: &DbRow, i: usize, kind: Kind) -> Result<Cell, String> {
        let e = |e: sqlx::Error| e.to_string();
        Ok(match kind {
            Kind::Int => row.try_get::<Option<i64>, _>(i).map_err(e)?.map_or(Cell::Null, Cell::Int),
            Kind::Text => row.try_get::<Option<String>, _>(i).map_err(e)?.map_or(Cell::Null, Cell::Text),
            Kind::Date => match row.try_get::<Option<String>, _>(i).map_err(e)? {
                None => Cell::Null,
                Some(s) => Cell::Date(
                    NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|_| format!("'{s}' is not a day (YYYY-MM-DD)"))?,
                ),
            },
            Kind::Bool => row.try_get::<Option<i64>, _>(i).map_err(e)?.map_or(Cell::Null, |v| Cell::Bool(v != 0)),
            Kind::Bytes => row.try_get::<Option<Vec<u8>>, _>(i).map_err(e)?.map_or(Cell::Null, Cell::Bytes),
        })
    }

    fn bind_cell<'q>(
        q: sqlx::query::Query<'q, Db, <Db as sqlx::Database>::Arguments>,
        cell: &'q Cell,
        kind: Kind,
    ) -> sqlx::query::Query<'q, Db, <Db as sqlx::Database>::Arguments> {
        match (cell, kind) {
            (Cell::Null, Kind::Int) => q.bind(None::<i64>),
            (Cell::Null, Kind::Text) => q.bind(None::<String>),
            (Cell::Null, Kind::Date) => q.bind(None::<NaiveDate>),
            (Cell::Null, Kind::Bool) => q.bind(None::<bool>),
            (Cell::Null, Kind::Bytes) => q.bind(None::<Vec<u8>>),
            (Cell::Int(v), _) => q.bind(*v),
            (Cell::Text(s), _) => q.bind(s.as_str()),
            (Cell::Date(v), _) => q.bind(*v),
            (Cell::Bool(v), _) => q.bind(*v),
            (Cell::Bytes(v), _) => q.bind(v.as_slice()),
        }
    }

    /// The lines of an export file, numbered from 1.
    fn lines(path: &std::path::Path) -> Result<impl Iterator<Item = Result<(usize, String), StoreError>>, StoreError> {
        let file = std::fs::File::open(path).map_err(|e| StoreError::Invalid(format!("cannot read {}: {e}", path.display())))?;
        let shown = path.display().to_string();
        Ok(std::io::BufReader::with_capacity(1 << 20, file)
            .lines()
            .enumerate()
            .map(move |(i, l)| l.map(|l| (i + 1, l)).map_err(|e| StoreError::Invalid(format!("{shown}: line {}: {e}", i + 1)))))
    }

    /// Reads every row of a file against its header: each parses with the
    /// header's columns, the rows of each table are together, in the header's
    /// order and as many as it counts, and nothing follows.
    fn check_rows(path: &std::path::Path, tables: &[Table]) -> Result<(), StoreError> {
        let (mut t, mut seen, mut last_line) = (0usize, 0i64, 1usize);
        for item in lines(path)?.skip(1) {
            let (line_no, line) = item?;
            last_line = line_no;
            if line.trim().is_empty() {
                continue;
            }
            while t < tables.len() && seen == tables[t].rows {
                t += 1;
                seen = 0;
            }
            let Some(table) = tables.get(t) else {
                return Err(StoreError::Invalid(format!("line {line_no}: a row after the last the header counts")));
            };
            d::parse_row(line_no, &line, table)?;
            seen += 1;
        }
        while t < tables.len() && seen == tables[t].rows {
            t += 1;
            seen = 0;
        }
        if let Some(table) = tables.get(t) {
            return Err(StoreError::Invalid(format!(
                "line {last_line}: the file ends with {seen} of the {} rows of table {} the header counts (truncated?)",
                table.rows, table.name
            )));
        }
        Ok(())
    }

    /// Reads and checks an export file without a database: its header and every
    /// row against the header's own columns and counts. Returns the header.
    pub fn check_file(path: &std::path::Path) -> Result<Header, StoreError> {
        let first = lines(path)?
            .next()
            .transpose()?
            .ok_or_else(|| StoreError::Invalid(format!("{}: empty file", path.display())))?;
        let header = d::parse_header(&first.1)?;
        let latest = crate::MIGRATIONS.last().map_or(0, |m| m.0);
        if header.schema_version > latest {
            return Err(StoreError::Invalid(format!(
                "line 1: the export is at schema version {}, newer than this tiendo knows ({latest}); upgrade tiendo",
                header.schema_version
            )));
        }
        check_rows(path, &header.tables)?;
        Ok(header)
    }

    /// Imports an export file into an empty database in one transaction: the
    /// migrations up to the file's schema version, then every row with its id.
    /// Any problem leaves the database as it was.
    pub async fn import_all(backend: &Backend, path: &std::path::Path) -> Result<ImportSummary, StoreError> {
        let header = check_file(path)?;
        // Not `backend.begin()`: an empty database has no audit chain head to lock
        // until the migrations below make it.
        let _guard = match &backend.write_lock {
            Some(lock) => Some(lock.lock().await),
            None => None,
        };
        let mut tx = backend.pool.begin().await?;
        let migrations_applied = migrate_in(&mut tx, header.schema_version).await?;
        if header.schema_version >= chain::CHAIN_MIGRATION {
            chain::lock_head(&mut tx).await?;
        }
        let (target, edges) = schema(&mut tx).await?;
        d::check_header(&header, &target, &table_edges(&edges))?;
        // The target's own view of each table (nullability, self references), in
        // the file's order with the file's counts.
        let by_name: BTreeMap<&str, &Table> = target.iter().map(|t| (t.name.as_str(), t)).collect();
        let mut tables = Vec::with_capacity(header.tables.len());
        for t in &header.tables {
            let mine = by_name.get(t.name.as_str()).ok_or_else(|| StoreError::Invalid(format!("table {} is not in the database", t.name)))?;
            if !mine.self_refs.is_empty() && !mine.has_id() {
                return Err(StoreError::Invalid(format!("table {} refers to itself but has no id", t.name)));
            }
            tables.push(Table { rows: t.rows, ..(*mine).clone() });
        }
        let mut busy = Vec::new();
        for t in &tables {
            let n = count_rows(&mut tx, &t.name).await?;
            if n > 0 && d::SEEDED_TABLES.contains(&t.name.as_str()) {
                sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {}", d::ident(&t.name)?))).execute(&mut *tx).await?;
            } else if n > 0 {
                busy.push(format!("{} ({n} rows)", t.name));
            }
        }
        if !busy.is_empty() {
            return Err(StoreError::Invalid(format!(
                "the database is not empty: {}; import --all writes only into an empty database (a new data folder or PostgreSQL schema)",
                busy.join(", ")
            )));
        }
        // The rows, in batches of one table's rows (the file was checked whole
        // above; what fails now is the database refusing a row).
        let mut later: Vec<(usize, String, i64, i64)> = Vec::new();
        let mut batch: Vec<Vec<Cell>> = Vec::new();
        let mut batch_table = 0usize;
        let (mut t, mut seen) = (0usize, 0i64);
        for item in lines(path)?.skip(1) {
            let (line_no, line) = item?;
            if line.trim().is_empty() {
                continue;
            }
            while t < tables.len() && seen == tables[t].rows {
                t += 1;
                seen = 0;
            }
            let table = tables
                .get(t)
                .ok_or_else(|| StoreError::Invalid(format!("line {line_no}: a row after the last the header counts")))?;
            let mut cells = d::parse_row(line_no, &line, table)?;
            for col in &table.self_refs {
                if let Some(i) = table.columns.iter().position(|c| &c.name == col)
                    && let (Some(Cell::Int(id)), Some(Cell::Int(v))) = (id_of(table, &cells), cells.get(i).cloned())
                {
                    later.push((t, col.clone(), id, v));
                    cells[i] = Cell::Null;
                }
            }
            if t != batch_table && !batch.is_empty() {
                insert_batch(&mut tx, &tables[batch_table], &batch).await.map_err(|e| at_table(&tables[batch_table], e))?;
                batch.clear();
            }
            batch_table = t;
            batch.push(cells);
            seen += 1;
            if batch.len() >= (BULK_PARAMS / table.columns.len().max(1)).clamp(1, 2_000) {
                insert_batch(&mut tx, &tables[t], &batch).await.map_err(|e| at_table(&tables[t], e))?;
                batch.clear();
            }
        }
        if !batch.is_empty() {
            insert_batch(&mut tx, &tables[batch_table], &batch).await.map_err(|e| at_table(&tables[batch_table], e))?;
        }
        for (t, col, id, value) in &later {
            let table = &tables[*t];
            let text = format!("UPDATE {} SET {} = $1 WHERE \"id\" = $2", d::ident(&table.name)?, d::ident(col)?);
            sqlx::query(sqlx::AssertSqlSafe(text)).bind(*value).bind(*id).execute(&mut *tx).await.map_err(|e| {
                StoreError::Invalid(format!("{}.{col} of row {id}: {}", table.name, StoreError::from(e)))
            })?;
        }
        let mut counts = BTreeMap::new();
        for t in &tables {
            let n = count_rows(&mut tx, &t.name).await?;
            if n != t.rows {
                return Err(StoreError::Invalid(format!("table {}: {n} rows written, the file has {}", t.name, t.rows)));
            }
            counts.insert(t.name.clone(), n);
            if is_postgres() && t.has_id() && n > 0 {
                let text = format!("SELECT setval(pg_get_serial_sequence($1, 'id'), MAX(\"id\")) FROM {}", d::ident(&t.name)?);
                sqlx::query(sqlx::AssertSqlSafe(text)).bind(&t.name).execute(&mut *tx).await?;
            }
        }
        tx.commit().await?;
        Ok(ImportSummary { schema_version: header.schema_version, migrations_applied, tables: counts })
    }

    fn id_of(table: &Table, cells: &[Cell]) -> Option<Cell> {
        let i = table.columns.iter().position(|c| c.name == "id")?;
        cells.get(i).cloned()
    }

    fn at_table(table: &Table, e: StoreError) -> StoreError {
        StoreError::Invalid(format!("table {}: {e}", table.name))
    }

    async fn insert_batch(tx: &mut Tx<'_>, table: &Table, rows: &[Vec<Cell>]) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        let cols: Vec<String> = table.columns.iter().map(|c| d::ident(&c.name)).collect::<Result<_, _>>()?;
        let head = format!("INSERT INTO {} ({})", d::ident(&table.name)?, cols.join(", "));
        let text = insert_text(&head, cols.len(), rows.len());
        let mut q = sqlx::query(sqlx::AssertSqlSafe(text));
        for row in rows {
            for (cell, column) in row.iter().zip(&table.columns) {
                q = bind_cell(q, cell, column.kind);
            }
        }
        q.execute(&mut **tx).await?;
        Ok(())
    }

    /// Applies, inside `tx`, the migrations up to `version` not applied yet.
    /// Refuses a database already past `version`. Their SQL only: the audit
    /// chain's Rust step (the system user, the backfill) is not run, because the
    /// file brings the system user, the chained events and the chain's head.
    async fn migrate_in(tx: &mut Tx<'_>, version: i64) -> Result<usize, StoreError> {
        if version != 0 && !crate::MIGRATIONS.iter().any(|m| m.0 == version) {
            return Err(StoreError::Invalid(format!("line 1: schema version {version} is not a migration this tiendo knows")));
        }
        sqlx::query("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)")
            .execute(&mut **tx)
            .await?;
        let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM schema_migrations ORDER BY version").fetch_all(&mut **tx).await?;
        if let Some(latest) = applied.iter().max()
            && *latest > version
        {
            return Err(StoreError::Invalid(format!(
                "the database is at schema version {latest}, the file at {version}: import --all writes only into an empty database"
            )));
        }
        let kind = if is_postgres() { crate::BackendKind::Postgres } else { crate::BackendKind::Sqlite };
        let mut n = 0;
        for (v, text) in crate::MIGRATIONS.iter().filter(|m| m.0 <= version && !applied.contains(&m.0)) {
            for statement in crate::statements(text, kind) {
                sqlx::query(sqlx::AssertSqlSafe(statement)).execute(&mut **tx).await?;
            }
            sqlx::query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)")
                .bind(*v)
                .bind(now_micros())
                .execute(&mut **tx)
                .await?;
            n += 1;
        }
        Ok(n)
    }
}
