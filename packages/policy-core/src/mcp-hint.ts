// `mcp_hint`: match on the annotations an MCP server gave a tool (destructiveHint, readOnlyHint, …). The spec calls
// them untrusted hints, so the key reads only context.mcp.annotations (never params, which the agent writes: a
// `field: mcp.annotations.readOnlyHint` would be satisfied by arguments shaped like annotations), each value names a
// risk, and a missing hint counts as the spec's risky default. A policy may therefore use it only to tighten:
// parsePolicy refuses it on an allow rule (policy-checks.ts), so a lying or missing hint can never allow anything.
import type { Condition } from './conditions.js'
import type { PreparedRequest } from './prepared-request.js'

type Annotations = Readonly<Record<string, unknown>>

/** Each risk and when it holds; a hint relaxes it only when it is exactly the boolean the spec names. */
export const MCP_HINTS = {
  /** destructiveHint defaults to true and means nothing for a read-only tool. */
  destructive: (a: Annotations) => !(a.readOnlyHint === true || a.destructiveHint === false),
  writes: (a: Annotations) => a.readOnlyHint !== true,
  /** openWorldHint defaults to true. */
  open_world: (a: Annotations) => a.openWorldHint !== false,
  /** idempotentHint defaults to false. */
  not_idempotent: (a: Annotations) => a.idempotentHint !== true,
} as const

export type McpHint = keyof typeof MCP_HINTS
export const MCP_HINT_VALUES = Object.keys(MCP_HINTS) as McpHint[]

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const own = (o: unknown, k: string): unknown => (isMap(o) && Object.hasOwn(o, k) ? o[k] : undefined)

/** context.mcp.annotations when it is a mapping, else null (no hints at all: every risk holds). */
export function mcpAnnotations(p: PreparedRequest): Annotations | null {
  const a = own(own(p.context, 'mcp'), 'annotations')
  return isMap(a) ? a : null
}

const RELAXED_BY: Record<McpHint, string[]> = {
  destructive: ['readOnlyHint: true', 'destructiveHint: false'],
  writes: ['readOnlyHint: true'],
  open_world: ['openWorldHint: false'],
  not_idempotent: ['idempotentHint: true'],
}

export function mcpHintCondition(hint: McpHint): Condition {
  const holds = MCP_HINTS[hint]
  return {
    key: 'mcp_hint',
    expected: hint,
    scope: 'request',
    test: (p) => holds(mcpAnnotations(p) ?? {}),
    actual: (p) => mcpAnnotations(p),
    why: () => `mcp_hint ${hint} does not hold: context.mcp.annotations say ${RELAXED_BY[hint].join(' or ')}`,
  }
}
