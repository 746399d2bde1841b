import type { Action } from '@faramesh/policy-core'
import { describe, expect, it } from 'vitest'
import { apiQuery, EMPTY_FILTERS, matchesFilters, pageCount, parseFilters, writeFilters } from './filters.js'

const action = (over: Partial<Action> = {}): Action => ({
  id: '3f1c2d9e-0000-4000-8000-000000000001',
  agent_id: 'agent-a',
  tool: 'shell',
  operation: 'run',
  params: {},
  context: {},
  status: 'pending_approval',
  decision: 'require_approval',
  reason: null,
  risk_level: 'high',
  approval_token: null,
  policy_version: null,
  created_at: '2026-11-25T09:00:00.000Z',
  updated_at: '2026-11-25T09:00:00.000Z',
  ...over,
})

describe('filters in the URL', () => {
  it('round-trips every filter through the query string', () => {
    const f = { q: 'rm -rf', status: 'denied', agent_id: 'a b', tool: 'http', risk_level: 'medium', page: 3, size: 50 } as const
    const qs = writeFilters(f).toString()
    expect(parseFilters(new URLSearchParams(qs))).toEqual(f)
  })

  it('leaves defaults out of the URL, so an unfiltered view has a clean address', () => {
    expect(writeFilters(EMPTY_FILTERS).toString()).toBe('')
  })

  it('keeps unrelated keys such as the open drawer', () => {
    const params = writeFilters({ ...EMPTY_FILTERS, tool: 'shell' }, new URLSearchParams('action=abc&tool=x&page=4'))
    expect(params.get('action')).toBe('abc')
    expect(params.get('tool')).toBe('shell')
    expect(params.has('page')).toBe(false)
  })

  it('falls back to defaults for malformed or hostile values instead of failing', () => {
    const f = parseFilters(new URLSearchParams('status=exploded&risk_level=HIGH&page=-2&size=7&q=' + 'x'.repeat(500)))
    expect(f.status).toBeNull()
    expect(f.risk_level).toBeNull()
    expect(f.page).toBe(1)
    expect(f.size).toBe(25)
    expect(f.q).toHaveLength(200)
    expect(parseFilters(new URLSearchParams('page=1e3')).page).toBe(1)
  })

  it('turns page and size into the API offset and limit, with the other filters', () => {
    const q = apiQuery({ ...EMPTY_FILTERS, page: 3, size: 50, status: 'allowed', q: 'ls', risk_level: 'low' })
    expect(Object.fromEntries(q)).toEqual({ limit: '50', offset: '100', status: 'allowed', q: 'ls', risk_level: 'low' })
  })

  it('counts pages, never fewer than one', () => {
    expect(pageCount(0, 25)).toBe(1)
    expect(pageCount(10_000, 25)).toBe(400)
    expect(pageCount(10_001, 25)).toBe(401)
  })
})

describe('matchesFilters', () => {
  it('applies status, agent, tool and risk exactly', () => {
    expect(matchesFilters(action(), { ...EMPTY_FILTERS, status: 'pending_approval', risk_level: 'high' })).toBe(true)
    expect(matchesFilters(action(), { ...EMPTY_FILTERS, status: 'denied' })).toBe(false)
    expect(matchesFilters(action(), { ...EMPTY_FILTERS, agent_id: 'agent' })).toBe(false)
    expect(matchesFilters(action(), { ...EMPTY_FILTERS, tool: 'http' })).toBe(false)
    expect(matchesFilters(action({ risk_level: null }), { ...EMPTY_FILTERS, risk_level: 'low' })).toBe(false)
  })

  it('searches id, tool and operation case-insensitively, as the gateway does', () => {
    expect(matchesFilters(action(), { ...EMPTY_FILTERS, q: 'SHE' })).toBe(true)
    expect(matchesFilters(action(), { ...EMPTY_FILTERS, q: '3f1c2d' })).toBe(true)
    expect(matchesFilters(action(), { ...EMPTY_FILTERS, q: 'RUN' })).toBe(true)
    expect(matchesFilters(action(), { ...EMPTY_FILTERS, q: 'agent-a' })).toBe(false)
  })
})
