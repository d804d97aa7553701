//! Whole-database export/import and backup/restore, on SQLite and on PostgreSQL
//! (TIENDO_TEST_PG or DATABASE_URL; required when CI=true): every table equal
//! after the round trip, the overdue report as of 16/07/2025 identical, and a
//! damaged or mismatched file refused before anything is written.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use tiendo_core::policy::{Actor, Role};
use tiendo_service::evidence::Upload;
use tiendo_service::input::{ReportInput, UserInput};
use tiendo_service::{Config, Service};
use tiendo_store::Store;
use tiendo_store::backup::restore::{AuditChain, Target};
use tiendo_store::backup::schedule::{Schedule, run_on_ticks};
use tiendo_store::backup::{BackupOptions, read_manifest};

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn unique(prefix: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{prefix}_{}_{n}_{nanos}", std::process::id())
}

fn temp(prefix: &str) -> PathBuf {
    std::env::temp_dir().join(unique(prefix))
}

fn postgres_url() -> Option<String> {
    let url = std::env::var("TIENDO_TEST_PG")
        .ok()
        .or_else(|| std::env::var("DATABASE_URL").ok())
        .filter(|u| u.starts_with("postgres"));
    if url.is_none() && std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "CI=true but no PostgreSQL: set TIENDO_TEST_PG=postgres://postgres@127.0.0.1:5432/test"
        );
    }
    url
}

/// An empty store of the backend: a new SQLite folder, or a new PostgreSQL schema.
async fn empty_store(backend: &str) -> Store {
    match backend {
        "sqlite" => Store::open_sqlite_dir(&temp("tiendo-dump")).await.unwrap(),
        _ => {
            let url = postgres_url().unwrap();
            Store::open_postgres(&url, Some(&unique("dump")))
                .await
                .unwrap()
        }
    }
}

fn backends() -> Vec<&'static str> {
    let mut out = vec!["sqlite"];
    if postgres_url().is_some() {
        out.push("postgres");
    }
    out
}

fn admin(id: i64) -> Actor {
    Actor {
        user_id: id,
        username: "vanphong".into(),
        role: Role::Admin,
        agency_id: None,
    }
}

/// The demo data, a user and a progress report with an evidence file (binary
/// content), so every kind of column is filled.
async fn demo(backend: &str) -> Service {
    let service = Service::new(empty_store(backend).await, Config::default())
        .await
        .unwrap();
    service.load_demo().await.unwrap();
    let user = service
        .create_user(
            None,
            &UserInput {
                username: "vanphong".into(),
                password: "mật khẩu dài lắm".into(),
                role: "admin".into(),
                agency: None,
                display_name: Some("Văn phòng".into()),
                email: None,
            },
        )
        .await
        .unwrap();
    let actor = admin(user.id);
    let (documents, _) = service
        .store
        .list_documents(&tiendo_store::DocumentFilter {
            page: 1,
            per_page: 1,
            ..Default::default()
        })
        .await
        .unwrap();
    let tasks = service.store.task_keys(&[documents[0].id]).await.unwrap();
    let assignment = service.store.task_assignments(&[tasks[0].0]).await.unwrap()[0].0;
    service
        .create_report_with_evidence(
            &actor,
            &ReportInput {
                assignment_id: assignment,
                reported_on: None,
                percent: Some(40),
                claims_completion: false,
                completed_on: None,
                narrative: "Đã trình dự thảo \"Nghị định\"\ttab\nxuống dòng".into(),
                difficulties: None,
                proposals: None,
                evidence_number: Some("15/BC-BYT".into()),
            },
            &[Upload {
                file_name: "bien-ban.pdf".into(),
                bytes:
                    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n\x00\xff"
                        .to_vec(),
                truncated: false,
            }],
        )
        .await
        .unwrap();
    service
}

/// The rows of every table, as the export writes them (the header, which has the
/// time and the backend, left out).
async fn rows_of(store: &Store) -> Vec<String> {
    let mut out = Vec::new();
    store.export_all(&mut out).await.unwrap();
    String::from_utf8(out)
        .unwrap()
        .lines()
        .skip(1)
        .map(String::from)
        .collect()
}

async fn overdue(service: &Service) -> serde_json::Value {
    let day = chrono::NaiveDate::from_ymd_opt(2025, 7, 16).unwrap();
    serde_json::to_value(service.overdue_report(&admin(0), day).await.unwrap()).unwrap()
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::write(path, bytes).unwrap();
}

