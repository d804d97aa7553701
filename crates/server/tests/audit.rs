//! Tamper evidence of the audit history (docs/audit.md), on SQLite and on
//! PostgreSQL: the chain holds on a fresh database with the demo data, and any
//! change made to `events` from outside (raw SQL on the database's own
//! connection: an UPDATE of any column, a DELETE, an INSERT in the middle) is
//! found, naming the first bad event; a signed checkpoint finds even a chain
//! rewritten with recomputed hashes.

mod common;

use std::str::FromStr;

use sqlx::Row;
use tiendo_core::chain::{ChainFields, event_hash};
use tiendo_service::checkpoint::{Checkpoint, CheckpointKey, default_key_path};
use tiendo_service::{Config, Service};
use tiendo_store::{NewDocument, Stamp, Store};

/// A service and a raw connection of our own to the same database.
struct Db {
    backend: &'static str,
    service: Service,
    raw: Raw,
    /// Where the database is: the SQLite folder, or the PostgreSQL URL and schema.
    place: (String, Option<String>),
}

enum Raw {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl Raw {
    async fn exec(&self, sql: &str) {
        match self {
            Raw::Sqlite(p) => {
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
                    .execute(p)
                    .await
                    .unwrap_or_else(|e| panic!("{sql}: {e}"));
            }
            Raw::Postgres(p) => {
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
                    .execute(p)
                    .await
                    .unwrap_or_else(|e| panic!("{sql}: {e}"));
            }
        }
    }

    async fn text(&self, sql: &str) -> String {
        match self {
            Raw::Sqlite(p) => sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
                .fetch_one(p)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"))
                .get::<String, _>(0),
            Raw::Postgres(p) => sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
                .fetch_one(p)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"))
                .get::<String, _>(0),
        }
    }

    async fn int(&self, sql: &str) -> i64 {
        match self {
            Raw::Sqlite(p) => sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
                .fetch_one(p)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"))
                .get::<i64, _>(0),
            Raw::Postgres(p) => sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
                .fetch_one(p)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"))
                .get::<i64, _>(0),
        }
    }

    /// The stored fields of one event, and its stored hash.
    async fn event(&self, id: i64) -> (i64, String, i64, String, Option<i64>, String, i64, i64) {
        let sql = format!(
            "SELECT id, entity, entity_id, action, actor_id, changes, recorded_at, entered_at FROM events WHERE id = {id}"
        );
        macro_rules! read {
            ($row:expr) => {{
                let r = $row;
                (
                    r.get(0),
                    r.get(1),
                    r.get(2),
                    r.get(3),
                    r.get(4),
                    r.get(5),
                    r.get(6),
                    r.get(7),
                )
            }};
        }
        match self {
            Raw::Sqlite(p) => read!(
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .fetch_one(p)
                    .await
                    .unwrap()
            ),
            Raw::Postgres(p) => read!(
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .fetch_one(p)
                    .await
                    .unwrap()
            ),
        }
    }
}

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

async fn databases() -> Vec<Db> {
    let mut out = Vec::new();
    let dir = std::env::temp_dir().join(unique("tiendo-audit"));
    let store = Store::open_sqlite_dir(&dir).await.unwrap();
    let service = Service::new(store, Config::default()).await.unwrap();
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(dir.join("tiendo.db"))
        .busy_timeout(std::time::Duration::from_secs(10));
    let raw = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .unwrap();
    out.push(Db {
        backend: "sqlite",
        service,
        raw: Raw::Sqlite(raw),
        place: (dir.display().to_string(), None),
    });
    if let Some(url) = common::postgres_url() {
        let schema = unique("audit");
        let store = Store::open_postgres(&url, Some(&schema)).await.unwrap();
        let service = Service::new(store, Config::default()).await.unwrap();
        let options = sqlx::postgres::PgConnectOptions::from_str(&url)
            .unwrap()
            .options([("search_path", schema.as_str())]);
        let raw = sqlx::postgres::PgPoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .unwrap();
        out.push(Db {
            backend: "postgres",
            service,
            raw: Raw::Postgres(raw),
            place: (url, Some(schema)),
        });
    }
    out
}

impl Db {
    /// The same database opened anew (migrated, as at a start).
    async fn reopen(&self) -> Service {
        let store = match &self.place {
            (dir, None) => Store::open_sqlite_dir(std::path::Path::new(dir)).await,
            (url, Some(schema)) => Store::open_postgres(url, Some(schema)).await,
        }
        .unwrap();
        Service::new(store, Config::default()).await.unwrap()
    }

