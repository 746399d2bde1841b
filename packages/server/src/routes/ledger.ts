// The audit chain: public key, checkpoints, NDJSON export and verification (CONTRACT.md § One chain).
import type { Hono } from 'hono'
import { stream } from 'hono/streaming'
import { requirePermission } from '../auth.js'
import type { GatewayEnv, RouteDeps } from '../app-env.js'
import { validationError } from '../errors.js'

function seqParam(v: string | undefined, name: string): number | undefined {
  if (v === undefined || v === '') return undefined
  if (!/^\d{1,15}$/.test(v)) throw validationError([{ loc: ['query', name], msg: 'value is not a valid integer', type: 'type_error.integer' }])
  return Number(v)
}

export function ledgerRoutes(app: Hono<GatewayEnv>, d: RouteDeps): void {
  app.get('/v1/ledger/public-key', (c) => c.json(d.ledger.publicKey()))

  app.get('/v1/ledger/checkpoints', async (c) => {
    requirePermission(c.get('principal'), 'audit')
    return c.json(await d.ledger.checkpoints())
  })

  app.get('/v1/ledger/verify', async (c) => {
    requirePermission(c.get('principal'), 'audit')
    const from = seqParam(c.req.query('from'), 'from')
    const to = seqParam(c.req.query('to'), 'to')
    return c.json(await d.ledger.verify({ ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) }))
  })

  app.get('/v1/ledger/export', async (c) => {
    requirePermission(c.get('principal'), 'audit')
    const from = seqParam(c.req.query('from_seq'), 'from_seq')
    c.header('Content-Type', 'application/x-ndjson')
    return stream(c, async (s) => {
      for await (const line of d.ledger.exportNdjson(from)) {
        if (s.aborted) break
        await s.write(line.endsWith('\n') ? line : `${line}\n`)
      }
    })
  })
}
