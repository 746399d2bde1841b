import { defineConfig } from 'vitest/config'

// Kept apart from vite.config.ts so unit tests run without the SvelteKit plugin; e2e tests drive the built app.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The e2e suite shares one gateway and one browser; running files in parallel would only fight for 2 cores.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 90_000,
  },
})
