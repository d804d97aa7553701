//! Backups: one file (a zip) holding a copy of the database and a manifest
//! (`tiendo backup`, `serve --backup-every`), and their restore (`restore.rs`).
//!
//! - SQLite: `VACUUM INTO` writes a consistent copy of the live database while
//!   the server goes on (SQLite ≥ 3.27; the bundled one is 3.51): `tiendo.db`.
//! - PostgreSQL: the whole database as JSON Lines (`crate::dump`, the format of
//!   `tiendo export --all`), read in one REPEATABLE READ transaction:
//!   `tiendo.jsonl`; and, when `pg_dump` is on the PATH, its custom-format dump
//!   of the same snapshot (`pg_export_snapshot`): `tiendo.pgdump`, for the
//!   database administrator's own `pg_restore`. `tiendo restore` reads the JSON
//!   Lines, which it can check row by row before writing anything.
//!
//! The manifest (`manifest.json`) gives the format, the tiendo version, the
//! schema (migration) version, the rows of every table, the last history event
//! and, for each file, its size and SHA-256. A backup is written under a
//! temporary name and renamed when complete, so a file with the final name is
//! always whole.

pub mod restore;
pub mod schedule;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::StoreError;
use crate::{BackendKind, Store};

/// `format` of the manifest.
pub const FORMAT: &str = "tiendo-backup";
pub const FORMAT_VERSION: i64 = 1;
pub const MANIFEST: &str = "manifest.json";
/// The SQLite copy.
pub const SQLITE_FILE: &str = "tiendo.db";
/// The JSON Lines export (PostgreSQL backups).
pub const EXPORT_FILE: &str = "tiendo.jsonl";
/// pg_dump's custom-format archive (PostgreSQL backups, when pg_dump is present).
pub const PG_DUMP_FILE: &str = "tiendo.pgdump";

/// What the backup holds to restore from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Payload {
    /// `tiendo.db`, a SQLite database file.
    Sqlite,
    /// `tiendo.jsonl`, the JSON Lines export.
    Jsonl,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub name: String,
    pub bytes: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub format_version: i64,
    /// The tiendo that wrote it.
    pub tiendo_version: String,
    /// RFC 3339, in Vietnam's time (UTC+7).
    pub created_at: String,
    /// "sqlite" or "postgres": the database it was taken from.
    pub backend: String,
    /// The highest migration applied to that database.
    pub schema_version: i64,
    pub payload: Payload,
    pub files: Vec<FileEntry>,
    /// Rows in each table.
    pub tables: BTreeMap<String, i64>,
    /// The id of the last history event (`events`), the head of the audit log.
    pub last_event_id: Option<i64>,
    /// The audit chain's head hash at the backup (the last event's hash; absent
    /// in a backup of a database without the chain). A restore checks the whole
    /// chain up to it (docs/audit.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_event_hash: Option<String>,
    /// What the reader should know (pg_dump missing or failed, …).
    #[serde(default)]
    pub notes: Vec<String>,
}

impl Manifest {
    pub fn file(&self, name: &str) -> Option<&FileEntry> {
        self.files.iter().find(|f| f.name == name)
    }
}

/// How to take a backup.
#[derive(Debug, Clone, Default)]
pub struct BackupOptions {
    /// The tiendo version written into the manifest.
    pub tiendo_version: String,
    /// The PostgreSQL URL, for `pg_dump` (PostgreSQL only).
    pub pg_url: Option<String>,
    /// The `pg_dump` program (default: `pg_dump` on the PATH).
    pub pg_dump: Option<PathBuf>,
}

/// A folder removed with everything in it when dropped.
pub(crate) struct Staging(pub PathBuf);

