// Added latency of an allowed tools/call through `faramesh mcp wrap` (issue 21 § Benchmark): the same
// server-everything `echo` called by one SDK Client directly over stdio and through the wrapper with a local
// gateway on SQLite, measured in alternating rounds in one run. Prints p50/p99 of both and the difference.
// Target: p50 added ≤ 2 ms. Bounded: ≤ 60 s in all, ≤ 2000 measured calls per side.
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'

const BUDGET_MS = 45_000
const ROUNDS = 5
const PER_ROUND = 200
/** Spaced calls: an agent's calls are separated by model time, so the result report of one call is not competing
 * with the submit of the next. */
const SPACED_ROUNDS = 5
const SPACED_PER_ROUND = 100
const GAP_MS = 10
const WARMUP = 100
const TARGET_P50_ADDED_MS = 2

const require = createRequire(import.meta.url)
const here = dirname(fileURLToPath(import.meta.url))
const faramesh = join(here, '..', '..', 'cli', 'bin', 'run.js')
const pkgJson = require.resolve('@modelcontextprotocol/server-everything/package.json')
const everything = join(dirname(pkgJson), JSON.parse(readFileSync(pkgJson, 'utf8')).bin['mcp-server-everything'])

const dir = mkdtempSync(join(tmpdir(), 'faramesh-mcp-bench-'))
const TOKEN = 'bench-agent-token-0123456789'
writeFileSync(join(dir, 'policy.yaml'), 'rules:\n  - match: { tool: "mcp:everything", op: "*" }\n    allow: true\n')
writeFileSync(
  join(dir, 'tokens.json'),
  JSON.stringify({ version: 1, tokens: [{ name: 'bench', role: 'agent', agent_id: 'bench', sha256: createHash('sha256').update(TOKEN).digest('hex') }] }),
)
// The gateway in its own process (`faramesh serve`), as a local gateway runs: the bench process only drives clients.
const gwEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^FARA/.test(k))),
  FARAMESH_HOST: '127.0.0.1',
  FARAMESH_PORT: '0',
  FARA_POLICY_FILE: join(dir, 'policy.yaml'),
  FARA_SQLITE_PATH: join(dir, 'actions.db'),
  FARAMESH_TOKENS_FILE: join(dir, 'tokens.json'),
  FARAMESH_LOG_LEVEL: 'silent',
  FARAMESH_EXECUTORS: 'none',
  NO_COLOR: '1',
}
const server = spawn(process.execPath, [faramesh, 'serve'], { cwd: dir, env: gwEnv, stdio: ['ignore', 'pipe', 'inherit'] })
// Never leave the gateway behind, whatever happens to this run; never run past the bound.
process.on('exit', () => server.kill('SIGKILL'))
setTimeout(() => {
  console.error('wrap-latency: over 60 s, stopped')
  process.exit(1)
}, 60_000).unref()
const gwUrl = await new Promise((resolve, reject) => {
  let out = ''
  const timer = setTimeout(() => reject(new Error(`the gateway did not start:\n${out}`)), 30_000)
  server.stdout.on('data', (d) => {
    out += d.toString()
    const m = /listening on (http:\/\/[^\s]+)/.exec(out)
    if (m) {
      clearTimeout(timer)
      resolve(m[1])
    }
  })
  server.once('exit', (code) => reject(new Error(`the gateway exited (${code}):\n${out}`)))
})
const gw = { url: gwUrl, close: () => new Promise((r) => (server.once('exit', r), server.kill('SIGTERM'))) }

const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^FARA/.test(k)))
async function connect(args) {
  const client = new Client({ name: 'bench', version: '1.0.0' })
  await client.connect(new StdioClientTransport({ command: process.execPath, args, env, stderr: 'ignore' }))
  return client
}
const direct = await connect([everything])
const wrapped = await connect([faramesh, 'mcp', 'wrap', '--name', 'everything', '--gateway', gw.url, '--token', TOKEN, '--', process.execPath, everything])

const pause = (ms) => new Promise((r) => setTimeout(r, ms))
async function calls(client, n, into, gap = 0) {
  for (let i = 0; i < n; i++) {
    if (gap) await pause(gap)
    const t0 = performance.now()
    const r = await client.callTool({ name: 'echo', arguments: { message: `m${i}` } })
    const ms = performance.now() - t0
    if (r.isError) throw new Error(`echo failed: ${JSON.stringify(r)}`)
    into?.push(ms)
  }
}

const started = Date.now()
await calls(direct, WARMUP)
await calls(wrapped, WARMUP)
const d = []
const w = []
for (let round = 0; round < ROUNDS && Date.now() - started < BUDGET_MS / 2; round++) {
  await calls(direct, PER_ROUND, d)
  await calls(wrapped, PER_ROUND, w)
}
const ds = []
const ws = []
for (let round = 0; round < SPACED_ROUNDS && Date.now() - started < BUDGET_MS; round++) {
  await calls(direct, SPACED_PER_ROUND, ds, GAP_MS)
  await calls(wrapped, SPACED_PER_ROUND, ws, GAP_MS)
}

// For context, in the same run: what one bare submit costs (the only gateway round trip on an allowed call's path).
const submits = []
for (let i = 0; i < 300 && Date.now() - started < BUDGET_MS + 10_000; i++) {
  const t0 = performance.now()
  const res = await fetch(`${gw.url}/v1/actions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'idempotency-key': `bench-${i}-${Date.now()}` },
    body: JSON.stringify({ agent_id: 'bench', tool: 'mcp:everything', operation: 'echo', params: { message: `s${i}` } }),
  })
  await res.arrayBuffer()
  submits.push(performance.now() - t0)
}

const pct = (xs, p) => {
  if (xs.length === 0) return NaN
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]
}
const f = (x) => (Number.isNaN(x) ? 'n/a' : `${x.toFixed(3)} ms`)
const report = (label, dx, wx) => {
  const added50 = pct(wx, 50) - pct(dx, 50)
  const added99 = pct(wx, 99) - pct(dx, 99)
  console.log(`  ${label}: ${dx.length} calls per side`)
  console.log(`    direct        p50 ${f(pct(dx, 50))}  p99 ${f(pct(dx, 99))}`)
  console.log(`    through wrap  p50 ${f(pct(wx, 50))}  p99 ${f(pct(wx, 99))}`)
  console.log(`    added         p50 ${f(added50)}  p99 ${f(added99)}  (target p50 ≤ ${TARGET_P50_ADDED_MS} ms: ${added50 <= TARGET_P50_ADDED_MS ? 'met' : 'NOT met'})`)
}
console.log(`mcp wrap latency: 1 client, allowed tools/call (server-everything echo), local gateway on SQLite (its own process), ${((Date.now() - started) / 1000).toFixed(1)} s`)
report('back to back', d, w)
report(`spaced ${GAP_MS} ms apart (as an agent's calls are)`, ds, ws)
console.log(`  bare submit     p50 ${f(pct(submits, 50))}  p99 ${f(pct(submits, 99))}  (POST /v1/actions alone, the one gateway round trip on the path)`)

await Promise.allSettled([direct.close(), wrapped.close()])
await gw.close()
rmSync(dir, { recursive: true, force: true })
