-- Today's national counts by status without scanning every assignment. The
-- current knowledge spans (known_to IS NULL) are counted by what their status on
-- any day depends on: whether the deadline recurs, the due day ('9999-12-31' when
-- none), and the state (open, on_time, late, cancelled). A few thousand buckets
-- stand for millions of assignments; `status_counts` applies the status rule to
-- each bucket.
--
-- Rows are signed deltas, appended in the transaction of every span write (+1 for
-- a span that becomes current, -1 for one that stops being current) and summed
-- when read: appending takes no lock that another writer waits for. Reads fold
-- the rows back into one per bucket when they grow many (repo.rs: `fold_buckets`).
CREATE TABLE status_buckets (
    recurring BOOLEAN NOT NULL,
    due DATE NOT NULL,
    state TEXT NOT NULL,
    n BIGINT NOT NULL
);
INSERT INTO status_buckets (recurring, due, state, n)
SELECT
    (deadline_kind = 'recurring'),
    COALESCE(due, '9999-12-31'),
    CASE WHEN cancelled = TRUE THEN 'cancelled'
         WHEN completed_on IS NULL THEN 'open'
         WHEN due IS NOT NULL AND completed_on > due THEN 'late'
         ELSE 'on_time' END,
    COUNT(*)
FROM assignment_states
WHERE known_to IS NULL
GROUP BY 1, 2, 3;
