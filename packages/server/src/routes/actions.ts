// Submit, list, get and the event timeline of actions (CONTRACT.md § Endpoints).
import type { Hono } from 'hono'
import type { ListFilter } from '@faramesh/ledger'
import { requirePermission, can } from '../auth.js'
import { toApiAction } from '../action-view.js'
import type { GatewayEnv, RouteDeps } from '../app-env.js'
import { readBodyText } from '../body.js'
import { submitOp } from '../submit-ops.js'
import { checkListQuery } from '../validate.js'

const JSON_TYPE = { 'Content-Type': 'application/json' }

export function actionRoutes(app: Hono<GatewayEnv>, d: RouteDeps): void {
  app.post('/v1/actions', async (c) =>
    c.body(await submitOp(d.service, c.get('principal'), await readBodyText(c), c.req.header('idempotency-key')), 200, JSON_TYPE),
  )

  app.get('/v1/actions', async (c) => {
    const p = c.get('principal')
    requirePermission(p, 'read')
    const q = checkListQuery(c.req.query())
    const filter: ListFilter = { limit: q.limit, offset: q.offset }
    if (q.status) filter.status = q.status
    if (q.tool) filter.tool = q.tool
    if (q.agent_id) filter.agent_id = q.agent_id
    if (q.risk_level) filter.risk_level = q.risk_level
    if (q.q) filter.q = q.q
    if (q.cursor) filter.cursor = q.cursor
    // Without read_all a principal sees only what it submitted, for its own agent (as assertOwn): filtered in the
    // ledger (indexed), so paging, cursors and the total count hold however many other actions there are.
    if (!can(p, 'read_all')) {
      filter.submitted_by = p.name
      if (p.agentId !== null) {
        // Another agent's filter matches none of this token's actions.
        if (filter.agent_id !== undefined && filter.agent_id !== p.agentId) {
          c.header('X-Total-Count', '0')
          return c.json([])
        }
        filter.agent_id = p.agentId
      }
    }
    const { limit: _l, offset: _o, cursor: _c, ...countFilter } = filter
    const [page, total] = await Promise.all([d.ledger.listActions(filter), d.ledger.countActions(countFilter)])
    c.header('X-Total-Count', String(total))
    if (page.next_cursor) c.header('X-Next-Cursor', page.next_cursor)
    return c.json(page.items.map((a) => toApiAction(a, { examples: false })))
  })

  app.get('/v1/actions/:id', async (c) => {
    const p = c.get('principal')
    requirePermission(p, 'read')
    const rec = await d.service.load(c.req.param('id'))
    d.service.assertOwn(p, rec)
    // The original CLI approves by reading the token here (CONTRACT.md § Approvals): approvers and admins see it.
    return c.json(toApiAction(rec, { approvalToken: d.service.approvalTokenFor(p, rec) }))
  })

  app.get('/v1/actions/:id/events', async (c) => {
    const p = c.get('principal')
    requirePermission(p, 'read')
    const rec = await d.service.load(c.req.param('id'))
    d.service.assertOwn(p, rec)
    return c.json(await d.ledger.getEvents(rec.id))
  })
}
