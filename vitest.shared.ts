// Test settings most packages share. The suites start real gateways, databases and processes on 2 shared cores,
// so files run one after another and hooks get room for start-ups. Plain data (no imports): each package's
// vitest.config.ts spreads it into its own defineConfig and overrides what it needs.
export const serialTests = {
  include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  fileParallelism: false,
  testTimeout: 20_000,
  hookTimeout: 30_000,
}
