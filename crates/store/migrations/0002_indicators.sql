-- Indicators (chỉ tiêu), their targets and measurements. Values are BIGINT in the
-- fixed scale of tiendo_core::indicator::SCALE (four decimals), so both databases
-- sum them exactly alike.

CREATE TABLE indicators (
    id {ID},
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    unit TEXT NOT NULL,
    direction TEXT NOT NULL,
    aggregation TEXT NOT NULL,
    levels TEXT NOT NULL DEFAULT '[]',
    periodicity TEXT NOT NULL,
    source TEXT,
    valid_min BIGINT,
    valid_max BIGINT,
    search_text TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- A target: national when agency_id is NULL, or an agency's own.
CREATE TABLE indicator_targets (
    id {ID},
    indicator_id BIGINT NOT NULL REFERENCES indicators(id),
    agency_id BIGINT REFERENCES agencies(id),
    value BIGINT NOT NULL,
    due DATE NOT NULL,
    baseline_value BIGINT,
    baseline_on DATE,
    source TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX indicator_targets_indicator ON indicator_targets (indicator_id, agency_id);

-- A measurement of an agency (NULL: the nation as a whole) for a period. A
-- correction supersedes the earlier row, which stays as history.
CREATE TABLE measurements (
    id {ID},
    indicator_id BIGINT NOT NULL REFERENCES indicators(id),
    agency_id BIGINT REFERENCES agencies(id),
    period TEXT NOT NULL,
    period_end DATE NOT NULL,
    value BIGINT NOT NULL,
    source TEXT,
    note TEXT,
    entered_by BIGINT,
    recorded_at BIGINT NOT NULL,
    superseded_at BIGINT
);
CREATE INDEX measurements_current ON measurements (indicator_id, period, agency_id) WHERE superseded_at IS NULL;
CREATE INDEX measurements_history ON measurements (indicator_id, agency_id, period, recorded_at);
