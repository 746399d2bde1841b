// The OpenAPI 3.1 document, generated from the very JSON Schemas that validate requests (schemas.ts).
import { bodySchemas, listQuerySchema, sseQuerySchema } from './schemas.js'

type Op = { summary: string; body?: string; optionalBody?: boolean; query?: 'ListQuery' | 'EventsQuery'; roles: string; idempotent?: true }

const ROUTES: Record<string, Record<string, Op>> = {
  '/v1/actions': {
    post: { summary: 'Submit an action for a decision', body: 'SubmitAction', roles: 'agent, admin', idempotent: true },
    get: { summary: 'List actions, newest first (X-Total-Count header)', query: 'ListQuery', roles: 'any' },
  },
  '/v1/actions/{id}': { get: { summary: 'Get one action', roles: 'any (agents: own)' } },
  '/v1/actions/{id}/events': { get: { summary: 'Events of one action, oldest first', roles: 'any (agents: own)' } },
  '/v1/actions/{id}/approval': { post: { summary: 'Approve or deny', body: 'Approval', roles: 'approver, admin' } },
  '/v1/actions/{id}/withdraw': {
    post: {
      summary: 'The submitter gives up on a held call: pending_approval → timeout {reason: withdrawn}; else 409',
      body: 'Withdraw',
      optionalBody: true,
      roles: 'agent (own), admin',
    },
  },
  '/v1/actions/{id}/start': { post: { summary: 'Hand to an executor', body: 'Start', optionalBody: true, roles: 'agent (own), admin' } },
  '/v1/actions/{id}/result': { post: { summary: 'Report the outcome', body: 'Result', roles: 'agent (own), admin' } },
  '/v1/gate/decide': { post: { summary: 'Decide without storing', body: 'SubmitAction', roles: 'agent, admin' } },
  '/v1/gate/operations': {
    post: { summary: 'Which operations of a tool are denied whatever their params ({denied}); stores nothing', body: 'GateOperations', roles: 'agent, admin' },
  },
  '/v1/events': { get: { summary: 'Server-sent events; id = ledger seq', query: 'EventsQuery', roles: 'approver, auditor, admin' } },
  '/v1/policy/info': { get: { summary: 'The loaded policy', roles: 'any' } },
  '/v1/policy/reload': { post: { summary: 'Reload the policy file', roles: 'admin' } },
  '/v1/auth/whoami': { get: { summary: 'The calling principal', roles: 'any' } },
  '/v1/ledger/public-key': { get: { summary: 'Checkpoint signing key', roles: 'public' } },
  '/v1/ledger/checkpoints': { get: { summary: 'Signed checkpoints', roles: 'auditor, admin' } },
  '/v1/ledger/verify': { get: { summary: 'Verify the hash chain', roles: 'auditor, admin' } },
  '/v1/ledger/export': { get: { summary: 'The chain as NDJSON', roles: 'auditor, admin' } },
  '/playground': { get: { summary: 'Try requests in a browser', roles: 'public' } },
  '/playground/eval': { post: { summary: 'Evaluate without storing', body: 'SubmitAction', roles: 'any' } },
  '/health': { get: { summary: 'Liveness', roles: 'public' } },
  '/ready': { get: { summary: 'Store and policy loaded, else 503', roles: 'public' } },
  '/metrics': { get: { summary: 'Prometheus text', roles: 'auditor, admin' } },
}

const IDEMPOTENCY_PARAM = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Per submitter: a repeat with the same request returns the stored action (approval_token null); the same key with a different request is 422.',
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7E]+$' },
}

const ERROR = { type: 'object', properties: { detail: {} }, required: ['detail'] }

function queryParams(schema: { properties: Record<string, object> }): object[] {
  return Object.entries(schema.properties).map(([name, s]) => ({ name, in: 'query', required: false, schema: s }))
}

/** `mounted`: path items of gateway mounts (mounts.ts), added after the gateway's own paths and never over them. */
export function buildOpenApi(version: string, mounted: Record<string, unknown> = {}): Record<string, unknown> {
  const schemas: Record<string, unknown> = { Error: ERROR }
  for (const s of bodySchemas) {
    const { $id, ...rest } = s
    schemas[$id] = rest
  }
  const paths: Record<string, unknown> = {}
  for (const [path, ops] of Object.entries(ROUTES)) {
    const item: Record<string, unknown> = {}
    for (const [method, op] of Object.entries(ops)) {
      const params: object[] = path.includes('{id}') ? [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }] : []
      if (op.query === 'ListQuery') params.push(...queryParams(listQuerySchema))
      if (op.query === 'EventsQuery') params.push(...queryParams(sseQuerySchema))
      if (op.idempotent) params.push(IDEMPOTENCY_PARAM)
      item[method] = {
        summary: op.summary,
        description: `Roles: ${op.roles}.`,
        parameters: params,
        ...(op.body
          ? {
              requestBody: {
                required: !op.optionalBody,
                content: { 'application/json': { schema: { $ref: `#/components/schemas/${op.body}` } } },
              },
            }
          : {}),
        responses: {
          '200': { description: 'OK' },
          default: { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
        },
      }
    }
    paths[path] = item
  }
  for (const [path, item] of Object.entries(mounted)) paths[path] ??= item
  return {
    openapi: '3.1.0',
    info: { title: 'Faramesh gateway', version },
    components: { schemas, securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }, {}],
    paths,
  }
}
