//! Fuzzing the query parameters (issue 15 part 5): mutated API paths and query
//! strings are answered, never with a 5xx and always with a JSON error when
//! refused. Seeds in `tests/fuzz/seeds/api-queries.query` (one request a line);
//! inputs that once crashed stay in `tests/fuzz/found`. The mutator is shared
//! with tiendo-extract's reader fuzzing.

mod common;
#[path = "../../extract/tests/fuzz/mutate.rs"]
mod mutate;

use std::path::Path;

use axum::body::Body;
use axum::http::Request;
use tower::ServiceExt;

fn dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz")
}

#[test]
fn mutated_queries_never_get_a_server_error() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let api = rt.block_on(async { common::apis().await.remove(0) });
    let token = rt.block_on(api.user("vanphong", "admin", None));
    let lines = std::fs::read_to_string(dir().join("seeds/api-queries.query")).unwrap();
    let seeds: Vec<(String, Vec<u8>)> = lines
        .lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| (format!("q{i}.query"), l.as_bytes().to_vec()))
        .collect();
    let sent = std::sync::atomic::AtomicUsize::new(0);
    let runs = mutate::run("queries", &dir().join("found"), &seeds, &|_, bytes| {
        let Ok(uri) = std::str::from_utf8(bytes)
            .map_err(|_| ())
            .and_then(|s| s.trim().parse::<axum::http::Uri>().map_err(|_| ()))
        else {
            return; // not a request line at all: the HTTP parser's business
        };
        if !uri.path().starts_with("/api/") {
            return;
        }
        let req = Request::builder()
            .method("GET")
            .uri(uri.clone())
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap();
        sent.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let res = rt.block_on(api.router.clone().oneshot(req)).unwrap();
        let status = res.status();
        assert!(status.as_u16() < 500, "{uri}: {status}");
        if !status.is_success() {
            let kind = res
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            assert!(
                kind.starts_with("application/json"),
                "{uri}: {status} as {kind}"
            );
        }
    });
    let sent = sent.into_inner();
    eprintln!("queries: {sent} of {runs} inputs were requests under /api/");
    assert!(sent > 0 && runs > 0);
}
