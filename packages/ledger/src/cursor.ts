// List cursors are opaque to callers: the insertion position of the last item seen, so pages stay stable while
// new actions arrive at the front.
import { LedgerError } from './errors.js'

export function encodeCursor(pos: number): string {
  return Buffer.from(`p${pos}`).toString('base64url')
}

export function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString()
  const pos = Number(text.slice(1))
  if (!text.startsWith('p') || !Number.isSafeInteger(pos) || pos < 0) {
    throw new LedgerError('INVALID_INPUT', 'cursor is not one this ledger issued', { cursor })
  }
  return pos
}

export function pageSize(limit: number | undefined): number {
  if (limit === undefined) return 20
  if (!Number.isSafeInteger(limit) || limit < 1) throw new LedgerError('INVALID_INPUT', 'limit must be a positive integer')
  return Math.min(limit, 1000)
}

export function pageOffset(offset: number | undefined): number {
  if (offset === undefined) return 0
  if (!Number.isSafeInteger(offset) || offset < 0) throw new LedgerError('INVALID_INPUT', 'offset must be a non-negative integer')
  return offset
}

/** Escape LIKE wildcards so a search for `50%` means the literal text. */
export function likePattern(q: string): string {
  return `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}
