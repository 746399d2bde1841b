// After a drill: is every acknowledged action still there, and does the chain verify? Checked twice, the way
// an operator would: offline over the gateway's NDJSON export with its public key (what `faramesh verify-log`
// does), and directly on the store with the ledger's own verify().
import { verifyNdjson, type Ledger, type VerifyResult } from '@faramesh/ledger'
import { OperatorClient } from '@faramesh/sdk/operator'
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DrillError } from './errors.js'
import { repoRoot } from './paths.js'
import { DRILL_TOKEN } from './workspace.js'

export type StoreTarget =
  { sqlite: string; signingKeyPath?: string } | { postgres: string; signingKeyPath: string }

export interface StoreAudit {
  /** Acknowledged ids that the store does not have. */
  missing: string[]
  actions: number
  verify: VerifyResult
}

export async function openStore(target: StoreTarget): Promise<Ledger> {
  // Each dialect loads only its own driver.
  if ('sqlite' in target) {
    const { openSqliteLedger } = await import('@faramesh/ledger/sqlite')
    return openSqliteLedger(
      target.sqlite,
      target.signingKeyPath ? { signingKeyPath: target.signingKeyPath } : {},
    )
  }
  const { openPostgresLedger } = await import('@faramesh/ledger/postgres')
  return openPostgresLedger(target.postgres, { signingKeyPath: target.signingKeyPath })
}

export async function allActionIds(ledger: Ledger): Promise<Set<string>> {
  const ids = new Set<string>()
  let cursor: string | undefined
  for (;;) {
    const page = await ledger.listActions({ limit: 1000, ...(cursor ? { cursor } : {}) })
    for (const a of page.items) ids.add(a.id)
    if (!page.next_cursor || page.items.length === 0) return ids
    cursor = page.next_cursor
  }
}

/** Opens the store directly (gateways may be stopped), checks every acknowledged id and verifies the chain. */
export async function auditStore(target: StoreTarget, acked: readonly string[]): Promise<StoreAudit> {
  const ledger = await openStore(target)
  try {
    const ids = await allActionIds(ledger)
    return { missing: acked.filter((id) => !ids.has(id)), actions: ids.size, verify: await ledger.verify() }
  } finally {
    await ledger.close()
  }
}

/** `verify-log` against a running gateway: export the chain over HTTP and verify it offline. */
export async function verifyViaApi(url: string): Promise<VerifyResult> {
  const client = new OperatorClient({ baseUrl: url, token: DRILL_TOKEN, maxRetries: 0, timeoutMs: 120_000 })
  const key = await client.publicKey()
  return verifyNdjson(await client.exportLedger(), key.public_key_pem)
}

export interface VerifyLogReport {
  ok: boolean
  checked: number
  source: string
  reason?: string
}

/** The real `faramesh verify-log --json`: against a gateway (`{ url }`) or a SQLite file (`{ db }`).
 *  Exit 0 means the chain verified; 11 means it did not (the JSON says where). verify-log trusts only checkpoint
 *  keys the operator provides: `signingKeyFile` is the gateway's FARAMESH_SIGNING_KEY_FILE (or its default file),
 *  given as the operator's configuration would; a `db` needs none when its key sits beside it. */
export function verifyLogCli(target: ({ url: string } | { db: string }) & { signingKeyFile?: string }): VerifyLogReport {
  const cli = join(repoRoot, 'packages', 'cli', 'bin', 'run.js')
  if (!existsSync(join(repoRoot, 'packages', 'cli', 'dist'))) {
    throw new DrillError(
      'NOT_BUILT',
      'packages/cli/dist: run `pnpm --filter "@faramesh/drills..." run build`',
    )
  }
  const args =
    'db' in target
      ? ['--db', target.db]
      : ['--host', new URL(target.url).hostname, '--port', new URL(target.url).port, '--token', DRILL_TOKEN]
  try {
    const out = execFileSync(process.execPath, [cli, 'verify-log', ...args, '--json'], {
      encoding: 'utf8',
      cwd: tmpdir(),
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/root',
        ...(target.signingKeyFile ? { FARAMESH_SIGNING_KEY_FILE: target.signingKeyFile } : {}),
      },
      timeout: 60_000,
    })
    return JSON.parse(out) as VerifyLogReport
  } catch (err) {
    const e = err as { status?: number; stdout?: string; stderr?: string }
    if (e.status === 11 && e.stdout) return JSON.parse(e.stdout) as VerifyLogReport
    throw new DrillError('START_FAILED', `faramesh verify-log exited ${e.status}: ${e.stderr ?? ''}`, {
      cause: err,
    })
  }
}
