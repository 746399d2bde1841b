// Preloaded with `node --import` by entry-points.test.ts: appends the URL of every module the process resolves
// (import and require alike) to the file named by RECORD_LOADS_TO, so a test can see what a command loaded.
import { appendFileSync } from 'node:fs'
import module from 'node:module'

const out = process.env.RECORD_LOADS_TO
if (out) {
  if (typeof module.registerHooks !== 'function') throw new Error('record-loads.mjs needs Node 22.15 or later (module.registerHooks)')
  module.registerHooks({
    resolve(specifier, context, next) {
      const resolved = next(specifier, context)
      appendFileSync(out, `${resolved.url}\n`)
      return resolved
    },
  })
}
