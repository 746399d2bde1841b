// `pnpm bench`: median time per evaluation for the seed policy mix, a generated 10,000-rule policy, and the same
// seed decisions made by Cedar (cedar-wasm statefulIsAuthorized on a pre-parsed policy set), with the ratio.
import { readFileSync } from 'node:fs'
import { dump } from 'js-yaml'
import * as cedar from '@cedar-policy/cedar-wasm/nodejs'
import { generatePolicy } from './generate.ts'
import { formatNs, measure } from './measure.ts'
import { CEDAR_POLICIES, SEED_MIX, cedarCall, cedarDecision } from './seed-mix.ts'

type Core = typeof import('../src/index.js')
const core = (await import(new URL('../dist/index.js', import.meta.url).href)) as Core
const quick = process.argv.includes('--quick')
// Short rounds (well under a scheduler time slice) and many of them: on a shared machine a round that gets
// preempted is an outlier the median ignores, instead of every long round absorbing other processes' load.
const rounds = quick ? 101 : 401

// 1. Seed policy over the request mix. Each call gets the raw request, so canonical params JSON is recomputed
//    whenever a contains/pattern rule needs it, as in the gateway.
const seed = core.parsePolicy(readFileSync(new URL('../../../policies/default.yaml', import.meta.url), 'utf8'))
const mix = SEED_MIX
const seedResult = measure((i) => core.evaluate(seed, mix[i % mix.length]), { perRound: 2_000, rounds, warmupRounds: 200 })

// 2. Generated 10,000-rule policy.
const gen = generatePolicy(core.EFFECTS, 10_000)
const bigYaml = dump(gen.doc)
const t0 = performance.now()
const big = core.parsePolicy(bigYaml)
const loadMs = performance.now() - t0
const reqs = gen.requests
const hits = new Set(reqs.map((r) => core.evaluate(big, r).rule_index))
const bigResult = measure((i) => core.evaluate(big, reqs[i % reqs.length]), { perRound: 192, rounds, warmupRounds: 200 })

// 3. Cedar on the equivalent policy, after checking it decides every request of the mix exactly as we do.
const parsed = cedar.preparsePolicySet('seed', { staticPolicies: CEDAR_POLICIES })
if (parsed.type !== 'success') throw new Error(`Cedar policy did not parse: ${JSON.stringify(parsed)}`)
const calls = mix.map((r) => cedarCall(r, 'seed'))
for (const [i, r] of mix.entries()) {
  const ours = core.evaluate(seed, r).decision
  const theirs = cedarDecision(cedar.statefulIsAuthorized(calls[i]!))
  if (ours !== theirs) throw new Error(`Decision mismatch on ${JSON.stringify(r)}: faramesh ${ours}, cedar ${theirs}`)
}
const cedarResult = measure((i) => cedar.statefulIsAuthorized(calls[i % calls.length]!), { perRound: 10, rounds, warmupRounds: 100 })

const row = (name: string, m: { medianNs: number; p10Ns: number; p90Ns: number }): string =>
  `${name.padEnd(44)} median ${formatNs(m.medianNs).padStart(10)}   (p10 ${formatNs(m.p10Ns)}, p90 ${formatNs(m.p90Ns)})`
console.log(`policy-core evaluation benchmark (${rounds} rounds, median per evaluation)`)
console.log(row(`seed policy, ${mix.length}-request mix`, seedResult))
console.log(row(`10,000-rule policy, ${reqs.length} requests (${hits.size} distinct outcomes)`, bigResult))
console.log(row('cedar-wasm statefulIsAuthorized, seed mix', cedarResult))
console.log(`parse + validate + compile the 10,000-rule YAML (${(bigYaml.length / 1024).toFixed(0)} kB): ${loadMs.toFixed(0)} ms`)
console.log(`ratio cedar / faramesh (seed mix): ${(cedarResult.medianNs / seedResult.medianNs).toFixed(1)}x`)
const ok = seedResult.medianNs <= 300 && bigResult.medianNs <= 10_000 && cedarResult.medianNs / seedResult.medianNs >= 30
console.log(ok ? 'targets met: <=300 ns seed, <=10 µs 10k rules, >=30x cedar' : 'TARGETS MISSED')
process.exitCode = ok ? 0 : 1
