// The SQLite schema as code (drizzle-orm): the one source of the tables. `pnpm db:generate` writes the next
// migrations/sqlite/NNNN_name.sql from it (drizzle-kit) and src/action-columns.ts from its actions table;
// test/schema.test.ts checks that the migrations build exactly these tables, test/schema-source.test.ts that nothing
// generated from it is stale. JSON columns are text in json mode (the codec stores JSON text itself).
import { sql } from 'drizzle-orm'
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'

export const actions = sqliteTable(
  'actions',
  {
    pos: integer('pos').primaryKey(),
    id: text('id').notNull().unique(),
    agent_id: text('agent_id').notNull(),
    tool: text('tool').notNull(),
    operation: text('operation').notNull(),
    params: text('params', { mode: 'json' }).notNull().default('{}'),
    context: text('context', { mode: 'json' }).notNull().default('{}'),
    status: text('status').notNull(),
    decision: text('decision'),
    reason: text('reason'),
    risk_level: text('risk_level'),
    policy_version: text('policy_version'),
    approval_token_hash: text('approval_token_hash'),
    approval_expires_at: text('approval_expires_at'),
    submitted_by: text('submitted_by'),
    result: text('result', { mode: 'json' }),
    error: text('error'),
    created_at: text('created_at').notNull(),
    updated_at: text('updated_at').notNull(),
    outcome: text('outcome'),
    reason_code: text('reason_code'),
    reason_details: text('reason_details', { mode: 'json' }),
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
    index('actions_submitted_by_pos').on(t.submitted_by, t.pos).where(sql`${t.submitted_by} is not null`),
    uniqueIndex('actions_idempotency_key')
      .on(sql`coalesce(${t.submitted_by}, ${t.agent_id})`, t.idempotency_key)
      .where(sql`${t.idempotency_key} is not null`),
  ],
)

export const actionEvents = sqliteTable(
  'action_events',
  {
    seq: integer('seq').primaryKey(),
    id: text('id').notNull().unique(),
    action_id: text('action_id').notNull(),
    event_type: text('event_type').notNull(),
    /** Canonical JSON text: hashed as stored. */
    meta: text('meta').notNull(),
    created_at: text('created_at').notNull(),
    prev_hash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
    /** actions.pos of the event's action (not hashed): its index grows at the end as actions are created. */
    action_pos: integer('action_pos'),
  },
  (t) => [index('action_events_action_pos_seq').on(t.action_pos, t.seq)],
)

export const ledgerCheckpoints = sqliteTable('ledger_checkpoints', {
  seq: integer('seq').primaryKey(),
  hash: text('hash').notNull(),
  created_at: text('created_at').notNull(),
  key_id: text('key_id').notNull(),
  signature: text('signature').notNull(),
})

export const ledgerKeys = sqliteTable('ledger_keys', {
  key_id: text('key_id').primaryKey(),
  public_key_pem: text('public_key_pem').notNull(),
  created_at: text('created_at').notNull(),
})

export const ledgerMigrations = sqliteTable('ledger_migrations', {
  version: integer('version').primaryKey(),
  name: text('name').notNull(),
  applied_at: text('applied_at').notNull(),
})
