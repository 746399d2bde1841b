// Newline-delimited JSON-RPC framing for MCP over stdio (basic/transports.mdx: one message per line, no embedded
// newlines). The SDK's ReadBuffer clears its whole buffer on overflow and throws, losing the messages around the big
// one, and lumps bad JSON together with JSON that is not JSON-RPC. This reader keeps framing: an oversized line is
// skipped up to its newline and the next line is parsed; a line that is not JSON (-32700) is told apart from JSON
// that is not a JSON-RPC message (-32600), with the SDK's own JSONRPCMessageSchema deciding the latter.
// `strict` (the client's side) reads JSON as the gateway reads bodies (@faramesh/policy-core/strict-json): duplicate
// keys and `__proto__`/`constructor`/`prototype` keys are parse errors, so what the policy sees, what the server gets and
// what the client meant cannot differ (the SDK's schema would silently drop a `__proto__` key).
import { parseStrictJson } from '@faramesh/policy-core/strict-json'
import { JSONRPCMessageSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js'

/** Default cap for one line: the SDK's HTTP body cap (server/requestBody.js), a sane bound for one message. */
export const DEFAULT_MAX_LINE_BYTES = 4 * 1024 * 1024

export type Frame =
  | { kind: 'message'; message: JSONRPCMessage }
  /** Not JSON at all. */
  | { kind: 'parse_error'; detail: string; excerpt: string }
  /** JSON, but not a JSON-RPC message; `id` when the value carried a usable one (for the error reply). */
  | { kind: 'invalid'; detail: string; excerpt: string; id: string | number | null }
  /** A line longer than the cap: its bytes were dropped up to the next newline. */
  | { kind: 'oversized'; bytes: number }

const NL = 0x0a

/** The first `n` characters of a line, for error messages (callers redact before logging). */
export function excerpt(text: string, n = 200): string {
  return text.length > n ? `${text.slice(0, n)}…` : text
}

export function parseLine(line: string, strict = false): Frame | null {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line
  if (text.trim() === '') return null
  let value: unknown
  try {
    value = strict ? parseStrictJson(text.trim()) : JSON.parse(text)
  } catch (err) {
    return { kind: 'parse_error', detail: (err as Error).message, excerpt: excerpt(text) }
  }
  const parsed = JSONRPCMessageSchema.safeParse(value)
  if (parsed.success) return { kind: 'message', message: parsed.data }
  const raw = typeof value === 'object' && value !== null ? (value as { id?: unknown }).id : undefined
  const id = typeof raw === 'string' || (typeof raw === 'number' && Number.isFinite(raw)) ? raw : null
  return { kind: 'invalid', detail: 'not a JSON-RPC 2.0 message', excerpt: excerpt(text), id }
}

/** Splits a byte stream into frames. Feed it chunks as they come; chunk boundaries never change the result. */
export class LineReader {
  private parts: Buffer[] = []
  private size = 0
  /** Inside an oversized line: drop bytes until the next newline. */
  private skipping = false
  private skipped = 0

  constructor(
    readonly maxLineBytes = DEFAULT_MAX_LINE_BYTES,
    /** Refuse duplicate and prototype keys (see parseLine). */
    readonly strict = false,
  ) {}

  push(chunk: Buffer): Frame[] {
    const out: Frame[] = []
    let from = 0
    while (from < chunk.length) {
      const nl = chunk.indexOf(NL, from)
      const end = nl === -1 ? chunk.length : nl
      const piece = chunk.subarray(from, end)
      if (this.skipping) {
        this.skipped += piece.length
      } else if (this.size + piece.length > this.maxLineBytes) {
        this.skipping = true
        this.skipped = this.size + piece.length
        this.parts = []
        this.size = 0
      } else if (piece.length > 0) {
        this.parts.push(piece)
        this.size += piece.length
      }
      if (nl === -1) break
      this.finishLine(out)
      from = nl + 1
    }
    return out
  }

  /** The stream ended: a last line without its newline still counts. */
  end(): Frame[] {
    const out: Frame[] = []
    if (this.skipping || this.size > 0) this.finishLine(out)
    return out
  }

  private finishLine(out: Frame[]): void {
    if (this.skipping) {
      out.push({ kind: 'oversized', bytes: this.skipped })
      this.skipping = false
      this.skipped = 0
      return
    }
    const line = Buffer.concat(this.parts, this.size).toString('utf8')
    this.parts = []
    this.size = 0
    const frame = parseLine(line, this.strict)
    if (frame) out.push(frame)
  }
}

/** One message as a line: JSON has no raw newlines inside strings, so the line is the message. */
export function serializeMessage(message: JSONRPCMessage): string {
  return `${JSON.stringify(message)}\n`
}
