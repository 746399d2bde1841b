// Approval, start and result: the state changes after the decision (CONTRACT.md § Actions, § Approvals).
import type { Hono } from 'hono'
import { requirePermission } from '../auth.js'
import { toApiAction } from '../action-view.js'
import type { GatewayEnv, RouteDeps } from '../app-env.js'
import { readJsonBody } from '../body.js'
import { checkApproval, checkResult, checkStart, checkWithdraw } from '../validate.js'

export function lifecycleRoutes(app: Hono<GatewayEnv>, d: RouteDeps): void {
  app.post('/v1/actions/:id/approval', async (c) => {
    const p = c.get('principal')
    requirePermission(p, 'approve')
    const body = checkApproval(await readJsonBody(c))
    return c.json(toApiAction(await d.service.approve(p, c.req.param('id'), body)))
  })

  // An agent on its own held action, or an admin: never an approver (withdrawing is not denying).
  app.post('/v1/actions/:id/withdraw', async (c) => {
    const p = c.get('principal')
    requirePermission(p, 'submit')
    const raw = await readJsonBody(c, { optional: true })
    const body = raw === undefined ? {} : checkWithdraw(raw)
    return c.json(toApiAction(await d.service.withdraw(p, c.req.param('id'), body.detail ?? 'withdrawn by its submitter')))
  })

  app.post('/v1/actions/:id/start', async (c) => {
    const p = c.get('principal')
    requirePermission(p, 'execute')
    const raw = await readJsonBody(c, { optional: true })
    const body = raw === undefined ? undefined : checkStart(raw)
    return c.json(toApiAction(await d.service.start(p, c.req.param('id'), body)))
  })

  app.post('/v1/actions/:id/result', async (c) => {
    const p = c.get('principal')
    requirePermission(p, 'execute')
    const body = checkResult(await readJsonBody(c))
    return c.json(toApiAction(await d.service.report(p, c.req.param('id'), body)))
  })
}
