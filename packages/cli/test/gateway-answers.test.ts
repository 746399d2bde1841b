// A "gateway" that answers what a Faramesh gateway never should (an HTML page with 200, 429): every command says it
// is the gateway's failure (exit 9, SERVER), whichever endpoint it asked. Before the CLI used the SDK's operator
// client for all of them, `get <id>` (SDK) exited 1 where `list --risk` (the CLI's own fetch) exited 9.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cli } from './helpers.js'

let server: Server
let url = ''
let answer: (path: string) => { status: number; type: string; body: string } = () => ({ status: 200, type: 'text/html', body: '<html>login</html>' })

beforeAll(async () => {
  server = createServer((req, res) => {
    const a = answer(req.url ?? '')
    res.writeHead(a.status, { 'content-type': a.type })
    res.end(a.body)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((r) => server.close(() => r())))

const run = (args: string[]) => cli(args, { env: { FARAMESH_BASE_URL: url } })
const ID = '2755d4a8-1000-47e6-873c-b9fd535234ad'

describe('a gateway that answers nonsense', () => {
  it('an HTML page with 200 is a SERVER failure (exit 9) for SDK and operator calls alike', async () => {
    answer = () => ({ status: 200, type: 'text/html', body: '<html>proxy login</html>' })
    for (const args of [['get', ID], ['list'], ['list', '--risk', 'high'], ['get', '2755d4a8']]) {
      const r = await run(args)
      expect({ args, code: r.code }).toEqual({ args, code: 9 })
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
    }
  })

  it('a list that is not a list is a SERVER failure (exit 9)', async () => {
    answer = () => ({ status: 200, type: 'application/json', body: '{"items": []}' })
    for (const args of [['list', '--risk', 'high'], ['get', '2755d4a8']]) expect((await run(args)).code).toBe(9)
  })

  it('429 is a SERVER failure (exit 9), with the detail', async () => {
    answer = () => ({ status: 429, type: 'application/json', body: '{"detail":"slow down"}' })
    for (const args of [['get', ID], ['list', '--risk', 'high']]) {
      const r = await run(args)
      expect(r.code).toBe(9)
      expect(r.stderr).toContain('slow down')
    }
  })
})
