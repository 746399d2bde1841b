// The fan-out ceiling of `pnpm bench`'s SSE round: what this machine can carry to the same 2,000 clients with nothing
// of the gateway in the way. A bare node:http server holds the /v1/events connections and, on `blast`, writes frames
// as large as the gateway's (the same `id: <seq>\ndata: <action frame>\n\n`), 64 frames per buffer, shared by every
// client. Each client is written the next buffer as soon as its socket took the last one (no client waits for the
// others); a new buffer is made while the slowest client is at most AHEAD buffers behind. Every client gets every
// frame; events per second delivered to every client is the most any SSE hub could do on this machine.
import { createServer } from 'node:http'

const BATCH = 64
const AHEAD = 4
const clients = new Set()

const server = createServer((req, res) => {
  req.resume()
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' })
  res.write(': connected\n\n')
  res.next = 0
  clients.add(res)
  res.on('close', () => clients.delete(res))
})

let batches = []
let base = 0 // index in the whole run of batches[0]
let wake = null

/** Write this client every buffer it has not had, until its socket is full. */
function pump(c) {
  // A client whose socket is full waits for its one 'drain'; pumping it again before then would stack listeners.
  if (c.waiting) return
  while (!c.destroyed && c.next < base + batches.length) {
    const ok = c.write(batches[c.next++ - base])
    if (!ok) {
      c.waiting = true
      c.once('drain', () => {
        c.waiting = false
        pump(c)
        wake?.()
      })
      return
    }
  }
}

const slowest = () => Math.min(...[...clients].map((c) => c.next))

process.on('message', async (m) => {
  if (m.cmd !== 'blast') return
  for (const c of clients) c.next = 0
  batches = []
  base = 0
  const started = Date.now()
  let seq = 0
  while (Date.now() - started < m.seconds * 1000) {
    if (base + batches.length - slowest() >= AHEAD) {
      await new Promise((r) => (wake = r))
      continue
    }
    let text = ''
    for (let i = 0; i < BATCH; i++) text += `id: ${++seq}\ndata: ${m.frame}\n\n`
    batches.push(Buffer.from(text))
    // Forget buffers every client has had.
    const low = slowest()
    if (low > base) {
      batches = batches.slice(low - base)
      base = low
    }
    for (const c of clients) pump(c)
    await new Promise((r) => setImmediate(r))
  }
  const seconds = (Date.now() - started) / 1000
  process.send({ cmd: 'blasted', events: seq, seconds, clients: clients.size })
})

server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }))
process.on('SIGTERM', () => {
  for (const c of clients) c.destroy()
  server.close(() => process.exit(0))
})
