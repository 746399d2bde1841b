// `pnpm bench`: autocannon against 127.0.0.1, 16 connections, in one run: a bare node:http server (the ceiling),
// POST /v1/gate/decide and POST /v1/actions on SQLite, then SSE fan-out: POST /v1/actions with a light decide probe
// alongside, without and with BENCH_SSE_CLIENTS (2,000) SSE clients that must each receive every event. Each server
// runs in its own process; rounds alternate targets so background load on a shared machine hits all of them alike.
// Prints medians and ratios.
import { fork } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const DURATION = Number(process.env.BENCH_DURATION ?? 8)
const CONNECTIONS = 16
const SSE_CLIENTS = Number(process.env.BENCH_SSE_CLIENTS ?? 2000)
// The decide probe runs beside the submit load at a fixed, light rate: it measures how long a request waits behind
// the gateway's other work, not how many decides fit.
const PROBE_RATE = 200
// After the load stops, how long the SSE clients get to receive the last events before the round counts as failed.
const DRAIN_MS = Number(process.env.BENCH_SSE_DRAIN_MS ?? 30_000)
// BENCH_ONLY=sse runs the SSE rounds alone (while working on fan-out); the targets below are then not checked.
const ONLY_SSE = process.env.BENCH_ONLY === 'sse'
const here = new URL('.', import.meta.url).pathname
const body = JSON.stringify({
  agent_id: 'bench',
  tool: 'http',
  operation: 'get',
  params: { url: 'https://example.com/a' },
})

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

