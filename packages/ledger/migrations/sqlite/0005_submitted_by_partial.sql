-- Actions submitted without a token (auth off) have no submitted_by, and a filter `submitted_by = ?` never matches
-- them: keep only the rows that have one in the index, so an unauthenticated gateway no longer writes an index page per
-- group commit for nothing. `submitted_by = ?` implies IS NOT NULL, so SQLite still uses the index for it.
DROP INDEX actions_submitted_by_pos;
--> statement-breakpoint
CREATE INDEX actions_submitted_by_pos ON actions (submitted_by, pos) WHERE submitted_by IS NOT NULL;
