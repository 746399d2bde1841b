// The SSE side of `pnpm bench`: N raw TCP connections to GET /v1/events in one process, reading as cheaply as a client
// can. A frame is `id: <seq>\ndata: …\n\n` and the gateway writes whole frames, so counting the bytes `\nid: ` (the
// frame's own newline or the line before it) and reading the digits after it counts frames and checks their order
// without parsing the JSON or the chunked framing. A pattern cut by a TCP read is found again with the previous read's
// tail. Driven over IPC by http.bench.js: connect (to the gateway, or to another port: the bare fan-out ceiling),
// reset, report, close.
import net from 'node:net'

const port = Number(process.argv[2])
const NEEDLE = Buffer.from('\nid: ')
const TAIL = 24 // longer than `\nid: ` plus a seq's digits

class Client {
  constructor(target = port) {
    this.frames = 0
    this.first = 0
    this.last = 0
    this.disorder = 0
    this.closed = false
    this.tail = null
    this.ready = false
    this.socket = net.connect(target, '127.0.0.1')
    this.socket.setNoDelay(true)
    this.socket.on('connect', () =>
      this.socket.write('GET /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n'),
    )
    this.socket.on('data', (b) => this.onData(b))
    this.socket.on('error', () => {})
    this.socket.on('close', () => {
      this.closed = true
    })
  }

  onData(chunk) {
    if (!this.ready && chunk.includes(': connected')) this.ready = true
    if (chunk.length < TAIL) {
      // Too short to hold a boundary on its own: rare, take the slow path.
      const buf = this.tail ? Buffer.concat([this.tail, chunk]) : chunk
      this.scan(buf, this.tail ? this.tail.length : 0)
      this.tail = buf.subarray(Math.max(0, buf.length - TAIL))
      return
    }
    // A frame cut by the previous read starts in its tail: look at the tail and the start of this read only,
    // so that no read is copied.
    if (this.tail)
      this.scan(Buffer.concat([this.tail, chunk.subarray(0, TAIL)]), this.tail.length, this.tail.length)
    this.scan(chunk, 0)
    this.tail = chunk.subarray(chunk.length - TAIL)
  }

  /**
   * Count the frames in `buf` whose seq ends at or after `minEnd` (earlier ones were counted with the previous
   * read); with `startBefore`, only matches starting before it (later ones are this read's own).
   */
  scan(buf, minEnd, startBefore = Infinity) {
    for (let i = buf.indexOf(NEEDLE); i !== -1 && i < startBefore;) {
      let j = i + NEEDLE.length
      let seq = 0
      while (j < buf.length && buf[j] >= 48 && buf[j] <= 57) seq = seq * 10 + buf[j++] - 48
      if (j === buf.length) return // cut by the end of this read: counted with the next one
      if (j >= minEnd) this.count(seq)
      i = buf.indexOf(NEEDLE, j)
    }
  }

  count(seq) {
    if (seq <= this.last) this.disorder++
    if (this.frames === 0) this.first = seq
    this.frames++
    this.last = seq
  }
}

let clients = []

process.on('message', async (m) => {
  if (m.cmd === 'connect') {
    clients = []
    for (let i = 0; i < m.n; i++) {
      clients.push(new Client(m.port ?? port))
      // Spread the handshakes a little so the listen backlog never overflows.
      if (i % 100 === 99) await new Promise((r) => setTimeout(r, 5))
    }
    const deadline = Date.now() + 60_000
    while (!clients.every((c) => c.ready || c.closed) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20))
    process.send({ cmd: 'connected', ready: clients.filter((c) => c.ready && !c.closed).length })
  } else if (m.cmd === 'reset') {
    for (const c of clients) {
      c.frames = 0
      c.first = 0
      c.disorder = 0
    }
    process.send({ cmd: 'reset' })
  } else if (m.cmd === 'report') {
    // Every event after seq `from` up to the head seq `upTo` goes to every client: a client is complete when it
    // received exactly those, in order, each once.
    const { from, upTo } = m
    let closed = 0
    let frames = 0
    let disorder = 0
    let complete = 0
    for (const c of clients) {
      if (c.closed) closed++
      frames += c.frames
      disorder += c.disorder
      if (c.frames === upTo - from && c.first === from + 1 && c.last === upTo && c.disorder === 0) complete++
    }
    process.send({ cmd: 'report', closed, frames, disorder, complete })
  } else if (m.cmd === 'close') {
    for (const c of clients) c.socket.destroy()
    clients = []
    process.send({ cmd: 'closed' })
  }
})
process.send({ cmd: 'up' })
