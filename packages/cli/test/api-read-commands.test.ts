// The read-only API commands (list, get with prefix matching, explain, events), run as the built binary against
// a real gateway (in-process, temp SQLite file), asserting human and --json output.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Action, ActionEvent } from '@faramesh/policy-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cli, json, startTestGateway, submitOneOfEach, type TestGateway } from './helpers.js'

let gw: TestGateway
let pending: Action
let allowed: Action
let denied: Action
const run = (args: string[], env: Record<string, string> = {}) => cli(args, { env: { ...gw.env, ...env } })
const ESC = '\u001b['

beforeAll(async () => {
  gw = await startTestGateway()
  ;({ pending, allowed, denied } = await submitOneOfEach(gw))
})

afterAll(async () => {
  await gw?.close()
})

describe('list', () => {
  it('prints the seed columns with 8-character ids, newest first', async () => {
    const r = await run(['list'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/│ ID\s+│ Status\s+│ Risk\s+│ Tool\s+│ Operation\s+│ Params\s+│ Created\s+│/)
    expect(r.stdout).toContain(pending.id.slice(0, 8))
    expect(r.stdout).not.toContain(pending.id)
    expect(r.stdout).toContain('{"cmd": "ls -la"}')
    expect(r.stdout.indexOf(denied.id.slice(0, 8))).toBeLessThan(r.stdout.indexOf(pending.id.slice(0, 8)))
    expect(r.stdout).not.toContain(ESC) // not a terminal: no colour
  })

  it('filters by risk level on the gateway', async () => {
    const high = json<Action[]>(await run(['list', '--risk', 'high', '--json']))
    expect(high.map((a) => a.id)).toEqual([denied.id])
  })

  it('shows full ids with --full and filters by status', async () => {
    const r = await run(['list', '--full', '--status', 'pending_approval'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(pending.id)
    expect(r.stdout).not.toContain(allowed.id)
  })

  it('prints stable JSON (sorted keys) with --json, also when the flag comes first', async () => {
    const r = await run(['--json', 'list', '--limit', '2'])
    expect(r.code).toBe(0)
    const list = json<Action[]>(r)
    expect(list.map((a) => a.id)).toEqual([denied.id, allowed.id])
    const keys = Object.keys(list[0] as object)
    expect(keys).toEqual([...keys].sort())
    expect((await run(['--json', 'list', '--limit', '2'])).stdout).toBe(r.stdout)
  })

  it('colours status and risk for FORCE_COLOR, never with NO_COLOR or --no-color', async () => {
    expect((await run(['list'], { FORCE_COLOR: '1' })).stdout).toContain(`${ESC}33mpending_approval`)
    expect((await run(['list'], { FORCE_COLOR: '1', NO_COLOR: '1' })).stdout).not.toContain(ESC)
    expect((await run(['list', '--no-color'], { FORCE_COLOR: '1' })).stdout).not.toContain(ESC)
  })
})

describe('get and prefix matching', () => {
  it('finds an action by an 8-character prefix and by its full id', async () => {
    const byPrefix = await run(['get', pending.id.slice(0, 8)])
    expect(byPrefix.code).toBe(0)
    expect(byPrefix.stdout).toContain(`Action ${pending.id}`)
    expect(byPrefix.stdout).toMatch(/Status:\s+pending_approval/)
    expect(byPrefix.stdout).toMatch(/Reason:\s+Shell commands require approval/)
    const full = json<Action>(await run(['get', pending.id, '--json']))
    expect(full.id).toBe(pending.id)
    expect(full.request_hash).toBe(pending.request_hash)
  })

  it('lists every match of an ambiguous prefix and exits 4', async () => {
    // 17 ids over 16 hex digits: at least two share their first character.
    const all: Action[] = [pending, allowed, denied]
    for (let i = 0; i < 14; i++) all.push(await gw.submit({ tool: 'http', operation: 'get', params: { i } }))
    const byFirst = new Map<string, string[]>()
    for (const a of all) byFirst.set(a.id[0] as string, [...(byFirst.get(a.id[0] as string) ?? []), a.id])
    const [prefix, ids] = [...byFirst].find(([, v]) => v.length > 1) as [string, string[]]
    const r = await run(['get', prefix])
    expect(r.code).toBe(4)
    expect(r.stderr).toContain(`Prefix "${prefix}" matches ${ids.length} actions`)
    for (const id of ids) expect(r.stderr).toContain(id)
    const j = await run(['get', prefix, '--json'])
    expect(j.code).toBe(4)
    const err = json<{ error: { code: string; exit_code: number; details: { matches: Array<{ id: string }> } } }>(j).error
    expect(err.code).toBe('AMBIGUOUS_ID')
    expect(err.exit_code).toBe(4)
    expect(err.details.matches.map((m) => m.id).sort()).toEqual([...ids].sort())
  })

  it('exits 3 for an unknown id and 2 for text that cannot be an id', async () => {
    const missing = await run(['get', 'ffffffff-ffff-4fff-8fff-ffffffffffff'])
    expect(missing.code).toBe(3)
    expect(missing.stderr).toMatch(/^Error: Action not found/m)
    const bad = await run(['get', 'not-an-id'])
    expect(bad.code).toBe(2)
    expect(bad.stderr.trim().split('\n')).toHaveLength(1)
  })

  it('exits 8 with a hint when no gateway listens', async () => {
    const r = await cli(['list'], { env: { FARAMESH_PORT: '1' } })
    expect(r.code).toBe(8)
    expect(r.stderr).toContain('faramesh serve')
  })
})

describe('explain, events, logs', () => {
  it('explains a decision with the rule trace', async () => {
    const r = await run(['explain', pending.id.slice(0, 8)])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(`Action Explanation: ${pending.id.slice(0, 8)}`)
    expect(r.stdout).toContain('Decision: require_approval')
    expect(r.stdout).toContain(`Policy File: ${gw.policyPath}`)
    expect(r.stdout).toMatch(/✗ rules\[0\] Block destructive commands — .*pattern/)
    expect(r.stdout).toMatch(/✗ rules\[1\] Allow HTTP GET requests — tool is "shell", not "http"/)
    expect(r.stdout).toMatch(/✓ rules\[2\] Shell commands require approval — matched/)
    const j = json<{ trace: Array<{ rule_index: number; matched: boolean }>; policy_changed: boolean }>(await run(['explain', pending.id, '--json']))
    expect(j.trace.map((t) => [t.rule_index, t.matched])).toEqual([[0, false], [1, false], [2, true]])
    expect(j.policy_changed).toBe(false)
  })

  it('warns when the trace uses a policy other than the one that decided', async () => {
    const other = join(gw.dir, 'other.yaml')
    writeFileSync(other, 'rules:\n  - match: { tool: shell }\n    deny: true\n    description: No shell\n')
    const r = await run(['explain', pending.id, '--policy', other])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('✓ rules[0] No shell — matched')
    expect(r.stdout).toMatch(/! The policy changed since this decision \(decided under [0-9a-f]{12}, trace uses [0-9a-f]{12}\)\./)
    expect(json<{ policy_changed: boolean }>(await run(['explain', pending.id, '--policy', other, '--json'])).policy_changed).toBe(true)
  })

  it('shows the event timeline with chain sequence numbers', async () => {
    const r = await run(['events', allowed.id.slice(0, 10)])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(`Event Timeline - ${allowed.id.slice(0, 8)}`)
    expect(r.stdout).toMatch(/│ created\s+│/)
    expect(r.stdout).toMatch(/│ decision_made\s+│ \{"decision": "allow"/)
    const events = json<ActionEvent[]>(await run(['events', allowed.id, '--json']))
    expect(events.map((e) => e.event_type)).toEqual(['created', 'decision_made'])
    expect(events[1]!.seq).toBe(events[0]!.seq + 1)
  })
})
