// The wrapper's reports against a real gateway: they never compete with a submit in flight, and they still go out
// (and are committed) promptly when no submit follows or submits never pause.
import { CoreClient } from '@faramesh/sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestGateway, TOKENS, type TestGateway } from '../../test/gateway.js'
import { NOTES_POLICY } from '../../test/harness.js'
import { sdkGate } from './sdk-gate.js'

let g: TestGateway
beforeAll(async () => {
  g = await startTestGateway(NOTES_POLICY)
})
afterAll(async () => {
  await g?.close()
})

interface Span {
  kind: 'submit' | 'report'
  start: number
  end: number
}

/** The real fetch, recording when each submit and report was on the wire. */
function recording(spans: Span[]): typeof fetch {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    const kind = url.endsWith('/result') ? 'report' : url.endsWith('/v1/actions') ? 'submit' : null
    const start = performance.now()
    const res = await fetch(input, init)
    const body = await res.arrayBuffer()
    if (kind) spans.push({ kind, start, end: performance.now() })
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers })
  }
}

const agent = (f: typeof fetch) => new CoreClient({ baseUrl: g.url, token: TOKENS.agent, maxRetries: 0, timeoutMs: 5000, fetch: f })
let n = 0
const request = () => ({
  agent_id: 'a1',
  tool: 'mcp:notes',
  operation: 'echo',
  params: { n: ++n },
  context: { mcp: { server: 'notes', annotations: null, protocol_version: null, agent_source: 'token' } },
})
const ok = { success: true, result: { mcp: { bytes: 1 } } }

describe('report timing', () => {
  it('a report queued while the next submit is in flight goes out only once that submit is answered', async () => {
    const spans: Span[] = []
    const gate = sdkGate(agent(recording(spans)))
    for (let i = 0; i < 5; i++) {
      // As the relay does with calls back to back: the answer goes down, its report is queued, the next call follows.
      const a = await gate.submit(request(), `rt-${n}`)
      const next = gate.submit(request(), `rt-${n}`)
      const reported = gate.report(a.id, ok)
      const b = await next
      await reported
      expect((await g.admin.getAction(a.id)).status).toBe('succeeded')
      await gate.report(b.id, ok)
    }
    const submits = spans.filter((s) => s.kind === 'submit')
    const reports = spans.filter((s) => s.kind === 'report')
    expect(reports).toHaveLength(10)
    const overlapping = reports.filter((r) => submits.some((s) => r.start < s.end && s.start < r.end))
    expect(overlapping).toEqual([])
  })

  it('reports wait while submits keep coming and go out together once they pause', async () => {
    const spans: Span[] = []
    const gate = sdkGate(agent(recording(spans)), { reports: { idleMs: 50, maxDelayMs: 10_000 } })
    const done = await Promise.all([gate.submit(request(), `rt-${n}`), gate.submit(request(), `rt-${n}`)])
    const reported = done.map((a) => gate.report(a.id, ok))
    // Calls back to back (gaps far below idleMs): the reports stay queued the whole time.
    for (let i = 0; i < 8; i++) await gate.submit(request(), `rt-${n}`)
    const lastEnd = Math.max(...spans.filter((s) => s.kind === 'submit').map((s) => s.end))
    expect(spans.filter((s) => s.kind === 'report')).toHaveLength(0)
    await Promise.all(reported)
    const reports = spans.filter((s) => s.kind === 'report')
    expect(reports).toHaveLength(2)
    for (const r of reports) expect(r.start).toBeGreaterThanOrEqual(lastEnd)
    for (const a of done) expect((await g.admin.getAction(a.id)).status).toBe('succeeded')
  })

  it('with no submit after it, a report goes out within the idle wait', async () => {
    const spans: Span[] = []
    const gate = sdkGate(agent(recording(spans)), { reports: { idleMs: 20, maxDelayMs: 5000 } })
    const a = await gate.submit(request(), `rt-${n}`)
    const t0 = performance.now()
    await gate.report(a.id, ok)
    const report = spans.find((s) => s.kind === 'report')!
    expect(report.start - t0).toBeGreaterThanOrEqual(15)
    expect(report.start - t0).toBeLessThan(1000)
    expect((await g.admin.getAction(a.id)).status).toBe('succeeded')
  })

  it('submits that never pause hold a report back for at most maxDelayMs', async () => {
    const spans: Span[] = []
    const gate = sdkGate(agent(recording(spans)), { reports: { idleMs: 5, maxDelayMs: 100 } })
    const a = await gate.submit(request(), `rt-${n}`)
    let stop = false
    // Two submit loops, staggered so that one is always in flight.
    const loop = async () => {
      while (!stop) await gate.submit(request(), `rt-${n}`)
    }
    const loops = [loop(), new Promise((r) => setTimeout(r, 2)).then(loop)]
    await new Promise((r) => setTimeout(r, 20))
    const t0 = performance.now()
    await gate.report(a.id, ok)
    const waited = performance.now() - t0
    stop = true
    await Promise.all(loops)
    expect((await g.admin.getAction(a.id)).status).toBe('succeeded')
    expect(waited).toBeLessThan(2000)
  })
})
