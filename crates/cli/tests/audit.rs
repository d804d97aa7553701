//! `tiendo audit` with the real binary, on SQLite and on PostgreSQL (when
//! TIENDO_TEST_PG names a server; required under CI): `verify` passes on a fresh
//! database with the demo data, and after a change made to `events` from outside
//! it exits non-zero naming the first bad event; a signed checkpoint is written
//! and checked; `--as` names the actor of a command's changes.

use std::path::PathBuf;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_tiendo");

fn unique(prefix: &str) -> String {
    format!(
        "{prefix}_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    )
}

/// One database: a data folder (the keys live there on both backends) and, for
/// PostgreSQL, a URL that selects a schema of its own.
struct Place {
    backend: &'static str,
    dir: PathBuf,
    database_url: Option<String>,
}

impl Place {
    fn tiendo(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .arg("--data")
            .arg(&self.dir)
            .env_remove("TIENDO_AS")
            .env_remove("TIENDO_AUDIT_KEY");
        match &self.database_url {
            Some(url) => cmd.env("DATABASE_URL", url),
            None => cmd.env_remove("DATABASE_URL"),
        };
        cmd.output().expect("run tiendo")
    }

    /// The first column of the first row, as text.
    async fn text(&self, sql: &str) -> String {
        use sqlx::Row;
        match &self.database_url {
            None => {
                let pool = sqlx::SqlitePool::connect_with(
                    sqlx::sqlite::SqliteConnectOptions::new().filename(self.dir.join("tiendo.db")),
                )
                .await
                .unwrap();
                let row = sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
                    .fetch_one(&pool)
                    .await
                    .unwrap();
                let v = row.get::<String, _>(0);
                pool.close().await;
                v
            }
            Some(url) => {
                let pool = sqlx::PgPool::connect(url).await.unwrap();
                let row = sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
                    .fetch_one(&pool)
                    .await
                    .unwrap();
                let v = row.get::<String, _>(0);
                pool.close().await;
                v
            }
        }
    }

    async fn exec(&self, sql: &str) {
        match &self.database_url {
            None => {
                let options = sqlx::sqlite::SqliteConnectOptions::new()
                    .filename(self.dir.join("tiendo.db"))
                    .busy_timeout(std::time::Duration::from_secs(10));
                let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
                    .execute(&pool)
                    .await
                    .unwrap();
                pool.close().await;
            }
            Some(url) => {
                let pool = sqlx::PgPool::connect(url).await.unwrap();
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
                    .execute(&pool)
                    .await
                    .unwrap();
                pool.close().await;
            }
        }
    }
}

fn places() -> Vec<Place> {
    let mut out = vec![Place {
        backend: "sqlite",
        dir: std::env::temp_dir().join(unique("tiendo-cli-audit")),
        database_url: None,
    }];
    let pg = std::env::var("TIENDO_TEST_PG")
        .ok()
        .filter(|u| u.starts_with("postgres"));
    match pg {
        Some(url) => {
            let schema = unique("cli_audit");
            let sep = if url.contains('?') { '&' } else { '?' };
            out.push(Place {
                backend: "postgres",
                dir: std::env::temp_dir().join(unique("tiendo-cli-audit-pg")),
                database_url: Some(format!("{url}{sep}options=-c%20search_path%3D{schema}")),
            });
            // The schema must exist before tiendo connects into it.
            let rt = tokio::runtime::Runtime::new().unwrap();
            rt.block_on(async {
                let pool = sqlx::PgPool::connect(&url).await.unwrap();
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA \"{schema}\"")))
                    .execute(&pool)
                    .await
                    .unwrap();
                pool.close().await;
            });
        }
        None if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI=true but no PostgreSQL: set TIENDO_TEST_PG")
        }
        None => {}
    }
    out
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn ok(place: &Place, out: Output, what: &str) -> String {
    let t = text(&out);
    assert!(out.status.success(), "[{}] {what}: {t}", place.backend);
    t
}

