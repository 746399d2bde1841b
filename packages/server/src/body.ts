// Reading request bodies with a hard size cap: Content-Length is checked up front and the stream is counted as it
// arrives, so a chunked upload cannot make the server buffer more than the limit. Kept instead of hono/body-limit,
// which wraps every body in a counting stream: a 234-byte submit POSTed over HTTP, 4.2-5.1k req/s here against
// 1.9-3.3k with bodyLimit + c.req.text() (three alternating 5 s rounds, shared 2-core machine, 2026-12-07;
// `pnpm --filter @faramesh/server exec node bench/hand-written.ts` after a build).
import type { Context } from 'hono'
import { ApiError, clientClosed, isClientAbort, requestTimedOut, requestTimeout, validationError } from './errors.js'
import { header } from './headers.js'
import { parseStrictJson } from './strict-json.js'

export const MAX_BODY_BYTES = 1024 * 1024

const tooLarge = (limit: number): ApiError =>
  new ApiError('PAYLOAD_TOO_LARGE', `Request body too large (limit ${limit} bytes)`)

export async function readBodyText(c: Context, limit = MAX_BODY_BYTES): Promise<string> {
  try {
    return await readBody(c, limit)
  } catch (err) {
    if (!isClientAbort(err)) throw err
    // On node the connection is in the env (@hono/node-server); a reset there may be our own body timeout.
    const socket = (c.env as { incoming?: { socket?: object } } | undefined)?.incoming?.socket
    throw requestTimedOut(socket) ? requestTimeout() : clientClosed()
  }
}

async function readBody(c: Context, limit: number): Promise<string> {
  const declared = header(c, 'content-length')
  if (declared !== undefined) {
    if (Number(declared) > limit) throw tooLarge(limit)
    // With a declared length the runtime reads exactly that much: the fast path (no web stream per request).
    const buf = new Uint8Array(await c.req.arrayBuffer())
    if (buf.byteLength > limit) throw tooLarge(limit)
    return decodeUtf8(buf)
  }
  const stream = c.req.raw.body
  if (!stream) return ''
  const reader = stream.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel().catch(() => undefined)
      throw tooLarge(limit)
    }
    chunks.push(value)
  }
  return decodeUtf8(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks))
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

export function decodeUtf8(buf: Uint8Array): string {
  try {
    return utf8.decode(buf)
  } catch {
    throw validationError([{ loc: ['body'], msg: 'Body is not valid UTF-8', type: 'value_error.unicode' }])
  }
}

/** Parse the body as strict JSON. An empty body is `undefined` when `optional`, else a 422. */
export async function readJsonBody(c: Context, opts: { optional?: boolean } = {}): Promise<unknown> {
  return jsonOfText(await readBodyText(c), opts)
}

/** Body text → strict JSON; an empty body is `undefined` when `optional`, else a 422. */
export function jsonOfText(text: string, opts: { optional?: boolean } = {}): unknown {
  if (text.trim() === '') {
    if (opts.optional) return undefined
    throw validationError([{ loc: ['body'], msg: 'field required', type: 'value_error.missing' }])
  }
  return parseStrictJson(text)
}
