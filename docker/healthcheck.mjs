// Docker HEALTHCHECK: exit 0 only when the gateway answers GET /ready with 2xx (store reachable, policy
// loaded). Plain Node 22, no dependencies, so it runs in the slim image as is.
const port = process.env.FARAMESH_PORT || process.env.FARA_API_PORT || '8000'
const url = process.env.FARAMESH_HEALTHCHECK_URL || `http://127.0.0.1:${port}/ready`

try {
  const res = await fetch(url, { signal: AbortSignal.timeout(2500) })
  if (!res.ok) console.error(`healthcheck: ${url} answered ${res.status}: ${await res.text()}`)
  process.exit(res.ok ? 0 : 1)
} catch (err) {
  console.error(`healthcheck: ${url} unreachable: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
}
