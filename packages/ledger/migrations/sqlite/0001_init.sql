-- @faramesh/ledger schema v1 (SQLite). Written by hand to match src/sqlite/schema.ts (schema.test.ts checks both agree).
CREATE TABLE actions (
  pos INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  agent_id TEXT NOT NULL,
  tool TEXT NOT NULL,
  operation TEXT NOT NULL,
  params TEXT NOT NULL DEFAULT '{}',
  context TEXT NOT NULL DEFAULT '{}',
  status TEXT NOT NULL,
  decision TEXT,
  reason TEXT,
  risk_level TEXT,
  policy_version TEXT,
  approval_token_hash TEXT,
  approval_expires_at TEXT,
  submitted_by TEXT,
  result TEXT,
  error TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  outcome TEXT,
  reason_code TEXT,
  reason_details TEXT,
  risk_rule TEXT,
  rule_index INTEGER,
  request_hash TEXT,
  policy_hash TEXT,
  profile_id TEXT,
  profile_version TEXT,
  profile_hash TEXT,
  runtime_version TEXT,
  provenance_id TEXT
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
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  action_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  meta TEXT NOT NULL,
  created_at TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
--> statement-breakpoint
CREATE INDEX action_events_action_seq ON action_events (action_id, seq);
--> statement-breakpoint
CREATE TABLE ledger_checkpoints (
  seq INTEGER PRIMARY KEY,
  hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  key_id TEXT NOT NULL,
  signature TEXT NOT NULL
);
--> statement-breakpoint
CREATE TABLE ledger_keys (
  key_id TEXT PRIMARY KEY,
  public_key_pem TEXT NOT NULL,
  created_at TEXT NOT NULL
);
