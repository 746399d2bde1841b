import { defineConfig } from 'vitest/config'
import { serialTests } from '../../vitest.shared.ts'

// Real gateways, real MCP servers as child processes, real Postgres on a shared 2-core machine: one file at a time,
// room for start-ups, but every wait bounded.
export default defineConfig({
  test: {
    ...serialTests,
    testTimeout: 30_000,
    hookTimeout: 90_000,
  },
})
