// JSON Schemas for every request body and query. They validate requests (compiled once by ajv, see validate.ts)
// and they are the components of the OpenAPI document (openapi.ts), so the two cannot drift apart.
import { ACTION_STATUSES, RISK_LEVELS, type ActionStatus, type RiskLevel } from '@faramesh/policy-core'

const ID = { type: 'string', minLength: 1, maxLength: 256 } as const

export const submitSchema = {
  $id: 'SubmitAction',
  type: 'object',
  description: 'An agent asking to run a tool call. agent_id may also come in context.agent_id.',
  properties: {
    agent_id: ID,
    tool: ID,
    operation: ID,
    params: { type: 'object' },
    context: { type: 'object' },
  },
  required: ['tool', 'operation'],
} as const

export const approvalSchema = {
  $id: 'Approval',
  type: 'object',
  properties: {
    token: { type: ['string', 'null'], maxLength: 512 },
    approve: { type: 'boolean' },
    reason: { type: ['string', 'null'], maxLength: 4096 },
  },
  required: ['approve'],
} as const

export const startSchema = {
  $id: 'Start',
  type: 'object',
  properties: {
    executor_id: { type: ['string', 'null'], maxLength: 256 },
    started_at: { type: ['string', 'null'], maxLength: 64 },
  },
} as const

export const resultSchema = {
  $id: 'Result',
  type: 'object',
  properties: {
    success: { type: 'boolean' },
    error: { type: ['string', 'null'], maxLength: 65536 },
    meta: { type: ['object', 'null'] },
    result: {},
  },
  required: ['success'],
} as const

export const withdrawSchema = {
  $id: 'Withdraw',
  type: 'object',
  description: 'The submitter gave up on a call held for approval (an MCP client cancelled or went away).',
  properties: {
    detail: { type: 'string', minLength: 1, maxLength: 1000, description: 'Why, for the record (e.g. "MCP client cancelled").' },
  },
  additionalProperties: false,
} as const

/** How many operations one POST /v1/gate/operations may ask about (a tools/list page is far smaller). */
export const MAX_GATE_OPERATIONS = 1000

export const gateOperationsSchema = {
  $id: 'GateOperations',
  type: 'object',
  description: 'Which of these operations of one tool the policy denies for the agent whatever their params are.',
  properties: {
    agent_id: ID,
    tool: ID,
    operations: { type: 'array', minItems: 1, maxItems: MAX_GATE_OPERATIONS, items: ID },
    context: { type: 'object' },
  },
  required: ['tool', 'operations'],
  additionalProperties: false,
} as const

export const listQuerySchema = {
  $id: 'ListQuery',
  type: 'object',
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 20 },
    offset: { type: 'integer', minimum: 0, maximum: 1_000_000_000, default: 0 },
    status: { type: 'string', enum: ACTION_STATUSES },
    tool: { type: 'string', maxLength: 256 },
    agent_id: { type: 'string', maxLength: 256 },
    risk_level: { type: 'string', enum: RISK_LEVELS },
    q: { type: 'string', maxLength: 256 },
    cursor: { type: 'string', maxLength: 512 },
  },
} as const

export const sseQuerySchema = {
  $id: 'EventsQuery',
  type: 'object',
  properties: {
    action_id: { type: 'string', maxLength: 256 },
    agent_id: { type: 'string', maxLength: 256 },
    tool: { type: 'string', maxLength: 256 },
    status: { type: 'string', enum: ACTION_STATUSES },
    event_type: { type: 'string', maxLength: 64 },
    last_event_id: { type: 'integer', minimum: 0 },
    token: { type: 'string', maxLength: 512 },
  },
} as const

export interface SubmitBody {
  agent_id?: string
  tool: string
  operation: string
  params?: Record<string, unknown>
  context?: Record<string, unknown>
}
export interface ApprovalBody {
  token?: string | null
  approve: boolean
  reason?: string | null
}
export interface StartBody {
  executor_id?: string | null
  started_at?: string | null
}
export interface ResultBody {
  success: boolean
  error?: string | null
  meta?: Record<string, unknown> | null
  result?: unknown
}
export interface WithdrawBody {
  detail?: string
}
export interface GateOperationsBody {
  agent_id?: string
  tool: string
  operations: string[]
  context?: Record<string, unknown>
}
export interface ListQuery {
  limit: number
  offset: number
  status?: ActionStatus
  tool?: string
  agent_id?: string
  risk_level?: RiskLevel
  q?: string
  cursor?: string
}
export interface SseQuery {
  action_id?: string
  agent_id?: string
  tool?: string
  status?: string
  event_type?: string
  last_event_id?: number
  token?: string
}

export const bodySchemas = [submitSchema, approvalSchema, startSchema, resultSchema, withdrawSchema, gateOperationsSchema] as const
export const querySchemas = [listQuerySchema, sseQuerySchema] as const
