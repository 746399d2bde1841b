// The gateway as `pnpm start` runs it (startGateway, SQLite file, auth off), on a random port. Answers `head` over IPC
// (the ledger's last seq) so the SSE rounds know how many frames every client must have received.
import { closeOnSignals, loadConfig, startGateway } from '@faramesh/server/node'

const dir = process.argv[2]
const handle = await startGateway(loadConfig({ FARAMESH_PORT: '0', FARAMESH_LOG_LEVEL: 'warn' }, dir))
closeOnSignals(handle)
process.on('message', (m) => {
  if (m.cmd === 'head') void handle.ledger.head().then((h) => process.send({ cmd: 'head', seq: h?.seq ?? 0 }))
})
process.send?.({ port: handle.port })
