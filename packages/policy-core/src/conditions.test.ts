// Each match key: matches, does not match, missing value, wrong type, nested lookups.
import { describe, expect, it } from 'vitest'
import { evaluate } from './evaluate.js'
import { policyFromObject } from './parse-policy.js'

const req = (params: unknown = {}, extra: Record<string, unknown> = {}) => ({
  agent_id: 'agent-1',
  tool: 'stripe',
  operation: 'refund',
  params,
  context: {},
  ...extra,
})

/** True when a single `allow` rule with this match applies to the request. */
function hits(match: Record<string, unknown>, request: unknown): boolean {
  const policy = policyFromObject({ rules: [{ match, allow: true }] })
  return evaluate(policy, request).decision === 'allow'
}

describe('tool, op/operation, agent_id', () => {
  it('match exactly or with *', () => {
    expect(hits({ tool: 'stripe' }, req())).toBe(true)
    expect(hits({ tool: 'Stripe' }, req())).toBe(false)
    expect(hits({ tool: '*' }, req())).toBe(true)
    expect(hits({ op: 'refund' }, req())).toBe(true)
    expect(hits({ operation: 'refund' }, req())).toBe(true)
    expect(hits({ op: 'charge' }, req())).toBe(false)
    expect(hits({ operation: 'charge' }, req())).toBe(false)
    expect(hits({ op: '*' }, req())).toBe(true)
    expect(hits({ agent_id: 'agent-1' }, req())).toBe(true)
    expect(hits({ agent_id: 'agent-2' }, req())).toBe(false)
    expect(hits({ agent_id: '*' }, req())).toBe(true)
  })

  it('treat a glob-looking value literally (only a bare * is a wildcard)', () => {
    expect(hits({ tool: 'str*' }, req())).toBe(false)
    expect(hits({ tool: 'str*' }, req({}, { tool: 'str*' }))).toBe(true)
  })

  it('do not match missing or non-string request fields', () => {
    expect(hits({ tool: 'stripe' }, { agent_id: 'a', operation: 'refund' })).toBe(false)
    expect(hits({ tool: '1' }, req({}, { tool: 1 }))).toBe(false)
    expect(hits({ op: 'refund' }, req({}, { operation: ['refund'] }))).toBe(false)
    expect(hits({ tool: '*' }, req({}, { tool: 1 }))).toBe(true)
  })
})

describe('contains and pattern', () => {
  it('search the canonical JSON of params', () => {
    expect(hits({ contains: 'rm -rf' }, req({ cmd: 'sudo rm -rf /' }))).toBe(true)
    expect(hits({ contains: '"cmd":"ls"' }, req({ cmd: 'ls' }))).toBe(true)
    expect(hits({ contains: '"cmd": "ls"' }, req({ cmd: 'ls' }))).toBe(false)
    expect(hits({ contains: 'nope' }, req({ cmd: 'ls' }))).toBe(false)
    expect(hits({ pattern: 'rm\\s+-rf' }, req({ cmd: 'rm   -rf /' }))).toBe(true)
    expect(hits({ pattern: '^\\{"amount":15' }, req({ amount: 1500.0 }))).toBe(true)
    expect(hits({ pattern: 'shutdown|reboot' }, req({ cmd: 'reboot now' }))).toBe(true)
    expect(hits({ pattern: 'shutdown|reboot' }, req({ cmd: 'ls' }))).toBe(false)
  })

  it('see nested values and keys, and an empty params object', () => {
    expect(hits({ contains: 'secret' }, req({ a: { b: ['x', { secret: 1 }] } }))).toBe(true)
    expect(hits({ contains: '{}' }, req(undefined))).toBe(true)
    expect(hits({ pattern: '^\\{\\}$' }, { agent_id: 'a', tool: 't', operation: 'o' })).toBe(true)
  })

  it('fail closed when params are not JSON (a deny with INTERNAL_ERROR, never an allow)', () => {
    const policy = policyFromObject({ rules: [{ match: { contains: 'x' }, deny: true }, { match: { tool: '*' }, allow: true }] })
    const d = evaluate(policy, req({ n: NaN }))
    expect(d).toMatchObject({ decision: 'deny', reason_code: 'INTERNAL_ERROR', rule_index: null })
  })
})

describe('amount_gt, amount_gte, amount_lt, amount_lte', () => {
  it('compare numbers', () => {
    expect(hits({ amount_gt: 1000 }, req({ amount: 1500 }))).toBe(true)
    expect(hits({ amount_gt: 1000 }, req({ amount: 1000 }))).toBe(false)
    expect(hits({ amount_gte: 1000 }, req({ amount: 1000 }))).toBe(true)
    expect(hits({ amount_lt: 1000 }, req({ amount: 999.99 }))).toBe(true)
    expect(hits({ amount_lt: 1000 }, req({ amount: 1000 }))).toBe(false)
    expect(hits({ amount_lte: 1000 }, req({ amount: 1000 }))).toBe(true)
    expect(hits({ amount_gt: 0, amount_lt: 10 }, req({ amount: 5 }))).toBe(true)
    expect(hits({ amount_gt: 0, amount_lt: 10 }, req({ amount: 50 }))).toBe(false)
  })

  it('count numeric strings as numbers, so quoting cannot dodge a limit', () => {
    expect(hits({ amount_gt: 1000 }, req({ amount: '1500' }))).toBe(true)
    expect(hits({ amount_gt: 1000 }, req({ amount: ' 1.5e3 ' }))).toBe(true)
    expect(hits({ amount_lt: 1000 }, req({ amount: '1500' }))).toBe(false)
  })

  it('match none of the keys when the amount is missing or not numeric', () => {
    for (const key of ['amount_gt', 'amount_gte', 'amount_lt', 'amount_lte']) {
      expect(hits({ [key]: 0 }, req({}))).toBe(false)
      expect(hits({ [key]: 0 }, req({ amount: null }))).toBe(false)
      expect(hits({ [key]: 0 }, req({ amount: 'lots' }))).toBe(false)
      expect(hits({ [key]: 0 }, req({ amount: [5] }))).toBe(false)
      expect(hits({ [key]: 0 }, req({ amount: true }))).toBe(false)
      expect(hits({ [key]: 0 }, req({ amount: '' }))).toBe(false)
    }
  })

  it('fall back to context.amount when params has none', () => {
    expect(hits({ amount_gt: 1000 }, req({}, { context: { amount: 5000 } }))).toBe(true)
    expect(hits({ amount_gt: 1000 }, req({ amount: 10 }, { context: { amount: 5000 } }))).toBe(false)
  })
})

