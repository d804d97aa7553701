-- A covering index for "an agency's tasks in a status today": every column the
-- filter and the order need, so the list is read from the index alone (SQLite and
-- PostgreSQL index-only scans) without touching the 2M-row table. It replaces the
-- narrower (agency_id, due) index, which planners would otherwise still prefer.
CREATE INDEX assignment_states_current_cover ON assignment_states (agency_id, due, completed_on, cancelled, deadline_kind, task_id) WHERE known_to IS NULL;
DROP INDEX assignment_states_current_agency;
