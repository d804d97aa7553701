-- The data version: one number, advanced in every write transaction just before
-- it commits. Caches of read results are keyed by it, so a cached answer is served
-- only while no write has committed since it was computed, in this process or in
-- any other process on the same database.
CREATE TABLE data_version (
    id INTEGER PRIMARY KEY,
    n BIGINT NOT NULL
);
INSERT INTO data_version (id, n) VALUES (1, 0);
