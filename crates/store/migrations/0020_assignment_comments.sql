-- A comment thread on each assignment between the office and the agency (issue 14
-- part 7). Comments are never edited or removed: each is an audit event too.
CREATE TABLE assignment_comments (
    id {ID},
    assignment_id BIGINT NOT NULL REFERENCES assignments(id),
    author_id BIGINT NOT NULL REFERENCES users(id),
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX assignment_comments_assignment ON assignment_comments (assignment_id, id);
