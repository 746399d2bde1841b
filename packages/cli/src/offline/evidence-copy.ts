// A SQLite database given as evidence is never opened in place: opening it (even read-only, in WAL mode) can create
// its -shm file, replay or checkpoint its -wal, and a ledger open would migrate it and record a key. Instead the file
// and the journal beside it (-wal with committed transactions not yet copied back, or a rollback -journal) are copied
// into a private temporary directory, the copy is opened, and the directory is removed afterwards. The copy is taken
// again when the files changed while they were being copied (a gateway still writing).
import { constants, copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { CliError } from '../errors.js'

/** -wal and -journal hold data the database file may not have yet; -shm is only an index SQLite rebuilds. */
const COMPANIONS = ['-wal', '-journal'] as const
const WATCHED = ['', ...COMPANIONS, '-shm'] as const
const ATTEMPTS = 3

function fingerprint(path: string): string {
  return WATCHED.map((suffix) => {
    try {
      const s = statSync(path + suffix, { bigint: true })
      return `${suffix}:${s.ino}:${s.size}:${s.mtimeNs}`
    } catch {
      return `${suffix}:-`
    }
  }).join('|')
}

/** Runs `use` on a private copy of the database at `path` (and its journal), then deletes the copy. */
export async function withEvidenceCopy<T>(path: string, use: (copy: string) => Promise<T>): Promise<T> {
  if (!existsSync(path)) {
    throw new CliError('NOT_FOUND', `Database file not found: ${path}`, { hint: 'Pass --db <file> or set FARA_SQLITE_PATH.' })
  }
  for (let attempt = 1; ; attempt++) {
    const before = fingerprint(path)
    // mkdtemp makes the directory 0700: the copy is readable by this user only.
    const dir = mkdtempSync(join(tmpdir(), 'faramesh-evidence-'))
    const copy = join(dir, basename(path))
    try {
      try {
        // A copy-on-write clone where the filesystem offers one, a plain copy elsewhere.
        copyFileSync(path, copy, constants.COPYFILE_FICLONE)
        for (const suffix of COMPANIONS) if (existsSync(path + suffix)) copyFileSync(path + suffix, copy + suffix, constants.COPYFILE_FICLONE)
      } catch (err) {
        throw new CliError('IO', `Cannot copy ${path} to verify it: ${(err as Error).message}`, { cause: err })
      }
      if (fingerprint(path) === before) return await use(copy)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
    if (attempt >= ATTEMPTS) {
      throw new CliError('IO', `${path} kept changing while it was copied: a gateway is writing to it`, {
        hint: 'Stop the gateway first, or verify its export instead: faramesh verify-log (without --db).',
      })
    }
    await new Promise((r) => setTimeout(r, 200 * attempt))
  }
}
