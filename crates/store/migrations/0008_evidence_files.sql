-- Evidence files attached to progress reports (tệp minh chứng), kept in the
-- database with their report so that a backup holds both. `content` is BYTEA:
-- PostgreSQL's binary type; SQLite accepts the name and stores the BLOB as is.
-- The list of a report's files never reads `content`; only a download does.
CREATE TABLE evidence_files (
    id {ID},
    report_id BIGINT NOT NULL REFERENCES progress_reports(id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    content BYTEA NOT NULL,
    uploaded_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX evidence_files_report ON evidence_files (report_id);
