// The dashboard on a phone, 390 × 844 (an iPhone 12–15 in portrait), signed in as an approver so the header
// carries everything it can (name, role, Sign out): one header line, one card per action with status,
// tool · operation, agent and time in view, nothing wider than the screen, and approving works from the drawer.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launch, seriousViolations, shot } from './browser.js'
import { startTestGateway, type TestGateway } from './gateway.js'

const WIDTH = 390
const AGENT = 'agent-token-0123456789'
const OPS_AGENT = 'ops-agent-token'
const APPROVER = 'approver-token-0123456789'

let gw: TestGateway
let browser: Browser
let context: BrowserContext
let page: Page
let pendingId: string

beforeAll(async () => {
  ;[gw, browser] = await Promise.all([
    startTestGateway({
      tokens: [
        // An agent token acts for one agent (its name): one token per agent the page shows.
        { name: 'billing-bot', role: 'agent', token: AGENT },
        { name: 'ops-agent', role: 'agent', token: OPS_AGENT },
        { name: 'ana', role: 'approver', token: APPROVER },
      ],
    }),
    launch(),
  ])
  await gw.submitMany(8, (i) => ({ agent_id: 'billing-bot', tool: 'http', operation: 'get', params: { url: `https://example.com/${i}` } }), { token: AGENT, concurrency: 1 })
  await gw.submit({ agent_id: 'ops-agent', tool: 'shell', operation: 'run', params: { cmd: 'rm -rf /var/lib/important' } }, OPS_AGENT)
  pendingId = (await gw.submit({ agent_id: 'billing-bot', tool: 'payments', operation: 'refund', params: { amount: 2500, currency: 'usd' } }, AGENT)).id
  context = await browser.newContext({ viewport: { width: WIDTH, height: 844 }, isMobile: true, hasTouch: true, colorScheme: 'light' })
  context.setDefaultTimeout(10_000)
  page = await context.newPage()
  await page.goto(gw.url + '/')
  await page.locator('#token').fill(APPROVER)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForSelector('main[data-ready="true"]')
  await page.waitForSelector('table[data-state="ready"]')
  await page.locator('[data-stream="live"]').waitFor()
})

afterAll(async () => {
  await browser?.close()
  await gw?.close()
})

/** Boxes of the visible children of `selector`, in CSS pixels. */
const boxes = (selector: string) =>
  page.locator(selector).evaluate((el) =>
    Array.from(el.children)
      .map((c) => c.getBoundingClientRect())
      .filter((r) => r.width > 0 && r.height > 0)
      .map((r) => ({ top: r.top, bottom: r.bottom, left: r.left, right: r.right })),
  )
const pageWidth = () => page.evaluate(() => document.documentElement.scrollWidth)

