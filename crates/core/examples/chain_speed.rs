//! What hashing the audit chain costs a bulk load (docs/audit.md, docs/performance.md):
//! canonical JSON of a typical assignment event's changes plus its SHA-256 link,
//! for N events, one after another as the bulk paths do them.
//!
//! `cargo run --release -p tiendo-core --example chain_speed [N]`

use std::time::Instant;

use serde_json::json;
use tiendo_core::chain::{ChainFields, GENESIS, canonical_json, event_hash};

fn main() {
    let n: i64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let started = Instant::now();
    let mut prev = GENESIS.to_string();
    let mut bytes = 0usize;
    for id in 1..=n {
        let changes = canonical_json(&json!({
            "task_id": id / 10 + 1,
            "agency_id": id % 130 + 1,
            "deadline_kind": "fixed",
            "due": "2025-12-31",
        }));
        bytes += changes.len();
        prev = event_hash(
            &prev,
            &ChainFields {
                id,
                entity: "assignment",
                entity_id: id,
                action: "create",
                actor_id: Some(1),
                changes: &changes,
                recorded_at: 1_752_624_000_000_000 + id,
                entered_at: 1_752_624_000_000_000,
            },
        );
    }
    let s = started.elapsed().as_secs_f64();
    println!(
        "{n} events chained in {s:.2} s: {:.2} µs an event ({} bytes of changes on average); head {prev}",
        s * 1e6 / n as f64,
        bytes / n.max(1) as usize
    );
}
