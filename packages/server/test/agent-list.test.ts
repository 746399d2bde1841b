// An agent token lists exactly its own actions, with the right total, however many newer actions others submitted
// (the ledger filters by submitted_by; no bounded scan of the newest actions).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashToken } from '../src/tokens-file.js'
import { call, makeApp, type TestApp } from './helpers.js'

let t: TestApp
let tokDir: string
beforeAll(async () => {
  tokDir = mkdtempSync(join(tmpdir(), 'faramesh-tokens-'))
  const file = join(tokDir, 'tokens.json')
  writeFileSync(
    file,
    JSON.stringify({
      version: 1,
      tokens: [
        { name: 'bot', role: 'agent', sha256: hashToken('tok-bot'), agent_id: 'a' },
        { name: 'root', role: 'admin', sha256: hashToken('tok-root') },
      ],
    }),
  )
  t = await makeApp({ auth: { tokensFile: file } })
})
afterAll(async () => {
  await t?.close()
  rmSync(tokDir, { recursive: true, force: true })
})

describe('agent role listing', () => {
  it('sees exactly its own 3 actions past 5001 newer ones from others, paged and counted', async () => {
    const mine: string[] = []
    for (let i = 0; i < 3; i++) {
      const r = await call(t.app, 'POST', '/v1/actions', { agent_id: 'a', tool: 'http', operation: 'get', params: { i } }, 'tok-bot')
      expect(r.status).toBe(200)
      mine.push((r.body as { id: string }).id)
    }
    const template = await t.ledger.getAction(mine[0]!)
    for (let batch = 0; batch < 11; batch++) {
      const n = batch === 10 ? 1 : 500
      await Promise.all(
        Array.from({ length: n }, () =>
          t.ledger.createAction({ ...template!, id: randomUUID(), submitted_by: 'other', created_at: new Date().toISOString() }, [{ event_type: 'created', meta: {} }]),
        ),
      )
    }
    const res = await t.app.request('/v1/actions?limit=2', { headers: { authorization: 'Bearer tok-bot' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('x-total-count')).toBe('3')
    const page1 = (await res.json()) as { id: string }[]
    expect(page1.map((a) => a.id)).toEqual([mine[2], mine[1]])
    const res2 = await t.app.request('/v1/actions?limit=2&offset=2', { headers: { authorization: 'Bearer tok-bot' } })
    expect(((await res2.json()) as { id: string }[]).map((a) => a.id)).toEqual([mine[0]])
    const admin = await t.app.request('/v1/actions?limit=1', { headers: { authorization: 'Bearer tok-root' } })
    expect(admin.headers.get('x-total-count')).toBe('5004')
  }, 60_000)
})
