-- Usernames are unique ignoring case (issue 15): "Admin" cannot sign up beside
-- "admin". The service checks first and names the field; this index holds the
-- rule against concurrent creations. `LOWER` folds ASCII letters on SQLite and
-- every letter on PostgreSQL (the service compares the same way). A database that
-- already holds two usernames differing in case only must rename one before
-- upgrading (docs/operations.md).
CREATE UNIQUE INDEX IF NOT EXISTS users_username_ignoring_case ON users (LOWER(username));
