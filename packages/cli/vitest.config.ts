import { defineConfig } from 'vitest/config'
import { serialTests } from '../../vitest.shared.ts'

// The suites spawn the built binary and start real gateways: give each test room for a few process start-ups.
export default defineConfig({ test: { ...serialTests, testTimeout: 60_000, hookTimeout: 60_000 } })
