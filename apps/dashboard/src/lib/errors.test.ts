import { describe, expect, it } from 'vitest'
import { DashboardError, detailText, errorFromResponse } from './errors.js'
import { canDecide, canStream, parsePrincipal } from './roles.js'
import { nextThemeChoice, parseThemeChoice, resolveTheme } from './theme.js'

describe('errors', () => {
  it('maps statuses to codes and keeps the gateway detail as the message', () => {
    const e = errorFromResponse(409, 'Action is not in pending_approval status', '/v1/actions/x/approval')
    expect(e).toBeInstanceOf(DashboardError)
    expect([e.code, e.message, e.status, e.where]).toEqual([
      'CONFLICT',
      'Action is not in pending_approval status',
      409,
      '/v1/actions/x/approval',
    ])
    expect(errorFromResponse(401, null, '/').code).toBe('UNAUTHORIZED')
    expect(errorFromResponse(403, null, '/').message).toBe('This token is not allowed to do that')
    expect(errorFromResponse(503, null, '/').code).toBe('UNAVAILABLE')
    expect(errorFromResponse(500, null, '/').code).toBe('SERVER')
  })

  it('flattens validation details into one line', () => {
    expect(detailText([{ loc: ['body', 'approve'], msg: 'required' }, { msg: 'bad' }])).toBe('body.approve: required; bad')
    expect(detailText([])).toBeNull()
    expect(detailText(42)).toBeNull()
  })
})

describe('roles', () => {
  it('offers approve/deny only to approvers and admins', () => {
    expect(['agent', 'approver', 'auditor', 'admin'].map((r) => canDecide(r as never))).toEqual([false, true, false, true])
    expect(canStream('agent')).toBe(false)
    expect(canStream('auditor')).toBe(true)
  })

  it('accepts only a well-formed whoami answer', () => {
    expect(parsePrincipal({ name: 'ana', role: 'approver' })).toEqual({ name: 'ana', role: 'approver' })
    expect(parsePrincipal({ name: 'ana', role: 'root' })).toBeNull()
    expect(parsePrincipal('admin')).toBeNull()
  })
})

describe('theme', () => {
  it('follows the system until a choice is stored, and the toggle flips what is shown', () => {
    expect(resolveTheme(parseThemeChoice(null), true)).toBe('dark')
    expect(resolveTheme(parseThemeChoice('light'), true)).toBe('light')
    expect(parseThemeChoice('purple')).toBe('system')
    expect(nextThemeChoice('dark')).toBe('light')
    expect(nextThemeChoice('light')).toBe('dark')
  })
})
