-- Indicators at scale (issue 6): the current value of every agency for one
-- indicator and period is read from this index alone (an index-only scan on
-- PostgreSQL, a covering index on SQLite), never from the table's rows, which
-- hold corrections history too. It replaces `measurements_current`, of which it
-- is an extension (same leading columns, same condition).
CREATE INDEX IF NOT EXISTS measurements_current_value ON measurements (indicator_id, period, agency_id, value) WHERE superseded_at IS NULL;
DROP INDEX IF EXISTS measurements_current;
