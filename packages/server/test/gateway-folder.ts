// A gateway started with startGateway (the real node entry, 127.0.0.1, port 0) in a fresh folder holding
// policies/default.yaml, its log lines kept; closed and removed after each test. For the end-to-end files that
// exercise files, reloads and startup (gateway.test.ts, watched-files.test.ts).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach } from 'vitest'
import { createLogger } from '../src/logger.js'
import { loadConfig } from '../src/node/config.js'
import { startGateway, type GatewayHandle } from '../src/node/start-gateway.js'

export interface GatewayFolder {
  /** This test's folder (the gateway's working directory). */
  readonly dir: string
  /** The running gateway, or null before start() and after the test; a test that closed it itself sets null. */
  gw: GatewayHandle | null
  /** Every log line the gateway wrote in this test (debug and up). */
  readonly logs: string[]
  /** startGateway with loadConfig({FARAMESH_PORT: '0', ...env}, dir). */
  start: (env?: Record<string, string>) => Promise<GatewayHandle>
}

export function gatewayFolder(prefix: string, policy: string): GatewayFolder {
  let dir = ''
  let gw: GatewayHandle | null = null
  let logs: string[] = []
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), prefix))
    mkdirSync(join(dir, 'policies'))
    writeFileSync(join(dir, 'policies', 'default.yaml'), policy)
    logs = []
  })
  afterEach(async () => {
    await gw?.close()
    gw = null
    rmSync(dir, { recursive: true, force: true })
  })
  return {
    get dir() {
      return dir
    },
    get gw() {
      return gw
    },
    set gw(g) {
      gw = g
    },
    get logs() {
      return logs
    },
    start: async (env = {}) => {
      gw = await startGateway(loadConfig({ FARAMESH_PORT: '0', ...env }, dir), {
        logger: createLogger({ level: 'debug', write: (l) => logs.push(l) }),
      })
      return gw
    },
  }
}
