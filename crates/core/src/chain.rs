//! The audit history as a hash chain (tamper evidence, docs/audit.md).
//!
//! Every event carries `hash = SHA-256(canonical bytes of the event)`, where the
//! canonical bytes start with the previous event's hash: changing, removing or
//! slipping in an event breaks every link after it. The bytes do not depend on the
//! database: integers are written as decimal text, instants as microseconds since
//! the Unix epoch (UTC) in decimal, the changes as their stored JSON text (written
//! in canonical form, see [`canonical_json`]), and each field is length-prefixed so
//! that no two events share an encoding.

use serde_json::Value;
use sha2::{Digest, Sha256};

/// The "previous hash" of the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The version tag that opens the canonical bytes; a new encoding gets a new tag.
const TAG: &[u8] = b"tiendo-event-v1\n";

/// The fields of an event that its hash covers (all of them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainFields<'a> {
    pub id: i64,
    pub entity: &'a str,
    pub entity_id: i64,
    pub action: &'a str,
    pub actor_id: Option<i64>,
    /// The JSON text as stored.
    pub changes: &'a str,
    pub recorded_at: i64,
    pub entered_at: i64,
}

/// Appends `len:bytes;` (a netstring-like field) to `out`.
fn field(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(bytes.len().to_string().as_bytes());
    out.push(b':');
    out.extend_from_slice(bytes);
    out.push(b';');
}

/// The bytes an event's hash is taken of: the tag, the previous hash, then every
/// field in a fixed order; an absent actor is `-;`, distinct from any number.
pub fn canonical_bytes(prev_hash: &str, e: &ChainFields<'_>) -> Vec<u8> {
    let mut out = Vec::with_capacity(TAG.len() + 96 + e.changes.len() + 96);
    out.extend_from_slice(TAG);
    field(&mut out, prev_hash.as_bytes());
    field(&mut out, e.id.to_string().as_bytes());
    field(&mut out, e.entity.as_bytes());
    field(&mut out, e.entity_id.to_string().as_bytes());
    field(&mut out, e.action.as_bytes());
    match e.actor_id {
        Some(a) => field(&mut out, a.to_string().as_bytes()),
        None => out.extend_from_slice(b"-;"),
    }
    field(&mut out, e.changes.as_bytes());
    field(&mut out, e.recorded_at.to_string().as_bytes());
    field(&mut out, e.entered_at.to_string().as_bytes());
    out
}

/// The hash of an event that follows `prev_hash`: 64 lower-case hex digits.
pub fn event_hash(prev_hash: &str, e: &ChainFields<'_>) -> String {
    hex::encode(Sha256::digest(canonical_bytes(prev_hash, e)))
}

/// JSON in one canonical text: object keys sorted by their bytes, no spaces,
/// strings and numbers as serde_json writes them. The same value always gives the
/// same text, whichever order its keys were built in.
pub fn canonical_json(v: &Value) -> String {
    let mut out = String::new();
    write_canonical(v, &mut out);
    out
}

fn write_canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                if let Some(value) = map.get(k) {
                    write_canonical(value, out);
                }
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// Whether a text is a well-formed hash (64 lower-case hex digits).
pub fn is_hash(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(changes: &str) -> ChainFields<'_> {
        ChainFields {
            id: 7,
            entity: "task",
            entity_id: 42,
            action: "update",
            actor_id: Some(3),
            changes,
            recorded_at: 1_752_624_000_000_000,
            entered_at: 1_752_624_000_000_001,
        }
    }

    #[test]
    fn the_hash_is_fixed_by_the_fields_and_the_previous_hash() {
        let e = event(r#"{"due":"2025-07-31"}"#);
        let h = event_hash(GENESIS, &e);
        assert!(is_hash(&h));
        assert_eq!(h, event_hash(GENESIS, &e));
        // A known value: the encoding must never change silently (old chains would break).
        assert_eq!(
            String::from_utf8(canonical_bytes(GENESIS, &e)).unwrap(),
            format!(
                "tiendo-event-v1\n64:{GENESIS};1:7;4:task;2:42;6:update;1:3;20:{{\"due\":\"2025-07-31\"}};16:1752624000000000;16:1752624000000001;"
            )
        );
        let other_prev = event_hash(&h, &e);
        assert_ne!(h, other_prev);
    }

    #[test]
    fn every_field_changes_the_hash() {
        let base = event("{}");
        let h = event_hash(GENESIS, &base);
        let variants = [
            ChainFields { id: 8, ..base },
            ChainFields {
                entity: "tasks",
                ..base
            },
            ChainFields {
                entity_id: 43,
                ..base
            },
            ChainFields {
                action: "create",
                ..base
            },
            ChainFields {
                actor_id: None,
                ..base
            },
            ChainFields {
                actor_id: Some(4),
                ..base
            },
            ChainFields {
                changes: "{ }",
                ..base
            },
            ChainFields {
                recorded_at: base.recorded_at + 1,
                ..base
            },
            ChainFields {
                entered_at: base.entered_at + 1,
                ..base
            },
        ];
        for v in variants {
            assert_ne!(event_hash(GENESIS, &v), h, "{v:?}");
        }
    }

    #[test]
    fn fields_cannot_be_shifted_into_each_other() {
        let a = ChainFields {
            entity: "task",
            action: "xupdate",
            ..event("{}")
        };
        let b = ChainFields {
            entity: "taskx",
            action: "update",
            ..event("{}")
        };
        assert_ne!(event_hash(GENESIS, &a), event_hash(GENESIS, &b));
    }

    #[test]
    fn canonical_json_sorts_keys_at_every_depth() {
        let a = json!({"b": 1, "a": {"z": [3, {"y": null, "x": "Bộ Y tế"}], "c": true}});
        assert_eq!(
            canonical_json(&a),
            r#"{"a":{"c":true,"z":[3,{"x":"Bộ Y tế","y":null}]},"b":1}"#
        );
        let parsed: Value = serde_json::from_str(
            r#"{ "b" : 1, "a" : {"c": true, "z": [3, {"x": "Bộ Y tế", "y": null}]} }"#,
        )
        .unwrap();
        assert_eq!(canonical_json(&parsed), canonical_json(&a));
        assert_eq!(canonical_json(&json!("a\"\n")), r#""a\"\n""#);
    }
}
