// With auth on (the original's UI broke here): a sign-in prompt, the role shown, live updates with the token
// (sent by fetch, which EventSource could not do), and approve/deny offered only to roles that may use them.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launch, seriousViolations, shot } from './browser.js'
import { startTestGateway, type TestGateway } from './gateway.js'

const AGENT = 'agent-token-0123456789'
const APPROVER = 'approver-token-0123456789'
const AUDITOR = 'auditor-token-0123456789'

let gw: TestGateway
let browser: Browser
let pendingId: string

beforeAll(async () => {
  ;[gw, browser] = await Promise.all([
    startTestGateway({
      tokens: [
        { name: 'bot', role: 'agent', token: AGENT },
        { name: 'ana', role: 'approver', token: APPROVER },
        { name: 'otto', role: 'auditor', token: AUDITOR },
      ],
    }),
    launch(),
  ])
  await gw.submit({ agent_id: 'bot', tool: 'http', operation: 'get', params: {} }, AGENT)
  pendingId = (await gw.submit({ agent_id: 'bot', tool: 'payments', operation: 'refund', params: { amount: 9 } }, AGENT)).id
})

afterAll(async () => {
  await browser?.close()
  await gw?.close()
})

async function signIn(page: Page, token: string): Promise<void> {
  await page.locator('#token').fill(token)
  await page.getByRole('button', { name: 'Sign in' }).click()
}

describe('dashboard with auth on', () => {
  it('asks for a token, refuses a wrong one, and signs in an approver who can approve', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    context.setDefaultTimeout(10_000)
    const page = await context.newPage()
    await page.goto(gw.url + '/')
    await page.locator('#token').waitFor()
    expect(await seriousViolations(page)).toEqual([])
    await shot(page, 'sign-in')
    await signIn(page, 'wrong-token')
    await page.getByRole('alert').filter({ hasText: 'That token was not accepted.' }).waitFor()
    await signIn(page, APPROVER)
    await page.waitForSelector('main[data-ready="true"]')
    expect(await page.locator('.who').textContent()).toBe('ana · approver')
    await page.locator('[data-stream="live"]').waitFor()
    expect(await page.locator('tbody tr[data-id]').count()).toBe(2)

    // Live with a token: a new action streams in.
    const live = await gw.submit({ agent_id: 'bot', tool: 'payments', operation: 'charge', params: {} }, AGENT)
    await page.locator(`tr[data-id="${live.id}"]`).waitFor()

    await page.locator(`tr[data-id="${pendingId}"] button.open`).click()
    const dialog = page.locator('dialog[open]')
    await dialog.locator('[data-decide="deny"]').click()
    await dialog.locator('.top [data-status="denied"]').waitFor()
    await dialog.locator('li[data-event="denied"]').waitFor()
    expect(await dialog.locator('li[data-event="denied"]').textContent()).toContain('by: ana')

    // The copied curl needs the token too, but reads it from the environment instead of embedding it.
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: gw.url })
    await dialog.locator('[data-curl="get"]').click()
    const copied = await page.evaluate(() => navigator.clipboard.readText())
    expect(copied).toContain('Authorization: Bearer $FARAMESH_TOKEN')
    expect(copied).not.toContain(APPROVER)

    // The token survives a reload of the tab (session storage), and signing out forgets it.
    await page.keyboard.press('Escape')
    await page.waitForURL((u) => !u.searchParams.has('action'))
    await page.reload()
    await page.waitForSelector('main[data-ready="true"]')
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.locator('#token').waitFor()
    expect(await page.evaluate(() => sessionStorage.getItem('faramesh.token'))).toBeNull()
    await context.close()
  })

  it('shows an auditor everything but offers no approve or deny', async () => {
    const other = await gw.submit({ agent_id: 'bot', tool: 'payments', operation: 'refund', params: { amount: 1 } }, AGENT)
    const context = await browser.newContext()
    context.setDefaultTimeout(10_000)
    const page = await context.newPage()
    await page.goto(`${gw.url}/?action=${other.id}`)
    await signIn(page, AUDITOR)
    await page.waitForSelector('main[data-ready="true"]')
    expect(await page.locator('.who').textContent()).toBe('otto · auditor')
    const dialog = page.locator('dialog[open]')
    await dialog.locator('.top [data-status="pending_approval"]').waitFor()
    expect(await dialog.getByText('Your role cannot approve or deny.').count()).toBe(1)
    expect(await dialog.locator('[data-decide]').count()).toBe(0)
    await context.close()
  })

  it('lets an agent token see only its own actions, without live updates it may not stream', async () => {
    const context = await browser.newContext()
    context.setDefaultTimeout(10_000)
    const page = await context.newPage()
    await page.goto(gw.url + '/')
    await signIn(page, AGENT)
    await page.waitForSelector('main[data-ready="true"]')
    expect(await page.locator('.who').textContent()).toBe('bot · agent')
    expect(await page.locator('[data-stream]').getAttribute('data-stream')).toBe('off')
    expect(await page.locator('tbody tr[data-id]').count()).toBeGreaterThan(0)
    await context.close()
  })
})
