// Several stateless gateways on one Postgres database, sharing one policy and one signing key: the
// production topology of docker/README.md, as processes.
import { generateKeyPairSync } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startGatewayProcess, type GatewayProcess } from './gateway-process.js'
import type { PostgresCluster } from './postgres-cluster.js'
import { makeWorkspace, postgresEnv, type Workspace } from './workspace.js'

export interface Fleet {
  readonly ws: Workspace
  readonly dsn: string
  readonly signingKeyPath: string
  readonly gateways: GatewayProcess[]
  /** Start (or restart) gateway i on its former port. */
  restart(i: number): Promise<GatewayProcess>
  stopAll(): Promise<void>
  /** Stop every gateway and remove the working directory (policy, key). */
  destroy(): Promise<void>
}

export function writeSigningKey(dir: string): string {
  const path = join(dir, 'ledger-signing-key.pem')
  const { privateKey } = generateKeyPairSync('ed25519')
  writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 })
  return path
}

let dbCounter = 0

export async function startFleet(
  pg: PostgresCluster,
  count: number,
  extraEnv: Record<string, string> = {},
): Promise<Fleet> {
  const ws = makeWorkspace('faramesh-fleet-')
  const dsn = await pg.createDatabase(`drill_${process.pid}_${++dbCounter}`)
  const signingKeyPath = writeSigningKey(ws.dir)
  const env = { ...postgresEnv(ws, dsn, signingKeyPath), ...extraEnv }
  // All at once, as an orchestrator would: migrations must cope with concurrent starts.
  const gateways = await Promise.all(
    Array.from({ length: count }, () => startGatewayProcess({ env, cwd: ws.dir, readyTimeoutMs: 30_000 })),
  )
  const fleet: Fleet = {
    ws,
    dsn,
    signingKeyPath,
    gateways,
    async restart(i) {
      const old = gateways[i]!
      await old.stop()
      gateways[i] = await startGatewayProcess({ env, cwd: ws.dir, port: old.port })
      return gateways[i]
    },
    async stopAll() {
      await Promise.all(gateways.map((g) => g.stop()))
    },
    async destroy() {
      await fleet.stopAll()
      ws.remove()
    },
  }
  return fleet
}
