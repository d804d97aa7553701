-- Open, dated, current assignments by agency and due day: what "overdue today"
-- reads (the dashboard's overdue count per agency, the overdue report, the
-- overdue filter of lists). About two in five current spans, so a scan of it is a
-- fraction of a scan of the covering index of all current spans.
CREATE INDEX IF NOT EXISTS assignment_states_open_current ON assignment_states (agency_id, due)
    WHERE known_to IS NULL AND completed_on IS NULL AND cancelled = FALSE AND deadline_kind <> 'recurring';
