-- Notifications (issue 13, docs/notifications.md).

-- Users choose how they are told; the bell is always on.
ALTER TABLE users ADD COLUMN email TEXT;
ALTER TABLE users ADD COLUMN notify_email BOOLEAN NOT NULL DEFAULT TRUE;

-- The rules (data/notify/default.toml until an administrator edits them), one row;
-- each change is audited as entity 'notify_rules'.
CREATE TABLE notify_rules (
    id INTEGER PRIMARY KEY,
    text TEXT NOT NULL,
    version BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- The outbox: one row per cause of notices. A change that sets notices off writes
-- its cause in its own transaction (report sent for review, extension asked,
-- decided…); the scheduler writes the calendar's causes (deadline reminders,
-- digests), at most once each (cause_key). Causes are expanded into notices, one
-- per recipient and channel, by the rules in force, exactly once (expanded_at).
CREATE TABLE notice_causes (
    id {ID},
    cause_key TEXT NOT NULL UNIQUE,
    trigger_kind TEXT NOT NULL,
    rule_name TEXT,
    entity TEXT,
    entity_id BIGINT,
    agency_id BIGINT,
    author_id BIGINT,
    day DATE NOT NULL,
    payload TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expanded_at BIGINT
);
CREATE INDEX notice_causes_pending ON notice_causes (expanded_at, id);

-- Webhooks of the office: each gets the notices of rules with the webhook channel.
CREATE TABLE webhooks (
    id {ID},
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- The notices: one per cause, recipient and channel. state: pending (to send at
-- next_attempt_at), sending (claimed until claimed_until by one server), sent,
-- failed (given up), obsolete (what it was about no longer held when due).
CREATE TABLE notices (
    id {ID},
    cause_id BIGINT NOT NULL REFERENCES notice_causes(id),
    trigger_kind TEXT NOT NULL,
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    user_id BIGINT REFERENCES users(id),
    webhook_id BIGINT REFERENCES webhooks(id),
    agency_id BIGINT,
    address TEXT,
    subject TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',
    link TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    claimed_until BIGINT,
    sent_at BIGINT,
    read_at BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    UNIQUE (cause_id, channel, recipient)
);
CREATE INDEX notices_due ON notices (state, next_attempt_at);
CREATE INDEX notices_user ON notices (user_id, channel, id);

-- Every attempt to deliver a notice by email or webhook, for the office.
CREATE TABLE notice_attempts (
    id {ID},
    notice_id BIGINT NOT NULL REFERENCES notices(id),
    attempt BIGINT NOT NULL,
    at BIGINT NOT NULL,
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX notice_attempts_notice ON notice_attempts (notice_id, id);

-- How far the calendar has been planned: the last day whose causes are written.
-- One row, locked by the server that plans (two servers never plan at once).
CREATE TABLE notify_progress (
    id INTEGER PRIMARY KEY,
    planned_through DATE
);
INSERT INTO notify_progress (id, planned_through) VALUES (1, NULL);
