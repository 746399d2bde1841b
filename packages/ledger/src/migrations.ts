// Migration files live in packages/ledger/migrations/<dialect>/NNNN_name.sql (shipped with the package) and are
// applied in order on open; statements are separated by drizzle-kit's `--> statement-breakpoint` marker.
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { LedgerError } from './errors.js'

export interface Migration {
  version: number
  name: string
  statements: string[]
}

export const MIGRATIONS_TABLE = 'ledger_migrations'

export function loadMigrations(dialect: 'sqlite' | 'postgres'): Migration[] {
  // Same relative path from src/ (tests) and dist/ (published): both sit one level below the package root.
  const dir = fileURLToPath(new URL(`../migrations/${dialect}/`, import.meta.url))
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 4)),
      name: file.slice(5, -4),
      statements: readFileSync(dir + file, 'utf8')
        .split('--> statement-breakpoint')
        .map((s) => s.trim())
        .filter((s) => s.replace(/--.*$/gm, '').trim() !== ''),
    }))
}

export function schemaTooNew(found: number, known: number, where: string): LedgerError {
  return new LedgerError(
    'SCHEMA_TOO_NEW',
    `${where} has ledger schema version ${found}, but this @faramesh/ledger only knows up to ${known}; upgrade @faramesh/ledger (the database was not modified)`,
    { found, known },
  )
}
