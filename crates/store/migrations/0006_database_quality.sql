-- Database quality assessment (issue 6 part 7): the register of national and
-- sectoral databases with their owner agency; versioned criteria (TOML, like the
-- scoring rules: none stored means the built-in default, version 0); assessment
-- rounds with one row per database (the owner's self-assessment and the reviewing
-- agency's reassessment); and the results of a published round, never updated.
-- A correction is a new round that `replaces` a published one (at most one each).
-- `revision` counts the writes to a round's assessments: publication checks that
-- it did not move since the results were computed.

CREATE TABLE db_register (
    id {ID},
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    owner_agency_id BIGINT NOT NULL REFERENCES agencies(id),
    legal_basis TEXT,
    notes TEXT,
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX db_register_owner ON db_register (owner_agency_id);

CREATE TABLE db_criteria (
    id {ID},
    version BIGINT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    created_by BIGINT,
    created_at BIGINT NOT NULL
);

CREATE TABLE db_rounds (
    id {ID},
    name TEXT NOT NULL,
    criteria_version BIGINT NOT NULL,
    criteria_body TEXT NOT NULL,
    replaces BIGINT UNIQUE REFERENCES db_rounds(id),
    reason TEXT,
    state TEXT NOT NULL,
    revision BIGINT NOT NULL,
    content_hash TEXT,
    published_at BIGINT,
    published_by BIGINT,
    created_by BIGINT,
    created_at BIGINT NOT NULL
);

CREATE TABLE db_assessments (
    id {ID},
    round_id BIGINT NOT NULL REFERENCES db_rounds(id),
    database_id BIGINT NOT NULL REFERENCES db_register(id),
    self_levels TEXT,
    self_note TEXT,
    self_by BIGINT,
    self_at BIGINT,
    review_levels TEXT,
    review_reasons TEXT,
    review_note TEXT,
    review_by BIGINT,
    review_at BIGINT,
    UNIQUE (round_id, database_id)
);
CREATE INDEX db_assessments_database ON db_assessments (database_id, round_id);

CREATE TABLE db_results (
    id {ID},
    round_id BIGINT NOT NULL REFERENCES db_rounds(id),
    database_id BIGINT NOT NULL REFERENCES db_register(id),
    source TEXT NOT NULL,
    levels TEXT NOT NULL,
    total_x100 BIGINT NOT NULL,
    rank_in_round BIGINT NOT NULL,
    UNIQUE (round_id, database_id)
);
CREATE INDEX db_results_database ON db_results (database_id, round_id);
