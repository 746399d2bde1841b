import { svelte } from '@sveltejs/vite-plugin-svelte'
import { defineConfig } from 'vitest/config'

// Kept apart from vite.config.ts: unit and component tests need only the Svelte compiler (components are rendered
// with svelte/server), not the SvelteKit plugin; the e2e tests drive the built app in Chromium.
export default defineConfig({
  plugins: [svelte()],
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The e2e suite shares one gateway and one browser; running files in parallel would only fight for 2 cores.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 90_000,
  },
})
