-- Scoring a past month (issue 5) reads each task's priority, field and leader, and
-- each commitment's date, as they stood at the end of that month, from the first
-- edit after it (`events`, `update`, its `before`). Such edits are rare among the
-- millions of events (reports, completions, imports): these small partial indexes
-- find them without walking every later event.
CREATE INDEX IF NOT EXISTS events_task_edits ON events (recorded_at, id) WHERE entity = 'task' AND action = 'update';
CREATE INDEX IF NOT EXISTS events_commitment_edits ON events (recorded_at, id) WHERE entity = 'commitment' AND action = 'update';
