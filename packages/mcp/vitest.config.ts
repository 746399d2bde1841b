import { defineConfig } from 'vitest/config'

// Real gateways, real MCP servers as child processes, real Postgres on a shared 2-core machine: give them room,
// but bound every wait.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 90_000,
  },
})
