import { sveltekit } from '@sveltejs/kit/vite'
import adapter from '@sveltejs/adapter-static'
import { defineConfig } from 'vite'

// A pure client-side app: the gateway serves build/ at `/` and answers every unknown path with index.html,
// so the SPA fallback is the only page we emit.
export default defineConfig({
  plugins: [
    sveltekit({
      adapter: adapter({ pages: 'build', assets: 'build', fallback: 'index.html', precompress: false }),
      output: { bundleStrategy: 'single' },
    }),
  ],
  // `pnpm dev` talks to a running gateway (default: the one `pnpm start` runs) through the dev server's origin.
  server: {
    proxy: { '/v1': { target: process.env.FARAMESH_BASE_URL ?? 'http://127.0.0.1:8000', changeOrigin: true } },
  },
})
