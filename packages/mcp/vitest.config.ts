import { defineConfig } from 'vitest/config'
import { serialTests } from '../../vitest.shared.ts'

// Real gateways, real MCP servers as child processes, a throw-away Postgres: the wrapper's e2e suites need more room
// for start-ups than the shared defaults, and still bound every wait.
export default defineConfig({ test: { ...serialTests, testTimeout: 30_000, hookTimeout: 90_000 } })
