// GovernedTool inside a real tool-calling agent loop (deterministic fake model from @langchain/core) against a
// real gateway on 127.0.0.1: allow, deny and approve-then-run, with real tools that touch the file system.
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { approveWhilePending, startTestGateway, type TestGateway } from '@faramesh/example-testkit'
import { ExecutionGovernorClient, FarameshDeniedError } from '@faramesh/sdk'
import { ToolMessage } from '@langchain/core/messages'
import { DynamicStructuredTool, DynamicTool } from '@langchain/core/tools'
import { convertToOpenAITool } from '@langchain/core/utils/function_calling'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { GovernedTool, governTools } from '../src/index.js'
import { ScriptedChatModel, runAgent, toolCall } from './scripted-model.js'

const POLICY = `
rules:
  - match: { tool: http_get, op: invoke }
    allow: true
    description: reading over HTTP is fine
  - match: { tool: shell, op: invoke, contains: "rm -rf" }
    deny: true
    description: destructive shell command
  - match: { tool: shell, op: invoke, contains: "echo" }
    allow: true
  - match: { tool: shell, op: "*" }
    require_approval: true
    description: shell command needs review
`

const sh = promisify(execFile)
let gw: TestGateway
let client: ExecutionGovernorClient

const shell = new DynamicStructuredTool({
  name: 'shell',
  description: 'Run a shell command and return its output',
  schema: z.object({ command: z.string().describe('the command line') }),
  func: async ({ command }) => (await sh('sh', ['-c', command])).stdout.trim(),
})
const httpGet = new DynamicStructuredTool({
  name: 'http_get',
  description: 'GET a URL and return the body',
  schema: z.object({ url: z.string() }),
  func: async ({ url }) => (await fetch(url)).text(),
})

beforeAll(async () => {
  gw = await startTestGateway({ policy: POLICY })
  client = new ExecutionGovernorClient(gw.url, { agentId: 'lc-agent' })
})
afterAll(() => gw.close())

async function withApprover<T>(verdict: boolean, fn: () => Promise<T>): Promise<T> {
  const ctl = new AbortController()
  const approver = approveWhilePending(gw.url, () => verdict, ctl.signal)
  try {
    return await fn()
  } finally {
    ctl.abort()
    await approver.catch(() => undefined)
  }
}

const toolMessages = (messages: unknown[]) => messages.filter((m): m is ToolMessage => m instanceof ToolMessage).map((m) => String(m.content))

describe('GovernedTool in an agent loop', () => {
  it('keeps name, description and schema, so the model sees the same tool', () => {
    const [g] = governTools([shell], { client })
    expect(g!.name).toBe('shell')
    expect(g!.description).toBe(shell.description)
    expect(convertToOpenAITool(g!)).toEqual(convertToOpenAITool(shell))
  })

  it('allow runs, deny is a readable tool message and never runs, approval waits then runs', async () => {
    const victim = join(gw.dir, 'victim')
    mkdirSync(victim)
    const marker = join(gw.dir, 'approved-marker')
    const model = new ScriptedChatModel({
      responses: [
        toolCall('http_get', { url: `${gw.url}/health` }),
        toolCall('shell', { command: `rm -rf ${victim}` }),
        toolCall('shell', { command: `touch ${marker} && printf created` }),
        'All done.',
      ],
    })
    const tools = governTools([shell, httpGet], { client, approvalTimeoutMs: 10000 })
    const { answer, messages } = await withApprover(true, () => runAgent(model, tools, 'check health, clean up, then create the marker'))

    expect(answer).toBe('All done.')
    expect(model.boundTools.map((t) => t.name)).toEqual(['shell', 'http_get'])
    const [health, denied, approved] = toolMessages(messages)
    expect(JSON.parse(health!)).toEqual({ status: 'healthy' })
    expect(denied).toContain('Faramesh denied shell.invoke')
    expect(denied).toContain('destructive shell command')
    expect(existsSync(victim)).toBe(true) // the denied command never ran
    expect(approved).toBe('created')
    expect(existsSync(marker)).toBe(true)

    const actions = await client.listActions({ agent_id: 'lc-agent', limit: 3 })
    expect(actions.map((a) => [a.tool, a.status])).toEqual([
      ['shell', 'succeeded'],
      ['shell', 'denied'],
      ['http_get', 'succeeded'],
    ])
    expect(actions[0]!.params).toEqual({ command: `touch ${marker} && printf created` })
    expect((await client.getEvents(actions[0]!.id)).map((e) => e.event_type)).toEqual(['created', 'decision_made', 'approved', 'succeeded'])
    expect(actions[0]!.result).toBe('created')
  })

  it('a human denial becomes a tool message and the command does not run', async () => {
    const marker = join(gw.dir, 'should-not-exist')
    const model = new ScriptedChatModel({ responses: [toolCall('shell', { command: `touch ${marker}` }), 'Understood.'] })
    const { messages } = await withApprover(false, () => runAgent(model, governTools([shell], { client, approvalTimeoutMs: 10000 }), 'touch it'))
    expect(toolMessages(messages)[0]).toContain('Faramesh denied shell.invoke')
    expect(existsSync(marker)).toBe(false)
  })

  it('throws FarameshDeniedError instead when onDeny is "throw"', async () => {
    const model = new ScriptedChatModel({ responses: [toolCall('shell', { command: 'rm -rf /nothing' })] })
    await expect(runAgent(model, governTools([shell], { client, onDeny: 'throw' }), 'x')).rejects.toBeInstanceOf(FarameshDeniedError)
  })

  it('maps a string-input tool to {input} params, with per-tool action names', async () => {
    const echo = new DynamicTool({ name: 'echo_tool', description: 'echo', func: async (s: string) => `echo:${s}` })
    const [g] = governTools([echo], { client, perTool: { echo_tool: { toolName: 'shell', operation: 'invoke' } } })
    const msg = (await g!.invoke({ name: 'echo_tool', args: { input: 'echo me' }, id: 'c1', type: 'tool_call' })) as ToolMessage
    expect(msg.content).toBe('echo:echo me')
    expect(msg.tool_call_id).toBe('c1')
    const [a] = await client.listActions({ tool: 'shell', limit: 1 })
    expect(a).toMatchObject({ params: { input: 'echo me' }, context: { langchain_tool: 'echo_tool' }, status: 'succeeded' })
    expect(await g!.invoke('echo plain string')).toBe('echo:echo plain string')
  })

  it('records a failing tool as failed with its error, and the agent sees the error', async () => {
    const broken = new DynamicStructuredTool({
      name: 'http_get',
      description: 'GET',
      schema: z.object({ url: z.string() }),
      func: () => Promise.reject(new Error('network down')),
    })
    const g = new GovernedTool({ tool: broken, client, agentId: 'broken-agent' })
    await expect(g.invoke({ url: 'http://x' })).rejects.toThrow('network down')
    const [a] = await client.listActions({ agent_id: 'broken-agent', limit: 1 })
    expect(a).toMatchObject({ status: 'failed', error: 'network down' })
  })
})
