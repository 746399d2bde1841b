-- Events find their action through its integer position instead of its (random, v4) id: the events of a new action
-- then land at the end of the index rather than on a random page, so each created action costs a group commit one
-- written page (and one WAL frame) fewer. Existing events are backfilled from their action.
ALTER TABLE action_events ADD COLUMN action_pos INTEGER;
--> statement-breakpoint
UPDATE action_events SET action_pos = (SELECT pos FROM actions WHERE actions.id = action_events.action_id);
--> statement-breakpoint
CREATE INDEX action_events_action_pos_seq ON action_events (action_pos, seq);
--> statement-breakpoint
DROP INDEX action_events_action_seq;
