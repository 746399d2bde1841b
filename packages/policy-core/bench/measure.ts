// Median time per call: many rounds of a fixed batch, each round timed as a whole (a single call is too short to
// time alone), and the median round reported so a GC pause or a preempted round does not move it.

export interface Measurement {
  medianNs: number
  p10Ns: number
  p90Ns: number
  rounds: number
  perRound: number
}

export function measure(run: (i: number) => unknown, opts: { perRound: number; rounds: number; warmupRounds?: number }): Measurement {
  let sink: unknown
  const round = (): number => {
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < opts.perRound; i++) sink = run(i)
    return Number(process.hrtime.bigint() - t0) / opts.perRound
  }
  for (let i = 0; i < (opts.warmupRounds ?? 5); i++) round()
  const samples: number[] = []
  for (let i = 0; i < opts.rounds; i++) samples.push(round())
  if (sink === Symbol.for('never')) console.log(sink)
  samples.sort((a, b) => a - b)
  const at = (q: number): number => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!
  return { medianNs: at(0.5), p10Ns: at(0.1), p90Ns: at(0.9), rounds: opts.rounds, perRound: opts.perRound }
}

export function formatNs(ns: number): string {
  return ns >= 1000 ? `${(ns / 1000).toFixed(2)} µs` : `${ns.toFixed(0)} ns`
}
