// A temp working directory per drill: the policy the drill's traffic is decided by, a data dir, and the
// gateway environment for SQLite or Postgres.
import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ActionRequest } from '@faramesh/policy-core'

export const DRILL_POLICY = `# Drill traffic is allowed, payments wait for a person, everything else is denied.
rules:
  - match: { tool: drill, op: "*" }
    allow: true
    description: Drill traffic
  - match: { tool: payment, op: "*" }
    require_approval: true
    description: Payments need a person
  - match: { tool: "*", op: "*" }
    deny: true
    description: Not part of the drill
`

export const DRILL_TOKEN = 'drill-token-0123456789abcdef'

export interface Workspace {
  readonly dir: string
  readonly policyFile: string
  readonly sqlitePath: string
  remove(): void
}

export function makeWorkspace(prefix = 'faramesh-drill-'): Workspace {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  chmodSync(dir, 0o755)
  const policyFile = join(dir, 'policy.yaml')
  writeFileSync(policyFile, DRILL_POLICY)
  return {
    dir,
    policyFile,
    sqlitePath: join(dir, 'data', 'actions.db'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  }
}

export function sqliteEnv(ws: Workspace, sqlitePath = ws.sqlitePath): Record<string, string> {
  return {
    FARA_DB_BACKEND: 'sqlite',
    FARA_SQLITE_PATH: sqlitePath,
    FARA_POLICY_FILE: ws.policyFile,
    FARAMESH_TOKEN: DRILL_TOKEN,
  }
}

export function postgresEnv(ws: Workspace, dsn: string, signingKeyFile: string): Record<string, string> {
  return {
    FARA_DB_BACKEND: 'postgres',
    FARA_POSTGRES_DSN: dsn,
    FARA_POLICY_FILE: ws.policyFile,
    FARAMESH_TOKEN: DRILL_TOKEN,
    FARAMESH_SIGNING_KEY_FILE: signingKeyFile,
  }
}

/** The i-th drill request: allowed by DRILL_POLICY, and traceable by `params.n` even if never acknowledged. */
export function drillRequest(i: number, run = 'r'): ActionRequest {
  return { agent_id: `drill-${i % 8}`, tool: 'drill', operation: 'write', params: { n: i, run } }
}

export const authHeaders = { authorization: `Bearer ${DRILL_TOKEN}`, 'content-type': 'application/json' }
