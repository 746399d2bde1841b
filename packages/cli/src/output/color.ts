// ANSI colour, on only for a terminal and never with NO_COLOR (https://no-color.org) or --no-color.
import type { ActionStatus, RiskLevel } from '@faramesh/policy-core'

export type Style = 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan' | 'gray' | 'bold' | 'dim'

const CODES: Record<Style, [number, number]> = {
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
  gray: [90, 39],
  bold: [1, 22],
  dim: [2, 22],
}

let forcedOff = false

export function disableColor(): void {
  forcedOff = true
}

export function colorEnabled(stream: { isTTY?: boolean } = process.stdout): boolean {
  if (forcedOff) return false
  const env = process.env
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true
  return stream.isTTY === true && env.TERM !== 'dumb'
}

export function paint(style: Style | null, text: string): string {
  if (style === null || !colorEnabled()) return text
  const [open, close] = CODES[style]
  return `\u001b[${open}m${text}\u001b[${close}m`
}

const STATUS_STYLE: Record<ActionStatus, Style> = {
  pending_decision: 'gray',
  allowed: 'green',
  approved: 'green',
  succeeded: 'green',
  denied: 'red',
  failed: 'red',
  timeout: 'red',
  pending_approval: 'yellow',
  executing: 'cyan',
}

const RISK_STYLE: Record<RiskLevel, Style> = { low: 'green', medium: 'yellow', high: 'red' }

export function paintStatus(status: string | null | undefined): string {
  if (!status) return '-'
  return paint(STATUS_STYLE[status as ActionStatus] ?? null, status)
}

export function paintRisk(risk: string | null | undefined): string {
  if (!risk) return '-'
  return paint(RISK_STYLE[risk as RiskLevel] ?? null, risk)
}

export function paintDecision(decision: string | null | undefined): string {
  if (!decision) return '-'
  const style: Style | null = decision === 'allow' ? 'green' : decision === 'deny' ? 'red' : 'yellow'
  return paint(style, decision)
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '')
}
