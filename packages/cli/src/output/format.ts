// How actions, times and params read on screen. Values come from the gateway: strings are shown printable().
import { printable } from './terminal.js'

/** The first 8 characters, as the original CLI showed ids (enough to pass back through prefix matching). */
export function shortId(id: string, full = false): string {
  return printable(full ? id : id.slice(0, 8))
}

/** `2026-01-12 10:00:00` in UTC; anything unparsable is shown as given. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '-'
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return printable(iso)
  return d.toISOString().slice(0, 19).replace('T', ' ')
}

/** `10:00:15`, for the live stream. */
export function formatClock(iso: string | null | undefined): string {
  return formatTime(iso ?? new Date().toISOString()).slice(11)
}

/** JSON with a space after `:` and `,`, as the original rendered params. */
export function formatJsonInline(value: unknown): string {
  if (value === undefined) return '-'
  return JSON.stringify(value, (_k, v: unknown) => v)
    .replace(/"(?:[^"\\]|\\.)*"|[:,]/g, (m) => (m === ':' ? ': ' : m === ',' ? ', ' : m))
}

export function orDash(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-'
  return typeof value === 'string' ? printable(value) : formatJsonInline(value)
}
