// UUID v7 event ids, ours (ids.ts) against the `uuid` package's v7 and, as the floor, node:crypto's randomUUID (v4).
// Median time per call (tinybench p50).
// Run: pnpm --filter @faramesh/ledger build && pnpm --filter @faramesh/ledger exec node bench/uuid-vs-library.ts
import { randomUUID } from 'node:crypto'
import { Bench } from 'tinybench'
import { v7 } from 'uuid'

const { uuidv7 } = (await import(new URL('../dist/ids.js', import.meta.url).href)) as typeof import('../src/ids.js')

const bench = new Bench({ time: 2000, warmupTime: 300 })
bench.add('uuidv7 (ids.ts)', () => uuidv7())
bench.add('uuid v7()', () => v7())
bench.add('randomUUID (v4)', () => randomUUID())
await bench.run()
for (const t of bench.tasks) {
  if (t.result.state !== 'completed') throw new Error(`${t.name}: ${t.result.state}`)
  console.log(`${t.name.padEnd(16)} ${(t.result.latency.p50 * 1e6).toFixed(0).padStart(6)} ns`)
}
