// UUID v7 event ids, ours (ids.ts) against the `uuid` package's v7 and, as the floor, node:crypto's randomUUID (v4).
// Run: pnpm --filter @faramesh/ledger build && pnpm --filter @faramesh/ledger exec node bench/uuid-vs-library.ts
import { randomUUID } from 'node:crypto'
import { v7 } from 'uuid'

const { uuidv7 } = (await import(new URL('../dist/ids.js', import.meta.url).href)) as typeof import('../src/ids.js')

/** Median ns per call over many short rounds (a preempted round is an outlier, not the result). */
function median(run: () => unknown, perRound = 5_000, rounds = 301): number {
  let sink: unknown
  const samples: number[] = []
  for (let r = 0; r < rounds + 30; r++) {
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < perRound; i++) sink = run()
    if (r >= 30) samples.push(Number(process.hrtime.bigint() - t0) / perRound)
  }
  if (sink === null) console.log(sink)
  return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)]!
}

const ours = median(() => uuidv7())
const lib = median(() => v7())
const v4 = median(() => randomUUID())
console.log(`uuidv7 (ids.ts) ${ours.toFixed(0)} ns   uuid v7() ${lib.toFixed(0)} ns (×${(lib / ours).toFixed(2)})   randomUUID v4 ${v4.toFixed(0)} ns`)
