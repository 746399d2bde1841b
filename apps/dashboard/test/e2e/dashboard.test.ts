// The dashboard end to end, auth off: table, filters, pagination, keyboard, drawer, curl, approval.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import type { Action, ActionEvent } from '@faramesh/policy-core'
import { ruleRef } from '@faramesh/policy-core/wire'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeDrawer as close, openDashboard, ready as readyOn, rows as rowsOn, type Dashboard } from './fixture.js'
import { shot } from './browser.js'

let d: Dashboard
let gw: Dashboard['gw']
let page: Page
const rows = () => rowsOn(page)
const ready = (p: Page = page) => readyOn(p)
const closeDrawer = () => close(page)

beforeAll(async () => {
  d = await openDashboard()
  ;({ gw, page } = d)
})
afterAll(async () => {
  await d?.close()
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
    // Named as `faramesh explain` and `policy-diff` name it: the policy's second rule is rules[1], its rule_index.
    const shown = await dialog.locator('[data-field="Matched rule"]').textContent()
    const stored = await gw.api<Action>(`/v1/actions/${new URL(page.url()).searchParams.get('action')}`)
    expect(stored.rule_index).toBe(1)
    expect(shown).toBe('rules[1]')
    expect(shown).toBe(ruleRef(stored.rule_index!))
    expect(await dialog.locator('[data-field="Request hash"]').textContent()).toMatch(/^[0-9a-f]{64}$/)
    expect(await dialog.locator('[data-field="Provenance id"]').textContent()).toMatch(/^[0-9a-f]{64}$/)
    expect(await dialog.locator('li[data-event]').evaluateAll((els) => els.map((e) => e.getAttribute('data-event')))).toEqual([
      'created',
      'decision_made',
    ])
    expect(await dialog.locator('pre').first().textContent()).toContain('rm -rf')
    // The gateway's ready-to-run snippets for this action, as the original UI showed them.
    await dialog.getByText('JavaScript example').click()
    const example = await dialog.locator('details[open] pre').textContent()
    expect(example).toContain('submitAction')
    expect(example).toContain('rm -rf /tmp/x')
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
})
