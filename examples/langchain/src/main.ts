// A LangChain agent with HTTP and shell tools, every call governed by Faramesh.
// Usage: FARAMESH_BASE_URL=http://127.0.0.1:8000 pnpm start
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { governTools } from '@faramesh/langchain-adapter'
import { getActiveConfig } from '@faramesh/sdk'
import { runAgent, ScriptedChatModel } from './agent.js'
import { httpGetTool, shellTool } from './tools.js'

// One readable line on failure (e.g. "FarameshUnavailableError: Cannot reach Faramesh at ..."), not a stack.
process.on('uncaughtException', (e) => {
  console.error(`${e.name}: ${e.message}`)
  process.exit(1)
})

const base = getActiveConfig().baseUrl // FARAMESH_BASE_URL, else http://127.0.0.1:8000
const call = (name: string, args: Record<string, unknown>) => JSON.stringify({ call: name, args })

// What a model might decide to do; the gateway decides what actually runs.
const model = new ScriptedChatModel({
  responses: [
    call('http_get', { url: `${base}/health` }),
    call('shell', { command: 'echo hello from a governed LangChain agent' }),
    call('shell', { command: `rm -rf ${join(tmpdir(), 'faramesh-langchain-victim')}` }),
    call('shell', { command: 'uname -s' }),
    'Done: the gateway is healthy, echo ran, the destructive command was refused, uname ran after approval.',
  ],
})

const tools = governTools([httpGetTool, shellTool], {
  agentId: 'langchain-demo',
  approvalTimeoutMs: Number(process.env.APPROVAL_TIMEOUT_MS ?? 300_000),
})

console.log(`faramesh gateway: ${base}`)
const answer = await runAgent(model, tools, 'Check the gateway, say hello, clean up the temp dir, report the OS.', console.log)
console.log(`answer: ${answer}`)
