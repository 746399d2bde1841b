// GET /v1/events: the live event stream (CONTRACT.md § Events and SSE). Frames carry `id: <seq>`; a reconnect
// with Last-Event-ID (or ?last_event_id=) resumes right after that seq, with nothing lost.
import type { Hono } from 'hono'
import { stream } from 'hono/streaming'
import { requirePermission } from '../auth.js'
import type { GatewayEnv, RouteDeps } from '../app-env.js'
import { validationError } from '../errors.js'
import { header } from '../headers.js'
import type { SseFilter } from '../sse-hub.js'
import { checkSseQuery } from '../validate.js'

function parseLastEventId(header: string | undefined, query: number | undefined): number | undefined {
  if (header === undefined || header === '') return query
  if (!/^\d{1,15}$/.test(header.trim())) {
    throw validationError([{ loc: ['header', 'Last-Event-ID'], msg: 'must be an event seq (integer)', type: 'type_error.integer' }])
  }
  return Number(header.trim())
}

export function sseRoutes(app: Hono<GatewayEnv>, d: RouteDeps): void {
  app.get('/v1/events', async (c) => {
    requirePermission(c.get('principal'), 'stream')
    const q = checkSseQuery(c.req.query())
    const afterSeq = parseLastEventId(header(c, 'last-event-id'), q.last_event_id)
    const filter: SseFilter = {}
    for (const k of ['action_id', 'agent_id', 'tool', 'status', 'event_type'] as const) {
      const v = q[k]
      if (v) filter[k] = v
    }
    c.header('Content-Type', 'text/event-stream; charset=utf-8')
    c.header('Cache-Control', 'no-cache, no-transform')
    c.header('Connection', 'keep-alive')
    c.header('X-Accel-Buffering', 'no')
    return stream(c, async (s) => {
      let finished!: () => void
      const done = new Promise<void>((r) => (finished = r))
      let disconnect: (() => void) | null = null
      let aborted = false
      s.onAbort(() => {
        aborted = true
        disconnect?.()
        finished()
      })
      disconnect = await d.hub.connect({ write: (chunk) => s.write(chunk), close: finished }, filter, afterSeq)
      if (aborted) disconnect()
      await done
    })
  })
}
