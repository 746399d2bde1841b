// Writes starter files without clobbering: an existing file is kept unless --force says otherwise.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

export interface ScaffoldFile {
  path: string
  /** Bytes are written as they are (init-docker's copies must be byte-identical). */
  content: string | Uint8Array
}

export interface ScaffoldResult {
  created: string[]
  skipped: string[]
  overwritten: string[]
}

/** With `dryRun` nothing is written, but the result says what would have been. */
export function scaffold(dir: string, files: readonly ScaffoldFile[], force: boolean, dryRun = false): ScaffoldResult {
  const result: ScaffoldResult = { created: [], skipped: [], overwritten: [] }
  for (const file of files) {
    const target = join(dir, file.path)
    const exists = existsSync(target)
    if (exists && !force) {
      result.skipped.push(file.path)
      continue
    }
    if (!dryRun) {
      mkdirSync(dirname(target), { recursive: true })
      writeFileSync(target, file.content)
    }
    ;(exists ? result.overwritten : result.created).push(file.path)
  }
  return result
}
