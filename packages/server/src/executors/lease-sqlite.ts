// The SQLite gateway lease. Several processes may share one SQLite file (the ledger serialises their writes), so
// "the previous process" is not enough: each gateway holds an exclusive lock on a small lock database of its own,
// `<db>.gateways/<lease id>.lock`. SQLite's locks are POSIX record locks, which the kernel drops when the process dies
// (kill -9 included) and which work across containers sharing the volume, as the WAL database itself requires.
import { randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, realpathSync, rmSync, unlinkSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { ApiError } from '../errors.js'
import { LEASE_ID, type InstanceLease } from './lease.js'

// Open lease connections, held here so that a lease object the caller drops is never collected: a collected
// connection closes, and the lock goes with it while the process lives.
const HELD = new Set<Database.Database>()

const busy = (err: unknown): boolean => /^SQLITE_(BUSY|LOCKED)/.test((err as { code?: string }).code ?? '')

function tryHold(path: string): Database.Database | null {
  const db = new Database(path, { timeout: 0 })
  try {
    // EXCLUSIVE locking mode keeps the lock taken by the first write until the connection closes; it would also keep
    // a rollback journal file beside it, which a journal in memory avoids (the file holds nothing worth a journal).
    db.pragma('journal_mode = MEMORY')
    db.pragma('locking_mode = EXCLUSIVE')
    db.exec('BEGIN EXCLUSIVE; CREATE TABLE IF NOT EXISTS lease (pid INTEGER); COMMIT')
    // A checker that found the file unlocked a moment ago may have removed it before we locked it: start over then.
    if (existsSync(path)) return db
  } catch (err) {
    if (!busy(err)) {
      db.close()
      throw err
    }
  }
  db.close()
  return null
}

/** Beside the database file itself: gateways naming it through different paths (a symlink) share one directory. */
function leaseDir(dbPath: string): string {
  try {
    return `${realpathSync(dbPath)}.gateways`
  } catch {
    return `${dbPath}.gateways`
  }
}

export function openSqliteLease(dbPath: string): InstanceLease {
  const dir = leaseDir(dbPath)
  let held: { id: string; path: string; db: Database.Database } | null = null
  try {
    mkdirSync(dir, { recursive: true })
    for (let attempt = 0; attempt < 5 && !held; attempt++) {
      const id = randomUUID()
      const path = join(dir, `${id}.lock`)
      const db = tryHold(path)
      if (db) held = { id, path, db }
    }
  } catch (err) {
    throw new ApiError('CONFIG_INVALID', `cannot take the gateway lease in ${dir}: ${(err as Error).message}`, { where: 'FARA_SQLITE_PATH' })
  }
  if (!held) throw new ApiError('CONFIG_INVALID', `cannot take the gateway lease in ${dir}: its lock file stayed busy`, { where: 'FARA_SQLITE_PATH' })
  const own = held
  HELD.add(own.db)

  return {
    id: own.id,
    // The kernel drops a POSIX lock only when its process dies: never missing from a live one.
    regainMs: 0,
    async isLive(id) {
      if (id === own.id) return true
      if (!LEASE_ID.test(id)) return false
      const path = join(dir, `${id}.lock`)
      if (!existsSync(path)) return false
      let db: Database.Database
      try {
        db = new Database(path, { timeout: 0, fileMustExist: true })
      } catch (err) {
        if ((err as { code?: string }).code === 'SQLITE_CANTOPEN' && !existsSync(path)) return false
        throw err
      }
      try {
        // Holding the lock ourselves proves the owner is gone; remove its file while no one else can take it.
        db.exec('BEGIN EXCLUSIVE')
        unlinkSync(path)
        rmSync(`${path}-journal`, { force: true })
        db.exec('ROLLBACK')
        return false
      } catch (err) {
        if (busy(err)) return true
        throw err
      } finally {
        db.close()
      }
    },
    async close() {
      try {
        unlinkSync(own.path)
      } catch {
        // already gone
      }
      own.db.close()
      HELD.delete(own.db)
    },
  }
}