function spawnSseClients(port) {
  return new Promise((resolve, reject) => {
    const child = fork(join(here, 'sse-clients-child.js'), [String(port)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    child.once('message', () => resolve({ child }))
    child.once('exit', (code) => reject(new Error(`sse-clients-child.js exited with ${code}`)))
  })
}

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

const probe = (port, duration) =>
  autocannon({
    url: `http://127.0.0.1:${port}/v1/gate/decide`,
    method: 'POST',
    connections: 1,
    overallRate: PROBE_RATE,
    duration,
    headers: { 'content-type': 'application/json' },
    body,
  })

/** Send a command to a child and resolve with its answer (the next message carrying the same `cmd`). */
function ask(child, msg, answer = msg.cmd) {
  return new Promise((resolve) => {
    const on = (m) => {
      if (m?.cmd !== answer) return
      child.off('message', on)
      resolve(m)
    }
    child.on('message', on)
    child.send(msg)
  })
}

/** CPU seconds (user + system) a child has used so far, from /proc. */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

function checkLoad(name, res) {
  if (res.non2xx > 0 || res.errors > 0)
    throw new Error(`${name}: ${res.non2xx} non-2xx, ${res.errors} errors`)
}

/**
 * Wait until every SSE client has every event after `from` up to the ledger's head, or they stop making progress for
 * DRAIN_MS. The head is read again each time: submits the load left in flight (a submit waiting for the fan-out to
 * catch up, sse-hub.ts) commit after the load generator stopped.
 */
async function drain(gw, sse, from) {
  const start = Date.now()
  let last = null
  let lastChange = Date.now()
  for (;;) {
    const upTo = (await ask(gw, { cmd: 'head' })).seq
    const rep = await ask(sse, { cmd: 'report', from, upTo })
    const done = { ...rep, upTo, drainMs: Date.now() - start }
    if (rep.complete === SSE_CLIENTS) return done
    if (last === null || rep.frames !== last.frames || upTo !== last.upTo) lastChange = Date.now()
    last = done
    if (rep.complete + rep.closed === SSE_CLIENTS || Date.now() - lastChange > DRAIN_MS) return done
    await sleep(50)
  }
}

/** Wait until the gateway's head has not moved for 300 ms. */
async function settle(gw) {
  let last = -1
  for (;;) {
    const seq = (await ask(gw, { cmd: 'head' })).seq
    if (seq === last) return
    last = seq
    await sleep(300)
  }
}

/** One SSE fan-out round: submits + probe without SSE clients, then with them; every client must get every event. */
async function sseRound(gw, sse) {
  const base = await Promise.all([run(gw.port, '/v1/actions', DURATION), probe(gw.port, DURATION)])
  checkLoad('POST /v1/actions (no SSE)', base[0])
  checkLoad('decide probe (no SSE)', base[1])
  // Submits still in flight when the load generator stopped commit a moment later: wait for the head to settle, or
  // clients that connect meanwhile rightly get those events and would not match the count below.
  await settle(gw.child)
  const conn = await ask(sse.child, { cmd: 'connect', n: SSE_CLIENTS }, 'connected')
  if (conn.ready !== SSE_CLIENTS)
    throw new Error(`only ${conn.ready} of ${SSE_CLIENTS} SSE clients connected`)
  // A first event proves every client is live (it reaches all of them) before the counted load starts.
  const h0 = (await ask(gw.child, { cmd: 'head' })).seq
  await fetch(`http://127.0.0.1:${gw.port}/v1/actions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  })
  const warm = await drain(gw.child, sse.child, h0)
  const h1 = warm.upTo
  if (warm.complete !== SSE_CLIENTS) {
    // Counted as a failed round (below), not thrown: the other figures of the run are still worth having.
    process.stderr.write(
      `SSE clients not live: ${warm.complete} of ${SSE_CLIENTS} got the first event (${warm.closed} closed)\n`,
    )
  }
  await ask(sse.child, { cmd: 'reset' })
  const cpu0 = [cpuSeconds(gw.child.pid), cpuSeconds(sse.child.pid)]
  const t0 = Date.now()
  const withSse = await Promise.all([run(gw.port, '/v1/actions', DURATION), probe(gw.port, DURATION)])
  const got = await drain(gw.child, sse.child, h1)
  const secs = (Date.now() - t0) / 1000
  const cpu = [(cpuSeconds(gw.child.pid) - cpu0[0]) / secs, (cpuSeconds(sse.child.pid) - cpu0[1]) / secs]
  await ask(sse.child, { cmd: 'close' }, 'closed')
  await sleep(500) // let the gateway see the hang-ups before the next target
  checkLoad(`POST /v1/actions (${SSE_CLIENTS} SSE)`, withSse[0])
  checkLoad(`decide probe (${SSE_CLIENTS} SSE)`, withSse[1])
  return {
    base: {
      rps: base[0].requests.average,
      p99: base[0].latency.p99,
      probeP50: base[1].latency.p50,
      probeP99: base[1].latency.p99,
    },
    sse: {
      rps: withSse[0].requests.average,
      p99: withSse[0].latency.p99,
      probeP50: withSse[1].latency.p50,
      probeP99: withSse[1].latency.p99,
    },
    events: got.upTo - h1,
    complete: Math.min(got.complete, warm.complete),
    dropped: got.closed,
    drainMs: got.drainMs,
    cpu,
  }
}

/** The `data:` of one real frame of the gateway's stream (the bare ceiling writes frames of the same size). */
async function realFrame(port) {
  const ac = new AbortController()
  const res = await fetch(`http://127.0.0.1:${port}/v1/events`, { signal: ac.signal })
  const reader = res.body.getReader()
  let text = ''
  const read = (async () => {
    for (;;) {
      const { value, done } = await reader.read()
      if (done) throw new Error('stream ended before a frame')
      text += new TextDecoder().decode(value)
      const m = /\ndata: (.*)\n\n/.exec(text)
      if (m) return m[1]
    }
  })()
  await sleep(200) // the stream is connected before the submit
  await fetch(`http://127.0.0.1:${port}/v1/actions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
  const frame = await read
  ac.abort()
  return frame
}

/**
 * The fan-out ceiling (sse-bare-child.js): the same clients, frames of the same size, written by a bare node:http
 * server as fast as the clients take them. Events per second that reached every client.
 */
async function ceilingRound(bareSse, sse, frame) {
  const conn = await ask(sse.child, { cmd: 'connect', n: SSE_CLIENTS, port: bareSse.port }, 'connected')
  if (conn.ready !== SSE_CLIENTS) throw new Error(`only ${conn.ready} of ${SSE_CLIENTS} clients reached the bare SSE server`)
  await ask(sse.child, { cmd: 'reset' })
  const cpu0 = [cpuSeconds(bareSse.child.pid), cpuSeconds(sse.child.pid)]
  const t0 = Date.now()
  const blast = await ask(bareSse.child, { cmd: 'blast', frame, seconds: DURATION }, 'blasted')
  // The writer's sockets took everything; wait until the clients read it too.
  let rep
  for (let last = -1, since = Date.now(); ; await sleep(50)) {
    rep = await ask(sse.child, { cmd: 'report', from: 0, upTo: blast.events })
    if (rep.complete === SSE_CLIENTS) break
    if (rep.frames !== last) (last = rep.frames), (since = Date.now())
    else if (Date.now() - since > 5000) break
  }
  const secs = (Date.now() - t0) / 1000
  const cpu = [(cpuSeconds(bareSse.child.pid) - cpu0[0]) / secs, (cpuSeconds(sse.child.pid) - cpu0[1]) / secs]
  await ask(sse.child, { cmd: 'close' }, 'closed')
  await sleep(500)
  return { eventsPerSec: blast.events / secs, complete: rep.complete, cpu }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

const bare = await spawnServer('bare-child.js')
const gw = await spawnServer('gateway-child.js', [dir])
const sse = SSE_CLIENTS > 0 ? await spawnSseClients(gw.port) : null
const bareSse = sse ? await spawnServer('sse-bare-child.js') : null
const ceilings = []
let frame = null
const targets = ONLY_SSE
  ? []
  : [
      { name: 'node:http ceiling', port: bare.port, path: '/' },
      { name: 'POST /v1/gate/decide', port: gw.port, path: '/v1/gate/decide' },
      { name: 'POST /v1/actions (SQLite)', port: gw.port, path: '/v1/actions' },
    ]
const samples = new Map(targets.map((t) => [t.name, []]))
const sseRounds = []
try {
  await run(gw.port, '/v1/actions', 2) // warm up JIT and the SQLite file
  for (const t of targets) await run(t.port, t.path, 2)
  for (let r = 0; r < ROUNDS; r++) {
    for (const t of targets) {
      const res = await run(t.port, t.path, DURATION)
      if (res.non2xx > 0 || res.errors > 0)
        throw new Error(`${t.name}: ${res.non2xx} non-2xx, ${res.errors} errors`)
      samples.get(t.name).push({ rps: res.requests.average, p50: res.latency.p50, p99: res.latency.p99 })
      process.stderr.write(
        `round ${r + 1}/${ROUNDS} ${t.name}: ${res.requests.average.toFixed(0)} req/s p99 ${res.latency.p99} ms\n`,
      )
    }
    if (sse) {
      const s = await sseRound(gw, sse)
      sseRounds.push(s)
      process.stderr.write(
        `round ${r + 1}/${ROUNDS} POST /v1/actions: ${s.base.rps.toFixed(0)} req/s without SSE, ${s.sse.rps.toFixed(0)} req/s with ` +
          `${SSE_CLIENTS} (${s.events} events, ${s.complete} clients got all of them, ${s.dropped} dropped, last frame ` +
          `${s.drainMs} ms after the load); decide probe p99 ${s.base.probeP99} → ${s.sse.probeP99} ms; CPU gateway ` +
          `${s.cpu[0].toFixed(2)}, SSE clients ${s.cpu[1].toFixed(2)}\n`,
      )
      frame ??= await realFrame(gw.port)
      const c = await ceilingRound(bareSse, sse, frame)
      ceilings.push(c)
      process.stderr.write(
        `round ${r + 1}/${ROUNDS} bare fan-out ceiling: ${c.eventsPerSec.toFixed(0)} events/s to each of ${SSE_CLIENTS} clients ` +
          `(${c.complete} got all; frame ${Buffer.byteLength(frame) + 20} bytes); CPU writer ${c.cpu[0].toFixed(2)}, clients ${c.cpu[1].toFixed(2)}\n`,
      )
    }
  }
} finally {
  bare.child.kill('SIGTERM')
  gw.child.kill('SIGTERM')
  sse?.child.kill('SIGTERM')
  bareSse?.child.kill('SIGTERM')
}

// Each round runs the ceiling and then the routes back to back, so a route's ratio to that round's ceiling is paired
// against the same background load; the median of those per-round ratios is what the targets are checked on (the
// ratio of the two medians is printed too: on a quiet machine they agree).
const pct = (x) => `${(x * 100).toFixed(1)}%`
const checks = []
if (!ONLY_SSE) {
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
  console.log(`\n${CONNECTIONS} connections, ${ROUNDS} rounds × ${DURATION}s, medians\n`)
  console.log(
    'target                        req/s      p50 ms   p99 ms   ratio of medians   median per-round ratio',
  )
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(28)} ${r.rps.toFixed(0).padStart(7)}   ${String(r.p50).padStart(6)}   ${String(r.p99).padStart(6)}   ${pct(r.rps / ceiling).padStart(16)}   ${pct(r.ratio).padStart(22)}`,
    )
  }
  const decide = rows[1]
  const actions = rows[2]
  checks.push(
    [`gate/decide >= 50% of ceiling`, decide.ratio >= 0.5],
    [`POST /v1/actions >= 15% of ceiling`, actions.ratio >= 0.15],
    [`POST /v1/actions p99 <= 20 ms`, actions.p99 <= 20],
  )
}
if (sseRounds.length > 0) {
  // Per round, submits with the SSE clients against submits without them measured just before (same background).
  const m = (f) => median(sseRounds.map(f))
  const ratio = m((s) => s.sse.rps / s.base.rps)
  const probeP99 = m((s) => s.sse.probeP99)
  const allGotAll = sseRounds.every((s) => s.complete === SSE_CLIENTS)
  console.log(
    `\nSSE fan-out: ${SSE_CLIENTS} clients each receiving every event; POST /v1/actions ${CONNECTIONS} connections, decide probe ${PROBE_RATE} req/s alongside; medians\n`,
  )
  const cols = (cells) => cells.map((c, i) => String(c).padStart(i === 0 ? 0 : 11)).join('')
  const row = (name, pick) =>
    cols([
      name.padEnd(24),
      m((s) => pick(s).rps).toFixed(0),
      m((s) => pick(s).p99),
      m((s) => pick(s).probeP50),
      m((s) => pick(s).probeP99),
    ])
  console.log(cols([''.padEnd(24), 'req/s', 'p99 ms', 'decide p50', 'decide p99']))
  console.log(row('without SSE clients', (s) => s.base))
  console.log(row(`with ${SSE_CLIENTS} SSE clients`, (s) => s.sse))
  console.log(
    `\nevents per round ${m((s) => s.events)}, clients that got all of them ${m((s) => s.complete)}, dropped ` +
      `${m((s) => s.dropped)}, last frame ${m((s) => s.drainMs)} ms after the load (medians)`,
  )
  console.log(
    `ratio (median of per-round ratios): ${pct(ratio)}; CPU during the SSE load: gateway ${m((s) => s.cpu[0]).toFixed(2)}, SSE clients ${m((s) => s.cpu[1]).toFixed(2)} cores`,
  )
  // What the 40 % target asks of the fan-out, against what this machine can carry to these clients at all.
  const eventsPerSubmit = m((s) => s.events / (s.sse.rps * DURATION))
  const gatewayEvents = m((s) => s.events / DURATION)
  const ceiling = median(ceilings.map((c) => c.eventsPerSec))
  const needed = 0.4 * m((s) => s.base.rps) * eventsPerSubmit
  console.log(
    `fan-out: the gateway delivered ${gatewayEvents.toFixed(0)} events/s to each client = ${pct(gatewayEvents / ceiling)} of the bare ` +
      `ceiling (${ceiling.toFixed(0)} events/s to each of ${SSE_CLIENTS} clients, ${median(ceilings.map((c) => c.complete))} got all; ` +
      `CPU writer ${median(ceilings.map((c) => c.cpu[0])).toFixed(2)}, clients ${median(ceilings.map((c) => c.cpu[1])).toFixed(2)}); ` +
      `40 % of the submits without clients means ${needed.toFixed(0)} events/s (${eventsPerSubmit.toFixed(2)} per submit) = ` +
      `${(needed / ceiling).toFixed(1)}x that ceiling`,
  )
  checks.push(
    [`SSE: all ${SSE_CLIENTS} clients received every event, in order, once, in every round`, allGotAll],
    [`POST /v1/actions with ${SSE_CLIENTS} SSE clients >= 40% of without`, ratio >= 0.4],
    [`decide p99 with ${SSE_CLIENTS} SSE clients <= 20 ms`, probeP99 <= 20],
  )
}
console.log('')
for (const [name, ok] of checks) console.log(`${ok ? 'PASS' : 'FAIL'}  ${name}`)
rmSync(dir, { recursive: true, force: true })
if (process.env.BENCH_STRICT === '1' && checks.some(([, ok]) => !ok)) process.exit(1)
