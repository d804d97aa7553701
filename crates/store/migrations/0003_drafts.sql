-- Proposed tasks read from an imported document, waiting for a person to check
-- them. A confirmed draft points at the task it became.
CREATE TABLE task_drafts (
    id {ID},
    document_id BIGINT NOT NULL REFERENCES documents(id),
    position INTEGER NOT NULL,
    ref TEXT,
    text TEXT NOT NULL,
    lead_json TEXT NOT NULL DEFAULT '[]',
    coord_json TEXT NOT NULL DEFAULT '[]',
    deadline_kind TEXT NOT NULL,
    due DATE,
    deadline_raw TEXT NOT NULL DEFAULT '',
    product TEXT,
    span_start BIGINT,
    span_end BIGINT,
    six_clear TEXT NOT NULL DEFAULT '[]',
    source_doc TEXT,
    state TEXT NOT NULL,
    task_id BIGINT REFERENCES tasks(id),
    repeat_of BIGINT REFERENCES tasks(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX task_drafts_document ON task_drafts (document_id, position);
