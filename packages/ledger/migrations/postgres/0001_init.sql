-- @faramesh/ledger schema v1 (Postgres). Written by hand to match src/postgres/schema.ts (schema.test.ts checks both agree).
-- Event meta is text, not jsonb: it holds the canonical JSON that was hashed, byte for byte (jsonb would reorder keys,
-- rewrite numbers and refuse \u0000, and the chain could no longer be re-hashed from what is stored).
CREATE TABLE actions (
  pos bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id text NOT NULL UNIQUE,
  agent_id text NOT NULL,
  tool text NOT NULL,
  operation text NOT NULL,
  params jsonb NOT NULL DEFAULT '{}'::jsonb,
  context jsonb NOT NULL DEFAULT '{}'::jsonb,
  status text NOT NULL,
  decision text,
  reason text,
  risk_level text,
  policy_version text,
  approval_token_hash text,
  approval_expires_at text,
  submitted_by text,
  result jsonb,
  error text,
  created_at text NOT NULL,
  updated_at text NOT NULL,
  outcome text,
  reason_code text,
  reason_details jsonb,
  risk_rule text,
  rule_index integer,
  request_hash text,
  policy_hash text,
  profile_id text,
  profile_version text,
  profile_hash text,
  runtime_version text,
  provenance_id text
);
--> statement-breakpoint
CREATE INDEX actions_status_pos ON actions (status, pos);
--> statement-breakpoint
CREATE INDEX actions_tool_pos ON actions (tool, pos);
--> statement-breakpoint
CREATE INDEX actions_agent_pos ON actions (agent_id, pos);
--> statement-breakpoint
CREATE INDEX actions_approval_expiry ON actions (approval_expires_at) WHERE status = 'pending_approval';
--> statement-breakpoint
CREATE TABLE action_events (
  seq bigint PRIMARY KEY,
  id text NOT NULL UNIQUE,
  action_id text NOT NULL,
  event_type text NOT NULL,
  meta text NOT NULL,
  created_at text NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL
);
--> statement-breakpoint
CREATE INDEX action_events_action_seq ON action_events (action_id, seq);
--> statement-breakpoint
CREATE TABLE ledger_checkpoints (
  seq bigint PRIMARY KEY,
  hash text NOT NULL,
  created_at text NOT NULL,
  key_id text NOT NULL,
  signature text NOT NULL
);
--> statement-breakpoint
CREATE TABLE ledger_keys (
  key_id text PRIMARY KEY,
  public_key_pem text NOT NULL,
  created_at text NOT NULL
);
