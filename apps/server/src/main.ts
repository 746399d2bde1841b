// The gateway process: read config (env, .env), start, shut down on SIGTERM/SIGINT. Nothing else lives here.
import { closeOnSignals, loadConfig, startGateway } from '@faramesh/server/node'

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
