// CPU seconds used by a set of processes (from /proc), to tell a CPU-bound run from a lock-bound one on a
// shared 2-core machine.
import { readdirSync, readFileSync } from 'node:fs'

const TICKS = 100 // USER_HZ on Linux

function stat(pid: number): { ppid: number; cpu: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the parenthesised command name, which may itself contain spaces.
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ')
    return { ppid: Number(f[1]), cpu: (Number(f[11]) + Number(f[12])) / TICKS }
  } catch {
    return null
  }
}

/** The pids and all their descendants (Postgres backends are children of the postmaster). */
export function withDescendants(roots: readonly number[]): number[] {
  const all = new Set(roots)
  const parents = new Map<number, number>()
  for (const name of readdirSync('/proc')) {
    const pid = Number(name)
    if (!Number.isInteger(pid)) continue
    const s = stat(pid)
    if (s) parents.set(pid, s.ppid)
  }
  let grew = true
  while (grew) {
    grew = false
    for (const [pid, ppid] of parents) {
      if (all.has(ppid) && !all.has(pid)) {
        all.add(pid)
        grew = true
      }
    }
  }
  return [...all]
}

export function cpuSeconds(pids: readonly number[]): number {
  let total = 0
  for (const pid of pids) total += stat(pid)?.cpu ?? 0
  return total
}
