-- The official letter (công văn) attached to an extension request (issue 14
-- item 4): at most one file per request, checked as evidence files are and kept
-- in the database with the request, in the same transaction, so that a backup
-- holds both. The list never reads `content`; only a download does.
CREATE TABLE extension_letters (
    id {ID},
    extension_id BIGINT NOT NULL UNIQUE REFERENCES extensions(id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    content BYTEA NOT NULL,
    uploaded_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL
);
