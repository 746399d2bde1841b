// The compose files' demo agent: waits for the gateway, then submits a small rotation of tool calls so the
// dashboard has allowed, denied and pending actions to show. Reports a result for each allowed call, as an
// agent that runs its own tools does. Plain Node 22 (global fetch), no dependencies.
//
// FARAMESH_BASE_URL (http://faramesh:8000), FARAMESH_TOKEN, FARAMESH_AGENT_ID (demo-agent),
// DEMO_INTERVAL_MS (5000), DEMO_ITERATIONS (0 = forever), DEMO_READY_TIMEOUT_MS (120000).

const baseUrl = (
  process.env.FARAMESH_BASE_URL ||
  process.env.FARA_API_BASE ||
  'http://faramesh:8000'
).replace(/\/+$/, '')
const token = process.env.FARAMESH_TOKEN || process.env.FARA_AUTH_TOKEN || ''
const agentId = process.env.FARAMESH_AGENT_ID || 'demo-agent'
const intervalMs = Number(process.env.DEMO_INTERVAL_MS || 5000)
const iterations = Number(process.env.DEMO_ITERATIONS || 0)
const readyTimeoutMs = Number(process.env.DEMO_READY_TIMEOUT_MS || 120000)

const calls = [
  { tool: 'http', operation: 'get', params: { url: 'https://example.com/status' } },
  { tool: 'shell', operation: 'run', params: { cmd: 'ls -la /tmp' } },
  { tool: 'shell', operation: 'run', params: { cmd: 'rm -rf /var/lib/important' } },
  { tool: 'stripe', operation: 'refund', params: { amount: 2500, currency: 'usd' } },
  { tool: 'github', operation: 'merge', params: { repo: 'acme/api', branch: 'main' } },
]

const headers = { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

async function waitReady() {
  const deadline = Date.now() + readyTimeoutMs
  for (;;) {
    try {
      const res = await fetch(`${baseUrl}/ready`, { signal: AbortSignal.timeout(2000) })
      if (res.ok) return
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`gateway at ${baseUrl} not ready after ${readyTimeoutMs} ms`)
    await sleep(1000)
  }
}

async function post(path, body) {
  const res = await fetch(`${baseUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body) })
  const json = await res.json().catch(() => ({}))
  if (!res.ok) throw new Error(`POST ${path} → ${res.status} ${json.detail ?? ''}`)
  return json
}

async function main() {
  await waitReady()
  console.log(`demo-agent: ${agentId} submitting to ${baseUrl}`)
  for (let i = 0; iterations === 0 || i < iterations; i++) {
    const call = calls[i % calls.length]
    const action = await post('/v1/actions', {
      agent_id: agentId,
      ...call,
      context: { agent_id: agentId, demo: true },
    })
    console.log(
      `demo-agent: ${call.tool}.${call.operation} → ${action.status} (${action.reason ?? 'no reason'}) ${action.id}`,
    )
    if (action.status === 'allowed') {
      await post(`/v1/actions/${action.id}/result`, { success: true, result: { demo: true } })
    }
    if (iterations === 0 || i + 1 < iterations) await sleep(intervalMs)
  }
}

main().catch((err) => {
  console.error(`demo-agent: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
})
