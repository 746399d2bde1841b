import { Flags } from '@oclif/core'
import type { VerifyResult } from '@faramesh/ledger'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { BaseCommand } from '../base-command.js'
import { paint } from '../output/color.js'

export class VerifyLog extends BaseCommand<typeof VerifyLog> {
  static override summary = 'Verify the hash chain and signed checkpoints of the audit log'
  static override description = `Three sources: the running gateway (default: its NDJSON export, checked here), a SQLite database file
(--db), or an NDJSON export file (--ndjson). Checkpoint signatures are checked with --public-key (a PEM file you
trust); without it the key is fetched from the gateway. Exits with 11 when the chain does not verify.`
  static override examples = [
    '<%= config.bin %> verify-log',
    '<%= config.bin %> verify-log --public-key faramesh-ledger.pub.pem',
    '<%= config.bin %> verify-log --db data/actions.db',
    '<%= config.bin %> verify-log --ndjson export.ndjson --public-key faramesh-ledger.pub.pem --json',
  ]
  static override flags = {
    db: Flags.string({ description: 'Verify this SQLite database file', exclusive: ['ndjson'] }),
    ndjson: Flags.string({ description: 'Verify this NDJSON export (GET /v1/ledger/export)', exclusive: ['db'] }),
    'public-key': Flags.string({ description: 'PEM public key for checkpoint signatures' }),
  }

  async run(): Promise<void> {
    const f = this.flags
    const { verifyNdjson } = await import('@faramesh/ledger')
    const pem = f['public-key'] ? readFileSync(resolve(f['public-key']), 'utf8') : null
    let source: string
    let keySource: 'file' | 'database' | 'gateway' = pem ? 'file' : 'gateway'
    let result: VerifyResult
    if (f.db) {
      source = resolve(f.db)
      const { openExistingLedger } = await import('../offline/open-ledger.js')
      const ledger = await openExistingLedger(source)
      try {
        // With a trusted key, check the database's chain against it rather than the keys stored beside the data.
        if (pem) result = await verifyNdjson(ledger.exportNdjson(), pem)
        else {
          keySource = 'database'
          result = await ledger.verify()
        }
      } finally {
        await ledger.close()
      }
    } else {
      let text: string
      if (f.ndjson) {
        source = resolve(f.ndjson)
        text = readFileSync(source, 'utf8')
      } else {
        const api = await this.api()
        source = `${api.target.baseUrl}/v1/ledger/export`
        text = await api.exportNdjson()
      }
      result = await verifyNdjson(text, pem ?? (await (await this.api()).publicKey()).public_key_pem)
    }
    const keyNote = keySource === 'file' ? `key: ${f['public-key']}` : `key: from the ${keySource} (pass --public-key to use one you trust)`
    this.output({ source, key_source: keySource, ...result }, () =>
      result.ok
        ? `${paint('green', '✓')} Ledger verified: ${result.checked} event${result.checked === 1 ? '' : 's'}` +
          (result.head ? `, head seq ${result.head.seq} (${result.head.hash.slice(0, 16)}…)` : ', empty chain') +
          `\n  source: ${source}\n  ${keyNote}`
        : `${paint('red', '✗')} Ledger verification failed at seq ${result.seq}: ${result.reason} — ${result.message}\n  source: ${source}\n  ${keyNote}`,
    )
    if (!result.ok) this.fail('VERIFY_FAILED', `The audit log does not verify (${result.reason} at seq ${result.seq})`)
  }
}
