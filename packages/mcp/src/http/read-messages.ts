// A POST body → the JSON-RPC messages in it, or the JSON-RPC error that explains why not. Read with a cap (the SDK's
// reader: a declared length over it is refused unread), parsed strictly (policy-core's reader: a duplicate key would
// let the policy see one argument and the upstream another; `__proto__` and lossy integers are refused too) and
// checked against the SDK's message schema, so the transport gets `parsedBody` it never has to re-read.
import { StrictJsonError, parseStrictJson } from '@faramesh/policy-core/strict-json'
import { MAX_BATCH_SIZE, readRequestBody } from '@modelcontextprotocol/sdk/server/requestBody.js'
import { JSONRPCMessageSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js'
import { RPC_INVALID_REQUEST, RPC_PARSE_ERROR, rpcErrorResponse } from './rpc-response.js'

export type ReadMessages =
  { ok: true; body: unknown; messages: JSONRPCMessage[] } | { ok: false; response: Response }

const where = (loc: Array<string | number>): string =>
  loc.length === 0
    ? ''
    : ` at ${loc.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('')}`

/**
 * The body text, or null when it is over the cap. With a declared Content-Length the runtime reads exactly that much
 * without a web stream (@hono/node-server reads the socket directly): a third of the gateway's time per call went to
 * the streamed read (`node bench/http-gateway.bench.mjs` with --cpu-prof, 2026-12-08). Otherwise the SDK's reader
 * counts the stream and stops at the cap.
 */
async function bodyText(req: Request, maxBytes: number): Promise<string | null> {
  const declared = req.headers.get('content-length')
  if (declared !== null && /^\d+$/.test(declared)) {
    if (Number(declared) > maxBytes) return null
    const buf = await req.arrayBuffer()
    return buf.byteLength > maxBytes ? null : new TextDecoder().decode(buf)
  }
  const body = await readRequestBody(req, maxBytes)
  return body.tooLarge ? null : body.text
}

export async function readMessages(req: Request, maxBytes: number): Promise<ReadMessages> {
  const text = await bodyText(req, maxBytes)
  if (text === null) {
    return {
      ok: false,
      response: rpcErrorResponse(
        413,
        RPC_INVALID_REQUEST,
        `Request body too large: an MCP message may be at most ${maxBytes} bytes`,
      ),
    }
  }
  let value: unknown
  try {
    value = parseStrictJson(text)
  } catch (err) {
    if (!(err instanceof StrictJsonError)) throw err
    return {
      ok: false,
      response: rpcErrorResponse(400, RPC_PARSE_ERROR, `Parse error: ${err.message}${where(err.loc)}`),
    }
  }
  const list = Array.isArray(value) ? value : [value]
  if (Array.isArray(value) && (value.length === 0 || value.length > MAX_BATCH_SIZE)) {
    return {
      ok: false,
      response: rpcErrorResponse(
        400,
        RPC_INVALID_REQUEST,
        `Invalid Request: a batch holds 1 to ${MAX_BATCH_SIZE} messages, this one ${value.length}`,
      ),
    }
  }
  const messages: JSONRPCMessage[] = []
  for (const [i, m] of list.entries()) {
    const parsed = JSONRPCMessageSchema.safeParse(m)
    if (!parsed.success) {
      const which = Array.isArray(value) ? `message ${i} of the batch` : 'the message'
      return {
        ok: false,
        response: rpcErrorResponse(
          400,
          RPC_INVALID_REQUEST,
          `Invalid Request: ${which} is not a JSON-RPC 2.0 request, notification or response (jsonrpc "2.0", a string method, an integer or string id; no other top-level keys)`,
        ),
      }
    }
    messages.push(parsed.data)
  }
  return { ok: true, body: value, messages }
}
