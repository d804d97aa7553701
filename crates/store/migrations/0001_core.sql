-- tiendo schema, version 1. One text for SQLite and PostgreSQL: {ID} becomes the
-- backend's 64-bit auto-increment primary key. Instants are BIGINT microseconds
-- since the Unix epoch (UTC); days are DATE ('YYYY-MM-DD' text in SQLite); JSON is
-- TEXT. search_text columns hold the folded key (no diacritics, lower case).

CREATE TABLE agencies (
    id {ID},
    code TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    short_name TEXT,
    bare TEXT,
    aliases TEXT NOT NULL DEFAULT '[]',
    groups_json TEXT NOT NULL DEFAULT '[]',
    valid_from DATE,
    valid_to DATE,
    successor_id BIGINT REFERENCES agencies(id),
    parent_id BIGINT REFERENCES agencies(id),
    search_text TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE users (
    id {ID},
    username TEXT NOT NULL UNIQUE,
    display_name TEXT,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    agency_id BIGINT REFERENCES agencies(id),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE api_tokens (
    id {ID},
    user_id BIGINT NOT NULL REFERENCES users(id),
    token_hash TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT,
    revoked_at BIGINT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE documents (
    id {ID},
    number TEXT UNIQUE,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    issued_on DATE,
    issuer TEXT,
    signer TEXT,
    body TEXT,
    search_text TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE tasks (
    id {ID},
    document_id BIGINT NOT NULL REFERENCES documents(id),
    ref TEXT,
    text TEXT NOT NULL,
    product TEXT,
    field TEXT,
    priority INTEGER NOT NULL DEFAULT 2,
    deadline_kind TEXT NOT NULL,
    due DATE,
    deadline_raw TEXT NOT NULL DEFAULT '',
    lead_json TEXT NOT NULL DEFAULT '[]',
    coord_json TEXT NOT NULL DEFAULT '[]',
    leader TEXT,
    source_citation TEXT,
    cancelled BOOLEAN NOT NULL DEFAULT FALSE,
    search_text TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX tasks_document ON tasks (document_id);
CREATE INDEX tasks_due ON tasks (due);
CREATE UNIQUE INDEX tasks_document_ref_text ON tasks (document_id, ref, text);

-- The current state of each assignment (one task for one agency).
CREATE TABLE assignments (
    id {ID},
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    deadline_kind TEXT NOT NULL,
    due DATE,
    completed_on DATE,
    cancelled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (task_id, agency_id)
);
CREATE INDEX assignments_agency ON assignments (agency_id);

-- What was known of each assignment, and from when: one row per span of knowledge
-- [known_from, known_to). The status on any day is a function of the span that
-- contains the end of that day (see tiendo_core::status).
CREATE TABLE assignment_states (
    id {ID},
    assignment_id BIGINT NOT NULL REFERENCES assignments(id),
    task_id BIGINT NOT NULL,
    agency_id BIGINT NOT NULL,
    known_from BIGINT NOT NULL,
    known_to BIGINT,
    deadline_kind TEXT NOT NULL,
    due DATE,
    completed_on DATE,
    cancelled BOOLEAN NOT NULL
);
CREATE INDEX assignment_states_assignment ON assignment_states (assignment_id, known_from);
CREATE INDEX assignment_states_agency ON assignment_states (agency_id, known_from);
CREATE INDEX assignment_states_task ON assignment_states (task_id, known_from);
CREATE INDEX assignment_states_current_agency ON assignment_states (agency_id, due) WHERE known_to IS NULL;
CREATE INDEX assignment_states_open_due ON assignment_states (due, known_from) WHERE completed_on IS NULL;

CREATE TABLE progress_reports (
    id {ID},
    assignment_id BIGINT NOT NULL REFERENCES assignments(id),
    author_id BIGINT NOT NULL REFERENCES users(id),
    reported_on DATE NOT NULL,
    percent INTEGER,
    claims_completion BOOLEAN NOT NULL DEFAULT FALSE,
    completed_on DATE,
    narrative TEXT NOT NULL,
    difficulties TEXT,
    proposals TEXT,
    evidence_number TEXT,
    review_state TEXT NOT NULL,
    review_note TEXT,
    reviewed_by BIGINT REFERENCES users(id),
    reviewed_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX progress_reports_assignment ON progress_reports (assignment_id);
CREATE INDEX progress_reports_review ON progress_reports (review_state);

CREATE TABLE extensions (
    id {ID},
    assignment_id BIGINT NOT NULL REFERENCES assignments(id),
    requested_by BIGINT NOT NULL REFERENCES users(id),
    deadline_kind TEXT NOT NULL,
    due DATE,
    deadline_raw TEXT NOT NULL DEFAULT '',
    previous_kind TEXT NOT NULL,
    previous_due DATE,
    reason TEXT NOT NULL,
    state TEXT NOT NULL,
    decision_note TEXT,
    decided_by BIGINT REFERENCES users(id),
    decided_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX extensions_assignment ON extensions (assignment_id);

CREATE TABLE commitments (
    id {ID},
    assignment_id BIGINT NOT NULL REFERENCES assignments(id),
    committed_on DATE NOT NULL,
    original_due DATE,
    letter_number TEXT,
    note TEXT,
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX commitments_assignment ON commitments (assignment_id);

-- The history: every write, who made it and what changed. recorded_at is when the
-- change entered the system's knowledge (historical for imported history);
-- entered_at is when the row was written.
CREATE TABLE events (
    id {ID},
    entity TEXT NOT NULL,
    entity_id BIGINT NOT NULL,
    action TEXT NOT NULL,
    actor_id BIGINT,
    changes TEXT NOT NULL,
    recorded_at BIGINT NOT NULL,
    entered_at BIGINT NOT NULL
);
CREATE INDEX events_entity ON events (entity, entity_id, id);
CREATE INDEX events_recorded ON events (recorded_at);
