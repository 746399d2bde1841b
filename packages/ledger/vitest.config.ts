// The write and checkpoint workers run from the TypeScript sources in the ledger's own tests (test/worker-hooks.ts).
import { defineConfig } from 'vitest/config'

export const workerHooks = ['--import', new URL('./test/worker-hooks.ts', import.meta.url).pathname]

export default defineConfig({
  test: { execArgv: workerHooks },
})