#[tokio::test]
async fn export_all_then_import_all_gives_every_table_back_on_both_backends() {
    for backend in backends() {
        let source = demo(backend).await;
        let rows = rows_of(&source.store).await;
        let tables: std::collections::BTreeSet<String> = rows
            .iter()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["table"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        for t in [
            "agencies",
            "documents",
            "tasks",
            "assignments",
            "assignment_states",
            "events",
            "evidence_files",
            "users",
            "data_version",
        ] {
            assert!(tables.contains(t), "[{backend}] {t} exported");
        }
        assert!(!tables.contains("schema_migrations"));
        let file = temp("tiendo-export").with_extension("jsonl");
        let mut bytes = Vec::new();
        source.store.export_all(&mut bytes).await.unwrap();
        write(&file, &bytes);

        // Into an empty database of each backend: the same rows, the same report.
        for into in backends() {
            let target = empty_store(into).await;
            let summary = target.import_all(&file).await.unwrap();
            assert_eq!(
                summary.schema_version,
                tiendo_store::latest_schema_version()
            );
            assert_eq!(
                rows_of(&target).await,
                rows,
                "[{backend} → {into}] every table equal"
            );
            let service = Service::new(target, Config::default()).await.unwrap();
            assert_eq!(
                overdue(&service).await,
                overdue(&source).await,
                "[{backend} → {into}]"
            );
            assert_eq!(
                overdue(&service).await["rows"].as_array().unwrap().len(),
                33
            );
            // Ids go on after the imported ones (PostgreSQL's sequences are reset).
            let user = service
                .create_user(
                    None,
                    &UserInput {
                        username: "lanhdao".into(),
                        password: "mật khẩu dài lắm".into(),
                        role: "viewer".into(),
                        agency: None,
                        display_name: None,
                        email: None,
                    },
                )
                .await
                .unwrap();
            assert!(
                user.id > 1,
                "[{backend} → {into}] a new id after the imported ones"
            );
            // The imported history is the same chain, and writes go on extending it.
            let chain = service.store.verify_chain(None).await.unwrap();
            assert!(
                chain.broken.is_none(),
                "[{backend} → {into}] {:?}",
                chain.broken
            );
            assert_eq!(
                chain.head.event_id,
                service.store.last_event_id().await.unwrap().unwrap()
            );

            // A database that is not empty is refused and left as it was.
            let before = service.store.table_counts().await.unwrap();
            let e = service
                .store
                .import_all(&file)
                .await
                .unwrap_err()
                .to_string();
            assert!(
                e.contains("not empty") && e.contains("agencies ("),
                "[{into}] {e}"
            );
            assert_eq!(service.store.table_counts().await.unwrap(), before);
        }

        // A damaged file is refused, naming the line, and writes nothing.
        let lines: Vec<&str> = std::str::from_utf8(&bytes).unwrap().lines().collect();
        let broken = temp("tiendo-broken").with_extension("jsonl");
        let mut text = lines[..lines.len() - 3].join("\n");
        text.push('\n');
        write(&broken, text.as_bytes());
        let target = empty_store(backend).await;
        let e = target.import_all(&broken).await.unwrap_err().to_string();
        assert!(
            e.contains("truncated") && e.contains("table "),
            "[{backend}] {e}"
        );
        let bad_day = lines
            .iter()
            .position(|l| l.starts_with("{\"table\":\"tasks\"") && l.contains("\"due\":\"20"))
            .unwrap();
        let mut changed: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        changed[bad_day] = changed[bad_day].replacen("\"due\":\"20", "\"due\":\"x20", 1);
        write(&broken, (changed.join("\n") + "\n").as_bytes());
        let e = target.import_all(&broken).await.unwrap_err().to_string();
        assert!(
            e.contains(&format!("line {}", bad_day + 1)) && e.contains("tasks.due"),
            "[{backend}] {e}"
        );
        // A row the database refuses (a task of a document that is not there)
        // rolls back every row already written.
        let mut orphan: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        let task = orphan
            .iter()
            .position(|l| l.starts_with("{\"table\":\"tasks\""))
            .unwrap();
        orphan[task] = orphan[task].replacen("\"document_id\":", "\"document_id\":9999", 1);
        write(&broken, (orphan.join("\n") + "\n").as_bytes());
        let e = target.import_all(&broken).await.unwrap_err().to_string();
        assert!(e.contains("table tasks"), "[{backend}] {e}");
        assert_eq!(
            target.applied_schema_version().await.unwrap(),
            0,
            "[{backend}] nothing written, not even the schema"
        );
        let _ = std::fs::remove_file(&broken);
        let _ = std::fs::remove_file(&file);
    }
}

#[tokio::test]
async fn backup_then_restore_gives_every_table_and_the_overdue_report() {
    for backend in backends() {
        let source = demo(backend).await;
        let rows = rows_of(&source.store).await;
        let file = temp("tiendo-backup").with_extension("zip");
        let options = BackupOptions {
            tiendo_version: "test".into(),
            pg_url: postgres_url(),
            pg_dump: None,
        };
        let manifest = tiendo_store::backup::backup(&source.store, &file, &options)
            .await
            .unwrap();
        assert_eq!(read_manifest(&file).unwrap().tables, manifest.tables);
        assert_eq!(
            manifest.schema_version,
            tiendo_store::latest_schema_version()
        );
        assert_eq!(manifest.tables, source.store.table_counts().await.unwrap());
        assert_eq!(
            manifest.last_event_id,
            source.store.last_event_id().await.unwrap()
        );
        let names: Vec<&str> = manifest.files.iter().map(|f| f.name.as_str()).collect();
        match backend {
            "sqlite" => assert_eq!(names, ["tiendo.db"]),
            _ => {
                assert_eq!(names[0], "tiendo.jsonl");
                let has_pg_dump = std::process::Command::new("pg_dump")
                    .arg("--version")
                    .output()
                    .is_ok();
                if has_pg_dump {
                    assert_eq!(
                        names,
                        ["tiendo.jsonl", "tiendo.pgdump"],
                        "{:?}",
                        manifest.notes
                    );
                } else {
                    assert!(
                        manifest.notes[0].contains("pg_dump"),
                        "{:?}",
                        manifest.notes
                    );
                }
            }
        }
        for f in &manifest.files {
            assert_eq!(f.sha256.len(), 64);
        }

        // Into a new SQLite folder, and into an empty PostgreSQL schema.
        let dir = temp("tiendo-restored");
        let report = tiendo_store::backup::restore::restore(&file, Target::SqliteDir(&dir))
            .await
            .unwrap();
        assert!(
            matches!(report.audit_chain, AuditChain::Verified { .. }),
            "{:?}",
            report.audit_chain
        );
        assert!(
            report
                .checks
                .iter()
                .any(|c| c.starts_with("integrity check: ok")),
            "{:?}",
            report.checks
        );
        let restored = Store::open_sqlite_dir(&dir).await.unwrap();
        assert_eq!(
            rows_of(&restored).await,
            rows,
            "[{backend} → sqlite] every table equal"
        );
        let restored = Service::new(restored, Config::default()).await.unwrap();
        assert_eq!(overdue(&restored).await, overdue(&source).await);
        assert!(dir.join("tiendo.db").is_file());
        assert!(!std::fs::read_dir(&dir).unwrap().any(|e| {
            e.unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with(".restore")
        }));
        // A folder that holds a database is refused.
        let e = tiendo_store::backup::restore::restore(&file, Target::SqliteDir(&dir))
            .await
            .unwrap_err()
            .to_string();
        assert!(e.contains("already holds a database"), "{e}");
        if postgres_url().is_some() {
            let target = empty_store("postgres").await;
            tiendo_store::backup::restore::restore(&file, Target::Postgres(&target))
                .await
                .unwrap();
            assert_eq!(
                rows_of(&target).await,
                rows,
                "[{backend} → postgres] every table equal"
            );
            let e = tiendo_store::backup::restore::restore(&file, Target::Postgres(&target))
                .await
                .unwrap_err()
                .to_string();
            assert!(e.contains("not empty"), "{e}");
        }
        let _ = std::fs::remove_file(&file);
    }
}

/// Rewrites a backup with its manifest changed by `edit`.
fn with_manifest(from: &Path, to: &Path, edit: impl Fn(&mut serde_json::Value)) {
    use std::io::{Read, Write};
    let mut zip = zip::ZipArchive::new(std::fs::File::open(from).unwrap()).unwrap();
    let mut out = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        if name == "manifest.json" {
            let mut m: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            edit(&mut m);
            bytes = serde_json::to_vec(&m).unwrap();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&bytes).unwrap();
    }
    out.finish().unwrap();
}

