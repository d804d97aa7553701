//! The real binary: `tiendo backup` while `tiendo serve` runs, `tiendo restore`
//! into a new folder, and the overdue report as of 16/07/2025 (`tiendo status`)
//! is the same; scheduled backups from `serve` keep the newest; `export --all` /
//! `import --all` round-trip; on PostgreSQL too (TIENDO_TEST_PG, required when
//! CI=true), from a PostgreSQL backup into SQLite and into PostgreSQL.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_tiendo");

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn healthy(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    if write!(
        stream,
        "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .is_err()
    {
        return false;
    }
    let mut text = String::new();
    let _ = stream.read_to_string(&mut text);
    text.starts_with("HTTP/1.1 200")
}

fn temp(name: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    std::env::temp_dir().join(format!("tiendo-e2e-{name}-{}-{nanos}", std::process::id()))
}

/// Runs `tiendo ARGS` with DATABASE_URL set to `url` (or removed).
fn tiendo(args: &[&str], url: Option<&str>) -> Output {
    let mut c = Command::new(BIN);
    c.args(args)
        .env_remove("TIENDO_DATA")
        .env("TIENDO_LOG", "warn");
    match url {
        Some(u) => c.env("DATABASE_URL", u),
        None => c.env_remove("DATABASE_URL"),
    };
    c.output().expect("run tiendo")
}

fn ok(args: &[&str], url: Option<&str>) -> String {
    let out = tiendo(args, url);
    assert!(
        out.status.success(),
        "tiendo {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

fn fails(args: &[&str], url: Option<&str>) -> String {
    let out = tiendo(args, url);
    assert!(!out.status.success(), "tiendo {args:?} should fail");
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!err.contains("panicked"), "{err}");
    err
}

fn status(dir: &Path, url: Option<&str>) -> String {
    ok(&["status", "--as-of", "16/07/2025", "--data", s(dir)], url)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn backups_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|r| {
            r.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().to_string())
                .collect()
        })
        .unwrap_or_default();
    names.retain(|n| n.starts_with("tiendo-") && n.ends_with(".zip"));
    names.sort();
    names
}

