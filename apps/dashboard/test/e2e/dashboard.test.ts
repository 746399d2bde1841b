// The dashboard end to end, auth off: real gateway on 127.0.0.1, real headless Chromium.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import type { Action, ActionEvent } from '@faramesh/policy-core'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launch, seriousViolations, shot } from './browser.js'
import { startTestGateway, type TestGateway } from './gateway.js'

let gw: TestGateway
let browser: Browser
let context: BrowserContext
let page: Page

const rows = () => page.locator('tbody tr[data-id]')
async function closeDrawer(): Promise<void> {
  await page.keyboard.press('Escape')
  await page.waitForSelector('dialog', { state: 'detached' })
  await page.waitForURL((u) => !u.searchParams.has('action'))
}
async function ready(p: Page = page): Promise<void> {
  await p.waitForSelector('main[data-ready="true"]')
  await p.waitForSelector('table[data-state="ready"]')
}

beforeAll(async () => {
  ;[gw, browser] = await Promise.all([startTestGateway(), launch()])
  // 30 allowed, 5 denied, 6 pending approval (+1 demo-seeded), submitted oldest → newest.
  await gw.submitMany(30, (i) => ({ agent_id: `agent-${i % 3}`, tool: 'http', operation: 'get', params: { url: `https://example.com/${i}` } }), { concurrency: 1 })
  await gw.submitMany(5, (i) => ({ agent_id: 'agent-0', tool: 'shell', operation: 'run', params: { cmd: `rm -rf /tmp/x${i}` } }), { concurrency: 1 })
  await gw.submit({ agent_id: 'demo-agent', tool: 'http', operation: 'get', params: { url: 'https://demo' }, context: { demo: true } })
  await gw.submitMany(6, (i) => ({ agent_id: 'agent-1', tool: 'payments', operation: 'refund', params: { amount: 100 + i } }), { concurrency: 1 })
  context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' })
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: gw.url })
  context.setDefaultTimeout(10_000)
  page = await context.newPage()
})

afterAll(async () => {
  await browser?.close()
  await gw?.close()
})