#[tokio::test]
async fn a_damaged_or_mismatched_backup_is_refused_and_nothing_is_written() {
    let source = demo("sqlite").await;
    let file = temp("tiendo-backup").with_extension("zip");
    tiendo_store::backup::backup(&source.store, &file, &BackupOptions::default())
        .await
        .unwrap();
    let refused = |what: &'static str, bad: PathBuf, expect: &'static str| async move {
        let dir = temp("tiendo-refused");
        let e = tiendo_store::backup::restore::restore(&bad, Target::SqliteDir(&dir))
            .await
            .unwrap_err()
            .to_string();
        assert!(e.contains(expect), "{what}: {e}");
        assert!(
            !dir.exists(),
            "{what}: the folder it would have made is not left behind"
        );
    };
    // A byte changed in the middle of the database copy.
    let mut bytes = std::fs::read(&file).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    let flipped = temp("tiendo-flipped").with_extension("zip");
    write(&flipped, &bytes);
    refused("flipped byte", flipped, "tiendo.db").await;
    // A manifest whose counts or checksum do not match the data.
    let tampered = temp("tiendo-tampered").with_extension("zip");
    with_manifest(&file, &tampered, |m| {
        let n = m["tables"]["tasks"].as_i64().unwrap();
        m["tables"]["tasks"] = (n + 1).into();
    });
    refused("task count", tampered.clone(), "tasks: ").await;
    with_manifest(&file, &tampered, |m| {
        m["files"][0]["sha256"] = "00".repeat(32).into()
    });
    refused("checksum", tampered.clone(), "does not match its checksum").await;
    with_manifest(&file, &tampered, |m| m["last_event_id"] = 1.into());
    refused("last event", tampered.clone(), "history ends at event").await;
    with_manifest(&file, &tampered, |m| m["schema_version"] = 999.into());
    refused("newer schema", tampered.clone(), "newer than this tiendo").await;
    // Not a backup at all.
    let text = temp("tiendo-text").with_extension("zip");
    write(&text, b"hello");
    refused("not a zip", text, "not a tiendo backup").await;
    // A folder that already exists and holds other files keeps them.
    let dir = temp("tiendo-keep");
    std::fs::create_dir_all(&dir).unwrap();
    write(&dir.join("notes.txt"), b"x");
    assert!(
        tiendo_store::backup::restore::restore(&tampered, Target::SqliteDir(&dir))
            .await
            .is_err()
    );
    let left: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(left, ["notes.txt"]);
}

