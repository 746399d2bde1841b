// Classify JSON-RPC messages with the SDK's own schemas, and build the errors the relay answers with itself.
// Request ids are compared by their JSON text: 1 and "1" are different requests.
import {
  JSONRPCMessageSchema,
  type JSONRPCErrorResponse,
  type JSONRPCMessage,
  type JSONRPCNotification,
  type JSONRPCRequest,
  type JSONRPCResultResponse,
  type RequestId,
} from '@modelcontextprotocol/sdk/types.js'

export const RPC = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
  /** Implementation-defined server error: a limit of the relay (too many governed calls at once). */
  SERVER_ERROR: -32000,
  /** A governed resources/read that Faramesh refused (data: {action_id, reason, reason_code}). */
  GATE_REFUSED: -32010,
} as const

export type Classified =
  | { kind: 'request'; msg: JSONRPCRequest }
  | { kind: 'notification'; msg: JSONRPCNotification }
  | { kind: 'response'; msg: JSONRPCResultResponse | JSONRPCErrorResponse }
  /**
   * Not a JSON-RPC 2.0 message. `shape` says what it tried to be: a broken request is answered -32600 (to `id` when
   * it has a usable one, else null); a broken response must not be answered, or it would answer the sender's own
   * request of the same id.
   */
  | { kind: 'invalid'; id: RequestId | null; shape: 'request' | 'response' | 'other'; message: string }

const isId = (v: unknown): v is RequestId => typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v))

export function classify(raw: unknown): Classified {
  const parsed = JSONRPCMessageSchema.safeParse(raw)
  const obj = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : null
  const id = obj && isId(obj.id) ? obj.id : null
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const why = obj === null ? 'not a JSON object' : obj.jsonrpc !== '2.0' ? 'jsonrpc must be "2.0"' : (issue?.message ?? 'invalid')
    const shape = obj === null ? 'other' : 'method' in obj ? 'request' : 'result' in obj || 'error' in obj ? 'response' : 'other'
    return { kind: 'invalid', id: shape === 'request' ? id : null, shape, message: `Invalid JSON-RPC message: ${why}` }
  }
  // Classify on the original object: the SDK's schemas strip nothing we relay, but we forward what was sent.
  const msg = raw as JSONRPCMessage
  if ('method' in msg) return 'id' in msg && msg.id !== undefined ? { kind: 'request', msg: msg } : { kind: 'notification', msg: msg }
  return { kind: 'response', msg: msg }
}

/** The key under which a request id is tracked. */
export const idKey = (id: RequestId): string => JSON.stringify(id)

export function rpcError(id: RequestId | null, code: number, message: string, data?: unknown): JSONRPCErrorResponse {
  // JSON-RPC wants `id: null` when the request's id could not be read; the SDK's type makes it optional instead.
  const error = data === undefined ? { code, message } : { code, message, data }
  return (id === null ? { jsonrpc: '2.0', id: null, error } : { jsonrpc: '2.0', id, error }) as JSONRPCErrorResponse
}

export const rpcResult = (id: RequestId, result: Record<string, unknown>): JSONRPCResultResponse =>
  ({ jsonrpc: '2.0', id, result })

export const isErrorResponse = (m: JSONRPCResultResponse | JSONRPCErrorResponse): m is JSONRPCErrorResponse => 'error' in m

/** At most `max` characters of a text that goes into a message or a record. */
export const clip = (text: string, max = 1024): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`)