describe('dashboard (auth off)', () => {
  it('loads the newest actions first, with status and risk shown in words and colour', async () => {
    await page.goto(gw.url + '/')
    await ready()
    expect(await rows().count()).toBe(25)
    expect(await page.locator('[data-range]').textContent()).toBe('1–25 of 42')
    const first = rows().first()
    expect(await first.locator('[data-status]').textContent()).toBe('pending approval')
    expect(await first.locator('td').nth(5).textContent()).toBe('refund')
    expect(await first.locator('[data-risk]').textContent()).toBe('high')
    const colour = (sel: string) => page.locator(sel).first().evaluate((el) => getComputedStyle(el).backgroundColor)
    const [pending, allowed] = [await colour('[data-status="pending_approval"]'), await colour('[data-status="allowed"]')]
    expect(pending).not.toBe(allowed)
    expect(await page.locator('tbody .demo').count()).toBe(1)
    expect(await page.locator('[data-count="pending"] .n').textContent()).toBe('6')
    expect(await page.locator('[data-count="denied"] .n').textContent()).toBe('5')
    expect(Number(await page.locator('[data-rate]').textContent())).toBeGreaterThan(0)
    await shot(page, 'table-light')
  })

  it('filters by status, search, agent and risk, keeps the filters in the URL and across a reload', async () => {
    await page.selectOption('#filter-status', 'denied')
    await page.waitForURL(/status=denied/)
    await ready()
    expect(await rows().count()).toBe(5)
    await page.reload()
    await ready()
    expect(await page.locator('#filter-status').inputValue()).toBe('denied')
    expect(await rows().count()).toBe(5)
    await page.getByRole('button', { name: 'Clear filters' }).click()
    await page.fill('#search', 'refund')
    await page.waitForURL(/q=refund/)
    await ready()
    expect(await rows().count()).toBe(6)
    await page.fill('#search', '')
    await page.fill('#filter-agent', 'agent-2')
    await page.waitForURL(/agent_id=agent-2/)
    await ready()
    expect(await rows().count()).toBe(10)
    await page.getByRole('button', { name: 'Clear filters' }).click()
    await page.selectOption('#filter-risk', 'high')
    await page.waitForURL(/risk_level=high/)
    await ready()
    expect(await rows().count()).toBe(11)
    await page.getByRole('button', { name: 'Clear filters' }).click()
    await page.waitForURL((u) => u.search === '')
    await ready()
  })

  it('paginates large lists', async () => {
    await page.getByRole('button', { name: 'Next page' }).click()
    await page.waitForURL(/page=2/)
    await ready()
    expect(await page.locator('[data-range]').textContent()).toBe('26–42 of 42')
    expect(await rows().count()).toBe(17)
    await page.getByRole('button', { name: 'Previous page' }).click()
    await page.waitForURL((u) => !u.search.includes('page='))
    await ready()
    expect(await rows().count()).toBe(25)
  })

  it('is keyboard navigable: arrows move between rows, Enter opens the drawer, Escape returns focus', async () => {
    const buttons = page.locator('tbody button.open')
    await buttons.first().focus()
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('ArrowDown')
    const id = await rows().nth(2).getAttribute('data-id')
    expect(await page.evaluate(() => document.activeElement?.closest('tr')?.dataset.id)).toBe(id)
    await page.keyboard.press('Enter')
    await page.waitForSelector('dialog[open]')
    await page.waitForURL(new RegExp(`action=${id}`))
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('drawer-title')
    await page.keyboard.press('Escape')
    await page.waitForSelector('dialog', { state: 'detached' })
    await page.waitForFunction((rowId) => document.activeElement?.closest('tr')?.dataset.id === rowId, id)
  })

  it('shows every field, the decision explanation and the event timeline in the drawer', async () => {
    await page.selectOption('#filter-status', 'denied')
    await ready()
    await rows().first().locator('button.open').click()
    const dialog = page.locator('dialog[open]')
    await dialog.locator('[data-events="2"]').waitFor()
    expect(await dialog.locator('[data-field="Reason"]').textContent()).toBe('Destructive shell command')
    expect(await dialog.locator('[data-field="Reason code"]').textContent()).toBe('POLICY_DENY')
    expect(await dialog.locator('[data-field="Matched rule"]').textContent()).toBe('rule #2')
    expect(await dialog.locator('[data-field="Request hash"]').textContent()).toMatch(/^[0-9a-f]{64}$/)
    expect(await dialog.locator('[data-field="Provenance id"]').textContent()).toMatch(/^[0-9a-f]{64}$/)
    expect(await dialog.locator('li[data-event]').evaluateAll((els) => els.map((e) => e.getAttribute('data-event')))).toEqual([
      'created',
      'decision_made',
    ])
    expect(await dialog.locator('pre').first().textContent()).toContain('rm -rf')
  })

  it('copies a curl command that really works when pasted into a shell', async () => {
    const id = new URL(page.url()).searchParams.get('action')!
    await page.locator('[data-curl="get"]').click()
    await page.getByText('GET curl copied to the clipboard').waitFor()
    const copied = await page.evaluate(() => navigator.clipboard.readText())
    expect(copied).toBe(`curl -sS '${gw.url}/v1/actions/${id}'`)
    // Async on purpose: the gateway runs in this process, so a blocking exec would deadlock curl against it.
    const { stdout } = await promisify(execFile)('sh', ['-c', copied], { encoding: 'utf8', timeout: 10_000 })
    const fetched = JSON.parse(stdout) as Action
    expect(fetched.id).toBe(id)
    await page.locator('[data-curl="deny"]').click()
    expect(await page.evaluate(() => navigator.clipboard.readText())).toContain(`/v1/actions/${id}/approval`)
    await closeDrawer()
    await page.getByRole('button', { name: 'Clear filters' }).click()
    await ready()
  })

  it('approves a pending action with a reason and shows the new status in the drawer, table and timeline', async () => {
    const pendingRow = page.locator('tbody tr:has([data-status="pending_approval"])').first()
    const id = (await pendingRow.getAttribute('data-id'))!
    await pendingRow.locator('button.open').click()
    const dialog = page.locator('dialog[open]')
    await dialog.locator('[data-decide="approve"]').waitFor()
    await shot(page, 'drawer-light')
    await dialog.locator('#approval-reason').fill('Checked with finance')
    await dialog.locator('[data-decide="approve"]').click()
    await dialog.locator('.top [data-status="approved"]').waitFor()
    await dialog.locator('li[data-event="approved"]').waitFor()
    expect(await dialog.locator('li[data-event="approved"]').textContent()).toContain('Checked with finance')
    await closeDrawer()
    await page.locator(`tr[data-id="${id}"] [data-status="approved"]`).waitFor()
    const stored = await gw.api<Action>(`/v1/actions/${id}`)
    expect(stored.status).toBe('approved')
    const events = await gw.api<ActionEvent[]>(`/v1/actions/${id}/events`)
    expect(events.at(-1)?.meta.reason).toBe('Checked with finance')
  })

  it('shows an action submitted through the API live, without a reload', async () => {
    await page.locator('[data-stream="live"]').waitFor()
    const before = await page.evaluate(() => performance.getEntriesByType('navigation').length)
    const created = await gw.submit({ agent_id: 'live-agent', tool: 'payments', operation: 'charge', params: { amount: 5 } })
    await page.locator(`tbody tr[data-id="${created.id}"]`).waitFor({ timeout: 5000 })
    expect(await rows().first().getAttribute('data-id')).toBe(created.id)
    await page.waitForFunction(() => document.querySelector('[data-count="pending"] .n')?.textContent === '6')
    expect(await page.evaluate(() => performance.getEntriesByType('navigation').length)).toBe(before)
  })

  it('resumes after a dropped connection without losing what happened meanwhile', async () => {
    const resumedFrom: string[] = []
    page.on('request', (r) => {
      const id = r.headers()['last-event-id']
      if (r.url().endsWith('/v1/events') && id) resumedFrom.push(id)
    })
    // Cut the stream by restarting the gateway, and hold reconnects back until an action has been submitted,
    // so it can only reach the page through the Last-Event-ID resume.
    await page.route('**/v1/events', (route) => route.abort())
    await gw.restart()
    await page.locator('[data-stream="reconnecting"]').waitFor()
    const missed = await gw.submit({ agent_id: 'offline-agent', tool: 'http', operation: 'post', params: {} })
    await page.unroute('**/v1/events')
    await page.locator('[data-stream="live"]').waitFor({ timeout: 20_000 })
    await page.locator(`tbody tr[data-id="${missed.id}"]`).waitFor({ timeout: 5000 })
    expect(resumedFrom.length).toBeGreaterThan(0)
    expect(resumedFrom.every((id) => /^\d+$/.test(id))).toBe(true)
  })

  it('toggles the theme, remembers it, and otherwise follows the system', async () => {
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light')
    await page.getByRole('button', { name: 'Switch to dark theme' }).click()
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark')
    await page.reload()
    await ready()
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark')
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor)
    expect(bg).toBe('rgb(15, 18, 23)')
    await shot(page, 'table-dark')
    await page.locator('tbody tr:has([data-status="pending_approval"]) button.open').first().click()
    await page.locator('dialog[open] li[data-event]').first().waitFor()
    await shot(page, 'drawer-dark')
    await closeDrawer()
    const dark = await browser.newContext({ colorScheme: 'dark' })
    const p2 = await dark.newPage()
    await p2.goto(gw.url + '/')
    await ready(p2)
    expect(await p2.evaluate(() => document.documentElement.dataset.theme)).toBe('dark')
    await dark.close()
  })

  it('has no serious or critical axe-core violations, in either theme, with and without the drawer', async () => {
    const report: Record<string, unknown> = {}
    for (const theme of ['dark', 'light'] as const) {
      if ((await page.evaluate(() => document.documentElement.dataset.theme)) !== theme) {
        await page.getByRole('button', { name: `Switch to ${theme} theme` }).click()
      }
      report[`${theme}-table`] = await seriousViolations(page)
      await rows().first().locator('button.open').click()
      await page.locator('dialog[open] li[data-event]').first().waitFor()
      report[`${theme}-drawer`] = await seriousViolations(page)
      await closeDrawer()
    }
    expect(report).toEqual({ 'dark-table': [], 'dark-drawer': [], 'light-table': [], 'light-drawer': [] })
  })
})
