// Which Node.js can run Faramesh. The minimum is written once, in this package's `engines.node`; the gateway's
// and the CLI's entry files call exitIfUnsupportedNode() before they import anything else, because on an older
// Node the native SQLite binding (better-sqlite3) kills the process with a bare segfault and no message.
// Keep this file loadable by any Node the check must refuse: only node: built-ins, no recent syntax.
import { readFileSync } from 'node:fs'

/** `engines.node` of @faramesh/server, e.g. ">=22". */
export function supportedRange(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { engines?: { node?: unknown } }
  const range = pkg.engines?.node
  if (typeof range !== 'string') throw new Error('@faramesh/server: package.json has no engines.node')
  return range
}

/** The version a `>=X[.Y[.Z]]` range starts at, as [major, minor, patch]. Other range shapes are not used here. */
export function minimumOf(range: string): [number, number, number] {
  const m = /^>=\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(range.trim())
  if (!m) throw new Error(`unsupported engines.node range ${JSON.stringify(range)}: write it as >=MAJOR[.MINOR[.PATCH]]`)
  return [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)]
}

function atLeast(version: string, min: [number, number, number]): boolean {
  const v = version.replace(/^v/, '').split(/[.-]/).map(Number)
  for (let i = 0; i < 3; i++) {
    const a = v[i] ?? 0
    const b = min[i] ?? 0
    if (a !== b) return a > b
  }
  return true
}

/** "22 or newer" for ">=22", "22.5 or newer" for ">=22.5". */
export function describeRange(range: string): string {
  const [major, minor, patch] = minimumOf(range)
  const exact = patch > 0 ? `${major}.${minor}.${patch}` : minor > 0 ? `${major}.${minor}` : String(major)
  return `${exact} or newer`
}

/** Why `version` cannot run Faramesh, or null when it can. */
export function unsupportedNode(version: string = process.versions.node, range: string = supportedRange()): string | null {
  if (atLeast(version, minimumOf(range))) return null
  return `Node.js ${version.replace(/^v/, '')} is too old: Faramesh needs Node.js ${describeRange(range)}`
}

/**
 * On an unsupported Node, prints one line (the problem, then `howToRun`) on stderr and exits 1. Call it first
 * thing in an entry file, then load everything else with `await import(...)`: static imports would be evaluated
 * before the check.
 */
export function exitIfUnsupportedNode(howToRun: string): void {
  const problem = unsupportedNode()
  if (problem === null) return
  process.stderr.write(`faramesh: ${problem}. ${howToRun}\n`)
  process.exit(1)
}
