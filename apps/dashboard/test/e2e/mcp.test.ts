// MCP calls in the dashboard (issue 21): an action submitted through the API as @faramesh/mcp submits a tools/call
// (tool mcp:<server>, operation = the MCP tool, params = its arguments, context.mcp) shows its server, tool,
// arguments, annotations and where its agent id came from, in real Chromium against a real gateway. The annotations
// and arguments are the server's and the agent's text: shown as text, never run.
import type { Action } from '@faramesh/policy-core'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launch, seriousViolations, shot } from './browser.js'
import { ready } from './fixture.js'
import { startTestGateway, type TestGateway } from './gateway.js'

let gw: TestGateway
let browser: Browser
let page: Page
const dialogs: string[] = []

beforeAll(async () => {
  ;[gw, browser] = await Promise.all([startTestGateway(), launch()])
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' })
  context.setDefaultTimeout(10_000)
  page = await context.newPage()
  page.on('dialog', (d) => {
    dialogs.push(d.message())
    void d.dismiss()
  })
})
afterAll(async () => {
  await browser?.close()
  await gw?.close()
})

const mcpAction = (annotations: Record<string, unknown> | null, agent_source: string) => ({
  agent_id: 'claude-desktop',
  tool: 'mcp:files',
  operation: 'write_file',
  params: { path: 'notes/todo.md', content: '<img src=x onerror=alert(1)>' },
  context: { mcp: { server: 'files', annotations, protocol_version: '2025-11-25', agent_source } },
})

async function openDrawer(id: string): Promise<void> {
  await page.goto(`${gw.url}/?action=${id}`)
  await ready(page)
  await page.waitForSelector('dialog[open] h2')
}

const field = (name: string) => page.locator(`dialog [data-mcp-field="${name}"]`)

describe('MCP actions in the dashboard', () => {
  it('shows server, tool, arguments, annotations and the agent source of an MCP call', async () => {
    const a = await gw.submit(mcpAction({ title: '<b>Write</b>', readOnlyHint: false, destructiveHint: true }, 'client_info'))
    await openDrawer(a.id)
    expect(await page.locator('dialog h2').textContent()).toContain('mcp:files · write_file')
    expect(await page.locator('dialog [data-mcp-badge]').textContent()).toBe('MCP')
    expect(await field('server').textContent()).toBe('files')
    expect(await field('tool').textContent()).toBe('write_file')
    expect(await field('protocol_version').textContent()).toBe('2025-11-25')
    expect(await field('agent_source').textContent()).toContain('clientInfo.name')
    expect(JSON.parse((await field('arguments').textContent())!)).toEqual({ path: 'notes/todo.md', content: '<img src=x onerror=alert(1)>' })
    const hints = await field('annotations').locator('li').allTextContents()
    expect(hints).toEqual(['destructiveHint: true', 'readOnlyHint: false', 'title: "<b>Write</b>"'])
    // Text, not markup: no element came out of the server's or the agent's strings, and nothing ran.
    expect(await page.locator('dialog img, dialog [data-mcp-field] b').count()).toBe(0)
    expect(dialogs).toEqual([])
    expect(await seriousViolations(page)).toEqual([])
    await shot(page, 'mcp-action')
  })

  it('says when the server listed no annotations, and which agent source a token gives', async () => {
    const a = await gw.submit(mcpAction(null, 'token'))
    await openDrawer(a.id)
    expect(await field('annotations').textContent()).toBe('None listed: every hint counts as risky.')
    expect(await field('agent_source').textContent()).toBe("the agent's Faramesh token")
  })

  it('marks MCP calls in the table, and nothing else', async () => {
    const plain: Action = await gw.submit({ agent_id: 'bot', tool: 'files', operation: 'write_file', params: {}, context: { mcp: { server: 'files' } } })
    await page.goto(`${gw.url}/`)
    await ready(page)
    const mcpRows = page.locator('tbody tr[data-id] [data-col="tool"] .mcp')
    expect(await mcpRows.count()).toBe(2)
    expect(await page.locator(`tbody tr[data-id="${plain.id}"] .mcp`).count()).toBe(0)
    await page.goto(`${gw.url}/?action=${plain.id}`)
    await page.waitForSelector('dialog[open] h2')
    expect(await page.locator('dialog [data-mcp]').count()).toBe(0)
  })
})
