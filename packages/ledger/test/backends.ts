// The real backends the contract suite runs against (Postgres: postgres-backend.ts).

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { openSqliteLedger } from '../src/sqlite/index.js'
import type { Ledger, LedgerOptions } from '../src/types.js'

export interface TestDb {
  /** Where the data lives: a file path or a DSN. */
  location: string
  open(options?: LedgerOptions): Promise<Ledger>
  /** Raw SQL behind the ledger's back (tampering). */
  exec(sql: string): Promise<void>
  query<T = Record<string, unknown>>(sql: string): Promise<T[]>
}

export interface Backend {
  name: 'sqlite' | 'postgres'
  setup(): Promise<void>
  fresh(): Promise<TestDb>
  teardown(): Promise<void>
}

export function sqliteBackend(): Backend {
  let dir = ''
  let n = 0
  return {
    name: 'sqlite',
    async setup() {
      dir = mkdtempSync(join(tmpdir(), 'faramesh-ledger-'))
    },
    async fresh() {
      const path = join(dir, `db-${++n}.sqlite`)
      const raw = <T>(f: (db: Database.Database) => T): T => {
        const db = new Database(path)
        try {
          return f(db)
        } finally {
          db.close()
        }
      }
      return {
        location: path,
        open: (options) => openSqliteLedger(path, options),
        exec: async (sql) => raw((db) => void db.exec(sql)),
        query: async <T>(sql: string) => raw((db) => db.prepare(sql).all() as T[]),
      }
    },
    async teardown() {
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

