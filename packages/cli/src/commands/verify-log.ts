import { Flags } from '@oclif/core'
import type { VerifyResult } from '@faramesh/ledger'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { BaseCommand } from '../base-command.js'
import { CliError } from '../errors.js'
import { keyFromConfig, keysFromFiles, type KeyChoice } from '../offline/trusted-keys.js'
import { paint } from '../output/color.js'

type Failure = Extract<VerifyResult, { ok: false }>
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`

export class VerifyLog extends BaseCommand<typeof VerifyLog> {
  static override summary = 'Verify the audit log: hash chain, signed checkpoints, and every action row against its events'
  static override description = `Three sources: the running gateway (default: its NDJSON export, checked here, plus the gateway's own check
of the actions table), a SQLite database file (--db: a private copy is verified; the file is never written, not even
its -wal or -shm), or an NDJSON export file (--ndjson).

A checkpoint signature counts only with a key you provide: --public-key (repeat it for several keys), else the
public half of the gateway's signing key file (FARAMESH_SIGNING_KEY_FILE, or the default beside the SQLite
database), which is read and never created. A checkpoint signed by any other key, one that is only in the
database's ledger_keys or only reported by the gateway, fails the check. The report names each key it trusted and
where it came from, and says how many events after the last checkpoint no signature covers yet.
Exits with 11 when the log does not verify.`
  static override examples = [
    '<%= config.bin %> verify-log',
    '<%= config.bin %> verify-log --public-key faramesh-ledger.pub.pem',
    '<%= config.bin %> verify-log --db data/actions.db',
    '<%= config.bin %> verify-log --db backup.db --public-key 2026-key.pub.pem --public-key 2027-key.pub.pem',
    '<%= config.bin %> verify-log --ndjson export.ndjson --public-key faramesh-ledger.pub.pem --json',
  ]
  static override flags = {
    db: Flags.string({ description: 'Verify this SQLite database file (a private copy of it; the file is not touched)', exclusive: ['ndjson'] }),
    ndjson: Flags.string({ description: 'Verify this NDJSON export (GET /v1/ledger/export)', exclusive: ['db'] }),
    'public-key': Flags.string({
      description: 'PEM public key you trust for checkpoint signatures (repeatable); default: the gateway signing key file',
      multiple: true,
    }),
  }

  async run(): Promise<void> {
    const f = this.flags
    const dbPath = f.db ? resolve(f.db) : null
    const given = f['public-key'] ?? []
    const choice: KeyChoice = given.length > 0 ? { keys: await keysFromFiles(given), key_source: 'file', note: null } : await keyFromConfig(this.env(), process.cwd(), dbPath)
    const pems = choice.keys.map((k) => k.public_key_pem)
    const { verifyNdjson } = await import('@faramesh/ledger')

    let source: string
    let result: VerifyResult
    let actionsBy: 'database' | 'gateway' | null = null
    let actionsNote = 'not checked (an export has no action rows: verify the database with --db, or the running gateway)'
    let gatewayKey: string | null = null
    if (dbPath) {
      source = dbPath
      const { withEvidenceCopy } = await import('../offline/evidence-copy.js')
      result = await withEvidenceCopy(dbPath, async (copy) => {
        const { openSqliteLedger } = await import('@faramesh/ledger/sqlite')
        const ledger = await openSqliteLedger(copy, { verifyOnly: true }).catch((err: unknown) => {
          throw new CliError('IO', `Cannot read ${dbPath} as a Faramesh ledger: ${(err as Error).message.replaceAll(copy, dbPath)}`, { cause: err })
        })
        try {
          return await ledger.verify({ publicKeys: pems })
        } finally {
          await ledger.close()
        }
      })
      actionsBy = 'database'
    } else if (f.ndjson) {
      source = resolve(f.ndjson)
      let text: string
      try {
        text = readFileSync(source, 'utf8')
      } catch (err) {
        throw new CliError('NOT_FOUND', `Cannot read ${source}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err })
      }
      result = await verifyNdjson(text, pems)
    } else {
      const api = await this.api()
      source = `${api.target.baseUrl}/v1/ledger/export`
      result = await verifyNdjson(await api.exportNdjson(), pems)
      gatewayKey = (await api.publicKey().catch(() => null))?.key_id ?? null
      // The export carries the chain only; the rows are checked where they are, by the gateway's own verify.
      actionsNote = 'not checked (this gateway does not check its actions table)'
      if (result.ok) ({ result, actionsBy } = fromGateway(result, await api.ledgerVerify()))
    }

    const trusted = choice.keys.map((k) => ({ key_id: k.key_id, source: k.source, checkpoints: result.checkpoints?.keys[k.key_id] ?? 0 }))
    const databaseOnly = (result.database_keys ?? []).filter((id) => !choice.keys.some((k) => k.key_id === id))
    const report = {
      source,
      key_source: choice.key_source,
      trusted_keys: trusted,
      ...(choice.note ? { key_note: choice.note } : {}),
      ...(dbPath ? { untrusted_database_keys: databaseOnly } : {}),
      ...(gatewayKey ? { gateway_key: { key_id: gatewayKey, trusted: choice.keys.some((k) => k.key_id === gatewayKey) } } : {}),
      actions_checked_by: actionsBy,
      ...result,
    }
    this.output(report, () => humanReport(result, { source, dbPath, trusted, choice, databaseOnly, gatewayKey, actionsBy, actionsNote }))
    if (!result.ok) this.fail('VERIFY_FAILED', failureLine(result))
  }
}

