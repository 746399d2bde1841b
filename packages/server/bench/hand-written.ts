// The server's hand-written pieces against the library that would replace them, each measured as the gateway uses it:
// strict JSON in-process (median per parse, tinybench), CORS, body limit and static files over HTTP (autocannon, 10
// connections, alternating rounds so a busy machine's drift hits both alike). Figures are quoted in the comments of
// strict-json.ts, cors.ts, body.ts and node/static-ui.ts.
// Run: pnpm --filter @faramesh/server build && pnpm --filter @faramesh/server exec node bench/hand-written.ts
//      (BENCH_SECONDS per round, default 5; BENCH_ROUNDS, default 2)
import autocannon from 'autocannon'
import { Bench } from 'tinybench'
import { Hono, type Context, type MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { cors } from 'hono/cors'
import { serve } from '@hono/node-server'
import { serveStatic } from '@hono/node-server/serve-static'

const dist = (p: string) => import(new URL(`../dist/${p}`, import.meta.url).href)
const { parseStrictJson } = (await dist('strict-json.js')) as typeof import('../src/strict-json.js')
const { corsMiddleware } = (await dist('cors.js')) as typeof import('../src/cors.js')
const { readBodyText, MAX_BODY_BYTES } = (await dist('body.js')) as typeof import('../src/body.js')
const { serveUi } = (await dist('node/static-ui.js')) as typeof import('../src/node/static-ui.js')

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2)
const SUBMIT = JSON.stringify({
  agent_id: 'billing-bot',
  tool: 'stripe',
  operation: 'refund',
  params: { amount: 1250.5, currency: 'EUR', customer: { id: 'cus_123', email: 'ana@example.com' }, note: 'refund order 8812' },
  context: { session: 's-1', trace: ['a', 'b'] },
})

// 1. Strict JSON. No library refuses duplicate keys (JSON.parse keeps the last; a reviver only sees the result), so
//    the alternatives are the floor (JSON.parse) and JSON.parse with a reviver refusing prototype keys.
const reviver = (k: string, v: unknown) => {
  if (k === '__proto__' || k === 'constructor' || k === 'prototype') throw new Error(`Key '${k}' is not allowed`)
  return v
}
const bench = new Bench({ time: 2000, warmupTime: 300 })
bench.add('parseStrictJson', () => parseStrictJson(SUBMIT))
bench.add('JSON.parse', () => JSON.parse(SUBMIT))
bench.add('JSON.parse+reviver', () => JSON.parse(SUBMIT, reviver))
await bench.run()
const p50 = bench.tasks.map((t) => `${t.name} ${t.result.state === 'completed' ? (t.result.latency.p50 * 1000).toFixed(2) : t.result.state} µs`)
console.log(`strict JSON (${SUBMIT.length} B submit, median)  ${p50.join('   ')}`)

// 2-4. Over HTTP.
const json = (app: Hono) => app.all('/v1/x', (c) => c.json({ ok: true }))
const corsOpts = { origins: ['https://ui.example'], exposeHeaders: ['X-Total-Count', 'X-Next-Cursor'] }
const ui = new URL('../../../apps/dashboard/build/', import.meta.url).pathname
const cacheControl = (path: string, c: Context): void => {
  c.header('Cache-Control', path.includes('/_app/immutable/') ? 'public, max-age=31536000, immutable' : 'no-cache')
}
const withBody = (mw: MiddlewareHandler | null, read: (c: Context) => Promise<string>) => {
  const app = new Hono()
  if (mw) app.use('/v1/x', mw)
  return app.post('/v1/x', async (c) => c.json({ n: (await read(c)).length }))
}

const { readdirSync } = await import('node:fs')
const bundle = `/_app/immutable/${readdirSync(`${ui}_app/immutable`).find((f) => f.endsWith('.js'))}`
const cases: Array<{ name: string; path: string; init?: Partial<autocannon.Options>; apps: Record<string, Hono> }> = [
  {
    name: 'CORS (GET with Origin)',
    path: '/v1/x',
    init: { headers: { origin: 'https://ui.example' } },
    apps: {
      'cors.ts': json(new Hono().use('*', corsMiddleware(corsOpts))),
      'hono/cors': json(new Hono().use('*', cors({ origin: corsOpts.origins, exposeHeaders: corsOpts.exposeHeaders, maxAge: 600 }))),
    },
  },
  {
    name: 'body limit (POST submit)',
    path: '/v1/x',
    init: { method: 'POST', body: SUBMIT, headers: { 'content-type': 'application/json' } },
    apps: {
      'body.ts': withBody(null, (c) => readBodyText(c)),
      'hono/body-limit': withBody(bodyLimit({ maxSize: MAX_BODY_BYTES }), (c) => c.req.text()),
    },
  },
  ...[bundle, '/favicon.svg'].map((path) => ({
    name: `static ${path}`,
    path,
    apps: {
      'static-ui.ts': new Hono().use('*', serveUi(ui)),
      'serve-static': new Hono().use('*', serveStatic({ root: ui, onFound: cacheControl })),
    },
  })),
]

for (const k of cases) {
  const got: Record<string, number[]> = {}
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, app] of Object.entries(k.apps)) {
      const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
      await new Promise((res) => server.once('listening', res))
      const { port } = server.address() as { port: number }
      const res = await autocannon({ url: `http://127.0.0.1:${port}${k.path}`, connections: 10, duration: SECONDS, ...k.init })
      if (res.non2xx > 0 || res.errors > 0) throw new Error(`${k.name} ${name}: ${res.non2xx} non-2xx, ${res.errors} errors`)
      ;(got[name] ??= []).push(Math.round(res.requests.average))
      await new Promise((res) => server.close(res))
    }
  }
  console.log(`${k.name.padEnd(44)} ${Object.entries(got).map(([n, v]) => `${n} ${v.join(' / ')} req/s`).join('   ')}`)
}
