// Added latency of an allowed tools/call through `faramesh mcp wrap` (issue 21 § Benchmark): the same
// server-everything `echo` called by one SDK Client directly over stdio and through the wrapper with a local
// gateway on SQLite, measured in alternating rounds in one run. Prints p50/p99 of both and the difference.
// Target: p50 added ≤ 2 ms. Bounded: ≤ 60 s in all, ≤ 2000 measured calls per side.
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { loadConfig, startGateway } from '@faramesh/server/node'

const BUDGET_MS = 45_000
const ROUNDS = 10
const PER_ROUND = 200
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
const gw = await startGateway(
  loadConfig(
    {
      FARAMESH_HOST: '127.0.0.1',
      FARAMESH_PORT: '0',
      FARA_POLICY_FILE: join(dir, 'policy.yaml'),
      FARA_SQLITE_PATH: join(dir, 'actions.db'),
      FARAMESH_TOKENS_FILE: join(dir, 'tokens.json'),
      FARAMESH_LOG_LEVEL: 'silent',
      FARAMESH_EXECUTORS: 'none',
    },
    dir,
  ),
)

const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^FARA/.test(k)))
async function connect(args) {
  const client = new Client({ name: 'bench', version: '1.0.0' })
  await client.connect(new StdioClientTransport({ command: process.execPath, args, env, stderr: 'ignore' }))
  return client
}
const direct = await connect([everything])
const wrapped = await connect([faramesh, 'mcp', 'wrap', '--name', 'everything', '--gateway', gw.url, '--token', TOKEN, '--', process.execPath, everything])

async function calls(client, n, into) {
  for (let i = 0; i < n; i++) {
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
for (let round = 0; round < ROUNDS && Date.now() - started < BUDGET_MS; round++) {
  await calls(direct, PER_ROUND, d)
  await calls(wrapped, PER_ROUND, w)
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]
}
const f = (x) => `${x.toFixed(3)} ms`
const added50 = pct(w, 50) - pct(d, 50)
const added99 = pct(w, 99) - pct(d, 99)
console.log(`mcp wrap latency: 1 client, allowed tools/call (server-everything echo), local gateway on SQLite, ${d.length} calls per side in ${((Date.now() - started) / 1000).toFixed(1)} s`)
console.log(`  direct        p50 ${f(pct(d, 50))}  p99 ${f(pct(d, 99))}`)
console.log(`  through wrap  p50 ${f(pct(w, 50))}  p99 ${f(pct(w, 99))}`)
console.log(`  added         p50 ${f(added50)}  p99 ${f(added99)}  (target p50 ≤ ${TARGET_P50_ADDED_MS} ms: ${added50 <= TARGET_P50_ADDED_MS ? 'met' : 'NOT met'})`)

await Promise.allSettled([direct.close(), wrapped.close()])
await gw.close()
rmSync(dir, { recursive: true, force: true })
