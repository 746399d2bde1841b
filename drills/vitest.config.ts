import { defineConfig } from 'vitest/config'

// The drills start real processes and databases: one file at a time on the 2-core CI machine, with
// generous per-test limits (each drill also bounds its own load).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
})
