//! The two backends every test runs on: the embedded SQLite database and the
//! PostgreSQL server named by TIENDO_TEST_PG or DATABASE_URL (each test in a schema
//! of its own). Under CI (CI=true) PostgreSQL is required, not skipped. Shared by
//! the test harnesses of `tiendo-server` and `tiendo-web`.

use std::sync::atomic::{AtomicU64, Ordering};

use tiendo_service::{Config, Service};
use tiendo_store::Store;

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn unique(prefix: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{prefix}_{}_{}_{}", std::process::id(), n, nanos)
}

pub fn postgres_url() -> Option<String> {
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

/// A fresh service on each backend: ("sqlite", …) and, when available, ("postgres", …).
pub async fn services() -> Vec<(&'static str, Service)> {
    let mut out = Vec::new();
    let dir = std::env::temp_dir().join(unique("tiendo-test"));
    let store = Store::open_sqlite_dir(&dir).await.expect("open sqlite");
    out.push((
        "sqlite",
        Service::new(store, Config::default())
            .await
            .expect("service on sqlite"),
    ));
    if let Some(url) = postgres_url() {
        let schema = unique("t");
        let store = Store::open_postgres(&url, Some(&schema))
            .await
            .expect("open postgres");
        out.push((
            "postgres",
            Service::new(store, Config::default())
                .await
                .expect("service on postgres"),
        ));
    }
    out
}

/// Two services over ONE database on each backend, as two server processes
/// sharing it would be: ("sqlite", a, b) and, when available, ("postgres", a, b).
pub async fn service_pairs() -> Vec<(&'static str, Service, Service)> {
    let mut out = Vec::new();
    let dir = std::env::temp_dir().join(unique("tiendo-test"));
    let mut pair = Vec::new();
    for _ in 0..2 {
        let store = Store::open_sqlite_dir(&dir).await.expect("open sqlite");
        pair.push(
            Service::new(store, Config::default())
                .await
                .expect("service on sqlite"),
        );
    }
    let b = pair.pop().expect("second");
    let a = pair.pop().expect("first");
    out.push(("sqlite", a, b));
    if let Some(url) = postgres_url() {
        let schema = unique("t");
        let mut pair = Vec::new();
        for _ in 0..2 {
            let store = Store::open_postgres(&url, Some(&schema))
                .await
                .expect("open postgres");
            pair.push(
                Service::new(store, Config::default())
                    .await
                    .expect("service on postgres"),
            );
        }
        let b = pair.pop().expect("second");
        let a = pair.pop().expect("first");
        out.push(("postgres", a, b));
    }
    out
}
