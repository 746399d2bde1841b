// Writes starter files without clobbering: an existing file is kept unless --force says otherwise.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

export interface ScaffoldFile {
  path: string
  content: string
}

export interface ScaffoldResult {
  created: string[]
  skipped: string[]
  overwritten: string[]
}

export function scaffold(dir: string, files: readonly ScaffoldFile[], force: boolean): ScaffoldResult {
  const result: ScaffoldResult = { created: [], skipped: [], overwritten: [] }
  for (const file of files) {
    const target = join(dir, file.path)
    const exists = existsSync(target)
    if (exists && !force) {
      result.skipped.push(file.path)
      continue
    }
    mkdirSync(dirname(target), { recursive: true })
    writeFileSync(target, file.content)
    ;(exists ? result.overwritten : result.created).push(file.path)
  }
  return result
}
