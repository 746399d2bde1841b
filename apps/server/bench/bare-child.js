// The ceiling: a bare node:http server answering a fixed JSON body, nothing else.
import { createServer } from 'node:http'

const body = JSON.stringify({ decision: 'allow', outcome: 'EXECUTE', reason: 'fixed' })
const server = createServer((req, res) => {
  req.resume()
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
    res.end(body)
  })
})
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }))
process.on('SIGTERM', () => server.close(() => process.exit(0)))
