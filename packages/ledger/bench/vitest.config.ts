// `pnpm bench` runs the benchmarks as one long vitest file so they share the TypeScript sources with the tests.
import { defineConfig } from 'vitest/config'
import { workerHooks } from '../vitest.config.js'

export default defineConfig({
  test: {
    include: ['bench/**/*.bench.ts'],
    execArgv: workerHooks,
    testTimeout: 60 * 60_000,
    hookTimeout: 30 * 60_000,
    fileParallelism: false,
    reporters: ['default'],
  },
})
