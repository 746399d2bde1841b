// A small tmpfs for the disk drills: a real filesystem that really fills up (ENOSPC) and can really be
// remounted read-only (EROFS). Needs root (CI runs as root); canMountTmpfs() says whether it is possible.
import { execFileSync } from 'node:child_process'
import { chmodSync, closeSync, mkdtempSync, openSync, rmSync, rmdirSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface Tmpfs {
  readonly dir: string
  /** Write a filler file until the filesystem is full; returns the bytes written. */
  fill(): number
  /** Remove the filler file. */
  unfill(): void
  remount(mode: 'ro' | 'rw'): void
  unmount(): void
}

export function canMountTmpfs(): boolean {
  if (process.getuid?.() !== 0) return false
  let fs: Tmpfs | undefined
  try {
    fs = mountTmpfs(1)
    return true
  } catch {
    return false
  } finally {
    fs?.unmount()
  }
}

export function mountTmpfs(sizeMb: number): Tmpfs {
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-tmpfs-'))
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m,mode=0755`, 'tmpfs', dir])
  chmodSync(dir, 0o755)
  const filler = join(dir, 'filler.bin')
  return {
    dir,
    fill() {
      const fd = openSync(filler, 'a')
      const chunk = Buffer.alloc(64 * 1024, 0x5a)
      let written = 0
      try {
        for (;;) written += writeSync(fd, chunk)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err
      } finally {
        closeSync(fd)
      }
      // Fill the last partial chunk too, byte by byte in small steps.
      const small = Buffer.alloc(512, 0x5a)
      const fd2 = openSync(filler, 'a')
      try {
        for (;;) written += writeSync(fd2, small)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err
      } finally {
        closeSync(fd2)
      }
      return written
    },
    unfill: () => rmSync(filler, { force: true }),
    remount: (mode) => execFileSync('mount', ['-o', `remount,${mode}`, dir]),
    unmount() {
      try {
        execFileSync('umount', [dir])
      } catch {
        execFileSync('umount', ['-l', dir])
      }
      rmdirSync(dir)
    },
  }
}
