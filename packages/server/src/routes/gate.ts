// Decisions without storage: POST /v1/gate/decide and the playground (CONTRACT.md § Decisions).
import { STATUS_BY_DECISION } from '@faramesh/policy-core'
import type { Hono } from 'hono'
import { requirePermission } from '../auth.js'
import type { GatewayEnv, RouteDeps } from '../app-env.js'
import { readBodyText, readJsonBody } from '../body.js'
import { gateDecideOp } from '../submit-ops.js'
import { checkGateOperations, checkSubmit } from '../validate.js'
import { PLAYGROUND_HTML } from './playground-html.js'

export function gateRoutes(app: Hono<GatewayEnv>, d: RouteDeps): void {
  app.post('/v1/gate/decide', async (c) => c.json(gateDecideOp(d.service, c.get('principal'), await readBodyText(c))))

  // Stores nothing: which operations of a tool are denied whatever their params (the MCP relay hides them).
  app.post('/v1/gate/operations', async (c) => {
    const p = c.get('principal')
    requirePermission(p, 'decide')
    const body = checkGateOperations(await readJsonBody(c))
    return c.json({ denied: d.service.deniedOperations(p, body) })
  })

  app.get('/playground', (c) => c.html(PLAYGROUND_HTML))

  app.post('/playground/eval', async (c) => {
    requirePermission(c.get('principal'), 'read')
    const body = checkSubmit(await readJsonBody(c))
    const r = d.service.decideRequest(c.get('principal'), body, '/playground/eval')
    return c.json({
      status: STATUS_BY_DECISION[r.decision],
      decision: r.decision,
      reason: r.reason,
      risk_level: r.risk_level,
      agent_id: r.agent_id,
      tool: r.tool,
      operation: r.operation,
      reason_code: r.reason_code,
      risk_rule: r.risk_rule,
      rule_index: r.rule_index,
    })
  })
}