/** The gateway's check of its actions table, folded into the verdict on its export. */
function fromGateway(local: Extract<VerifyResult, { ok: true }>, g: Record<string, unknown>): { result: VerifyResult; actionsBy: 'gateway' | null } {
  if (g.ok === true) return isObject(g.actions) ? { result: { ...local, actions: g.actions as never }, actionsBy: 'gateway' } : { result: local, actionsBy: null }
  const failure: Failure = {
    ok: false,
    checked: local.checked,
    seq: typeof g.seq === 'number' ? g.seq : 0,
    reason: (typeof g.reason === 'string' ? g.reason : 'hash_mismatch') as Failure['reason'],
    message: `the gateway's own verify: ${typeof g.message === 'string' ? g.message : 'failed'}`,
    checkpoints: local.checkpoints,
    ...(typeof g.action_id === 'string' ? { action_id: g.action_id } : {}),
    ...(typeof g.field === 'string' ? { field: g.field } : {}),
  }
  return { result: failure, actionsBy: 'gateway' }
}

function failureLine(r: Failure): string {
  const at = `${r.reason} at seq ${r.seq}`
  if (r.reason === 'untrusted_key') return `The audit log does not verify (${at}): its checkpoints are signed by key ${r.key_id}, which you did not provide`
  if (r.reason === 'action_mismatch') return `The audit log does not verify (${at}): action ${r.action_id}, field ${r.field}`
  if (r.reason === 'action_missing' || r.reason === 'action_unchained') return `The audit log does not verify (${at}): action ${r.action_id}`
  return `The audit log does not verify (${at})`
}

interface HumanContext {
  source: string
  dbPath: string | null
  trusted: Array<{ key_id: string; source: string; checkpoints: number }>
  choice: KeyChoice
  databaseOnly: string[]
  gatewayKey: string | null
  actionsBy: 'database' | 'gateway' | null
  actionsNote: string
}

function humanReport(r: VerifyResult, c: HumanContext): string[] {
  const lines: string[] = []
  if (r.ok) {
    lines.push(
      `${paint('green', '✓')} Ledger verified: ${plural(r.checked, 'event')}` + (r.head ? `, head seq ${r.head.seq} (${r.head.hash.slice(0, 16)}…)` : ', empty chain'),
    )
  } else {
    lines.push(`${paint('red', '✗')} Ledger verification failed at seq ${r.seq}: ${r.reason} — ${r.message}`)
  }
  lines.push(`  source: ${c.source}${c.dbPath ? ' (verified on a private copy; the file was not modified)' : ''}`)
  const cp = r.checkpoints
  if (cp) {
    if (cp.count === 0) lines.push(`  checkpoints: none yet, so no signature covers any of the ${plural(r.checked, 'event')}`)
    else if (cp.unsigned === 0) lines.push(`  checkpoints: ${cp.count}, the last at seq ${cp.last_seq}: every event is covered by a signature`)
    else lines.push(`  checkpoints: ${cp.count}, the last at seq ${cp.last_seq}: ${plural(cp.unsigned, 'event')} after it ${cp.unsigned === 1 ? 'is' : 'are'} not covered by any signature yet`)
  }
  if (r.ok) lines.push(`  actions: ${actionsLine(r, c.actionsBy, c.actionsNote)}`)
  if (c.trusted.length === 0) lines.push(`  trusted keys: none${c.choice.note ? ` (${c.choice.note})` : ''}`)
  else {
    lines.push('  trusted keys:')
    for (const k of c.trusted) lines.push(`    ${k.key_id}  from ${k.source}, signed ${plural(k.checkpoints, 'checkpoint')}`)
  }
  for (const id of c.databaseOnly) lines.push(`  not trusted: ${id} (only in the database's ledger_keys)`)
  if (c.gatewayKey && !c.trusted.some((k) => k.key_id === c.gatewayKey)) lines.push(`  the gateway signs with key ${c.gatewayKey}, which you did not provide: not trusted`)
  return lines
}

function actionsLine(r: Extract<VerifyResult, { ok: true }>, by: 'database' | 'gateway' | null, note: string): string {
  const a = r.actions
  if (!a) return note
  let line = `${plural(a.checked, 'row')} follow${a.checked === 1 ? 's' : ''} from ${a.checked === 1 ? 'its' : 'their'} events${by === 'gateway' ? ' (checked by the gateway)' : ''}`
  if (a.skipped > 0) line += `, ${a.skipped} written during the check left for the next one`
  const uncovered = Object.entries(a.uncovered)
  if (uncovered.length > 0) line += `; not covered by events written before stamps: ${uncovered.map(([f, n]) => `${f} ×${n}`).join(', ')}`
  return line
}
