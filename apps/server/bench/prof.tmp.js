import { fork } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
const here = new URL('.', import.meta.url).pathname
const body = JSON.stringify({ agent_id: 'bench', tool: 'http', operation: 'get', params: { url: 'https://example.com/a' } })
const dir = mkdtempSync(join(tmpdir(), 'fb-'))
mkdirSync(join(dir, 'policies'))
writeFileSync(join(dir, 'policies', 'default.yaml'), 'rules:\n  - match: { tool: http, op: get }\n    allow: true\n  - match: { tool: "*", op: "*" }\n    deny: true\n')
const child = fork(join(here, 'gateway-child.js'), [dir], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: (process.env.ARGS ?? '').split(' ').filter(Boolean) })
const port = await new Promise((r) => child.once('message', (m) => r(m.port)))
const path = process.env.P ?? '/v1/actions'
const run = (d) => autocannon({ url: `http://127.0.0.1:${port}${path}`, method: 'POST', connections: 16, duration: d, headers: { 'content-type': 'application/json' }, body })
await run(2)
const xs = []
for (let i = 0; i < Number(process.env.R ?? 3); i++) xs.push((await run(Number(process.env.D ?? 4))).requests.average)
console.log(path, process.env.FAKE ? 'FAKE' : '', process.env.ARGS ?? '', xs.map((x) => x.toFixed(0)).join(' '))
child.kill('SIGTERM'); await new Promise((r) => child.once('exit', r))
