// Serves the dashboard's built files at /. Unknown paths that look like pages fall back to index.html (the
// dashboard routes on the client); API paths never do, so a typo in /v1/... is still a JSON 404.
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
