// What the ledger learns about a call's answer: its size, a hash and the kinds of content, never the content itself
// (a file's text or a secret a tool returned would otherwise sit in every audit export). The hash is of the SDK's
// canonical JSON, so anyone holding the answer can check it against the record.
import { createHash } from 'node:crypto'
import { canonicalJson } from '@faramesh/sdk'
import type { CallOutcome } from '../types.js'
import { clip } from '../jsonrpc/messages.js'

export interface ResultDigest {
  bytes: number
  sha256: string
  content_types: string[]
  is_error: boolean
  structured: boolean
}

export function digestResult(result: Record<string, unknown>): ResultDigest {
  const text = canonicalJson(result)
  const content = Array.isArray(result.content) ? (result.content as unknown[]) : []
  const types = new Set<string>()
  for (const c of content) {
    const t = (c as { type?: unknown } | null)?.type
    if (typeof t === 'string') types.add(clip(t, 64))
  }
  return {
    bytes: Buffer.byteLength(text, 'utf8'),
    // node's sha256 rather than the SDK's pure-JS one: a tool may answer with megabytes, hashed on the event loop.
    sha256: createHash('sha256').update(text, 'utf8').digest('hex'),
    content_types: [...types].sort(),
    is_error: result.isError === true,
    structured: result.structuredContent !== undefined && result.structuredContent !== null,
  }
}

/** The report for an answer that came back: a result (isError or not) or a JSON-RPC error from the server. */
export function outcomeOfAnswer(answer: { result: Record<string, unknown> } | { error: { code: number; message: string } }): CallOutcome {
  if ('error' in answer) return { success: false, error: `mcp error ${answer.error.code}: ${clip(String(answer.error.message))}` }
  const mcp = digestResult(answer.result)
  return mcp.is_error
    ? { success: false, error: 'the tool answered with isError: true', result: { mcp } }
    : { success: true, result: { mcp } }
}
