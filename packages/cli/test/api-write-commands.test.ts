// The API commands that change or follow actions (approve/allow, deny, replay, curl, tail, replay-decision,
// verify-log, doctor), run as the built binary against a real gateway, asserting human and --json output.
import type { Action, ActionEvent } from '@faramesh/policy-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cli, exited, json, start, startTestGateway, submitOneOfEach, waitForOutput, type TestGateway } from './helpers.js'

let gw: TestGateway
let pending: Action
let allowed: Action
let denied: Action
const run = (args: string[], env: Record<string, string> = {}) => cli(args, { env: { ...gw.env, ...env } })

beforeAll(async () => {
  gw = await startTestGateway()
  ;({ pending, allowed, denied } = await submitOneOfEach(gw))
})

afterAll(async () => {
  await gw?.close()
})

describe('approve, deny, replay, logs', () => {
  it('approves with a reason, and the transitions show who and why', async () => {
    const r = await run(['approve', pending.id.slice(0, 8), '--reason', 'Looks safe'])
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(`✓ Approved ${pending.id.slice(0, 8)} (status: approved)\n`)
    const logs = await run(['logs', pending.id.slice(0, 8)])
    expect(logs.stdout).toMatch(/decision_made\s+pending_decision → pending_approval/)
    expect(logs.stdout).toMatch(/approved\s+pending_approval → approved.*Looks safe/)
    const j = json<{ status: string; transitions: Array<{ to: string; reason: string | null }> }>(await run(['logs', pending.id, '--json']))
    expect(j.status).toBe('approved')
    expect(j.transitions.at(-1)).toMatchObject({ to: 'approved', reason: 'Looks safe' })
  })

  it('refuses to approve twice with exit 6 (409 from the gateway)', async () => {
    const r = await run(['approve', pending.id])
    expect(r.code).toBe(6)
    expect(r.stderr).toBe(`Error: Action ${pending.id.slice(0, 8)} is not pending approval: its status is approved\n`)
  })

  it('accepts `allow` as an alias and `deny --reason`, with --json output', async () => {
    const a = await gw.submit({ tool: 'shell', operation: 'run', params: { cmd: 'whoami' } })
    const b = await gw.submit({ tool: 'shell', operation: 'run', params: { cmd: 'uptime' } })
    expect(json<Action>(await run(['allow', a.id.slice(0, 8), '--json'])).status).toBe('approved')
    const d = await run(['deny', b.id.slice(0, 8), '--reason', 'Not now'])
    expect(d.stdout).toBe(`✗ Denied ${b.id.slice(0, 8)} (status: denied)\n`)
    const c = await gw.submit({ tool: 'shell', operation: 'run', params: { cmd: 'df' } })
    expect(json<Action>(await run(['deny', c.id, '--json'])).status).toBe('denied')
    const events = json<ActionEvent[]>(await run(['events', b.id, '--json']))
    expect(events.at(-1)).toMatchObject({ event_type: 'denied', meta: expect.objectContaining({ reason: 'Not now' }) })
  })

  it('replays an action as a new one linked by context.replayed_from', async () => {
    const r = await run(['replay', denied.id.slice(0, 8)])
    expect(r.code).toBe(0)
    const newId = /as ([0-9a-f-]{36})/.exec(r.stdout)?.[1]
    expect(newId).toBeDefined()
    const copy = json<Action>(await run(['get', newId!, '--json']))
    expect(copy.context.replayed_from).toBe(denied.id)
    expect(copy.request_hash).not.toBe(denied.request_hash) // the context differs
    expect(copy.status).toBe('denied')
    expect(json<Action>(await run(['replay', allowed.id, '--json'])).status).toBe('allowed')
  })
})

describe('curl', () => {
  it('prints approve and deny commands for a pending action', async () => {
    const a = await gw.submit({ tool: 'shell', operation: 'run', params: { cmd: 'date' } })
    const r = await run(['curl', a.id.slice(0, 8)])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(`# Action: ${a.id}`)
    expect(r.stdout).toContain('# Status: pending_approval')
    expect(r.stdout).toContain(`curl -X POST ${gw.url}/v1/actions/${a.id}/approval`)
    expect(r.stdout).toContain('"approve": true}')
    const j = json<{ commands: Record<string, string> }>(await run(['curl', a.id, '--json']))
    expect(Object.keys(j.commands).sort()).toEqual(['approve', 'deny', 'events', 'get', 'submit'])
    expect(Object.keys(json<{ commands: object }>(await run(['curl', allowed.id, '--json'])).commands).sort()).toEqual(['events', 'get', 'submit'])
  })
})

