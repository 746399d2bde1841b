// Serves the dashboard's built files at /. Unknown paths that look like pages fall back to index.html (the
// dashboard routes on the client); API paths never do, so a typo in /v1/... is still a JSON 404. Behaviour pinned by
// static-ui.test.ts (types, caching, fallback, no listing, no way out of the directory).
//
// Kept rather than @hono/node-server/serve-static, which was measured and tried against that test (2026-12-07):
// it streams every file (createReadStream through a web stream): on the dashboard's 149 kB bundle, median 1.04k
// req/s here against 0.66k (seven alternating 5 s autocannon rounds, 10 connections: 0.67-1.56k against 0.46-0.84k);
// on the 169-byte favicon about the same, 3.28k against 3.15k (shared 2-core machine under load; `pnpm --filter
// @faramesh/server exec node bench/hand-written.ts` after a build). It would also change what is answered:
// `image/svg+xml; charset=utf-8`, any `%`-escaped path refused (a file named `g h.txt` becomes unreachable),
// Range requests answered 206, and Last-Modified and a HEAD Content-Length added.
import { readFile, stat } from 'node:fs/promises'
import { extname, join, normalize, resolve, sep } from 'node:path'
import type { MiddlewareHandler } from 'hono'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
}

const API_PREFIXES = ['/v1/', '/health', '/ready', '/metrics', '/openapi.json', '/playground']

async function fileAt(root: string, urlPath: string): Promise<string | null> {
  let rel: string
  try {
    rel = decodeURIComponent(urlPath)
  } catch {
    return null
  }
  const full = resolve(root, `.${sep}${normalize(rel)}`)
  if (full !== root && !full.startsWith(root + sep)) return null
  const s = await stat(full).catch(() => null)
  if (s?.isFile()) return full
  if (s?.isDirectory()) {
    const index = join(full, 'index.html')
    if ((await stat(index).catch(() => null))?.isFile()) return index
  }
  return null
}

export function serveUi(dir: string): MiddlewareHandler {
  const root = resolve(dir)
  return async (c, next) => {
    const method = c.req.method
    const path = c.req.path
    if ((method !== 'GET' && method !== 'HEAD') || API_PREFIXES.some((p) => path.startsWith(p))) return next()
    const hit = (await fileAt(root, path)) ?? (extname(path) === '' ? await fileAt(root, '/index.html') : null)
    if (!hit) return next()
    const immutable = hit.includes(`${sep}_app${sep}immutable${sep}`)
    const headers = {
      'Content-Type': TYPES[extname(hit)] ?? 'application/octet-stream',
      'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    }
    if (method === 'HEAD') return c.body(null, 200, headers)
    return c.body(new Uint8Array(await readFile(hit)), 200, headers)
  }
}
