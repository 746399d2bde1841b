// The gateway process: read config (env, .env), start, shut down on SIGTERM/SIGINT. Nothing else lives here.
// The Node.js check comes first, and the gateway is imported only after it: on an older Node the SQLite binding
// would crash the process without a word (static imports are evaluated before any code of this file runs).
import { exitIfUnsupportedNode } from '@faramesh/server/node-version'

exitIfUnsupportedNode('Run `pnpm start` in the repository (pnpm runs it on the Node.js the repository installs).')
const { closeOnSignals, loadConfig, startGateway } = await import('@faramesh/server/node')

// pnpm sets INIT_CWD to where it was invoked, so `pnpm start` at the repo root resolves paths from there.
const cwd = process.env.INIT_CWD ?? process.cwd()

try {
  const handle = await startGateway(loadConfig(process.env, cwd))
  closeOnSignals(handle)
} catch (err) {
  const e = err as { message?: string; code?: string }
  process.stderr.write(`faramesh: cannot start: ${e.message ?? String(err)}\n`)
  process.exit(1)
}
