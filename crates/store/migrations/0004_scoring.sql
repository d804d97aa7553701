-- Monthly scoring (issue 5). Rule sets are versioned TOML texts (the active one is
-- the highest version; none stored means the built-in default, version 0). A
-- published run is never updated: a correction is a new run that `replaces` the
-- earlier one, and at most one run replaces any run (so each month has one chain,
-- whose head is the run in force). Results hold one row per agency and per leader
-- with its breakdown (JSON lines).

CREATE TABLE scoring_rules (
    id {ID},
    version BIGINT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    created_by BIGINT,
    created_at BIGINT NOT NULL
);

CREATE TABLE score_runs (
    id {ID},
    month TEXT NOT NULL,
    knowledge_at BIGINT NOT NULL,
    rules_version BIGINT NOT NULL,
    rules_body TEXT NOT NULL,
    replaces BIGINT UNIQUE REFERENCES score_runs(id),
    reason TEXT,
    content_hash TEXT NOT NULL,
    scored_agencies BIGINT NOT NULL,
    scored_leaders BIGINT NOT NULL,
    created_by BIGINT,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX score_runs_first_of_month ON score_runs (month) WHERE replaces IS NULL;
CREATE INDEX score_runs_month ON score_runs (month, id);

CREATE TABLE score_results (
    id {ID},
    run_id BIGINT NOT NULL REFERENCES score_runs(id),
    subject TEXT NOT NULL,
    agency_id BIGINT REFERENCES agencies(id),
    leader TEXT,
    grp TEXT NOT NULL,
    score_x100 BIGINT,
    earned_x100 BIGINT NOT NULL,
    possible_x100 BIGINT NOT NULL,
    lines BIGINT NOT NULL,
    rank_in_group BIGINT,
    breakdown TEXT NOT NULL
);
CREATE INDEX score_results_run ON score_results (run_id, subject, grp);
CREATE INDEX score_results_agency ON score_results (agency_id, run_id);

-- Recurring tasks count as reported when a progress report is dated in the month.
CREATE INDEX progress_reports_reported_on ON progress_reports (reported_on);