#[test]
fn audit_verify_passes_on_the_demo_and_names_the_first_event_changed_from_outside() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    for p in places() {
        let b = p.backend;
        ok(&p, p.tiendo(&["demo"]), "demo");
        let t = ok(&p, p.tiendo(&["audit", "verify"]), "verify");
        assert!(t.contains("audit chain sound"), "[{b}] {t}");

        // A signed checkpoint: the key is made on first use in DATA/keys.
        let cp = p.dir.join("checkpoint.json");
        let cp_arg = cp.to_str().unwrap();
        let t = ok(
            &p,
            p.tiendo(&["audit", "checkpoint", "-o", cp_arg]),
            "checkpoint",
        );
        assert!(t.contains("made a new checkpoint key"), "[{b}] {t}");
        assert!(p.dir.join("keys/audit-checkpoint.key").exists());
        assert!(p.dir.join("keys/audit-checkpoint.pub").exists());
        let checkpoint: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&cp).unwrap()).unwrap();
        let head = checkpoint["event_id"].as_i64().unwrap();
        let t = ok(
            &p,
            p.tiendo(&["audit", "verify", "--checkpoint", cp_arg]),
            "verify with checkpoint",
        );
        assert!(t.contains("checkpoint sound"), "[{b}] {t}");
        let t = ok(&p, p.tiendo(&["audit", "head"]), "head");
        assert!(
            t.contains(&format!(
                "event {head} sha256 {}",
                checkpoint["hash"].as_str().unwrap()
            )),
            "[{b}] {t}"
        );

        // A checkpoint signed by someone else's key is refused.
        let other_key = p.dir.join("other.key");
        let forged = p.dir.join("forged.json");
        ok(
            &p,
            p.tiendo(&[
                "audit",
                "checkpoint",
                "-o",
                forged.to_str().unwrap(),
                "--key",
                other_key.to_str().unwrap(),
            ]),
            "checkpoint with another key",
        );
        let out = p.tiendo(&["audit", "verify", "--checkpoint", forged.to_str().unwrap()]);
        assert!(!out.status.success(), "[{b}] {}", text(&out));
        assert!(
            text(&out).contains("not by the trusted key"),
            "[{b}] {}",
            text(&out)
        );

        // Changed from outside: an UPDATE of one event's changes.
        let k = head / 2;
        rt.block_on(p.exec(&format!(
            "UPDATE events SET changes = changes || ' ' WHERE id = {k}"
        )));
        let out = p.tiendo(&["audit", "verify"]);
        let t = text(&out);
        assert!(!out.status.success(), "[{b}] {t}");
        assert!(t.contains(&format!("BROKEN at event {k}:")), "[{b}] {t}");
        assert!(!t.contains("panicked"), "[{b}] {t}");
        rt.block_on(p.exec(&format!(
            "UPDATE events SET changes = substr(changes, 1, length(changes) - 1) WHERE id = {k}"
        )));
        ok(
            &p,
            p.tiendo(&["audit", "verify", "--checkpoint", cp_arg]),
            "verify restored",
        );
        // A DELETE: the event after the gap is named.
        rt.block_on(p.exec(&format!(
            "CREATE TABLE saved_event AS SELECT * FROM events WHERE id = {k}; DELETE FROM events WHERE id = {k}"
        )));
        let out = p.tiendo(&["audit", "verify"]);
        assert!(!out.status.success());
        assert!(
            text(&out).contains(&format!("BROKEN at event {}:", k + 1)),
            "[{b}] {}",
            text(&out)
        );
        rt.block_on(p.exec("INSERT INTO events SELECT * FROM saved_event; DROP TABLE saved_event"));
        ok(&p, p.tiendo(&["audit", "verify"]), "verify restored");

        // `--as`: the operator of a command is the actor of its changes.
        ok(
            &p,
            p.tiendo(&[
                "user",
                "add",
                "--username",
                "vanphong",
                "--password",
                "mật khẩu tốt",
                "--role",
                "admin",
            ]),
            "user add",
        );
        ok(
            &p,
            p.tiendo(&[
                "--as",
                "vanphong",
                "user",
                "add",
                "--username",
                "lanhdao",
                "--password",
                "mật khẩu tốt",
                "--role",
                "viewer",
            ]),
            "user add --as vanphong",
        );
        let actor_of = |user: &str| {
            format!(
                "SELECT u.username FROM events e JOIN users u ON u.id = e.actor_id \
                 WHERE e.entity = 'user' AND e.entity_id = (SELECT id FROM users WHERE username = '{user}')"
            )
        };
        assert_eq!(
            rt.block_on(p.text(&actor_of("vanphong"))),
            "system",
            "[{b}]"
        );
        assert_eq!(
            rt.block_on(p.text(&actor_of("lanhdao"))),
            "vanphong",
            "[{b}]"
        );
        let out = p.tiendo(&[
            "--as",
            "lanhdao",
            "user",
            "add",
            "--username",
            "x",
            "--password",
            "mật khẩu tốt",
            "--role",
            "admin",
        ]);
        assert!(!out.status.success(), "[{b}] a viewer adds no user");
        assert!(text(&out).contains("not allowed"), "[{b}] {}", text(&out));
        let out = p.tiendo(&["--as", "no-one", "audit", "head"]);
        assert!(!out.status.success());
        assert!(
            text(&out).contains("no active user 'no-one'"),
            "[{b}] {}",
            text(&out)
        );
        let out = p.tiendo(&["--as", "lanhdao", "audit", "verify"]);
        assert!(
            !out.status.success(),
            "[{b}] checking the chain is the office's"
        );
        let _ = std::fs::remove_dir_all(&p.dir);
    }
}
