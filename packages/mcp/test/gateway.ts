// A real gateway for the relay's tests: startGateway (the node entry) on 127.0.0.1, port 0, SQLite in a fresh temp
// folder, a policy file and scoped tokens (agent a1, an approver, an admin). Closed and removed by close().
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createHash } from 'node:crypto'
import { CoreClient } from '@faramesh/sdk'
import { silentLogger } from '@faramesh/server'
import { loadConfig, startGateway, type GatewayExtensionHost, type GatewayHandle } from '@faramesh/server/node'

export const TOKENS = { agent: 'tok-agent-a1-0123456789', approver: 'tok-approver-0123456789', admin: 'tok-admin-0123456789' }

export interface TestGateway {
  readonly url: string
  readonly dir: string
  readonly gw: GatewayHandle
  /** An SDK client acting as agent a1 (what the wrapper would hold). */
  agent(options?: { timeoutMs?: number }): CoreClient
  /** A person who may approve and deny (a separate principal from the agent). */
  readonly approver: CoreClient
  readonly admin: CoreClient
  /** The extension host the gateway handed us: host.gateFor(principal) is the in-process gate the HTTP gateway uses. */
  readonly host: GatewayExtensionHost
  close(): Promise<void>
}

/** The principal of TOKENS.agent, as the gateway authenticates it. */
export const AGENT_A1 = { name: 'agent-a1', role: 'agent', kind: 'scoped', agentId: 'a1' } as const

const sha = (t: string) => createHash('sha256').update(t, 'utf8').digest('hex')

export async function startTestGateway(policy: string, env: Record<string, string> = {}): Promise<TestGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-mcp-'))
  mkdirSync(join(dir, 'policies'))
  writeFileSync(join(dir, 'policies', 'default.yaml'), policy)
  writeFileSync(
    join(dir, 'tokens.json'),
    JSON.stringify({
      version: 1,
      tokens: [
        { name: 'agent-a1', role: 'agent', agent_id: 'a1', sha256: sha(TOKENS.agent) },
        { name: 'approver-ann', role: 'approver', sha256: sha(TOKENS.approver) },
        { name: 'admin-ada', role: 'admin', sha256: sha(TOKENS.admin) },
      ],
    }),
  )
  let host: GatewayExtensionHost | undefined
  const gw = await startGateway(loadConfig({ FARAMESH_PORT: '0', FARAMESH_TOKENS_FILE: join(dir, 'tokens.json'), ...env }, dir), {
    logger: silentLogger,
    extensions: [
      async (h) => {
        host = h
        return { name: 'test-host', mounts: [], close: async () => undefined }
      },
    ],
  })
  const client = (token: string, o: { timeoutMs?: number } = {}) =>
    new CoreClient({ baseUrl: gw.url, token, agentId: 'a1', maxRetries: 1, retryBackoffFactor: 0.05, timeoutMs: o.timeoutMs ?? 5000 })
  return {
    url: gw.url,
    dir,
    gw,
    agent: (o) => client(TOKENS.agent, o),
    approver: client(TOKENS.approver),
    admin: client(TOKENS.admin),
    host: host!,
    async close() {
      await gw.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
