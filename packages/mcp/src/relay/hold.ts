// What the client sees while a call waits for a person: progress ticks (only if it sent a progressToken; they keep a
// client with resetTimeoutOnProgress alive) and, where the client supports URL elicitation and a public URL is known,
// one informational elicitation pointing at the action in the dashboard. Its answer is ignored: nothing on the MCP
// channel can approve.
import type { Action } from '@faramesh/policy-core'
import { elicitMessage, holdMessage } from '../gate/answers.js'
import type { Pending, RelayContext } from './context.js'
import { canElicitUrl } from './initialize.js'

export interface Hold {
  stop(): void
}

export function startHold(ctx: RelayContext, p: Pending, action: Action, operation: string): Hold {
  const line = p.call!.line
  let timer: ReturnType<typeof setInterval> | undefined
  const token = p.progressToken
  if (token !== undefined) {
    const tick = () =>
      void ctx.down({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: token, progress: line.tick(), message: holdMessage(action.id) } }, p.id)
    tick()
    timer = setInterval(tick, ctx.o.progressIntervalMs ?? 5000)
    timer.unref?.()
  }
  let elicited = false
  const base = ctx.o.publicUrl?.replace(/\/+$/, '')
  if (base && canElicitUrl(ctx.session)) {
    elicited = true
    const params = {
      mode: 'url',
      elicitationId: action.id,
      url: `${base}/?action=${encodeURIComponent(action.id)}`,
      message: elicitMessage({ server: ctx.o.server.name, operation, actionId: action.id }),
    }
    ctx.requestDown('elicitation/create', params, p.id, (answer) => {
      const what = (answer as { result?: { action?: unknown } })?.result?.action
      ctx.log(`URL elicitation for action ${action.id} answered ${typeof what === 'string' ? what : 'with an error'}: ignored, it cannot approve`)
    })
  }
  return {
    stop() {
      clearInterval(timer)
      if (elicited) void ctx.down({ jsonrpc: '2.0', method: 'notifications/elicitation/complete', params: { elicitationId: action.id } }, p.id)
    },
  }
}
