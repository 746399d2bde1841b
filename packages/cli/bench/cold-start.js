// Cold start of the built binary: `faramesh --version` (and `--help`, which reads the manifest) against a bare
// `node -e 0`, and --version without Node's compile cache; 20 runs each, median and ratio. Goal: --version ≤ 300 ms. Run with `pnpm bench`.
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'run.js')
const RUNS = Number(process.env.RUNS ?? 20)

function median(xs) {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

function measure(args, env = process.env) {
  spawnSync(process.execPath, args, { env }) // warm the file cache (and the compile cache) once
  const times = []
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint()
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', env })
    times.push(Number(process.hrtime.bigint() - t0) / 1e6)
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`)
  }
  return median(times)
}

const baseline = measure(['-e', '0'])
const version = measure([bin, '--version'])
const help = measure([bin, '--help'])
const uncached = measure([bin, '--version'], { ...process.env, NODE_DISABLE_COMPILE_CACHE: '1' })
console.log(`node ${process.version}, ${RUNS} runs each (median)`)
console.log(`node -e 0            ${baseline.toFixed(1)} ms`)
console.log(`faramesh --version   ${version.toFixed(1)} ms  (${(version / baseline).toFixed(2)}x node)`)
console.log(`faramesh --help      ${help.toFixed(1)} ms  (${(help / baseline).toFixed(2)}x node)`)
console.log(`--version, no compile cache  ${uncached.toFixed(1)} ms  (${(uncached / version).toFixed(2)}x the cached start)`)
console.log(version <= 300 ? 'OK: --version within 300 ms' : 'SLOW: --version above 300 ms')
