import { defineConfig } from 'vitest/config'

// The suites spawn the built binary and start real gateways: run files one at a time (2 shared cores) and
// give each test room for a few process start-ups.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
