// The two hot operations, shared by the Hono routes and the node fast lane so both answer identically: body text
// in, answer out (permission → strict JSON → schema → decide/submit).
import type { Action, GateDecision } from '@faramesh/policy-core'
import type { ActionsService } from './actions-service.js'
import { toApiAction } from './action-view.js'
import { requirePermission, seesApprovalTokens, type Principal } from './auth.js'
import { jsonOfText } from './body.js'
import { checkSubmit } from './validate.js'

export function gateDecideOp(service: ActionsService, p: Principal, text: string): GateDecision {
  requirePermission(p, 'decide')
  return service.decideRequest(checkSubmit(jsonOfText(text)), '/v1/gate/decide')
}

export async function submitOp(service: ActionsService, p: Principal, text: string): Promise<Action> {
  requirePermission(p, 'submit')
  const { action, token } = await service.submit(p, checkSubmit(jsonOfText(text)))
  return toApiAction(action, { approvalToken: seesApprovalTokens(p) ? token : null })
}
