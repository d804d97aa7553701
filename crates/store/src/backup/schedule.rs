//! Scheduled backups from `tiendo serve` (`--backup-dir`, `--backup-every`,
//! `--backup-keep`): a backup into the folder at every tick, named by its UTC
//! time (`tiendo-20250716-093000-123.zip`), keeping the newest `keep`.
//!
//! The ticks come from a channel ([`run_on_ticks`]), so tests drive the schedule
//! without waiting; [`run`] feeds it from a timer.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use super::{BackupOptions, backup};
use crate::Store;
use crate::error::StoreError;

const PREFIX: &str = "tiendo-";
const SUFFIX: &str = ".zip";

/// Where, how often and how many.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub dir: PathBuf,
    pub every: Duration,
    /// Backups kept (at least 1).
    pub keep: usize,
    pub options: BackupOptions,
}

/// "90s", "15m", "6h", "1d" (a bare number is seconds).
pub fn parse_every(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let (number, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len()));
    let n: u64 = number.parse().map_err(|_| {
        format!("'{text}' is not a period (a number and s, m, h or d: 30m, 6h, 1d)")
    })?;
    let seconds = match unit.trim() {
        "" | "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86_400,
        _ => {
            return Err(format!(
                "'{text}': the unit must be s, m, h or d (30m, 6h, 1d)"
            ));
        }
    };
    if seconds == 0 {
        return Err(format!("'{text}': the period must be longer than zero"));
    }
    Ok(Duration::from_secs(seconds))
}

/// The file name of a backup taken at `at` (UTC microseconds).
pub fn file_name(at: tiendo_core::time::Micros) -> String {
    let time = chrono::DateTime::from_timestamp_micros(at).unwrap_or_default();
    format!("{PREFIX}{}{SUFFIX}", time.format("%Y%m%d-%H%M%S-%3f"))
}

/// Of the file names in a folder, the scheduled backups beyond the newest
/// `keep`, oldest first. Other files are never touched.
pub fn to_prune(names: &[String], keep: usize) -> Vec<String> {
    let mut ours: Vec<&String> = names
        .iter()
        .filter(|n| {
            n.starts_with(PREFIX)
                && n.ends_with(SUFFIX)
                && n[PREFIX.len()..n.len() - SUFFIX.len()]
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == '-')
        })
        .collect();
    ours.sort();
    let excess = ours.len().saturating_sub(keep.max(1));
    ours.into_iter().take(excess).cloned().collect()
}

/// One scheduled backup: written, then the old ones pruned. Returns its path.
pub async fn backup_once(store: &Store, schedule: &Schedule) -> Result<PathBuf, StoreError> {
    std::fs::create_dir_all(&schedule.dir).map_err(|e| {
        StoreError::Invalid(format!(
            "cannot create the backup folder {}: {e}",
            schedule.dir.display()
        ))
    })?;
    let mut path = schedule
        .dir
        .join(file_name(tiendo_core::time::now_micros()));
    let mut n = 1;
    while path.exists() {
        // Two ticks within a millisecond: the later one waits its turn.
        tokio::time::sleep(Duration::from_millis(2)).await;
        path = schedule
            .dir
            .join(file_name(tiendo_core::time::now_micros()));
        n += 1;
        if n > 100 {
            return Err(StoreError::Invalid(format!("{} exists", path.display())));
        }
    }
    backup(store, &path, &schedule.options).await?;
    prune(&schedule.dir, schedule.keep)?;
    Ok(path)
}

fn prune(dir: &Path, keep: usize) -> Result<(), StoreError> {
    let names: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| StoreError::Invalid(format!("cannot list {}: {e}", dir.display())))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    for name in to_prune(&names, keep) {
        let path = dir.join(&name);
        if let Err(e) = std::fs::remove_file(&path) {
            tracing::warn!("cannot remove the old backup {}: {e}", path.display());
        }
    }
    Ok(())
}

/// Takes a backup at each tick until the sender is dropped. A failed backup is
/// logged and the schedule goes on.
pub async fn run_on_ticks(
    store: Arc<Store>,
    schedule: Schedule,
    mut ticks: tokio::sync::mpsc::Receiver<()>,
) {
    while ticks.recv().await.is_some() {
        let started = std::time::Instant::now();
        match backup_once(&store, &schedule).await {
            Ok(path) => tracing::info!(
                file = %path.display(),
                ms = started.elapsed().as_millis() as u64,
                "scheduled backup written"
            ),
            Err(e) => tracing::error!("scheduled backup failed: {e}"),
        }
    }
}

/// Takes a backup every `schedule.every`, the first one period after the start.
pub async fn run(store: Arc<Store>, schedule: Schedule) {
    let (tx, rx) = tokio::sync::mpsc::channel(1);
    let every = schedule.every;
    tokio::spawn(async move {
        let mut interval = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            interval.tick().await;
            // A tick while a backup still runs is dropped, not queued.
            if let Err(tokio::sync::mpsc::error::TrySendError::Closed(())) = tx.try_send(()) {
                break;
            }
        }
    });
    run_on_ticks(store, schedule, rx).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_read_with_their_unit() {
        assert_eq!(parse_every("30m").unwrap(), Duration::from_secs(1800));
        assert_eq!(parse_every("6h").unwrap(), Duration::from_secs(21_600));
        assert_eq!(parse_every("1d").unwrap(), Duration::from_secs(86_400));
        assert_eq!(parse_every("45").unwrap(), Duration::from_secs(45));
        assert!(parse_every("0s").unwrap_err().contains("longer than zero"));
        assert!(parse_every("2w").unwrap_err().contains("s, m, h or d"));
        assert!(parse_every("soon").is_err());
    }

    #[test]
    fn the_newest_are_kept_and_other_files_left_alone() {
        // 16/07/2025 09:30:00.123 UTC
        let at = chrono::NaiveDate::from_ymd_opt(2025, 7, 16)
            .unwrap()
            .and_hms_milli_opt(9, 30, 0, 123)
            .unwrap()
            .and_utc()
            .timestamp_micros();
        assert_eq!(file_name(at), "tiendo-20250716-093000-123.zip");
        let names: Vec<String> = [
            "tiendo-20250716-093000-123.zip",
            "tiendo-20250714-093000-000.zip",
            "notes.txt",
            "tiendo-manual.zip",
            "tiendo-20250715-093000-000.zip",
            "tiendo-20250717-093000-000.zip",
        ]
        .map(String::from)
        .into();
        assert_eq!(
            to_prune(&names, 2),
            [
                "tiendo-20250714-093000-000.zip",
                "tiendo-20250715-093000-000.zip"
            ]
        );
        assert!(to_prune(&names, 10).is_empty());
        assert_eq!(to_prune(&names, 0).len(), 3, "at least one is always kept");
    }
}
