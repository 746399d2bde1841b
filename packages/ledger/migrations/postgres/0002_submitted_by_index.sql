-- An agent token lists only what it submitted: filter by submitted_by newest-first without scanning every action.
CREATE INDEX actions_submitted_by_pos ON actions (submitted_by, pos);
