// The auth-off fixture shared by the e2e files: a gateway with a small known data set, Chromium, and one page.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { launch } from './browser.js'
import { startTestGateway, type TestGateway } from './gateway.js'

export interface Dashboard {
  gw: TestGateway
  browser: Browser
  context: BrowserContext
  page: Page
  close(): Promise<void>
}

/** 30 allowed, 5 denied, 1 demo-seeded and 6 pending approval (42), submitted oldest → newest. */
export async function openDashboard(): Promise<Dashboard> {
  const [gw, browser] = await Promise.all([startTestGateway(), launch()])
  await gw.submitMany(30, (i) => ({ agent_id: `agent-${i % 3}`, tool: 'http', operation: 'get', params: { url: `https://example.com/${i}` } }), { concurrency: 1 })
  await gw.submitMany(5, (i) => ({ agent_id: 'agent-0', tool: 'shell', operation: 'run', params: { cmd: `rm -rf /tmp/x${i}` } }), { concurrency: 1 })
  await gw.submit({ agent_id: 'demo-agent', tool: 'http', operation: 'get', params: { url: 'https://demo' }, context: { demo: true } })
  await gw.submitMany(6, (i) => ({ agent_id: 'agent-1', tool: 'payments', operation: 'refund', params: { amount: 100 + i } }), { concurrency: 1 })
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' })
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: gw.url })
  context.setDefaultTimeout(10_000)
  const page = await context.newPage()
  return {
    gw, browser, context, page,
    async close() {
      await browser.close()
      await gw.close()
    },
  }
}

export const rows = (page: Page) => page.locator('tbody tr[data-id]')

export async function ready(page: Page): Promise<void> {
  await page.waitForSelector('main[data-ready="true"]')
  await page.waitForSelector('table[data-state="ready"]')
}

export async function closeDrawer(page: Page): Promise<void> {
  await page.keyboard.press('Escape')
  await page.waitForSelector('dialog', { state: 'detached' })
  await page.waitForURL((u) => !u.searchParams.has('action'))
}