#[test]
fn backup_while_serving_then_restore_into_a_new_folder_gives_the_same_overdue_report() {
    let data = temp("data");
    let scheduled = temp("scheduled");
    let port = free_port();
    let server = Server(
        Command::new(BIN)
            .args([
                "serve",
                "--addr",
                &format!("127.0.0.1:{port}"),
                "--data",
                s(&data),
                "--backup-dir",
                s(&scheduled),
                "--backup-every",
                "1s",
                "--backup-keep",
                "2",
            ])
            .env_remove("DATABASE_URL")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start tiendo serve"),
    );
    let started = Instant::now();
    while !healthy(port) {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "serve did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let expected = status(&data, None);
    assert!(
        expected.contains("tại ngày 16/07/2025 — 33 nhiệm vụ"),
        "{expected}"
    );

    // A backup while the server runs, restored into a new folder.
    let file = temp("backup").with_extension("zip");
    let out = ok(&["backup", "-o", s(&file), "--data", s(&data)], None);
    assert!(out.contains("sqlite database, schema version"), "{out}");
    let restored = temp("restored");
    let out = ok(&["restore", s(&file), "--data", s(&restored)], None);
    assert!(
        out.contains("integrity check: ok") && out.contains("restored into"),
        "{out}"
    );
    assert_eq!(status(&restored, None), expected);
    // Not over a database.
    let err = fails(&["restore", s(&file), "--data", s(&restored)], None);
    assert!(err.contains("already holds a database"), "{err}");
    // A damaged file: refused, nothing made.
    let mut bytes = std::fs::read(&file).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    let damaged = temp("damaged").with_extension("zip");
    std::fs::write(&damaged, &bytes).unwrap();
    let nowhere = temp("nowhere");
    let err = fails(&["restore", s(&damaged), "--data", s(&nowhere)], None);
    assert!(err.contains("tiendo.db"), "{err}");
    assert!(!nowhere.exists());
    // No database to back up: a clear message.
    let err = fails(
        &["backup", "-o", s(&temp("x")), "--data", s(&nowhere)],
        None,
    );
    assert!(err.contains("no database in"), "{err}");

    // The whole database as JSON Lines, into an empty folder.
    let export = temp("export").with_extension("jsonl");
    ok(
        &["export", "--all", "-o", s(&export), "--data", s(&data)],
        None,
    );
    let imported = temp("imported");
    let out = ok(
        &["import", "--all", s(&export), "--data", s(&imported)],
        None,
    );
    assert!(
        out.contains("imported") && out.contains("rows into"),
        "{out}"
    );
    assert_eq!(status(&imported, None), expected);
    let err = fails(
        &["import", "--all", s(&export), "--data", s(&imported)],
        None,
    );
    assert!(
        err.contains("not empty") && err.contains("nothing was imported"),
        "{err}"
    );
    // A row the database refuses: nothing is left behind in the new folder.
    let text = std::fs::read_to_string(&export).unwrap();
    let orphan = text.replacen(
        "{\"table\":\"tasks\",\"row\":{\"id\":1,\"document_id\":",
        "{\"table\":\"tasks\",\"row\":{\"id\":1,\"document_id\":9999",
        1,
    );
    assert_ne!(orphan, text);
    let bad = temp("orphan").with_extension("jsonl");
    std::fs::write(&bad, orphan).unwrap();
    let never = temp("never");
    let err = fails(&["import", "--all", s(&bad), "--data", s(&never)], None);
    assert!(
        err.contains("table tasks") && err.contains("nothing was imported"),
        "{err}"
    );
    assert!(
        !never.exists(),
        "the folder the failed import made is removed"
    );

    // Scheduled backups: written every second, the newest two kept.
    let mut first_two: Option<Vec<String>> = None;
    let started = Instant::now();
    loop {
        let names = backups_in(&scheduled);
        // The oldest goes only once the newest is complete, so for an instant
        // there may be one more than kept (the exact count after each backup is
        // tested without a clock in tests/backup.rs).
        assert!(names.len() <= 3, "{names:?}");
        match &first_two {
            None if names.len() == 2 => first_two = Some(names.clone()),
            Some(old) if names.len() == 2 && !names.contains(&old[0]) => break,
            _ => {}
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no rotation of scheduled backups: {names:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    drop(server);
    let newest = scheduled.join(backups_in(&scheduled).pop().unwrap());
    let from_schedule = temp("from-schedule");
    ok(&["restore", s(&newest), "--data", s(&from_schedule)], None);
    assert_eq!(status(&from_schedule, None), expected);
    for d in [&data, &scheduled, &restored, &imported, &from_schedule] {
        let _ = std::fs::remove_dir_all(d);
    }
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

/// The URL of a new schema of the test database (created here; the binary
/// works in whatever its search path names).
fn with_schema(url: &str, schema: &str) -> String {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let store = tiendo_store::Store::open_postgres(url, Some(schema))
            .await
            .unwrap();
        store.close().await;
    });
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}options=-csearch_path%3D{schema}")
}

#[test]
fn a_postgresql_backup_restores_into_sqlite_and_into_postgresql() {
    let Some(url) = postgres_url() else {
        return;
    };
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let id = format!("e2e_{}_{nanos}", std::process::id());
    let source = with_schema(&url, &format!("{id}_src"));
    let target = with_schema(&url, &format!("{id}_dst"));
    let nowhere = temp("unused");
    ok(&["demo", "--data", s(&nowhere)], Some(&source));
    let expected = status(&nowhere, Some(&source));
    assert!(expected.contains("33 nhiệm vụ"), "{expected}");

    let file = temp("pg-backup").with_extension("zip");
    let out = ok(&["backup", "-o", s(&file), "--json"], Some(&source));
    let manifest: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(manifest["backend"], "postgres");
    assert_eq!(manifest["payload"], "jsonl");
    if Command::new("pg_dump").arg("--version").output().is_ok() {
        assert_eq!(
            manifest["files"][1]["name"], "tiendo.pgdump",
            "{:?}",
            manifest["notes"]
        );
    }

    // Into a new SQLite folder.
    let restored = temp("pg-restored");
    ok(&["restore", s(&file), "--data", s(&restored)], None);
    assert_eq!(status(&restored, None), expected);
    // Into an empty PostgreSQL schema.
    ok(&["restore", s(&file)], Some(&target));
    assert_eq!(status(&nowhere, Some(&target)), expected);
    let err = fails(&["restore", s(&file)], Some(&target));
    assert!(err.contains("not empty"), "{err}");
    let _ = std::fs::remove_dir_all(&restored);
    let _ = std::fs::remove_dir_all(&nowhere);
    let _ = std::fs::remove_file(&file);
}