impl Staging {
    pub(crate) fn new(path: PathBuf) -> Result<Staging, StoreError> {
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).map_err(|e| {
            StoreError::Invalid(format!(
                "cannot create the working folder {}: {e}",
                path.display()
            ))
        })?;
        Ok(Staging(path))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn io_err(what: &str, path: &Path, e: impl std::fmt::Display) -> StoreError {
    StoreError::Invalid(format!("{what} {}: {e}", path.display()))
}

/// Size and SHA-256 of a file.
pub(crate) fn digest(path: &Path) -> Result<(u64, String), StoreError> {
    let mut file = std::fs::File::open(path).map_err(|e| io_err("cannot read", path, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut bytes = 0u64;
    loop {
        let n = file
            .read(&mut buf)
            .map_err(|e| io_err("cannot read", path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        bytes += n as u64;
    }
    Ok((bytes, hex::encode(hasher.finalize())))
}

/// Takes a backup of `store` into `out` (a zip; see the module's text) while the
/// database stays in use. Returns its manifest.
pub async fn backup(
    store: &Store,
    out: &Path,
    options: &BackupOptions,
) -> Result<Manifest, StoreError> {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .ok_or_else(|| StoreError::Invalid(format!("{}: not a file name", out.display())))?;
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !parent.is_dir() {
        return Err(StoreError::Invalid(format!(
            "the folder {} does not exist",
            parent.display()
        )));
    }
    let staging = Staging::new(parent.join(format!(".{name}.{}.parts", std::process::id())))?;
    let mut manifest = match store {
        Store::Sqlite(b) => backup_sqlite(&b.pool, &staging.0).await?,
        Store::Postgres(b) => backup_postgres(&b.pool, &staging.0, options).await?,
    };
    manifest.tiendo_version = options.tiendo_version.clone();
    let partial = parent.join(format!(".{name}.{}.partial", std::process::id()));
    let written = write_zip(&partial, &manifest, &staging.0);
    if let Err(e) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    std::fs::rename(&partial, out).map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        io_err("cannot write", out, e)
    })?;
    Ok(manifest)
}

fn new_manifest(backend: BackendKind, payload: Payload) -> Manifest {
    Manifest {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        tiendo_version: String::new(),
        created_at: tiendo_core::time::instant_rfc3339(tiendo_core::time::now_micros()),
        backend: match backend {
            BackendKind::Sqlite => "sqlite",
            BackendKind::Postgres => "postgres",
        }
        .into(),
        schema_version: 0,
        payload,
        files: Vec::new(),
        tables: BTreeMap::new(),
        last_event_id: None,
        last_event_hash: None,
        notes: Vec::new(),
    }
}

async fn backup_sqlite(pool: &crate::sqlite::Pool, staging: &Path) -> Result<Manifest, StoreError> {
    let copy = staging.join(SQLITE_FILE);
    let target = copy
        .to_str()
        .ok_or_else(|| StoreError::Invalid(format!("{}: the path is not UTF-8", copy.display())))?
        .to_string();
    sqlx::query("VACUUM INTO $1")
        .bind(target)
        .execute(pool)
        .await?;
    // The manifest describes the copy itself.
    let snapshot = Store::open_sqlite_file(&copy).await?;
    let mut manifest = new_manifest(BackendKind::Sqlite, Payload::Sqlite);
    let described = describe(&snapshot, &mut manifest).await;
    let integrity = sqlite_integrity(&snapshot).await;
    checkpoint_and_close(&snapshot).await;
    described?;
    integrity?;
    let (bytes, sha256) = digest(&copy)?;
    manifest.files.push(FileEntry {
        name: SQLITE_FILE.into(),
        bytes,
        sha256,
    });
    Ok(manifest)
}

/// Counts, schema version and last event of a database into a manifest.
pub(crate) async fn describe(store: &Store, manifest: &mut Manifest) -> Result<(), StoreError> {
    manifest.schema_version = store.applied_schema_version().await?;
    manifest.tables = store.table_counts().await?;
    manifest.last_event_id = store.last_event_id().await?;
    manifest.last_event_hash = match manifest.last_event_id {
        Some(id) if manifest.schema_version >= crate::CHAIN_MIGRATION => {
            store.event_hash_of(id).await?
        }
        _ => None,
    };
    Ok(())
}

/// `PRAGMA integrity_check` and `PRAGMA foreign_key_check` of a SQLite database.
pub(crate) async fn sqlite_integrity(store: &Store) -> Result<(), StoreError> {
    let Store::Sqlite(b) = store else {
        return Ok(());
    };
    let rows: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&b.pool)
        .await?;
    if rows.len() != 1 || rows[0] != "ok" {
        return Err(StoreError::Invalid(format!(
            "the database file is damaged (integrity check: {})",
            rows.iter().take(5).cloned().collect::<Vec<_>>().join("; ")
        )));
    }
    let broken: Vec<String> = sqlx::query_scalar(
        "SELECT \"table\" || ' row ' || rowid || ' → ' || parent FROM pragma_foreign_key_check",
    )
    .fetch_all(&b.pool)
    .await?;
    if !broken.is_empty() {
        return Err(StoreError::Invalid(format!(
            "the database has {} row(s) referring to missing rows: {}",
            broken.len(),
            broken
                .iter()
                .take(5)
                .cloned()
                .collect::<Vec<_>>()
                .join("; ")
        )));
    }
    Ok(())
}

/// Folds a SQLite database's write-ahead log into its file and closes it, so
/// the file alone is the whole database.
pub(crate) async fn checkpoint_and_close(store: &Store) {
    if let Store::Sqlite(b) = store {
        let _ = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&b.pool)
            .await;
    }
    store.close().await;
}

async fn backup_postgres(
    pool: &crate::postgres::Pool,
    staging: &Path,
    options: &BackupOptions,
) -> Result<Manifest, StoreError> {
    let mut manifest = new_manifest(BackendKind::Postgres, Payload::Jsonl);
    let mut tx = pool.begin().await?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *tx)
        .await?;
    let snapshot: String = sqlx::query_scalar("SELECT pg_export_snapshot()")
        .fetch_one(&mut *tx)
        .await?;
    let schema: String = sqlx::query_scalar("SELECT current_schema()")
        .fetch_one(&mut *tx)
        .await?;
    let last: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM events")
        .fetch_one(&mut *tx)
        .await?;
    manifest.last_event_id = last;
    let version: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
            .fetch_one(&mut *tx)
            .await?;
    if let Some(id) = last.filter(|_| version >= crate::CHAIN_MIGRATION) {
        manifest.last_event_hash = sqlx::query_scalar("SELECT hash FROM events WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
    }
    // pg_dump reads the same snapshot in its own session while this transaction
    // stays open.
    let dump_path = staging.join(PG_DUMP_FILE);
    let dump = match &options.pg_url {
        Some(url) => {
            let program = options
                .pg_dump
                .clone()
                .unwrap_or_else(|| PathBuf::from("pg_dump"));
            let (url, path, schema, snapshot) = (
                url.clone(),
                dump_path.clone(),
                schema.clone(),
                snapshot.clone(),
            );
            tokio::task::spawn_blocking(move || {
                run_pg_dump(&program, &url, &schema, &snapshot, &path)
            })
            .await
            .map_err(|e| StoreError::Invalid(format!("pg_dump did not finish: {e}")))?
        }
        None => Err("no PostgreSQL URL was given for pg_dump".to_string()),
    };
    let export_path = staging.join(EXPORT_FILE);
    let file =
        std::fs::File::create(&export_path).map_err(|e| io_err("cannot write", &export_path, e))?;
    let mut writer = std::io::BufWriter::with_capacity(1 << 20, file);
    let summary = crate::postgres::dump_db::export_in(&mut tx, &mut writer).await?;
    writer
        .flush()
        .map_err(|e| io_err("cannot write", &export_path, e))?;
    drop(writer);
    tx.rollback().await?;
    manifest.schema_version = summary.schema_version;
    manifest.tables = summary.tables;
    let (bytes, sha256) = digest(&export_path)?;
    manifest.files.push(FileEntry {
        name: EXPORT_FILE.into(),
        bytes,
        sha256,
    });
    match dump {
        Ok(()) => {
            let (bytes, sha256) = digest(&dump_path)?;
            manifest.files.push(FileEntry {
                name: PG_DUMP_FILE.into(),
                bytes,
                sha256,
            });
        }
        Err(why) => {
            tracing::warn!("backup without a pg_dump archive: {why}");
            manifest.notes.push(format!(
                "no {PG_DUMP_FILE}: {why}; the backup holds the JSON Lines export, which tiendo restore reads"
            ));
        }
    }
    Ok(manifest)
}

fn run_pg_dump(
    program: &Path,
    url: &str,
    schema: &str,
    snapshot: &str,
    out: &Path,
) -> Result<(), String> {
    let output = std::process::Command::new(program)
        .arg("--format=custom")
        .arg("--no-owner")
        .arg(format!("--schema={schema}"))
        .arg(format!("--snapshot={snapshot}"))
        .arg(format!("--file={}", out.display()))
        .arg(format!("--dbname={url}"))
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| {
            format!(
                "{} cannot be run ({e}); install the PostgreSQL client (Debian: postgresql-client)",
                program.display()
            )
        })?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{} failed: {}",
            program.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

fn write_zip(path: &Path, manifest: &Manifest, staging: &Path) -> Result<(), StoreError> {
    use zip::CompressionMethod;
    use zip::write::SimpleFileOptions;
    let zerr = |e: zip::result::ZipError| io_err("cannot write", path, e);
    let file = std::fs::File::create(path).map_err(|e| io_err("cannot write", path, e))?;
    let mut zip = zip::ZipWriter::new(std::io::BufWriter::with_capacity(1 << 20, file));
    // Members are dated by the local (Vietnam) time of the backup.
    let now = chrono::Utc::now() + chrono::Duration::hours(7);
    let stamp = {
        use chrono::{Datelike, Timelike};
        zip::DateTime::from_date_and_time(
            u16::try_from(now.year()).unwrap_or(1980),
            now.month() as u8,
            now.day() as u8,
            now.hour() as u8,
            now.minute() as u8,
            now.second() as u8,
        )
        .unwrap_or_default()
    };
    let deflated = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(stamp)
        .large_file(true);
    zip.start_file(MANIFEST, deflated).map_err(zerr)?;
    let text =
        serde_json::to_vec_pretty(manifest).map_err(|e| StoreError::Invalid(e.to_string()))?;
    zip.write_all(&text)
        .map_err(|e| io_err("cannot write", path, e))?;
    for entry in &manifest.files {
        // pg_dump's archive is compressed already.
        let options = if entry.name == PG_DUMP_FILE {
            SimpleFileOptions::default()
                .compression_method(CompressionMethod::Stored)
                .large_file(true)
        } else {
            deflated
        };
        zip.start_file(entry.name.as_str(), options).map_err(zerr)?;
        let source = staging.join(&entry.name);
        let mut input =
            std::fs::File::open(&source).map_err(|e| io_err("cannot read", &source, e))?;
        std::io::copy(&mut input, &mut zip).map_err(|e| io_err("cannot write", path, e))?;
    }
    let mut inner = zip.finish().map_err(zerr)?;
    inner.flush().map_err(|e| io_err("cannot write", path, e))?;
    let file = inner
        .into_inner()
        .map_err(|e| io_err("cannot write", path, e.error()))?;
    file.sync_all()
        .map_err(|e| io_err("cannot write", path, e))?;
    Ok(())
}

/// Reads the manifest of a backup file.
pub fn read_manifest(path: &Path) -> Result<Manifest, StoreError> {
    let file = std::fs::File::open(path).map_err(|e| io_err("cannot read", path, e))?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| {
        StoreError::Invalid(format!(
            "{}: not a tiendo backup (not a readable zip: {e})",
            path.display()
        ))
    })?;
    let mut entry = zip.by_name(MANIFEST).map_err(|_| {
        StoreError::Invalid(format!(
            "{}: not a tiendo backup (no {MANIFEST})",
            path.display()
        ))
    })?;
    let mut text = String::new();
    entry.read_to_string(&mut text).map_err(|e| {
        StoreError::Invalid(format!(
            "{}: {MANIFEST} cannot be read: {e}",
            path.display()
        ))
    })?;
    let manifest: Manifest = serde_json::from_str(&text).map_err(|e| {
        StoreError::Invalid(format!(
            "{}: {MANIFEST} is not a tiendo manifest: {e}",
            path.display()
        ))
    })?;
    if manifest.format != FORMAT {
        return Err(StoreError::Invalid(format!(
            "{}: not a tiendo backup (format '{}')",
            path.display(),
            manifest.format
        )));
    }
    if manifest.format_version != FORMAT_VERSION {
        return Err(StoreError::Invalid(format!(
            "{}: backup format version {} is not {FORMAT_VERSION}, the one this tiendo reads",
            path.display(),
            manifest.format_version
        )));
    }
    Ok(manifest)
}

