// A small ext4 filesystem in a loop-mounted image, for the read-only drill: ext4's own error path
// (trigger_fs_error with errors=remount-ro) flips it to read-only under the running gateway, exactly as a
// failing disk does, which a plain `mount -o remount,ro` refuses while files are open for writing.
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'

export interface Ext4Image {
  readonly dir: string
  /** The kernel marks the filesystem read-only (emergency_ro), open files included. */
  failToReadOnly(): void
  /** What an operator does after the fault: unmount (gateway stopped), fsck, mount read-write again. */
  repair(): void
  unmount(): void
}

function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

export function canMountExt4(): boolean {
  if (process.getuid?.() !== 0) return false
  let img: Ext4Image | undefined
  try {
    img = mountExt4Image(8)
    return true
  } catch {
    return false
  } finally {
    img?.unmount()
  }
}

export function mountExt4Image(sizeMb: number): Ext4Image {
  const root = mkdtempSync(join(tmpdir(), 'faramesh-ext4-'))
  const file = join(root, 'disk.img')
  const dir = join(root, 'mnt')
  writeFileSync(file, '')
  sh('truncate', ['-s', `${sizeMb}M`, file])
  sh('mkfs.ext4', ['-q', '-F', file])
  sh('mkdir', ['-p', dir])
  const mount = (): void => {
    sh('mount', ['-o', 'loop,errors=remount-ro', file, dir])
    chmodSync(dir, 0o755)
  }
  mount()
  let mounted = true
  const umount = (): void => {
    if (!mounted) return
    try {
      sh('umount', [dir])
    } catch {
      sh('umount', ['-l', dir])
    }
    mounted = false
  }
  return {
    dir,
    failToReadOnly() {
      const device = basename(sh('findmnt', ['-n', '-o', 'SOURCE', dir]).trim())
      writeFileSync(`/sys/fs/ext4/${device}/trigger_fs_error`, '1')
    },
    repair() {
      umount()
      try {
        sh('e2fsck', ['-p', file])
      } catch (err) {
        // Exit status 1 means "errors corrected", which is the expected outcome here.
        if ((err as { status?: number }).status !== 1) throw err
      }
      mount()
      mounted = true
    },
    unmount() {
      umount()
      rmSync(root, { recursive: true, force: true })
    },
  }
}
