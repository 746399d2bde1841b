-- POST /v1/actions honours Idempotency-Key: the key is stored with the action, and one key names at most one action
-- per submitter (the principal, else the agent when auth is off). NULL keys never conflict.
ALTER TABLE actions ADD COLUMN idempotency_key text;
--> statement-breakpoint
CREATE UNIQUE INDEX actions_idempotency_key ON actions (coalesce(submitted_by, agent_id), idempotency_key) WHERE idempotency_key IS NOT NULL;
