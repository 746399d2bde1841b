import { defineConfig } from 'vitest/config'

// Real HTTP, real SQLite files and real Postgres on a shared 2-core machine: give I/O-bound tests room.
export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
})
