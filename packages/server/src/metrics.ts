// Prometheus metrics, one registry per app so several apps (tests, two gateways in one process) never collide.
import type { Policy } from '@faramesh/policy-core'
import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { PolicySource } from './policy-source.js'

export interface Metrics {
  registry: Registry
  requests: Counter<'method' | 'endpoint' | 'status'>
  errors: Counter<'error_type'>
  actions: Counter<'status' | 'tool'>
  actionDuration: Histogram<'tool' | 'operation'>
  decisionDuration: Histogram<'route'>
  policyReloads: Counter<'result'>
  tokensReloads: Counter<'result'>
  sseClients: Gauge
  sseDropped: Counter
  ledgerAppend: Histogram<'op'>
  /** faramesh_requests_total += 1, with the label set's child cached (the hot path of every request). */
  countRequest(method: string, endpoint: string, status: number): void
  /** Start a decision-latency timer for a route. */
  decisionTimer(route: string): () => void
  /** faramesh_actions_total += 1 for an action now in `status` (child cached per label set, bounded). */
  countAction(status: string, tool: string): void
  /** Start a ledger-append timer for an op (create, transition). */
  appendTimer(op: string): () => void
}

const FAST_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1]

export function createMetrics(): Metrics {
  const registry = new Registry()
  const registers = [registry]
  const m: Omit<Metrics, 'countRequest' | 'decisionTimer' | 'countAction' | 'appendTimer'> = {
    registry,
    requests: new Counter({
      name: 'faramesh_requests_total',
      help: 'HTTP requests by method, route pattern and status',
      labelNames: ['method', 'endpoint', 'status'],
      registers,
    }),
    errors: new Counter({ name: 'faramesh_errors_total', help: 'Errors by type', labelNames: ['error_type'], registers }),
    actions: new Counter({
      name: 'faramesh_actions_total',
      help: 'Action status changes by status and tool',
      labelNames: ['status', 'tool'],
      registers,
    }),
    actionDuration: new Histogram({
      name: 'faramesh_action_duration_seconds',
      help: 'Time from start (or creation) to a reported result',
      labelNames: ['tool', 'operation'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600],
      registers,
    }),
    decisionDuration: new Histogram({
      name: 'faramesh_decision_duration_seconds',
      help: 'Time to decide one request (canonicalise, profile, policy, risk, hashes)',
      labelNames: ['route'],
      buckets: FAST_BUCKETS,
      registers,
    }),
    policyReloads: new Counter({
      name: 'faramesh_policy_reloads_total',
      help: 'Policy hot reloads by result (success or failure)',
      labelNames: ['result'],
      registers,
    }),
    tokensReloads: new Counter({
      name: 'faramesh_tokens_reloads_total',
      help: 'Tokens file reloads by result (success or failure)',
      labelNames: ['result'],
      registers,
    }),
    sseClients: new Gauge({ name: 'faramesh_sse_clients', help: 'Connected SSE clients', registers }),
    sseDropped: new Counter({
      name: 'faramesh_sse_dropped_total',
      help: 'SSE clients dropped for falling too far behind',
      registers,
    }),
    ledgerAppend: new Histogram({
      name: 'faramesh_ledger_append_duration_seconds',
      help: 'Time to write an action or transition to the ledger',
      labelNames: ['op'],
      buckets: FAST_BUCKETS,
      registers,
    }),
  }
  // prom-client hashes the label object on every inc() or observe(); a bound child per label set skips that. The
  // caches are bounded: past the bound a label set is looked up the slow way, never stored.
  const requestChildren = cachedChildren((key: string[]) => m.requests.labels({ method: key[0]!, endpoint: key[1]!, status: key[2]! }))
  const actionChildren = cachedChildren((key: string[]) => m.actions.labels({ status: key[0]!, tool: key[1]! }))
  const decisionChildren = cachedChildren((key: string[]) => m.decisionDuration.labels({ route: key[0]! }))
  const appendChildren = cachedChildren((key: string[]) => m.ledgerAppend.labels({ op: key[0]! }))
  return {
    ...m,
    countRequest(method, endpoint, status) {
      requestChildren([method, endpoint, String(status)]).inc()
    },
    countAction(status, tool) {
      actionChildren([status, tool]).inc()
    },
    decisionTimer(route) {
      const end = decisionChildren([route]).startTimer()
      return () => void end()
    },
    appendTimer(op) {
      const end = appendChildren([op]).startTimer()
      return () => void end()
    },
  }
}

/**
 * A label set's child, made once, keyed by the label values joined with NUL. Only a set's last value can hold a NUL
 * (a tool name; statuses, methods, endpoints and ops never do), so two sets never share a key.
 */
function cachedChildren<C>(make: (values: string[]) => C, max = 10_000): (values: string[]) => C {
  const cache = new Map<string, C>()
  return (values) => {
    const key = values.join('\0')
    let child = cache.get(key)
    if (child === undefined) {
      child = make(values)
      if (cache.size < max) cache.set(key, child)
    }
    return child
  }
}

/** Time an async ledger write into the append histogram. */
export async function timed<T>(metrics: Metrics, op: string, fn: () => Promise<T>): Promise<T> {
  const end = metrics.appendTimer(op)
  try {
    return await fn()
  } finally {
    end()
  }
}

/** What a request-supplied name becomes as a label when the policy does not spell it out. */
export const OTHER_LABEL = 'other'

export interface LabelNames {
  /** The tool as a label: its own name when the policy in force names it, else "other". */
  tool(name: string): string
  /** The operation as a label: its own name when the policy in force names it, else "other". */
  operation(name: string): string
}

const named = new WeakMap<Policy, { tools: ReadonlySet<string>; ops: ReadonlySet<string> }>()

function namesOf(policy: Policy): { tools: ReadonlySet<string>; ops: ReadonlySet<string> } {
  let n = named.get(policy)
  if (!n) {
    const tools = new Set<string>()
    const ops = new Set<string>()
    for (const m of [...policy.rules.map((r) => r.match), ...policy.riskRules.map((r) => r.when)]) {
      const { tool, op, operation } = m as Record<string, unknown>
      if (typeof tool === 'string' && tool !== '*') tools.add(tool)
      for (const o of [op, operation]) if (typeof o === 'string' && o !== '*') ops.add(o)
    }
    n = { tools, ops }
    named.set(policy, n)
  }
  return n
}

/**
 * Label values taken from requests are bounded by the policy in force (tools and operations it names; every other
 * name is "other"), so an agent cannot create metric series at will: each new label set is memory kept for the
 * process's life, in the gateway and in every Prometheus that scrapes it.
 */
export function policyLabels(source: PolicySource): LabelNames {
  return {
    tool: (name) => (namesOf(source.current().policy).tools.has(name) ? name : OTHER_LABEL),
    operation: (name) => (namesOf(source.current().policy).ops.has(name) ? name : OTHER_LABEL),
  }
}
