//! `tiendo backup`, `tiendo restore`, `tiendo export --all`, `tiendo import --all`
//! and the backup schedule of `tiendo serve` (docs/operations.md).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use tiendo_store::Store;
use tiendo_store::backup::restore::{AuditChain, Target};
use tiendo_store::backup::schedule::{Schedule, parse_every};
use tiendo_store::backup::{BackupOptions, Manifest};

use crate::DataArgs;

/// The PostgreSQL URL of DATABASE_URL, if set.
fn database_url() -> Option<String> {
    std::env::var("DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
}

fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// Opens the database as it is, without migrating or writing anything: the
/// one DATABASE_URL names, or the SQLite file of the data folder, which must exist.
pub async fn open_existing(data: &DataArgs) -> Result<Store> {
    match database_url() {
        Some(url) => Store::open_url(&url)
            .await
            .with_context(|| "cannot open the database named by DATABASE_URL"),
        None => {
            let db = data.data.join("tiendo.db");
            if !db.is_file() {
                bail!(
                    "no database in {}: {} does not exist (set --data or TIENDO_DATA to the data folder)",
                    data.data.display(),
                    db.display()
                );
            }
            Store::open_sqlite_file(&db)
                .await
                .with_context(|| format!("cannot open the database {}", db.display()))
        }
    }
}

pub fn backup_options() -> BackupOptions {
    BackupOptions {
        tiendo_version: env!("CARGO_PKG_VERSION").to_string(),
        pg_url: database_url().filter(|u| is_postgres(u)),
        pg_dump: std::env::var_os("TIENDO_PG_DUMP").map(PathBuf::from),
    }
}

fn describe(manifest: &Manifest) -> String {
    let rows: i64 = manifest.tables.values().sum();
    let files: Vec<String> = manifest
        .files
        .iter()
        .map(|f| format!("{} ({} bytes, sha256 {})", f.name, f.bytes, f.sha256))
        .collect();
    format!(
        "{} database, schema version {}, {rows} rows in {} tables, last event {}; {}",
        manifest.backend,
        manifest.schema_version,
        manifest.tables.len(),
        manifest
            .last_event_id
            .map_or_else(|| "none".to_string(), |i| i.to_string()),
        files.join(", ")
    )
}

/// `tiendo backup -o FILE`.
pub async fn backup(data: &DataArgs, output: &Path, json: bool) -> Result<()> {
    let store = open_existing(data).await?;
    let started = std::time::Instant::now();
    let manifest = tiendo_store::backup::backup(&store, output, &backup_options())
        .await
        .map_err(|e| anyhow!("backup to {}: {e}", output.display()))?;
    store.close().await;
    for note in &manifest.notes {
        eprintln!("warning: {note}");
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&manifest)?);
    } else {
        let bytes = std::fs::metadata(output).map(|m| m.len()).unwrap_or(0);
        println!(
            "wrote {} ({bytes} bytes, {:.2} s): {}",
            output.display(),
            started.elapsed().as_secs_f64(),
            describe(&manifest)
        );
    }
    Ok(())
}

/// `tiendo restore FILE [--data DIR]` (or into the PostgreSQL database of DATABASE_URL).
pub async fn restore(file: &Path, data: &DataArgs, json: bool) -> Result<()> {
    let report = match database_url() {
        Some(url) if is_postgres(&url) => {
            let store = Store::open_url(&url)
                .await
                .with_context(|| "cannot open the database named by DATABASE_URL")?;
            let report = tiendo_store::backup::restore::restore(file, Target::Postgres(&store)).await;
            store.close().await;
            report
        }
        Some(_) => bail!(
            "restore into SQLite takes the data folder (--data DIR); unset DATABASE_URL, which names a SQLite file"
        ),
        None => tiendo_store::backup::restore::restore(file, Target::SqliteDir(&data.data)).await,
    }
    .map_err(|e| anyhow!("restore of {}: {e}", file.display()))?;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    println!("checked {}:", file.display());
    for check in &report.checks {
        println!("  ✓ {check}");
    }
    if let AuditChain::NotChecked { reason } = &report.audit_chain {
        eprintln!("note: audit chain not verified: {reason}");
    }
    println!(
        "restored into {}: {}",
        report.restored_to,
        describe(&report.manifest)
    );
    Ok(())
}

/// `tiendo export --all [-o FILE]`.
pub async fn export_all(data: &DataArgs, output: Option<&Path>) -> Result<()> {
    let store = open_existing(data).await?;
    let summary = match output {
        Some(path) => {
            // Written under a temporary name, renamed when whole.
            let partial = path.with_extension(format!("partial-{}", std::process::id()));
            let file = std::fs::File::create(&partial)
                .with_context(|| format!("cannot write {}", partial.display()))?;
            let mut writer = std::io::BufWriter::with_capacity(1 << 20, file);
            let result = store.export_all(&mut writer).await;
            drop(writer);
            match result {
                Ok(s) => {
                    std::fs::rename(&partial, path)
                        .with_context(|| format!("cannot write {}", path.display()))?;
                    s
                }
                Err(e) => {
                    let _ = std::fs::remove_file(&partial);
                    return Err(anyhow!("export: {e}"));
                }
            }
        }
        None => {
            let mut out = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout());
            store
                .export_all(&mut out)
                .await
                .map_err(|e| anyhow!("export: {e}"))?
        }
    };
    store.close().await;
    let rows: i64 = summary.tables.values().sum();
    eprintln!(
        "exported {rows} rows of {} tables (schema version {})",
        summary.tables.len(),
        summary.schema_version
    );
    Ok(())
}

/// `tiendo import --all FILE`: into an empty database, in one transaction.
pub async fn import_all(data: &DataArgs, file: &Path) -> Result<()> {
    // The file is checked whole before the database is opened (or created).
    tiendo_store::check_export_file(file).map_err(|e| anyhow!("{}: {e}", file.display()))?;
    // A SQLite database this import creates is removed again if it fails.
    let mut created: Option<(PathBuf, bool)> = None;
    let store = match database_url() {
        Some(url) => Store::open_url(&url)
            .await
            .with_context(|| "cannot open the database named by DATABASE_URL")?,
        None => {
            let db = data.data.join("tiendo.db");
            if !db.exists() {
                created = Some((db, !data.data.exists()));
            }
            Store::open_sqlite_dir(&data.data)
                .await
                .with_context(|| format!("cannot open the database in {}", data.data.display()))?
        }
    };
    let result = store.import_all(file).await;
    store.close().await;
    if result.is_err()
        && let Some((db, folder_too)) = created
    {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
        }
        if folder_too {
            let _ = std::fs::remove_dir(&data.data);
        }
    }
    let summary = result.map_err(|e| anyhow!("{}: {e}; nothing was imported", file.display()))?;
    let rows: i64 = summary.tables.values().sum();
    println!(
        "imported {rows} rows into {} tables (schema version {}, {} migration(s) applied)",
        summary.tables.len(),
        summary.schema_version,
        summary.migrations_applied
    );
    Ok(())
}

/// The schedule of `serve --backup-dir DIR [--backup-every 1d] [--backup-keep 7]`.
pub fn schedule(dir: Option<PathBuf>, every: &str, keep: usize) -> Result<Option<Schedule>> {
    let Some(dir) = dir else {
        return Ok(None);
    };
    let every = parse_every(every).map_err(|e| anyhow!("--backup-every: {e}"))?;
    if keep == 0 {
        bail!("--backup-keep: keep at least one backup");
    }
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("--backup-dir: cannot create {}", dir.display()))?;
    Ok(Some(Schedule {
        dir,
        every,
        keep,
        options: backup_options(),
    }))
}
