-- Tokens and passwords (issue 15 part 3, docs/security.md).

-- What a token is: a sign-in session ('session') or a long-lived API token
-- ('api'), and for an API token the session that made it (signing out can
-- revoke them together).
ALTER TABLE api_tokens ADD COLUMN kind TEXT NOT NULL DEFAULT 'api';
ALTER TABLE api_tokens ADD COLUMN session_id BIGINT;
UPDATE api_tokens SET kind = 'session' WHERE label = 'sign-in';
-- No token lives for ever any more: an API token made without an expiry ends 90
-- days after it was made (the default longest lifetime below).
UPDATE api_tokens SET expires_at = created_at + 7776000000000 WHERE expires_at IS NULL;
CREATE INDEX api_tokens_session ON api_tokens (session_id);

-- An administrator's reset: the user must choose a new password before anything else.
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;

-- Who may hold long-lived API tokens and for how long at most; one row, changed
-- by an administrator (audited as entity 'token_policy').
CREATE TABLE token_policy (
    id INTEGER PRIMARY KEY,
    roles TEXT NOT NULL,
    max_days BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
INSERT INTO token_policy (id, roles, max_days, updated_at) VALUES (1, 'admin', 90, 0);

-- Failed sign-ins per username and per client address, shared by every server on
-- the database (crates/service/src/sign_in_limits.rs). Not exported: counters of
-- guesses, not data.
CREATE TABLE sign_in_failures (
    subject TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    first_at BIGINT NOT NULL,
    last_at BIGINT NOT NULL
);
CREATE INDEX sign_in_failures_last ON sign_in_failures (last_at);
