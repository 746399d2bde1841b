// Serve an app on 127.0.0.1 with a random port, for tests that need real HTTP (SSE, slow clients).
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import type { GatewayApp } from '../src/app.js'

export function listen(app: GatewayApp): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        server,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections()
            server.close(() => r())
          }),
      }),
    ) as Server
  })
}
