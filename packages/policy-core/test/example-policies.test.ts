// Every policy shipped in policies/ loads and decides the seed's scenarios as documented.
import { readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { evaluate } from '../src/evaluate.js'
import { loadPolicyFile } from '../src/node/load.js'

const dir = new URL('../../../policies/', import.meta.url).pathname
const load = (name: string) => loadPolicyFile(dir + name).policy
const req = (tool: string, operation: string, params: Record<string, unknown> = {}) => ({ agent_id: 'demo', tool, operation, params, context: {} })

describe('policies/', () => {
  it.each(readdirSync(dir).filter((f) => f.endsWith('.yaml') && !f.startsWith('profile')))('%s loads', (f) => {
    expect(load(f).rules.length).toBeGreaterThan(0)
  })

  it('default.yaml: http get allowed, shell needs approval, destructive shell denied, big refunds need approval', () => {
    const p = load('default.yaml')
    expect(evaluate(p, req('http', 'get', { url: 'https://example.com' }))).toMatchObject({ decision: 'allow', risk: 'low' })
    expect(evaluate(p, req('http', 'post'))).toMatchObject({ decision: 'deny', reason: 'Default deny rule' })
    expect(evaluate(p, req('shell', 'run', { cmd: 'ls -la' }))).toMatchObject({ decision: 'require_approval', reason: 'Shell commands require approval' })
    expect(evaluate(p, req('shell', 'run', { cmd: 'rm -rf /tmp/x' }))).toMatchObject({ decision: 'deny', reason: 'Block destructive commands', risk: 'high' })
    expect(evaluate(p, req('shell', 'run', { cmd: 'sudo shutdown -h now' })).decision).toBe('deny')
    expect(evaluate(p, req('stripe', 'refund', { amount: 1500 }))).toMatchObject({ decision: 'require_approval', reason: 'Large refunds require approval' })
    expect(evaluate(p, req('stripe', 'refund', { amount: '1500' })).decision).toBe('require_approval')
    expect(evaluate(p, req('stripe', 'refund', { amount: 1000 })).decision).toBe('allow')
    expect(evaluate(p, req('stripe', 'charge', { amount: 5 })).decision).toBe('deny')
    expect(p.riskRules.map((r) => r.name)).toEqual(['dangerous_commands', 'large_payments'])
  })

  it('destructive-shell.yaml denies destructive commands and everything else by default', () => {
    const p = load('destructive-shell.yaml')
    expect(evaluate(p, req('shell', 'run', { cmd: 'mkfs.ext4 /dev/sda' }))).toMatchObject({ decision: 'deny', rule_index: 0 })
    expect(evaluate(p, req('shell', 'run', { cmd: 'ls' }))).toMatchObject({ decision: 'deny', rule_index: 1, reason: 'Denied by policy rule' })
  })

  it('large-refunds.yaml: approval above 1000, other stripe calls allowed', () => {
    const p = load('large-refunds.yaml')
    expect(evaluate(p, req('stripe', 'refund', { amount: 1000.01 })).decision).toBe('require_approval')
    expect(evaluate(p, req('stripe', 'refund', { amount: 10 })).decision).toBe('allow')
    expect(evaluate(p, req('stripe', 'refund'))).toMatchObject({ decision: 'allow', rule_index: 1 })
    expect(evaluate(p, req('github', 'push')).decision).toBe('deny')
  })

  it('risk-scoring.yaml and basic.yaml decide like the seed describes', () => {
    const p = load('risk-scoring.yaml')
    expect(evaluate(p, req('http', 'post')).decision).toBe('allow')
    expect(evaluate(p, req('shell', 'run')).decision).toBe('require_approval')
    const b = load('basic.yaml')
    expect(evaluate(b, req('http', 'get'))).toMatchObject({ decision: 'allow', reason: 'Allow HTTP GET requests' })
    expect(evaluate(b, req('http', 'delete'))).toMatchObject({ decision: 'deny', reason: 'Default deny rule', risk: 'high' })
  })
})
