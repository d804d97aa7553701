-- What a coordinating agency (cơ quan phối hợp) did of a task led by another
-- (issue 14 part 7): reported on the lead's assignment, read by the lead, the
-- office and leaders. A part never decides the assignment's status: the lead's
-- reports do. Parts are never edited or removed: each is an audit event too.
CREATE TABLE coordination_parts (
    id {ID},
    assignment_id BIGINT NOT NULL REFERENCES assignments(id),
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    author_id BIGINT NOT NULL REFERENCES users(id),
    reported_on DATE NOT NULL,
    percent INTEGER,
    narrative TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX coordination_parts_assignment ON coordination_parts (assignment_id, id);
