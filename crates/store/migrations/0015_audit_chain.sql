-- Tamper evidence (issue 15, docs/audit.md). Every event carries the hash of its
-- content and of the previous event (tiendo_core::chain); the events that exist
-- when this migration runs are chained in id order by its Rust step
-- (`chain::backfill`, in the same transaction), after the system user has been
-- made and given the events that had no actor.
ALTER TABLE events ADD COLUMN prev_hash TEXT;
ALTER TABLE events ADD COLUMN hash TEXT;

-- The head of the chain: the last event's id and hash. Every write transaction
-- locks this one row first (PostgreSQL; SQLite's writer is already alone), so
-- events are appended one transaction at a time and their ids follow the chain.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY,
    last_id BIGINT NOT NULL,
    last_hash TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
INSERT INTO audit_head (id, last_id, last_hash, updated_at)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', 0);

-- The security log: failed sign-ins, refused permissions, token creation. Read by
-- the standing office (GET /api/v1/security-log).
CREATE TABLE security_events (
    id {ID},
    kind TEXT NOT NULL,
    at BIGINT NOT NULL,
    actor_id BIGINT,
    username TEXT,
    client TEXT,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX security_events_at ON security_events (at, id);
CREATE INDEX security_events_kind ON security_events (kind, at);
