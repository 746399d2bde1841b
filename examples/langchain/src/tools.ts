// Two ordinary LangChain tools. Nothing here knows about Faramesh: governance is added by wrapping them.
import { exec } from 'node:child_process'
import { DynamicStructuredTool } from '@langchain/core/tools'
import { z } from 'zod'

export const shellTool = new DynamicStructuredTool({
  name: 'shell',
  description: 'Run a shell command on this machine and return its output.',
  schema: z.object({ command: z.string().describe('The command line to run') }),
  func: ({ command }) =>
    new Promise<string>((resolve, reject) =>
      exec(command, { timeout: 30_000 }, (err, stdout, stderr) => (err ? reject(new Error(stderr.trim() || err.message)) : resolve(stdout.trim()))),
    ),
})

export const httpGetTool = new DynamicStructuredTool({
  name: 'http_get',
  description: 'Fetch a URL with HTTP GET and return the status and the start of the body.',
  schema: z.object({ url: z.string().describe('An absolute http(s) URL') }),
  func: async ({ url }) => {
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000) })
    return `${res.status} ${(await res.text()).slice(0, 500)}`
  },
})
