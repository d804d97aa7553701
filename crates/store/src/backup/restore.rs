//! Restoring a backup: everything is checked on a staged copy before the target
//! is touched, and the target is written in one step (a rename of the checked
//! SQLite file, or one PostgreSQL transaction). A failed restore changes nothing.
//!
//! The checks, in order: the manifest (format, version, a schema this tiendo
//! knows); each file's size and SHA-256; the staged database's integrity
//! (`PRAGMA integrity_check`, foreign keys), schema version, the rows of every
//! table and the last history event against the manifest; then the audit chain
//! ([`verify_audit_chain`]).

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{EXPORT_FILE, Manifest, Payload, SQLITE_FILE, Staging};
use crate::Store;
use crate::error::StoreError;

/// Where a backup is restored to.
pub enum Target<'a> {
    /// A data folder that holds no database yet (`tiendo.db` is created in it).
    SqliteDir(&'a Path),
    /// An empty PostgreSQL database (or schema).
    Postgres(&'a Store),
}

/// What the audit chain check found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum AuditChain {
    /// The chain was verified up to this event.
    Verified { last_event_id: Option<i64> },
    /// The backup predates the audit chain: only the head of the log (the last
    /// event's id) was compared with the manifest.
    NotChecked { reason: String },
}

/// What a restore did.
#[derive(Debug, Clone, Serialize)]
pub struct RestoreReport {
    pub manifest: Manifest,
    /// The checks that passed, in order, as sentences.
    pub checks: Vec<String>,
    pub audit_chain: AuditChain,
    /// Where the data went (the SQLite file, or "PostgreSQL").
    pub restored_to: String,
}

/// The audit chain check of a restore, run on the staged database before
/// anything is written to the target: every event's link and hash in id order
/// up to the recorded head (as `tiendo audit verify` does), then the head
/// against the manifest: the last event's id, and its hash when the manifest
/// has one. A failure stops the restore before it writes anything.
pub async fn verify_audit_chain(
    candidate: &Store,
    manifest: &Manifest,
) -> Result<AuditChain, StoreError> {
    let last = candidate.last_event_id().await?;
    if last != manifest.last_event_id {
        return Err(StoreError::Invalid(format!(
            "the history ends at event {} but the manifest says {}",
            show(last),
            show(manifest.last_event_id)
        )));
    }
    if candidate.applied_schema_version().await? < crate::CHAIN_MIGRATION {
        return Ok(AuditChain::NotChecked {
            reason: "the backup was taken before the audit chain existed (schema version < 15); the chain starts when the restored database is next opened".into(),
        });
    }
    let verification = candidate.verify_chain(None).await?;
    if let Some(broken) = verification.broken {
        return Err(StoreError::Invalid(format!(
            "the audit chain is broken at event {}: {}",
            broken.event_id, broken.problem
        )));
    }
    if let Some(expected) = &manifest.last_event_hash
        && *expected != verification.head.hash
    {
        return Err(StoreError::Invalid(format!(
            "the audit chain's head (event {}) has hash {}, the manifest says {expected}",
            verification.head.event_id, verification.head.hash
        )));
    }
    Ok(AuditChain::Verified {
        last_event_id: last,
    })
}

fn show(id: Option<i64>) -> String {
    id.map_or_else(|| "none".into(), |i| i.to_string())
}

/// Restores `backup` into `target`.
pub async fn restore(backup: &Path, target: Target<'_>) -> Result<RestoreReport, StoreError> {
    let manifest = super::read_manifest(backup)?;
    let latest = crate::MIGRATIONS.last().map_or(0, |m| m.0);
    if manifest.schema_version > latest {
        return Err(StoreError::Invalid(format!(
            "{}: the backup is at schema version {}, newer than this tiendo knows ({latest}); restore it with the tiendo that made it ({}) or a newer one",
            backup.display(),
            manifest.schema_version,
            manifest.tiendo_version
        )));
    }
    // The target must be free before anything is staged.
    let (staging_path, created_dir) = match &target {
        Target::SqliteDir(dir) => {
            let db = dir.join(SQLITE_FILE);
            for f in [db.clone(), dir.join("tiendo.db-wal")] {
                if f.exists() {
                    return Err(StoreError::Invalid(format!(
                        "{} already holds a database ({}); restore into a new folder, or move it away first",
                        dir.display(),
                        f.display()
                    )));
                }
            }
            let created = !dir.exists();
            std::fs::create_dir_all(dir).map_err(|e| {
                StoreError::Invalid(format!(
                    "cannot create the data folder {}: {e}",
                    dir.display()
                ))
            })?;
            (
                dir.join(format!(".restore-{}", std::process::id())),
                created.then(|| dir.to_path_buf()),
            )
        }
        Target::Postgres(store) => {
            let counts = store.table_counts().await?;
            let busy: Vec<String> = counts
                .iter()
                .filter(|(t, n)| **n > 0 && !crate::dump::SEEDED_TABLES.contains(&t.as_str()))
                .map(|(t, n)| format!("{t} ({n} rows)"))
                .collect();
            if !busy.is_empty() {
                return Err(StoreError::Invalid(format!(
                    "the PostgreSQL database is not empty: {}; restore into an empty database or schema",
                    busy.join(", ")
                )));
            }
            (
                std::env::temp_dir().join(format!(
                    "tiendo-restore-{}-{}",
                    std::process::id(),
                    tiendo_core::time::now_micros()
                )),
                None,
            )
        }
    };
    let result = stage_and_commit(backup, &manifest, target, &staging_path).await;
    if result.is_err()
        && let Some(dir) = created_dir
    {
        // Only an empty folder this restore made is removed.
        let _ = std::fs::remove_dir(dir);
    }
    result
}

