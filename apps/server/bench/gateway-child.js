// The gateway as `pnpm start` runs it (startGateway, SQLite file, auth off), on a random port.
import { closeOnSignals, loadConfig, startGateway } from '@faramesh/server/node'

const dir = process.argv[2]
const handle = await startGateway(loadConfig({ FARAMESH_PORT: '0', FARAMESH_LOG_LEVEL: 'warn' }, dir))
closeOnSignals(handle)
process.send?.({ port: handle.port })
