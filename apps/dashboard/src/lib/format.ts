// Display helpers shared by the table, drawer and overview. Pure, so they are unit-tested without a browser.
import type { Action, ActionStatus, RiskLevel } from '@faramesh/policy-core'

export type Tone = 'neutral' | 'good' | 'bad' | 'warn' | 'info'

const STATUS_TONES: Record<ActionStatus, Tone> = {
  pending_decision: 'neutral',
  pending_approval: 'warn',
  allowed: 'good',
  approved: 'good',
  succeeded: 'good',
  executing: 'info',
  denied: 'bad',
  failed: 'bad',
  timeout: 'bad',
}

export function statusTone(status: ActionStatus): Tone {
  return STATUS_TONES[status] ?? 'neutral'
}

export function riskTone(risk: RiskLevel | null): Tone {
  return risk === 'high' ? 'bad' : risk === 'medium' ? 'warn' : risk === 'low' ? 'good' : 'neutral'
}

/** `pending_approval` → `pending approval`: the wire value stays visible, just readable. */
export function statusLabel(status: string): string {
  return status.replaceAll('_', ' ')
}

/** One line of the params, for the table: compact JSON, cut at `max` characters with an ellipsis. */
export function paramsPreview(params: unknown, max = 60): string {
  let json: string
  try {
    json = JSON.stringify(params ?? {}) ?? ''
  } catch {
    return '[unserialisable]'
  }
  if (json === '{}') return '—'
  return json.length > max ? json.slice(0, max - 1) + '…' : json
}

/** Pretty JSON for the drawer. */
export function prettyJson(value: unknown): string {
  try {
    return JSON.stringify(value ?? null, null, 2) ?? 'null'
  } catch {
    return '[unserialisable]'
  }
}

/** "12 s ago", "5 min ago", "3 h ago", else the date; `now` is injected so tests are deterministic. */
export function relativeTime(iso: string, now: number = Date.now()): string {
  const t = Date.parse(iso)
  if (Number.isNaN(t)) return iso
  const s = Math.round((now - t) / 1000)
  if (s < 5) return 'just now'
  if (s < 60) return `${s} s ago`
  if (s < 3600) return `${Math.floor(s / 60)} min ago`
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`
  return new Date(t).toISOString().slice(0, 10)
}

/** Full timestamp in UTC, as the API stores it, without the milliseconds noise. */
export function absoluteTime(iso: string): string {
  const t = Date.parse(iso)
  if (Number.isNaN(t)) return iso
  return new Date(t).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z')
}

export function shortId(id: string): string {
  return id.slice(0, 8)
}

/** Demo-seeded actions are marked in their context by the gateway's demo seed (`FARAMESH_DEMO=1`). */
export function isDemo(action: Pick<Action, 'context' | 'agent_id'>): boolean {
  const ctx = action.context ?? {}
  return ctx.demo === true || ctx.demo === 'true' || ctx.source === 'demo' || ctx.seeded_by === 'demo'
}

export function compactNumber(n: number): string {
  if (n < 1000) return String(n)
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0).replace(/\.0$/, '')}k`
  return `${(n / 1_000_000).toFixed(1).replace(/\.0$/, '')}M`
}