/// Extracts the file `name` of a backup into `to`, checking its size and SHA-256
/// against the manifest.
pub(crate) fn extract_checked(
    backup: &Path,
    manifest: &Manifest,
    name: &str,
    to: &Path,
) -> Result<(), StoreError> {
    let entry = manifest.file(name).ok_or_else(|| {
        StoreError::Invalid(format!(
            "{}: the manifest lists no {name}",
            backup.display()
        ))
    })?;
    let file = std::fs::File::open(backup).map_err(|e| io_err("cannot read", backup, e))?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| io_err("cannot read", backup, e))?;
    let mut member = zip.by_name(name).map_err(|_| {
        StoreError::Invalid(format!(
            "{}: {name} is listed in the manifest but missing",
            backup.display()
        ))
    })?;
    let mut out = std::fs::File::create(to).map_err(|e| io_err("cannot write", to, e))?;
    std::io::copy(&mut member, &mut out).map_err(|e| {
        StoreError::Invalid(format!(
            "{}: {name} cannot be read (damaged?): {e}",
            backup.display()
        ))
    })?;
    out.sync_all().map_err(|e| io_err("cannot write", to, e))?;
    drop(out);
    let (bytes, sha256) = digest(to)?;
    if bytes != entry.bytes || sha256 != entry.sha256 {
        return Err(StoreError::Invalid(format!(
            "{}: {name} does not match its checksum in the manifest ({bytes} bytes, sha256 {sha256}; expected {} bytes, sha256 {}): the backup is damaged",
            backup.display(),
            entry.bytes,
            entry.sha256
        )));
    }
    Ok(())
}