#[tokio::test]
async fn scheduled_backups_keep_the_newest_and_each_restores() {
    for backend in backends() {
        let source = demo(backend).await;
        let dir = temp("tiendo-scheduled");
        std::fs::create_dir_all(&dir).unwrap();
        write(&dir.join("tiendo-manual.zip"), b"not ours");
        let schedule = Schedule {
            dir: dir.clone(),
            every: std::time::Duration::from_secs(3600),
            keep: 2,
            options: BackupOptions {
                tiendo_version: "test".into(),
                pg_url: None,
                pg_dump: None,
            },
        };
        let (tx, rx) = tokio::sync::mpsc::channel(1);
        let store = source.store.clone();
        let running = tokio::spawn(run_on_ticks(store, schedule, rx));
        // Four ticks: four backups, one after the other; the two oldest removed.
        for _ in 0..4 {
            tx.send(()).await.unwrap();
        }
        drop(tx);
        running.await.unwrap();
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        names.sort();
        assert_eq!(
            names.len(),
            3,
            "[{backend}] two backups and the file that is not ours: {names:?}"
        );
        assert!(names.contains(&"tiendo-manual.zip".to_string()));
        let newest = dir.join(
            names
                .iter()
                .filter(|n| *n != "tiendo-manual.zip")
                .max()
                .unwrap(),
        );
        let restored = temp("tiendo-from-schedule");
        tiendo_store::backup::restore::restore(&newest, Target::SqliteDir(&restored))
            .await
            .unwrap();
        let restored = Store::open_sqlite_dir(&restored).await.unwrap();
        assert_eq!(
            rows_of(&restored).await,
            rows_of(&source.store).await,
            "[{backend}]"
        );
    }
}

