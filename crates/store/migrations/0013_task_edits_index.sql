-- Scoring a past month (issue 5) reads each task's priority, field and leader as
-- they stood at the end of that month, from the first edit of the task after it
-- (`events`, task/update, its `before`). Edits of tasks are rare among the
-- millions of events (reports, completions, imports): this small partial index
-- finds them without walking every later event.
CREATE INDEX IF NOT EXISTS events_task_edits ON events (recorded_at, id) WHERE entity = 'task' AND action = 'update';