describe('tail', () => {
  it('prints one line per action event, led by the event type, and stops after --count', async () => {
    const child = start(['tail', '--count', '3'], { env: gw.env })
    let out = ''
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()))
    await waitForOutput(child.stdout, /Streaming actions/)
    const a = await gw.submit({ tool: 'shell', operation: 'run', params: { cmd: 'echo hi' } })
    // Approve once the submit's two events are printed, so the three lines come in a known order.
    for (let i = 0; i < 200 && !out.includes('decision_made'); i++) await new Promise((r) => setTimeout(r, 25))
    expect((await run(['approve', a.id])).code).toBe(0)
    expect(await exited(child)).toBe(0)
    const lines = out.split('\n').filter((l) => l.startsWith('['))
    const id = a.id.slice(0, 8)
    const clock = '\\[\\d{2}:\\d{2}:\\d{2}\\]'
    // The frame carries the action as it is now: created and decision_made both show pending_approval.
    expect(lines).toHaveLength(3)
    expect(lines[0]).toMatch(new RegExp(`^${clock} created {7}${id} \\| shell {6}\\| run {8}\\| pending_approval$`))
    expect(lines[1]).toMatch(new RegExp(`^${clock} decision_made ${id} \\| shell {6}\\| run {8}\\| pending_approval$`))
    expect(lines[2]).toMatch(new RegExp(`^${clock} approved {6}${id} \\| shell {6}\\| run {8}\\| approved$`))
    expect(new Set(lines).size).toBe(3)
  }, 30_000)

  it('prints one JSON frame per line with --json', async () => {
    const child = start(['tail', '--json', '--count', '2'], { env: gw.env })
    let out = ''
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()))
    await waitForOutput(child.stderr, /Streaming actions/)
    const a = await gw.submit({ tool: 'http', operation: 'get', params: { url: 'https://tail.example' } })
    expect(await exited(child)).toBe(0)
    const frames = out.trim().split('\n').map((l) => JSON.parse(l) as { action_id: string; event_type: string })
    expect(frames.map((f) => [f.action_id, f.event_type])).toEqual([
      [a.id, 'created'],
      [a.id, 'decision_made'],
    ])
  }, 30_000)
})

describe('tail --action and doctor against a running gateway', () => {
  it('narrows the stream to one action', async () => {
    const watched = await gw.submit({ tool: 'shell', operation: 'run', params: { cmd: 'hostname' } })
    const child = start(['tail', '--action', watched.id.slice(0, 8), '--json', '--count', '1'], { env: gw.env })
    let out = ''
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()))
    await waitForOutput(child.stderr, /Streaming actions/)
    await gw.submit({ tool: 'http', operation: 'get', params: { url: 'https://other.example' } })
    expect((await run(['approve', watched.id])).code).toBe(0)
    expect(await exited(child)).toBe(0)
    expect(JSON.parse(out)).toMatchObject({ action_id: watched.id, event_type: 'approved', data: { status: 'approved' } })
  }, 30_000)

  it('doctor reports the gateway as reachable', async () => {
    const r = await run(['doctor', '--json'], { FARA_POLICY_FILE: gw.policyPath, FARA_SQLITE_PATH: gw.dbPath })
    expect(r.code).toBe(0)
    const checks = json<{ ok: boolean; checks: Array<{ name: string; status: string; message: string }> }>(r).checks
    expect(checks.find((c) => c.name === 'gateway')).toEqual({ name: 'gateway', status: 'ok', message: `Gateway answers at ${gw.url}` })
    expect(checks.find((c) => c.name === 'database')?.message).toMatch(/^Database exists and is writable/)
  })
})

describe('replay-decision and verify-log against the gateway', () => {
  it('re-decides a stored action and finds the same hashes and outcome', async () => {
    const r = await run(['replay-decision', allowed.id.slice(0, 8)])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/│ request_hash\s+│ [0-9a-f]{29}… │ [0-9a-f]{29}… │ ✓ │/)
    expect(r.stdout).toContain('✓ Identical decision, byte for byte.')
    const j = json<{ match: boolean; fields: Array<{ field: string; match: boolean }> }>(await run(['replay-decision', allowed.id, '--json']))
    expect(j.match).toBe(true)
    expect(j.fields.map((f) => f.field)).toContain('provenance_id')
  })

  it('verifies the exported chain with the gateway key', async () => {
    const r = await run(['verify-log'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/✓ Ledger verified: \d+ events, head seq \d+/)
    const j = json<{ ok: boolean; checked: number }>(await run(['verify-log', '--json']))
    expect(j.ok).toBe(true)
    expect(j.checked).toBeGreaterThan(10)
  })
})