/// A backup taken while another connection keeps writing is a consistent
/// snapshot: it restores with every check passing, holding some of the new
/// documents and, table by table, exactly the rows of one moment.
#[tokio::test]
async fn a_backup_taken_during_writes_restores_with_every_check_passing() {
    for backend in backends() {
        let source = demo(backend).await;
        let before = source.store.count_documents().await.unwrap();
        let events_before = source.store.table_counts().await.unwrap()["events"];
        let (started, mut writing) = tokio::sync::mpsc::channel::<()>(1);
        let writer = {
            let service = source.clone();
            tokio::spawn(async move {
                for i in 0..40 {
                    if i == 5 {
                        // The backup starts now, while the writes go on.
                        let _ = started.send(()).await;
                    }
                    service
                        .create_document(
                            &admin(0),
                            &tiendo_service::input::DocumentInput {
                                number: Some(format!("{i}/TB-VPCP")),
                                kind: "Thông báo".into(),
                                title: format!("Thông báo số {i}"),
                                issued_on: None,
                                issuer: None,
                                signer: None,
                                body: None,
                            },
                        )
                        .await
                        .unwrap();
                }
            })
        };
        writing.recv().await.unwrap();
        let file = temp("tiendo-busy").with_extension("zip");
        let options = BackupOptions {
            tiendo_version: "test".into(),
            pg_url: postgres_url(),
            pg_dump: None,
        };
        let manifest = tiendo_store::backup::backup(&source.store, &file, &options)
            .await
            .unwrap();
        writer.await.unwrap();
        let in_backup = manifest.tables["documents"];
        eprintln!(
            "[{backend}] {} of 40 new documents in the backup",
            in_backup - before
        );
        assert!(
            in_backup >= before && in_backup <= before + 40,
            "[{backend}] {in_backup}"
        );
        let dir = temp("tiendo-busy-restored");
        tiendo_store::backup::restore::restore(&file, Target::SqliteDir(&dir))
            .await
            .unwrap();
        let restored = Store::open_sqlite_dir(&dir).await.unwrap();
        assert_eq!(
            restored.table_counts().await.unwrap(),
            manifest.tables,
            "[{backend}]"
        );
        // Each new document came with its history event: the snapshot holds both
        // or neither.
        assert_eq!(
            manifest.tables["events"] - events_before,
            in_backup - before,
            "[{backend}]"
        );
        let _ = std::fs::remove_file(&file);
    }
}

/// A history changed outside tiendo before the backup is caught by the restore's
/// audit chain check, naming the event, and nothing is restored; a manifest whose
/// head hash is not the chain's is refused too.
#[tokio::test]
async fn a_backup_of_a_tampered_history_is_refused_naming_the_event() {
    let dir = temp("tiendo-tampered-source");
    let service = Service::new(
        Store::open_sqlite_dir(&dir).await.unwrap(),
        Config::default(),
    )
    .await
    .unwrap();
    service.load_demo().await.unwrap();
    let file = temp("tiendo-backup").with_extension("zip");
    tiendo_store::backup::backup(&service.store, &file, &BackupOptions::default())
        .await
        .unwrap();
    // The untouched backup restores with its chain verified up to its head.
    let good = temp("tiendo-restored");
    let report = tiendo_store::backup::restore::restore(&file, Target::SqliteDir(&good))
        .await
        .unwrap();
    assert!(
        matches!(report.audit_chain, AuditChain::Verified { last_event_id: Some(n) } if n > 10),
        "{:?}",
        report.audit_chain
    );
    // The manifest's head hash altered.
    let altered = temp("tiendo-altered").with_extension("zip");
    with_manifest(&file, &altered, |m| {
        m["last_event_hash"] = "ab".repeat(32).into()
    });
    let into = temp("tiendo-refused");
    let e = tiendo_store::backup::restore::restore(&altered, Target::SqliteDir(&into))
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("the manifest says abab"), "{e}");
    assert!(!into.exists());
    // One event's content changed with raw SQL, then a backup taken.
    service.store.close().await;
    let pool = sqlx::SqlitePool::connect_with(
        sqlx::sqlite::SqliteConnectOptions::new().filename(dir.join("tiendo.db")),
    )
    .await
    .unwrap();
    sqlx::query("UPDATE events SET changes = '{\"title\":\"forged\"}' WHERE id = 5")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let store = Store::open_sqlite_dir(&dir).await.unwrap();
    let forged = temp("tiendo-forged").with_extension("zip");
    tiendo_store::backup::backup(&store, &forged, &BackupOptions::default())
        .await
        .unwrap();
    let into = temp("tiendo-refused");
    let e = tiendo_store::backup::restore::restore(&forged, Target::SqliteDir(&into))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("audit chain is broken at event 5") && e.contains("nothing was restored"),
        "{e}"
    );
    assert!(!into.exists());
}
