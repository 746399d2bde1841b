// The dashboard end to end, auth off: live updates and resume, theme, axe-core.
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeDrawer as close, openDashboard, ready as readyOn, rows as rowsOn, type Dashboard } from './fixture.js'
import { seriousViolations, shot } from './browser.js'

let d: Dashboard
let gw: Dashboard['gw']
let page: Page
const rows = () => rowsOn(page)
const ready = (p: Page = page) => readyOn(p)
const closeDrawer = () => close(page)

beforeAll(async () => {
  d = await openDashboard()
  ;({ gw, page } = d)
  await page.goto(gw.url + '/')
  await ready()
})
afterAll(async () => {
  await d?.close()
})

describe('dashboard (auth off): live, theme and accessibility', () => {
  it('shows an action submitted through the API live, without a reload', async () => {
    await page.locator('[data-stream="live"]').waitFor()
    const before = await page.evaluate(() => performance.getEntriesByType('navigation').length)
    const created = await gw.submit({ agent_id: 'live-agent', tool: 'payments', operation: 'charge', params: { amount: 5 } })
    await page.locator(`tbody tr[data-id="${created.id}"]`).waitFor({ timeout: 5000 })
    expect(await rows().first().getAttribute('data-id')).toBe(created.id)
    await page.waitForFunction(() => document.querySelector('[data-count="pending"] .n')?.textContent === '7')
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
    const dark = await d.browser.newContext({ colorScheme: 'dark' })
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