async fn stage_and_commit(
    backup: &Path,
    manifest: &Manifest,
    target: Target<'_>,
    staging_path: &Path,
) -> Result<RestoreReport, StoreError> {
    let staging = Staging::new(staging_path.to_path_buf())?;
    let mut checks = vec![format!(
        "manifest: {} backup of {}, schema version {}, by tiendo {}",
        manifest.backend, manifest.created_at, manifest.schema_version, manifest.tiendo_version
    )];
    let candidate_path = staging.0.join(SQLITE_FILE);
    let export_path = staging.0.join(EXPORT_FILE);
    let candidate = match manifest.payload {
        Payload::Sqlite => {
            super::extract_checked(backup, manifest, SQLITE_FILE, &candidate_path)?;
            checks.push(format!("{SQLITE_FILE}: size and sha256 match the manifest"));
            Store::open_sqlite_file(&candidate_path).await?
        }
        Payload::Jsonl => {
            super::extract_checked(backup, manifest, EXPORT_FILE, &export_path)?;
            checks.push(format!("{EXPORT_FILE}: size and sha256 match the manifest"));
            let store = Store::open_sqlite_file(&candidate_path).await?;
            if let Err(e) = store.import_all(&export_path).await {
                store.close().await;
                return Err(StoreError::Invalid(format!("{EXPORT_FILE}: {e}")));
            }
            checks.push(format!(
                "{EXPORT_FILE}: every row read into a staged database"
            ));
            store
        }
    };
    let checked = check_candidate(&candidate, manifest, &mut checks).await;
    let audit_chain = match checked {
        Ok(()) => verify_audit_chain(&candidate, manifest).await,
        Err(e) => Err(e),
    };
    let audit_chain = match audit_chain {
        Ok(a) => a,
        Err(e) => {
            candidate.close().await;
            return Err(StoreError::Invalid(format!(
                "{}: {e}; nothing was restored",
                backup.display()
            )));
        }
    };
    checks.push(match &audit_chain {
        AuditChain::Verified { .. } => "audit chain verified".to_string(),
        AuditChain::NotChecked { reason } => format!("audit chain not checked: {reason}"),
    });
    let restored_to = match target {
        Target::SqliteDir(dir) => {
            super::checkpoint_and_close(&candidate).await;
            let to = dir.join(SQLITE_FILE);
            for side in ["tiendo.db-wal", "tiendo.db-shm"] {
                let _ = std::fs::remove_file(staging.0.join(side));
            }
            std::fs::rename(&candidate_path, &to).map_err(|e| {
                StoreError::Invalid(format!(
                    "cannot move the restored database to {}: {e}",
                    to.display()
                ))
            })?;
            to.display().to_string()
        }
        Target::Postgres(store) => {
            let jsonl: PathBuf = if manifest.payload == Payload::Jsonl {
                export_path.clone()
            } else {
                let path = staging.0.join("from-sqlite.jsonl");
                let file = std::fs::File::create(&path).map_err(|e| {
                    StoreError::Invalid(format!("cannot write {}: {e}", path.display()))
                })?;
                let mut writer = std::io::BufWriter::new(file);
                let exported = candidate.export_all(&mut writer).await;
                drop(writer);
                exported?;
                path
            };
            candidate.close().await;
            store.import_all(&jsonl).await.map_err(|e| {
                StoreError::Invalid(format!("PostgreSQL: {e}; nothing was restored"))
            })?;
            "PostgreSQL".to_string()
        }
    };
    Ok(RestoreReport {
        manifest: manifest.clone(),
        checks,
        audit_chain,
        restored_to,
    })
}

/// The staged database against the manifest.
async fn check_candidate(
    candidate: &Store,
    manifest: &Manifest,
    checks: &mut Vec<String>,
) -> Result<(), StoreError> {
    super::sqlite_integrity(candidate).await?;
    checks.push("integrity check: ok; every reference points at a row".into());
    let version = candidate.applied_schema_version().await?;
    if version != manifest.schema_version {
        return Err(StoreError::Invalid(format!(
            "the database is at schema version {version}, the manifest says {}",
            manifest.schema_version
        )));
    }
    checks.push(format!("schema version {version}"));
    let counts = candidate.table_counts().await?;
    let mut problems = Vec::new();
    for (table, n) in &manifest.tables {
        match counts.get(table) {
            Some(m) if m == n => {}
            Some(m) => problems.push(format!("{table}: {m} rows, the manifest says {n}")),
            None => problems.push(format!("{table}: missing")),
        }
    }
    for table in counts.keys().filter(|t| !manifest.tables.contains_key(*t)) {
        problems.push(format!("{table}: not in the manifest"));
    }
    if !problems.is_empty() {
        return Err(StoreError::Invalid(format!(
            "the tables do not match the manifest: {}",
            problems.join("; ")
        )));
    }
    checks.push(format!(
        "rows of all {} tables match the manifest ({} rows)",
        counts.len(),
        counts.values().sum::<i64>()
    ));
    Ok(())
}