describe(`dashboard at ${WIDTH} px wide`, () => {
  it('keeps the header on one line: title, connection, who, theme and Sign out side by side', async () => {
    const header = (await page.locator('header.top').boundingBox())!
    expect(header.height).toBeLessThanOrEqual(56)
    const items = await boxes('header.top')
    expect(items.length).toBe(5)
    // One line: every item overlaps every other vertically, and none sticks out of the screen.
    expect(Math.max(...items.map((b) => b.top))).toBeLessThan(Math.min(...items.map((b) => b.bottom)))
    for (const b of items) expect(b.right).toBeLessThanOrEqual(WIDTH)
    // Who is signed in, in full (a long name would be cut with an ellipsis, never the role).
    expect(await page.locator('.who').textContent()).toBe('ana · approver')
    for (const part of ['.who .name', '.who strong', '[data-stream] .label']) {
      expect(await page.locator(part).evaluate((el) => el.scrollWidth <= el.clientWidth), part).toBe(true)
    }
  })

  it('shows each action as a card with status, tool · operation, agent and time in view, and no sideways scroll', async () => {
    expect(await pageWidth()).toBeLessThanOrEqual(WIDTH)
    const card = page.locator(`tr[data-id="${pendingId}"]`)
    // Found by what they show, so the same test reads the desktop table and the cards.
    const cells = {
      status: card.locator('[data-status]'),
      tool: card.getByText('payments', { exact: true }),
      operation: card.getByText('refund', { exact: true }),
      agent: card.getByText('billing-bot', { exact: true }),
      created: card.locator('time'),
    }
    const seen: Record<string, string> = {}
    for (const [col, cell] of Object.entries(cells)) {
      expect(await cell.isVisible(), col).toBe(true)
      const box = (await cell.boundingBox())!
      expect(box.x, col).toBeGreaterThanOrEqual(0)
      expect(box.x + box.width, col).toBeLessThanOrEqual(WIDTH)
      // Not clipped: the whole text fits in its cell.
      expect(await cell.evaluate((el) => el.scrollWidth <= el.clientWidth), col).toBe(true)
      seen[col] = (await cell.innerText()).trim()
    }
    expect(seen).toMatchObject({ status: 'pending approval', tool: 'payments', operation: 'refund', agent: 'billing-bot' })
    expect(seen.created).toMatch(/ago|just now/)
    // The column headings of the desktop table take no room (they stay for screen readers): a card labels itself.
    expect((await page.locator('thead').boundingBox())!.height).toBeLessThanOrEqual(1)
    // A card is compact: ten of them fit in about two screens.
    const first = (await page.locator('tbody tr[data-id]').first().boundingBox())!
    expect(first.height).toBeLessThanOrEqual(110)
    await shot(page, 'narrow-table-light')
  })

  it('opens the drawer by tapping a card, fits it to the screen, and approves there', async () => {
    await page.locator(`tr[data-id="${pendingId}"]`).getByText('payments', { exact: true }).tap()
    const dialog = page.locator('dialog[open]')
    const approve = dialog.locator('[data-decide="approve"]')
    await approve.waitFor()
    const box = (await dialog.boundingBox())!
    expect(box.x).toBeGreaterThanOrEqual(0)
    expect(box.x + box.width).toBeLessThanOrEqual(WIDTH)
    expect(await dialog.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true)
    expect(await pageWidth()).toBeLessThanOrEqual(WIDTH)
    const button = (await approve.boundingBox())!
    expect(button.x + button.width).toBeLessThanOrEqual(WIDTH)
    expect(button.height).toBeGreaterThanOrEqual(44) // a finger-sized target
    await shot(page, 'narrow-drawer-light')
    await dialog.locator('#approval-reason').fill('Checked on my phone')
    await approve.tap()
    await dialog.locator('.top [data-status="approved"]').waitFor()
    await dialog.locator('li[data-event="approved"]').waitFor()
    expect(await dialog.locator('li[data-event="approved"]').textContent()).toContain('Checked on my phone')
    await page.keyboard.press('Escape')
    await page.waitForSelector('dialog', { state: 'detached' })
    await page.locator(`tr[data-id="${pendingId}"] [data-status="approved"]`).waitFor()
  })

  it('still fits the header on one line and the page in the screen at 360 and 320 px', async () => {
    for (const width of [360, 320]) {
      await page.setViewportSize({ width, height: 740 })
      const items = await boxes('header.top')
      expect(Math.max(...items.map((b) => b.top)), `${width}`).toBeLessThan(Math.min(...items.map((b) => b.bottom)))
      for (const b of items) expect(b.right, `${width}`).toBeLessThanOrEqual(width)
      expect(await page.locator('.who strong').evaluate((el) => el.scrollWidth <= el.clientWidth && el.getBoundingClientRect().width > 0)).toBe(true)
      expect(await pageWidth(), `${width}`).toBeLessThanOrEqual(width)
      await shot(page, `narrow-${width}-light`)
    }
    await page.setViewportSize({ width: WIDTH, height: 844 })
  })

  it('has no serious accessibility violations in the narrow layout', async () => {
    expect(await seriousViolations(page)).toEqual([])
  })
})
