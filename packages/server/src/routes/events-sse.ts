// GET /v1/events: the live event stream (CONTRACT.md § Events and SSE). Frames carry `id: <seq>`; a reconnect
// with Last-Event-ID (or ?last_event_id=) resumes right after that seq, with nothing lost; an id beyond the ledger's
// head resumes at the head. Under Node the hub writes into the response itself (sse-sinks.ts).
import type { ServerResponse } from 'node:http'
import type { Hono } from 'hono'
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response'
import { requirePermission } from '../auth.js'
import type { GatewayEnv, RouteDeps } from '../app-env.js'
import { validationError } from '../errors.js'
import { header } from '../headers.js'
import type { SseFilter } from '../sse-frames.js'
import { nodeResponseSink, webStreamSink } from '../sse-sinks.js'
import { checkSseQuery } from '../validate.js'

function parseLastEventId(header: string | undefined, query: number | undefined): number | undefined {
  if (header === undefined || header === '') return query
  if (!/^\d{1,15}$/.test(header.trim())) {
    throw validationError([
      { loc: ['header', 'Last-Event-ID'], msg: 'must be an event seq (integer)', type: 'type_error.integer' },
    ])
  }
  return Number(header.trim())
}

const SSE_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  Connection: 'keep-alive',
  'X-Accel-Buffering': 'no',
}

/**
 * A stream outlives the request that opened it, so its credential is checked again every heartbeat interval: a token
 * revoked or expired since (or auth turned on under an open-mode stream) ends the stream.
 */
function recheckCredential(d: RouteDeps, token: string | undefined, end: () => void): () => void {
  const timer = setInterval(() => {
    try {
      requirePermission(d.auth.authenticate(token), 'stream')
    } catch {
      end()
    }
  }, d.config.sseHeartbeatMs)
  timer.unref()
  return () => clearInterval(timer)
}

export function sseRoutes(app: Hono<GatewayEnv>, d: RouteDeps): void {
  app.get('/v1/events', (c) => {
    requirePermission(c.get('principal'), 'stream')
    const token = c.get('credential')
    const q = checkSseQuery(c.req.query())
    const afterSeq = parseLastEventId(header(c, 'last-event-id'), q.last_event_id)
    const filter: SseFilter = {}
    for (const k of ['action_id', 'agent_id', 'tool', 'status', 'event_type'] as const) {
      const v = q[k]
      if (v) filter[k] = v
    }
    const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing
    if (outgoing) {
      // The headers Hono would send (CORS headers set by middleware included), written by us: from here on the
      // hub writes the body straight into the response.
      outgoing.writeHead(200, Object.fromEntries(c.body(null, 200, SSE_HEADERS).headers))
      const client = d.hub.connect(nodeResponseSink(outgoing), filter, afterSeq)
      const stop = recheckCredential(d, token, () => {
        client.close()
        outgoing.end()
      })
      outgoing.once('close', () => {
        stop()
        client.close()
      })
      return RESPONSE_ALREADY_SENT
    }
    let client: { close(): void } | null = null
    let stop = (): void => undefined
    const { sink, body } = webStreamSink(() => {
      stop()
      client?.close()
    })
    client = d.hub.connect(sink, filter, afterSeq)
    stop = recheckCredential(d, token, () => {
      client?.close()
      sink.end()
    })
    return c.body(body, 200, SSE_HEADERS)
  })
}
