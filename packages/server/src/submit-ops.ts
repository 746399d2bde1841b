// The two hot operations, shared by the Hono routes and the node fast lane so both answer identically: body text
// in, answer out (permission → strict JSON → schema → decide/submit).
import type { GateDecision } from '@faramesh/policy-core'
import type { ActionsService } from './actions-service.js'
import { renderApiAction } from './action-view.js'
import { requirePermission, seesApprovalTokens, type Principal } from './auth.js'
import { jsonOfText } from './body.js'
import { ApiError } from './errors.js'
import { checkSubmit } from './validate.js'

export function gateDecideOp(service: ActionsService, p: Principal, text: string): GateDecision {
  requirePermission(p, 'decide')
  return service.decideRequest(p, checkSubmit(jsonOfText(text)), '/v1/gate/decide')
}

export const IDEMPOTENCY_HEADER = 'Idempotency-Key'
const KEY_SHAPE = /^[\x21-\x7e]{1,255}$/

/** The header's value as both paths read it (absent → undefined); anything but 1..255 visible ASCII is a 422. */
export function checkIdempotencyKey(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'string' || !KEY_SHAPE.test(value)) {
    throw new ApiError('VALIDATION', `${IDEMPOTENCY_HEADER} header must be 1 to 255 visible ASCII characters`)
  }
  return value
}

/**
 * The submit answer as JSON text, rendered while the action's write commits (see ActionsService.submit). Not an
 * async function: bad input throws synchronously (both callers await it inside their error handling), and the
 * submit's own promise is handed back as is, without another wrapping promise to settle.
 */
export function submitOp(service: ActionsService, p: Principal, text: string, idempotencyKey?: string | string[]): Promise<string> {
  requirePermission(p, 'submit')
  const key = checkIdempotencyKey(idempotencyKey)
  const showToken = seesApprovalTokens(p)
  return service.submit(p, checkSubmit(jsonOfText(text)), key, (action, token) =>
    renderApiAction(action, { approvalToken: showToken ? token : null }),
  )
}
