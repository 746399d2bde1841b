// A real Faramesh gateway in this process: temp directory, SQLite file, the given policy, 127.0.0.1 and a free
// port. Used by every test that must talk to the real thing.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig, startGateway, type GatewayHandle } from '@faramesh/server/node'

export interface TestGateway {
  url: string
  port: number
  dir: string
  handle: GatewayHandle
  /** Stop serving (the data directory stays, so `restart()` finds the same actions). */
  stop(): Promise<void>
  /** Start again on the same port and data. */
  restart(): Promise<void>
  /** Stop and delete the data directory. */
  close(): Promise<void>
}

export interface TestGatewayOptions {
  /** Policy YAML text. */
  policy: string
  /** Extra environment for the gateway (FARAMESH_TOKEN, FARAMESH_EXECUTORS, FARAMESH_APPROVAL_TTL, ...). */
  env?: Record<string, string>
  /** Extra files to write into the data directory (e.g. a tokens file), name → content. */
  files?: Record<string, string>
}

export async function startTestGateway(o: TestGatewayOptions): Promise<TestGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-test-'))
  writeFileSync(join(dir, 'policy.yaml'), o.policy)
  for (const [name, text] of Object.entries(o.files ?? {})) writeFileSync(join(dir, name), text)
  const env = (port: number) => ({
    FARAMESH_HOST: '127.0.0.1',
    FARAMESH_PORT: String(port),
    FARA_POLICY_FILE: join(dir, 'policy.yaml'),
    FARA_SQLITE_PATH: join(dir, 'actions.db'),
    FARAMESH_LOG_LEVEL: 'silent',
    FARAMESH_EXECUTORS: 'none',
    FARAMESH_UI_DIR: '',
    ...o.env,
  })
  let handle = await startGateway(loadConfig(env(0), dir))
  const port = handle.port
  let running = true
  const gw: TestGateway = {
    url: handle.url,
    port,
    dir,
    handle,
    async stop() {
      if (running) await handle.close()
      running = false
    },
    async restart() {
      await gw.stop()
      handle = await startGateway(loadConfig(env(port), dir))
      gw.handle = handle
      running = true
    },
    async close() {
      await gw.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
  return gw
}
