// `pnpm bench` (packages/mcp): throughput of 16 concurrent allowed tools/call (server-everything's `echo`) through the
// HTTP gateway (/mcp/everything, a url upstream; every call is an action: submit + allow + start in one commit, a
// result report after the answer) against the same calls sent directly to the same everything process, in
// alternating rounds in one run. Target (issue 21): through the gateway ≥ 40 % of direct. Bounded: about 40 s.
// Run after a build: `pnpm --filter @faramesh/mcp bench` (all benchmarks) or `node bench/http-gateway.bench.mjs`.
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'

const CLIENTS = 16
const ROUND_MS = 4000
const ROUNDS = 3
const TARGET = 0.4
const TOKEN = 'bench-agent-token-0123456789'
const hardStop = setTimeout(() => {
  process.stderr.write('http-gateway bench: over 90 s, giving up\n')
  process.exit(2)
}, 90_000)

const require = createRequire(import.meta.url)
const EVERYTHING = join(
  dirname(require.resolve('@modelcontextprotocol/server-everything/package.json')),
  'dist',
  'index.js',
)

const children = []
const stopAll = () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM')
}
process.on('exit', stopAll)

function freePort() {
  return new Promise((resolve) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port
      s.close(() => resolve(p))
    })
  })
}

/** Spawn and wait for a line on `stream` that `ready` recognizes; returns that line. */
function start(args, env, stream, ready) {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(child)
  let seen = ''
  return new Promise((resolve, reject) => {
    const t = setTimeout(
      () => reject(new Error(`not ready in 20 s: ${args.join(' ')}\n${seen.slice(-500)}`)),
      20_000,
    )
    child[stream].on('data', (d) => {
      seen += d.toString()
      const hit = ready(seen)
      if (hit !== null) (clearTimeout(t), resolve(hit))
    })
    child.once('exit', (code) => (clearTimeout(t), reject(new Error(`exited ${code}: ${seen.slice(-500)}`))))
  })
}

const port = await freePort()
await start(
  [EVERYTHING, 'streamableHttp'],
  { PATH: process.env.PATH ?? '', PORT: String(port) },
  'stderr',
  (s) => (s.includes('listening on port') ? s : null),
)
const direct = `http://127.0.0.1:${port}/mcp`

const dir = mkdtempSync(join(tmpdir(), 'faramesh-mcp-bench-'))
mkdirSync(join(dir, 'policies'))
writeFileSync(
  join(dir, 'policies', 'default.yaml'),
  'rules:\n  - match: { tool: "mcp:everything", op: "echo" }\n    allow: true\n',
)
writeFileSync(join(dir, 'mcp-servers.yaml'), `everything:\n  url: "${direct}"\n`)
const sha = createHash('sha256').update(TOKEN).digest('hex')
writeFileSync(
  join(dir, 'tokens.json'),
  JSON.stringify({ version: 1, tokens: [{ name: 'bench', role: 'agent', agent_id: 'bench', sha256: sha }] }),
)
const gwUrl = await start(
  [
    ...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []),
    new URL('./http-gateway-process.mjs', import.meta.url).pathname,
    dir,
  ],
  { ...process.env },
  'stdout',
  (s) => /^(http:\/\/\S+)\n/m.exec(s)?.[1] ?? null,
)
const viaGateway = `${gwUrl}/mcp/everything`

async function connect(url, token) {
  const headers = token ? { Authorization: `Bearer ${token}` } : {}
  const c = new Client({ name: 'bench', version: '1.0.0' })
  await c.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }))
  return c
}

/** Calls per second of CLIENTS clients, each calling echo back to back for ROUND_MS. */
async function round(clients) {
  const end = performance.now() + ROUND_MS
  let done = 0
  const t0 = performance.now()
  await Promise.all(
    clients.map(async (c) => {
      while (performance.now() < end) {
        const r = await c.callTool({ name: 'echo', arguments: { message: 'bench' } })
        if (r.isError) throw new Error(`echo failed: ${JSON.stringify(r)}`)
        done++
      }
    }),
  )
  return done / ((performance.now() - t0) / 1000)
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1]
const directClients = await Promise.all(Array.from({ length: CLIENTS }, () => connect(direct)))
const gatewayClients = await Promise.all(Array.from({ length: CLIENTS }, () => connect(viaGateway, TOKEN)))
// Warm both paths (JIT, SQLite pages, upstream sessions) before measuring.
await Promise.all(
  [...directClients, ...gatewayClients].map((c) =>
    c.callTool({ name: 'echo', arguments: { message: 'warm' } }),
  ),
)

const d = []
const g = []
for (let i = 0; i < ROUNDS; i++) {
  d.push(await round(directClients))
  g.push(await round(gatewayClients))
}
const ratio = median(g) / median(d)
console.log(
  `mcp http gateway, ${CLIENTS} concurrent allowed tools/call (everything echo), ${ROUNDS} alternating ${ROUND_MS / 1000} s rounds:`,
)
console.log(
  `  direct:  median ${median(d).toFixed(0)} calls/s  (rounds ${d.map((x) => x.toFixed(0)).join(', ')})`,
)
console.log(
  `  gateway: median ${median(g).toFixed(0)} calls/s  (rounds ${g.map((x) => x.toFixed(0)).join(', ')})`,
)
console.log(
  `  ratio gateway/direct: ${(ratio * 100).toFixed(1)} % (target ≥ ${TARGET * 100} %) ${ratio >= TARGET ? 'OK' : 'BELOW TARGET'}`,
)

await Promise.all([...directClients, ...gatewayClients].map((c) => c.close().catch(() => undefined)))
stopAll()
rmSync(dir, { recursive: true, force: true })
clearTimeout(hardStop)