    /// The first broken event, or None when the chain holds.
    async fn broken_at(&self, checkpoint: Option<&Checkpoint>) -> Option<(i64, String)> {
        let v = self
            .service
            .verify_audit_chain(&self.service.system_actor(), checkpoint)
            .await
            .expect("verify");
        v.broken.map(|b| (b.event_id, b.problem))
    }

    async fn sound(&self, what: &str) {
        assert_eq!(
            self.broken_at(None).await,
            None,
            "[{}] {what}",
            self.backend
        );
    }

    /// Applies `tamper`, expects the chain broken at `expected`, then `restore`s
    /// and expects it sound again.
    async fn expect_broken(&self, what: &str, tamper: &str, expected: i64, restore: &str) {
        self.raw.exec(tamper).await;
        let found = self.broken_at(None).await;
        let (id, problem) =
            found.unwrap_or_else(|| panic!("[{}] {what}: not detected", self.backend));
        assert_eq!(id, expected, "[{}] {what}: {problem}", self.backend);
        assert!(
            problem.contains(&format!("event {expected}")),
            "[{}] {what}: the problem names the event: {problem}",
            self.backend
        );
        self.raw.exec(restore).await;
        self.sound(&format!("{what}, restored")).await;
    }
}

#[tokio::test]
async fn the_chain_holds_on_the_demo_data_and_every_outside_change_breaks_it() {
    for db in databases().await {
        db.service.load_demo().await.expect("demo");
        db.sound("fresh database with the demo data").await;
        let head = db.service.audit_head().await.unwrap();
        assert!(head.event_id > 100, "[{}] {head:?}", db.backend);
        assert_eq!(
            db.raw
                .int("SELECT COUNT(*) FROM events WHERE actor_id IS NULL OR hash IS NULL")
                .await,
            0,
            "[{}] every event has a real actor and a hash",
            db.backend
        );
        let system = db.service.system_actor().user_id;
        assert_eq!(
            db.raw
                .int(&format!(
                    "SELECT COUNT(*) FROM events WHERE actor_id <> {system}"
                ))
                .await,
            0,
            "[{}] the demo's events are the system user's",
            db.backend
        );

        let k = head.event_id / 2;
        let last = head.event_id;
        // An UPDATE of each column.
        for (column, tamper, restore) in [
            (
                "entity",
                "entity = entity || 'x'",
                "entity = substr(entity, 1, length(entity) - 1)",
            ),
            (
                "entity_id",
                "entity_id = entity_id + 1",
                "entity_id = entity_id - 1",
            ),
            (
                "action",
                "action = action || 'x'",
                "action = substr(action, 1, length(action) - 1)",
            ),
            (
                "actor_id",
                "actor_id = actor_id + 1000",
                "actor_id = actor_id - 1000",
            ),
            (
                "changes",
                "changes = changes || ' '",
                "changes = substr(changes, 1, length(changes) - 1)",
            ),
            (
                "recorded_at",
                "recorded_at = recorded_at - 86400000000",
                "recorded_at = recorded_at + 86400000000",
            ),
            (
                "entered_at",
                "entered_at = entered_at + 1",
                "entered_at = entered_at - 1",
            ),
        ] {
            db.expect_broken(
                &format!("UPDATE of {column}"),
                &format!("UPDATE events SET {tamper} WHERE id = {k}"),
                k,
                &format!("UPDATE events SET {restore} WHERE id = {k}"),
            )
            .await;
        }
        for column in ["prev_hash", "hash"] {
            let original = db
                .raw
                .text(&format!("SELECT {column} FROM events WHERE id = {k}"))
                .await;
            db.expect_broken(
                &format!("UPDATE of {column}"),
                &format!(
                    "UPDATE events SET {column} = '{}' WHERE id = {k}",
                    "f".repeat(64)
                ),
                k,
                &format!("UPDATE events SET {column} = '{original}' WHERE id = {k}"),
            )
            .await;
            db.expect_broken(
                &format!("{column} set to NULL"),
                &format!("UPDATE events SET {column} = NULL WHERE id = {k}"),
                k,
                &format!("UPDATE events SET {column} = '{original}' WHERE id = {k}"),
            )
            .await;
        }
        // An id changed: the event is missing where it was.
        db.expect_broken(
            "UPDATE of id",
            &format!("UPDATE events SET id = id + 100000000 WHERE id = {k}"),
            k + 1,
            &format!("UPDATE events SET id = {k} WHERE id = {}", k + 100000000),
        )
        .await;
        // A DELETE in the middle, of the first and of the last event.
        for (what, id, expected) in [
            ("DELETE in the middle", k, k + 1),
            ("DELETE of the first event", 1, 2),
            ("DELETE of the last event", last, last),
        ] {
            db.expect_broken(
                what,
                &format!(
                    "CREATE TABLE saved_event AS SELECT * FROM events WHERE id = {id}; DELETE FROM events WHERE id = {id}"
                ),
                expected,
                "INSERT INTO events SELECT * FROM saved_event; DROP TABLE saved_event",
            )
            .await;
        }

        // An INSERT in the middle by an attacker who knows the hashing: the events
        // after k move up one, and a forged event k+1, linked to event k with a
        // correctly computed hash, goes between. The next event no longer links.
        let (_, entity, entity_id, action, actor, _, recorded, entered) = db.raw.event(k).await;
        let hash_k = db
            .raw
            .text(&format!("SELECT hash FROM events WHERE id = {k}"))
            .await;
        let forged_changes = r#"{"note":"forged"}"#;
        let forged_hash = event_hash(
            &hash_k,
            &ChainFields {
                id: k + 1,
                entity: &entity,
                entity_id,
                action: &action,
                actor_id: actor,
                changes: forged_changes,
                recorded_at: recorded,
                entered_at: entered,
            },
        );
        let actor_sql = actor.map_or("NULL".to_string(), |a| a.to_string());
        db.expect_broken(
            "INSERT in the middle",
            &format!(
                "UPDATE events SET id = -id WHERE id > {k}; UPDATE events SET id = -id + 1 WHERE id < 0; \
                 INSERT INTO events (id, entity, entity_id, action, actor_id, changes, recorded_at, entered_at, prev_hash, hash) \
                 VALUES ({}, '{entity}', {entity_id}, '{action}', {actor_sql}, '{forged_changes}', {recorded}, {entered}, '{hash_k}', '{forged_hash}')",
                k + 1
            ),
            k + 2,
            &format!(
                "DELETE FROM events WHERE id = {}; UPDATE events SET id = -id WHERE id > {}; UPDATE events SET id = -id - 1 WHERE id < 0",
                k + 1,
                k + 1
            ),
        )
        .await;
        // An INSERT after the last event (dated in the past, so that it shows in
        // the middle of the history), even with a correct link: the recorded head
        // does not know it.
        let hash_last = db
            .raw
            .text(&format!("SELECT hash FROM events WHERE id = {last}"))
            .await;
        let appended = event_hash(
            &hash_last,
            &ChainFields {
                id: last + 1,
                entity: &entity,
                entity_id,
                action: &action,
                actor_id: actor,
                changes: forged_changes,
                recorded_at: recorded,
                entered_at: entered,
            },
        );
        db.expect_broken(
            "INSERT after the head",
            &format!(
                "INSERT INTO events (id, entity, entity_id, action, actor_id, changes, recorded_at, entered_at, prev_hash, hash) \
                 VALUES ({}, '{entity}', {entity_id}, '{action}', {actor_sql}, '{forged_changes}', {recorded}, {entered}, '{hash_last}', '{appended}')",
                last + 1
            ),
            last + 1,
            &format!("DELETE FROM events WHERE id = {}", last + 1),
        )
        .await;
        // Without a hash at all.
        db.expect_broken(
            "INSERT without a hash",
            &format!(
                "INSERT INTO events (id, entity, entity_id, action, actor_id, changes, recorded_at, entered_at) \
                 VALUES ({}, 'task', 1, 'update', NULL, '{{}}', 0, 0)",
                last + 1
            ),
            last + 1,
            &format!("DELETE FROM events WHERE id = {}", last + 1),
        )
        .await;

        // After all that, writes through tiendo still append to a sound chain.
        let token = db
            .service
            .create_user(
                None,
                &tiendo_service::input::UserInput {
                    username: "vanphong".into(),
                    password: "mật khẩu tốt".into(),
                    role: "admin".into(),
                    agency: None,
                    display_name: None,
                    email: None,
                },
            )
            .await
            .unwrap();
        assert!(token.id > 0);
        db.sound("after a write through tiendo").await;
        let new_head = db.service.audit_head().await.unwrap();
        assert_eq!(new_head.event_id, last + 1, "[{}]", db.backend);
    }
}

/// An attacker who rewrites an event and recomputes every hash after it (and the
/// head) passes the plain check; a checkpoint made before finds the rewrite.
#[tokio::test]
async fn a_signed_checkpoint_finds_a_chain_rewritten_with_recomputed_hashes() {
    let keys = std::env::temp_dir().join(unique("tiendo-audit-keys"));
    let (key, _) = CheckpointKey::load_or_create(&default_key_path(&keys)).unwrap();
    for db in databases().await {
        db.service.load_demo().await.expect("demo");
        let system = db.service.system_actor();
        let checkpoint = db.service.audit_checkpoint(&system, &key).await.unwrap();
        checkpoint.check_signature(&key.verifying_key()).unwrap();
        assert_eq!(
            db.broken_at(Some(&checkpoint)).await,
            None,
            "[{}]",
            db.backend
        );
        let k = checkpoint.event_id / 2;

        // Rewrite event k, then recompute the chain from k to the head.
        db.raw
            .exec(&format!(
                "UPDATE events SET changes = '{{\"rewritten\":true}}' WHERE id = {k}"
            ))
            .await;
        let mut prev = db
            .raw
            .text(&format!("SELECT hash FROM events WHERE id = {}", k - 1))
            .await;
        for id in k..=checkpoint.event_id {
            let (_, entity, entity_id, action, actor, changes, recorded, entered) =
                db.raw.event(id).await;
            let hash = event_hash(
                &prev,
                &ChainFields {
                    id,
                    entity: &entity,
                    entity_id,
                    action: &action,
                    actor_id: actor,
                    changes: &changes,
                    recorded_at: recorded,
                    entered_at: entered,
                },
            );
            db.raw
                .exec(&format!(
                    "UPDATE events SET prev_hash = '{prev}', hash = '{hash}' WHERE id = {id}"
                ))
                .await;
            prev = hash;
        }
        db.raw
            .exec(&format!(
                "UPDATE audit_head SET last_hash = '{prev}' WHERE id = 1"
            ))
            .await;
        assert_eq!(
            db.broken_at(None).await,
            None,
            "[{}] a full rewrite passes the plain check",
            db.backend
        );
        let (id, problem) = db.broken_at(Some(&checkpoint)).await.expect("found");
        assert_eq!(id, checkpoint.event_id, "[{}] {problem}", db.backend);
        assert!(problem.contains("checkpoint"), "{problem}");

        // A checkpoint is refused while the chain is broken.
        db.raw
            .exec(&format!("DELETE FROM events WHERE id = {}", k + 1))
            .await;
        let refused = db.service.audit_checkpoint(&system, &key).await;
        assert!(refused.is_err(), "[{}]", db.backend);
    }
    let _ = std::fs::remove_dir_all(&keys);
}

/// The same events give the same hashes on both backends, and the migration that
/// chains an old database's events gives the hashes the live path gave.
#[tokio::test]
async fn hashes_are_the_same_on_both_backends_and_the_backfill_matches_the_live_chain() {
    let mut heads = Vec::new();
    for db in databases().await {
        let stamp = Stamp {
            actor_id: None,
            recorded_at: 1_752_624_000_000_000,
            entered_at: 1_752_624_000_000_000,
        };
        for n in 1..=3 {
            db.service
                .store
                .create_document(
                    &NewDocument {
                        number: Some(format!("{n}/TB-VPCP")),
                        kind: "Thông báo".into(),
                        title: format!("Kết luận số {n} — Bộ Khoa học và Công nghệ"),
                        issued_on: None,
                        issuer: None,
                        signer: None,
                        body: None,
                    },
                    &stamp,
                )
                .await
                .unwrap();
        }
        let head = db.service.audit_head().await.unwrap();
        assert_eq!(head.event_id, 3, "[{}]", db.backend);
        heads.push((db.backend, head.clone()));

        // More history, then the database made as it was before migration 15 and
        // migrated again: the backfill chains the same events to the same head.
        for n in 4..=60 {
            db.service
                .store
                .create_document(
                    &NewDocument {
                        number: Some(format!("{n}/TB-VPCP")),
                        kind: "Thông báo".into(),
                        title: format!("Kết luận số {n}"),
                        issued_on: None,
                        issuer: None,
                        signer: None,
                        body: None,
                    },
                    &Stamp::now(None),
                )
                .await
                .unwrap();
        }
        let live = db.service.audit_head().await.unwrap();
        db.raw
            .exec(
                "DROP TABLE audit_head; DROP TABLE security_events; \
                 ALTER TABLE events DROP COLUMN prev_hash; ALTER TABLE events DROP COLUMN hash; \
                 DELETE FROM schema_migrations WHERE version = 15",
            )
            .await;
        // (Opened anew, as a server starting on an old database: a connection that
        // read the schema before keeps it in memory.)
        let reopened = db.reopen().await;
        assert_eq!(
            reopened.audit_head().await.unwrap(),
            live,
            "[{}]",
            db.backend
        );
        let v = reopened
            .verify_audit_chain(&reopened.system_actor(), None)
            .await
            .unwrap();
        assert_eq!(v.broken, None, "[{}]", db.backend);
        assert_eq!(v.checked, live.event_id, "[{}]", db.backend);
    }
    if heads.len() == 2 {
        assert_eq!(heads[0].1, heads[1].1, "{heads:?}");
    }
}
