// The dashboard's static files, pinned: content types, caching, the client-side-routing fallback (never for API
// paths or for paths with an extension), HEAD, directories (their index.html or nothing: no listing), and no way out
// of the directory: `..`, `%2e%2e`, encoded slashes and backslashes, NUL, over in-process requests and raw HTTP
// (which reaches the middleware without the URL parser's normalisation).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serve, type ServerType } from '@hono/node-server'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveUi } from './static-ui.js'

const SECRET = 'SECRET-OUTSIDE-THE-UI-DIR'
const INDEX = '<!doctype html><title>dash</title>'
let dir: string
let app: Hono
let server: ServerType
let port: number
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'faramesh-ui-'))
  const ui = join(dir, 'ui')
  mkdirSync(join(ui, '_app', 'immutable'), { recursive: true })
  mkdirSync(join(ui, 'empty'))
  mkdirSync(join(ui, 'docs'))
  writeFileSync(join(ui, 'index.html'), INDEX)
  writeFileSync(join(ui, 'docs', 'index.html'), '<title>docs</title>')
  writeFileSync(join(ui, '_app', 'immutable', 'bundle.abc.js'), 'console.log(1)')
  writeFileSync(join(ui, '_app', 'version.json'), '{"version":"1"}')
  for (const f of ['a.css', 'b.svg', 'c.png', 'd.woff2', 'e.map', 'f.unknownext', 'g h.txt']) writeFileSync(join(ui, f), f)
  writeFileSync(join(dir, 'secret.txt'), SECRET)
  writeFileSync(join(dir, 'secret'), SECRET)
  writeFileSync(join(dir, 'ui-evil.txt'), SECRET) // a sibling whose name starts like the UI directory's
  app = new Hono().use('*', serveUi(ui))
  app.get('/v1/*', (c) => c.json({ detail: 'api' }, 404))
  server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
  await new Promise((r) => server.once('listening', r))
  port = (server.address() as { port: number }).port
})
afterAll(async () => {
  await new Promise((r) => server.close(r))
  rmSync(dir, { recursive: true, force: true })
})

/** A request line sent as is: no client normalises the path on the way. */
function raw(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => s.end(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`))
    let out = ''
    s.on('data', (d: Buffer) => (out += d.toString('latin1')))
    s.on('end', () => resolve(out))
    s.on('error', reject)
  })
}

describe('serveUi', () => {
  it('serves files with their content type and cache policy (immutable assets for a year, the rest revalidated)', async () => {
    const types: Record<string, string> = {
      '/': 'text/html; charset=utf-8',
      '/_app/immutable/bundle.abc.js': 'text/javascript; charset=utf-8',
      '/_app/version.json': 'application/json',
      '/a.css': 'text/css; charset=utf-8',
      '/b.svg': 'image/svg+xml',
      '/c.png': 'image/png',
      '/d.woff2': 'font/woff2',
      '/e.map': 'application/json',
      '/f.unknownext': 'application/octet-stream',
      '/g%20h.txt': 'text/plain; charset=utf-8',
    }
    for (const [path, type] of Object.entries(types)) {
      const res = await app.request(path)
      expect([path, res.status, res.headers.get('content-type')]).toEqual([path, 200, type])
      expect(res.headers.get('cache-control')).toBe(path.startsWith('/_app/immutable/') ? 'public, max-age=31536000, immutable' : 'no-cache')
    }
    expect(await (await app.request('/_app/immutable/bundle.abc.js')).text()).toBe('console.log(1)')
  })

  it('answers HEAD with the headers and no body, and leaves other methods to the app', async () => {
    const head = await app.request('/a.css', { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.headers.get('content-type')).toBe('text/css; charset=utf-8')
    expect(await head.text()).toBe('')
    expect((await app.request('/a.css', { method: 'POST' })).status).toBe(404)
  })

  it('falls back to index.html for page paths, never for API paths or missing files with an extension', async () => {
    for (const page of ['/actions', '/actions/0190c6e2-aaaa', '/settings/tokens']) expect(await (await app.request(page)).text()).toBe(INDEX)
    expect(await (await app.request('/v1/actions')).json()).toEqual({ detail: 'api' })
    for (const p of ['/health', '/ready', '/metrics', '/openapi.json', '/playground']) expect(await (await app.request(p)).text()).not.toBe(INDEX)
    expect((await app.request('/missing.js')).status).toBe(404)
  })

  it("serves a directory's index.html, and never lists a directory", async () => {
    expect(await (await app.request('/docs')).text()).toBe('<title>docs</title>')
    expect(await (await app.request('/docs/')).text()).toBe('<title>docs</title>')
    const empty = await (await app.request('/empty')).text()
    expect(empty).toBe(INDEX) // a page path: the app's fallback, not a listing
    expect(await (await app.request('/_app/')).text()).toBe(INDEX)
    expect(await (await app.request('/_app/immutable')).text()).not.toContain('bundle.abc.js')
  })

  it('never serves a file outside the directory', async () => {
    const attempts = [
      '/../secret.txt',
      '/../secret',
      '/..%2fsecret.txt',
      '/..%2Fsecret',
      '/%2e%2e/secret.txt',
      '/%2e%2e%2fsecret',
      '/%252e%252e%252fsecret.txt',
      '/..\\secret.txt',
      '/..%5csecret',
      '/%5c..%5csecret.txt',
      '/docs/../../secret.txt',
      '/docs/%2e%2e/%2e%2e/secret',
      '/../ui-evil.txt',
      '/..%2fui-evil.txt',
      '/secret.txt%00.html',
      '/%00',
      '/..%00/secret',
      `/${'..%2f'.repeat(12)}etc/passwd`,
      '/%E0%A4%A',
    ]
    for (const path of attempts) {
      const inProcess = await app.request(path)
      const body = await inProcess.text()
      expect([path, body.includes(SECRET) || body.includes('root:')]).toEqual([path, false])
      expect([path, inProcess.status === 404 || body === INDEX]).toEqual([path, true])
      const over = await raw(path)
      expect([path, over.includes(SECRET) || over.includes('root:')]).toEqual([path, false])
    }
  })
})
