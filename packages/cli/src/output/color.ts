// ANSI colour, on only for a terminal and never with NO_COLOR (https://no-color.org) or --no-color. Node writes the
// codes (util.styleText) and strips them (util.stripVTControlCharacters); when to colour is decided here.
import { inspect, stripVTControlCharacters, styleText } from 'node:util'
import type { ActionStatus, RiskLevel } from '@faramesh/policy-core'
import { escapeChar, printable, UNSAFE_CHARS } from './terminal.js'

export type Style = 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan' | 'gray' | 'bold' | 'dim'

const STYLES: readonly Style[] = ['red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'gray', 'bold', 'dim']

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
  // colorEnabled() has decided (NO_COLOR, FORCE_COLOR, --no-color, TERM, a TTY): styleText must not decide again.
  return styleText(style, text, { validateStream: false })
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

// The values below come from the gateway: one it does not normally send is shown as printable text.
export function paintStatus(status: string | null | undefined): string {
  if (!status) return '-'
  return paint(STATUS_STYLE[status as ActionStatus] ?? null, printable(status))
}

export function paintRisk(risk: string | null | undefined): string {
  if (!risk) return '-'
  return paint(RISK_STYLE[risk as RiskLevel] ?? null, printable(risk))
}

export function paintDecision(decision: string | null | undefined): string {
  if (!decision) return '-'
  const style: Style | null = decision === 'allow' ? 'green' : decision === 'deny' ? 'red' : 'yellow'
  return paint(style, printable(decision))
}

// The sequences paint() writes (styleText's codes for our styles, colour and intensity on and off), matched whole.
// Line breaks and tabs are the output's own layout; every other unsafe character (terminal.ts), a lone ESC
// included, is escaped.
const OWN_SGR = [...new Set(STYLES.flatMap((style) => inspect.colors[style] ?? []))].sort((a, b) => b - a).join('|')
const HUMAN = new RegExp(`\\u001b\\[(?:${OWN_SGR})m|[${UNSAFE_CHARS.replace('\\u0000-\\u001f', '\\u0000-\\u0008\\u000b-\\u001f')}]`, 'g')

/**
 * A whole human-readable output made safe for a terminal: our own colours and line breaks are kept, every other
 * control character is escaped. The last line of defence (BaseCommand prints through it); renderers also pass each
 * untrusted value through printable(), so that a newline in it cannot forge a line of its own.
 */
export function forTerminal(text: string): string {
  return text.replace(HUMAN, (m) => (m.length > 1 ? m : escapeChar(m)))
}

/** Text without its escape sequences (for measuring what a terminal shows). */
export const stripAnsi = (text: string): string => stripVTControlCharacters(text)
