// The checks behind `faramesh doctor`. Each returns ok / warn / fail with one line of explanation; only a fail
// makes the command exit non-zero (a missing token or UI is fine for local work).
import { accessSync, constants, existsSync, statSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { unsupportedNode } from '@faramesh/server/node-version'
import { suggest } from './invocation.js'

export type CheckStatus = 'ok' | 'warn' | 'fail'

export interface CheckResult {
  name: string
  status: CheckStatus
  message: string
  /** The absolute path checked (database, policy), for scripts. */
  path?: string
}

const rel = (p: string): string => relative(process.cwd(), p) || p

/** The same minimum bin/run.js enforces (engines.node of @faramesh/server), for reports and --json. */
export function checkNode(version: string = process.versions.node): CheckResult {
  const problem = unsupportedNode(version)
  return problem === null ? { name: 'node', status: 'ok', message: `Node.js ${version}` } : { name: 'node', status: 'fail', message: problem }
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK)
    return true
  } catch {
    return false
  }
}

export function checkSqlite(path: string): CheckResult {
  if (existsSync(path)) {
    if (!statSync(path).isFile()) return { name: 'database', path, status: 'fail', message: `Database path is not a file: ${rel(path)}` }
    return writable(path)
      ? { name: 'database', path, status: 'ok', message: `Database exists and is writable: ${rel(path)}` }
      : { name: 'database', path, status: 'fail', message: `Database is not writable: ${rel(path)}` }
  }
  // Not created yet: the gateway creates it and its folder, so the nearest existing folder must be writable.
  let dir = dirname(path)
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir)
  return writable(dir)
    ? { name: 'database', path, status: 'ok', message: `Database will be created at ${rel(path)}` }
    : { name: 'database', path, status: 'fail', message: `Cannot create the database ${rel(path)}: ${dir} is not writable` }
}

export function checkPostgres(dsn: string | null): CheckResult {
  return dsn
    ? { name: 'database', status: 'ok', message: 'Postgres DSN configured (FARA_POSTGRES_DSN or DATABASE_URL)' }
    : { name: 'database', status: 'fail', message: 'FARA_DB_BACKEND=postgres but FARA_POSTGRES_DSN is not set' }
}

export async function checkPolicy(path: string): Promise<CheckResult> {
  if (!existsSync(path)) return { name: 'policy', path, status: 'fail', message: `Policy file not found: ${rel(path)} (run ${suggest('init')})` }
  try {
    const { loadPolicyFile } = await import('@faramesh/policy-core/node')
    const { policy } = loadPolicyFile(path)
    const risk = policy.riskRules.length > 0 ? `, ${policy.riskRules.length} risk rules` : ''
    return { name: 'policy', path, status: 'ok', message: `Policy file exists: ${rel(path)} (${policy.rules.length} rules${risk})` }
  } catch (err) {
    const e = err as { format?: () => string; message?: string }
    const detail = typeof e.format === 'function' ? e.format() : String(e.message)
    return { name: 'policy', path, status: 'fail', message: `Policy file is invalid: ${detail.split('\n').join('; ')}` }
  }
}

export function checkAuth(config: { token: string | null; tokensFile: string; tokensFileRequired: boolean }): CheckResult {
  if (config.token) return { name: 'auth', status: 'ok', message: 'Auth token configured' }
  // The gateway follows the tokens file even before it exists; it turns auth on once it does.
  if (config.tokensFileRequired || existsSync(config.tokensFile)) {
    return { name: 'auth', status: 'ok', message: `Scoped tokens file configured: ${rel(config.tokensFile)}` }
  }
  return { name: 'auth', status: 'warn', message: 'No auth token: the gateway is open and only listens on loopback (set FARAMESH_TOKEN)' }
}

export function checkUi(uiDir: string | null): CheckResult {
  if (uiDir && existsSync(join(uiDir, 'index.html'))) return { name: 'ui', status: 'ok', message: `UI assets found: ${rel(uiDir)}` }
  return { name: 'ui', status: 'warn', message: `UI assets not found (run ${suggest('build-ui')}, or set FARAMESH_UI_DIR)` }
}
