// The Postgres schema as code (drizzle-orm): the one source of the Postgres tables, the SQLite schema's twin (drizzle
// has no dialect-neutral table; test/schema-source.test.ts holds the action columns of both equal). `pnpm db:generate`
// writes the next migrations/postgres/NNNN_name.sql from it; test/schema.test.ts checks the migrations build exactly
// these tables. UNIQUE constraints carry the names Postgres gave the hand-written ones, so drizzle-kit's snapshot
// names what the database has.
import { sql } from 'drizzle-orm'
import { bigint, index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core'

export const actions = pgTable(
  'actions',
  {
    pos: bigint('pos', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    id: text('id').notNull().unique('actions_id_key'),
    agent_id: text('agent_id').notNull(),
    tool: text('tool').notNull(),
    operation: text('operation').notNull(),
    params: jsonb('params').notNull().default({}),
    context: jsonb('context').notNull().default({}),
    status: text('status').notNull(),
    decision: text('decision'),
    reason: text('reason'),
    risk_level: text('risk_level'),
    policy_version: text('policy_version'),
    approval_token_hash: text('approval_token_hash'),
    approval_expires_at: text('approval_expires_at'),
    submitted_by: text('submitted_by'),
    result: jsonb('result'),
    error: text('error'),
    created_at: text('created_at').notNull(),
    updated_at: text('updated_at').notNull(),
    outcome: text('outcome'),
    reason_code: text('reason_code'),
    reason_details: jsonb('reason_details'),
    risk_rule: text('risk_rule'),
    rule_index: integer('rule_index'),
    request_hash: text('request_hash'),
    policy_hash: text('policy_hash'),
    profile_id: text('profile_id'),
    profile_version: text('profile_version'),
    profile_hash: text('profile_hash'),
    runtime_version: text('runtime_version'),
    provenance_id: text('provenance_id'),
    idempotency_key: text('idempotency_key'),
  },
  (t) => [
    index('actions_status_pos').on(t.status, t.pos),
    index('actions_tool_pos').on(t.tool, t.pos),
    index('actions_agent_pos').on(t.agent_id, t.pos),
    index('actions_approval_expiry').on(t.approval_expires_at).where(sql`${t.status} = 'pending_approval'`),
    index('actions_submitted_by_pos').on(t.submitted_by, t.pos),
    uniqueIndex('actions_idempotency_key')
      .on(sql`coalesce(${t.submitted_by}, ${t.agent_id})`, t.idempotency_key)
      .where(sql`${t.idempotency_key} is not null`),
  ],
)

export const actionEvents = pgTable(
  'action_events',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey(),
    id: text('id').notNull().unique('action_events_id_key'),
    action_id: text('action_id').notNull(),
    event_type: text('event_type').notNull(),
    /** Canonical JSON text: hashed as stored. */
    meta: text('meta').notNull(),
    created_at: text('created_at').notNull(),
    prev_hash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [index('action_events_action_seq').on(t.action_id, t.seq)],
)

export const ledgerCheckpoints = pgTable('ledger_checkpoints', {
  seq: bigint('seq', { mode: 'number' }).primaryKey(),
  hash: text('hash').notNull(),
  created_at: text('created_at').notNull(),
  key_id: text('key_id').notNull(),
  signature: text('signature').notNull(),
})

export const ledgerKeys = pgTable('ledger_keys', {
  key_id: text('key_id').primaryKey(),
  public_key_pem: text('public_key_pem').notNull(),
  created_at: text('created_at').notNull(),
})

export const ledgerMigrations = pgTable('ledger_migrations', {
  version: integer('version').primaryKey(),
  name: text('name').notNull(),
  applied_at: text('applied_at').notNull(),
})
