// `pnpm bench` for @faramesh/mcp: runs every bench/*.bench.mjs in name order, each in its own process (each is
// bounded in time and prints its own figures), and fails if one fails.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
let failed = 0
for (const file of readdirSync(here).filter((f) => f.endsWith('.bench.mjs')).sort()) {
  const r = spawnSync(process.execPath, [join(here, file)], { stdio: 'inherit', timeout: 90_000 })
  if (r.status !== 0) {
    console.error(`${file}: ${r.error ? r.error.message : `exit ${r.status ?? r.signal}`}`)
    failed += 1
  }
}
process.exit(failed === 0 ? 0 : 1)