describe('path_contains, path_starts_with, path_ends_with', () => {
  it('test the string at path', () => {
    expect(hits({ path_contains: '/etc/' }, req({ path: '/etc/passwd' }))).toBe(true)
    expect(hits({ path_starts_with: '/tmp/' }, req({ path: '/tmp/x' }))).toBe(true)
    expect(hits({ path_starts_with: '/tmp/' }, req({ path: '/var/tmp/x' }))).toBe(false)
    expect(hits({ path_ends_with: '.env' }, req({ path: 'app/.env' }))).toBe(true)
    expect(hits({ path_ends_with: '.env' }, req({ path: 'app/.env.example' }))).toBe(false)
  })

  it('do not match a missing path or one that is not a string', () => {
    expect(hits({ path_contains: 'etc' }, req({}))).toBe(false)
    expect(hits({ path_contains: 'etc' }, req({ path: ['/etc'] }))).toBe(false)
    expect(hits({ path_starts_with: '1' }, req({ path: 123 }))).toBe(false)
  })

  it('read context.path when params has none', () => {
    expect(hits({ path_starts_with: '/srv' }, req({}, { context: { path: '/srv/a' } }))).toBe(true)
  })
})

describe('method and branch', () => {
  it('compare method case-insensitively and branch exactly', () => {
    expect(hits({ method: 'GET' }, req({ method: 'get' }))).toBe(true)
    expect(hits({ method: 'get' }, req({ method: 'Get' }))).toBe(true)
    expect(hits({ method: 'GET' }, req({ method: 'POST' }))).toBe(false)
    expect(hits({ branch: 'main' }, req({ branch: 'main' }))).toBe(true)
    expect(hits({ branch: 'main' }, req({ branch: 'Main' }))).toBe(false)
  })

  it('do not match missing or non-string values', () => {
    expect(hits({ method: 'GET' }, req({}))).toBe(false)
    expect(hits({ method: 'GET' }, req({ method: ['GET'] }))).toBe(false)
    expect(hits({ branch: '1' }, req({ branch: 1 }))).toBe(false)
  })
})

describe('field + value', () => {
  it('compares with JSON equality', () => {
    expect(hits({ field: 'env', value: 'prod' }, req({ env: 'prod' }))).toBe(true)
    expect(hits({ field: 'env', value: 'prod' }, req({ env: 'dev' }))).toBe(false)
    expect(hits({ field: 'n', value: 1 }, req({ n: 1.0 }))).toBe(true)
    expect(hits({ field: 'n', value: 1 }, req({ n: '1' }))).toBe(false)
    expect(hits({ field: 'tags', value: ['a', 'b'] }, req({ tags: ['a', 'b'] }))).toBe(true)
    expect(hits({ field: 'tags', value: ['a', 'b'] }, req({ tags: ['b', 'a'] }))).toBe(false)
    expect(hits({ field: 'o', value: { x: 1, y: [2] } }, req({ o: { y: [2], x: 1 } }))).toBe(true)
    expect(hits({ field: 'flag', value: false }, req({ flag: false }))).toBe(true)
    expect(hits({ field: 'flag', value: false }, req({ flag: 0 }))).toBe(false)
  })

  it('follows dotted paths inside params, after params[name] and context[name]', () => {
    expect(hits({ field: 'user.id', value: 7 }, req({ user: { id: 7 } }))).toBe(true)
    expect(hits({ field: 'user.id', value: 7 }, req({ user: { id: 8 } }))).toBe(false)
    expect(hits({ field: 'user.id', value: 7 }, req({ 'user.id': 7, user: { id: 8 } }))).toBe(true)
    expect(hits({ field: 'user.id', value: 7 }, req({ user: { id: 8 } }, { context: { 'user.id': 7 } }))).toBe(true)
    expect(hits({ field: 'a.b.c', value: 'x' }, req({ a: { b: { c: 'x' } } }))).toBe(true)
    expect(hits({ field: 'items.1', value: 'y' }, req({ items: ['x', 'y'] }))).toBe(true)
    expect(hits({ field: 'a.b', value: 'x' }, req({ a: 'not an object' }))).toBe(false)
  })

  it('does not find inherited properties or a missing field', () => {
    expect(hits({ field: 'constructor', value: null }, req({}))).toBe(false)
    expect(hits({ field: 'toString.name', value: 'toString' }, req({}))).toBe(false)
    expect(hits({ field: 'missing', value: null }, req({}))).toBe(false)
    expect(hits({ field: 'x', value: null }, req({ x: null }))).toBe(true)
    expect(hits({ field: 'x', value: null }, req({ x: null }, { context: { x: 1 } }))).toBe(false)
  })

  it('reads the value from context', () => {
    expect(hits({ field: 'env', value: 'prod' }, req({}, { context: { env: 'prod' } }))).toBe(true)
  })
})
