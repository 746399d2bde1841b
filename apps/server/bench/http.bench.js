// `pnpm bench`: autocannon against 127.0.0.1, 16 connections, in one run: a bare node:http server (the ceiling),
// POST /v1/gate/decide and POST /v1/actions on SQLite. Each server runs in its own process; rounds alternate
// targets so background load on a shared machine hits all of them alike. Prints medians and ratios.
import { fork } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const DURATION = Number(process.env.BENCH_DURATION ?? 8)
const CONNECTIONS = 16
const here = new URL('.', import.meta.url).pathname
const body = JSON.stringify({ agent_id: 'bench', tool: 'http', operation: 'get', params: { url: 'https://example.com/a' } })

// BENCH_DATA_DIR=/dev/shm shows how much of POST /v1/actions is the disk's fsync rather than CPU.
const dir = mkdtempSync(join(process.env.BENCH_DATA_DIR ?? tmpdir(), 'faramesh-bench-'))
mkdirSync(join(dir, 'policies'))
writeFileSync(
  join(dir, 'policies', 'default.yaml'),
  [
    'rules:',
    '  - match: { tool: shell, op: "*", pattern: "rm -rf|shutdown" }',
    '    deny: true',
    '  - match: { tool: http, op: get }',
    '    allow: true',
    '    description: Allow HTTP GET',
    '  - match: { tool: "*", op: "*" }',
    '    deny: true',
    'risk:',
    '  rules:',
    '    - name: big',
    '      when: { tool: stripe, amount_gt: 1000 }',
    '      risk_level: high',
    '',
  ].join('\n'),
)

function spawnServer(script, args = []) {
  return new Promise((resolve, reject) => {
    const child = fork(join(here, script), args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    child.once('message', (m) => resolve({ child, port: m.port }))
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)))
  })
}

const run = (port, path, duration) =>
  autocannon({
    url: `http://127.0.0.1:${port}${path}`,
    method: 'POST',
    connections: CONNECTIONS,
    duration,
    headers: { 'content-type': 'application/json' },
    body,
  })

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

const bare = await spawnServer('bare-child.js')
const gw = await spawnServer('gateway-child.js', [dir])
const targets = [
  { name: 'node:http ceiling', port: bare.port, path: '/' },
  { name: 'POST /v1/gate/decide', port: gw.port, path: '/v1/gate/decide' },
  { name: 'POST /v1/actions (SQLite)', port: gw.port, path: '/v1/actions' },
]
const samples = new Map(targets.map((t) => [t.name, []]))
try {
  for (const t of targets) await run(t.port, t.path, 2) // warm up JIT and the SQLite file
  for (let r = 0; r < ROUNDS; r++) {
    for (const t of targets) {
      const res = await run(t.port, t.path, DURATION)
      if (res.non2xx > 0 || res.errors > 0) throw new Error(`${t.name}: ${res.non2xx} non-2xx, ${res.errors} errors`)
      samples.get(t.name).push({ rps: res.requests.average, p50: res.latency.p50, p99: res.latency.p99 })
      process.stderr.write(`round ${r + 1}/${ROUNDS} ${t.name}: ${res.requests.average.toFixed(0)} req/s p99 ${res.latency.p99} ms\n`)
    }
  }
} finally {
  bare.child.kill('SIGTERM')
  gw.child.kill('SIGTERM')
}

// Each round runs the ceiling and then the routes back to back, so a route's ratio to that round's ceiling is paired
// against the same background load; the median of those per-round ratios is what the targets are checked on (the
// ratio of the two medians is printed too: on a quiet machine they agree).
const ceilingSamples = samples.get(targets[0].name)
const rows = targets.map((t) => {
  const s = samples.get(t.name)
  return {
    name: t.name,
    rps: median(s.map((x) => x.rps)),
    p50: median(s.map((x) => x.p50)),
    p99: median(s.map((x) => x.p99)),
    ratio: median(s.map((x, i) => x.rps / ceilingSamples[i].rps)),
  }
})
const ceiling = rows[0].rps
const pct = (x) => `${(x * 100).toFixed(1)}%`
console.log(`\n${CONNECTIONS} connections, ${ROUNDS} rounds × ${DURATION}s, medians\n`)
console.log('target                        req/s      p50 ms   p99 ms   ratio of medians   median per-round ratio')
for (const r of rows) {
  console.log(
    `${r.name.padEnd(28)} ${r.rps.toFixed(0).padStart(7)}   ${String(r.p50).padStart(6)}   ${String(r.p99).padStart(6)}   ${pct(r.rps / ceiling).padStart(16)}   ${pct(r.ratio).padStart(22)}`,
  )
}
const decide = rows[1]
const actions = rows[2]
const checks = [
  [`gate/decide >= 50% of ceiling`, decide.ratio >= 0.5],
  [`POST /v1/actions >= 15% of ceiling`, actions.ratio >= 0.15],
  [`POST /v1/actions p99 <= 20 ms`, actions.p99 <= 20],
]
console.log('')
for (const [name, ok] of checks) console.log(`${ok ? 'PASS' : 'FAIL'}  ${name}`)
rmSync(dir, { recursive: true, force: true })
if (process.env.BENCH_STRICT === '1' && checks.some(([, ok]) => !ok)) process.exit(1)
