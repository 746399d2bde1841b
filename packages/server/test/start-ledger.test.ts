// startGateway opening its ledger: a broken signing key fails at once with a message naming the file (not the
// 30 s "Postgres not up yet" retry loop), and the retry warning says what actually went wrong.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, connect, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startPostgres, type PostgresInstance } from '@faramesh/ledger/testing'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createLogger } from '../src/logger.js'
import { loadConfig } from '../src/node/config.js'
import { startGateway } from '../src/node/start-gateway.js'

let pg: PostgresInstance | null = null
let dir: string
let logs: string[] = []
const logger = () => createLogger({ level: 'debug', write: (l) => logs.push(l) })

beforeAll(async () => {
  pg = await startPostgres()
}, 60_000)
afterAll(async () => {
  await pg?.stop()
})
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'faramesh-start-'))
  mkdirSync(join(dir, 'policies'))
  writeFileSync(join(dir, 'policies', 'default.yaml'), 'rules:\n  - match: { tool: http, op: "*" }\n    allow: true\n')
  logs = []
  return () => rmSync(dir, { recursive: true, force: true })
})

const config = (env: Record<string, string>) => loadConfig({ FARAMESH_PORT: '0', ...env }, dir)

describe('startGateway and its ledger', () => {
  it('fails at once with SIGNING_KEY naming the file when the Postgres key file is garbage', async () => {
    const keyPath = join(dir, 'key.pem')
    writeFileSync(keyPath, 'not a key\n')
    const t0 = Date.now()
    const c = config({ FARA_DB_BACKEND: 'postgres', FARA_POSTGRES_DSN: pg!.dsn, FARAMESH_SIGNING_KEY_FILE: keyPath })
    const err = await startGateway(c, { logger: logger() }).then(() => null, (e: unknown) => e as { code: string; message: string })
    expect(err).toMatchObject({ code: 'SIGNING_KEY' })
    expect(err!.message).toContain(keyPath)
    expect(err!.message).toMatch(/not a valid PEM private key/)
    expect(Date.now() - t0).toBeLessThan(5_000)
    expect(logs.join('\n')).not.toContain('retrying')
  }, 20_000)

  it('fails with SIGNING_KEY when the SQLite key file cannot be read', async () => {
    if (process.getuid?.() === 0) {
      // root reads a 000 file anyway: use a directory in the key's place instead (EISDIR).
      mkdirSync(join(dir, 'l.db.signing-key.pem'))
    } else {
      writeFileSync(join(dir, 'l.db.signing-key.pem'), 'x')
      chmodSync(join(dir, 'l.db.signing-key.pem'), 0)
    }
    const c = config({ FARA_DB_BACKEND: 'sqlite', FARA_SQLITE_PATH: join(dir, 'l.db') })
    await expect(startGateway(c, { logger: logger() })).rejects.toMatchObject({
      code: 'SIGNING_KEY',
      message: expect.stringContaining(`cannot read signing key ${join(dir, 'l.db.signing-key.pem')}`) as string,
    })
  })

  it('retries while Postgres is unreachable, logging the underlying error, then starts', async () => {
    // Nothing listens on the port until the first warning; then it forwards to the real server.
    const sockets: Socket[] = []
    const proxy: Server = createServer((s) => {
      const up = connect(pg!.port, '127.0.0.1')
      sockets.push(s, up)
      s.pipe(up).pipe(s)
      s.on('error', () => up.destroy())
      up.on('error', () => s.destroy())
    })
    const port = await new Promise<number>((r) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const p = (probe.address() as { port: number }).port
        probe.close(() => r(p))
      })
    })
    const write = (l: string) => {
      logs.push(l)
      if (l.includes('retrying') && !proxy.listening) proxy.listen(port, '127.0.0.1')
    }
    const c = config({ FARA_DB_BACKEND: 'postgres', FARA_POSTGRES_DSN: `postgres://postgres@127.0.0.1:${port}/postgres` })
    const gw = await startGateway(c, { logger: createLogger({ level: 'debug', write }) })
    await gw.close()
    for (const s of sockets) s.destroy()
    proxy.close()
    const warn = logs.find((l) => l.includes('postgres not reachable yet, retrying'))
    expect(warn).toBeDefined()
    const fields = JSON.parse(warn!) as { error?: string }
    expect(fields.error).toMatch(/cannot open postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres: .+/)
  }, 40_000)
})
