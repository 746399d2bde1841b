// The SDK in a real browser (headless Chromium): the browser bundle talks to a real gateway cross-origin,
// with no `process`, no Node built-ins, and waits over SSE.
import { existsSync } from 'node:fs'
import { startTestGateway, type TestGateway } from '@faramesh/example-testkit'
import { build } from 'esbuild'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { POLICY } from './policy.js'

const CHROMIUM = '/usr/bin/chromium'
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

let gw: TestGateway
let browser: Browser
let bundle: string
beforeAll(async () => {
  if (!existsSync(CHROMIUM)) return
  gw = await startTestGateway({ policy: POLICY })
  const r = await build({
    entryPoints: [new URL('../src/index.ts', import.meta.url).pathname],
    bundle: true,
    minify: true,
    format: 'iife',
    globalName: 'Faramesh',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  })
  bundle = r.outputFiles[0]!.text
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS })
})
afterAll(async () => {
  await browser?.close()
  await gw?.close()
})

describe.skipIf(!existsSync(CHROMIUM))('in a browser', () => {
  it('submits, waits over SSE, reports, decides and verifies hashes from a page on another origin', async () => {
    const page = await browser.newPage()
    await page.setContent('<!doctype html><title>agent</title>')
    await page.addScriptTag({ content: bundle })
    const out = await page.evaluate(async (url) => {
      const F = (globalThis as any).Faramesh
      const c = new F.ExecutionGovernorClient(url, { throwOnDeny: false, agentId: 'browser-agent' })
      const req = { tool: 'payments', operation: 'charge', params: { amount: 1 } }
      const a = await c.submitAction(req)
      const t0 = Date.now()
      const waiting = c.waitForCompletion(a.id, 60000, 10000) // only the event stream can finish this in time
      await new Promise((r) => setTimeout(r, 300))
      await c.reportResult(a.id, { success: true, result: 'from the browser' })
      const done = await waiting
      const d = await c.decide({ agent_id: 'b', tool: 'shell', operation: 'run', params: { cmd: 'rm -rf /' } })
      let denied = ''
      await c.withGate({ tool: 'shell', operation: 'run', params: { cmd: 'rm -rf /' } }, () => 'ran').catch((e: Error) => (denied = e.name))
      return {
        status: a.status,
        done: done.status,
        result: done.result,
        waitedMs: Date.now() - t0,
        outcome: d.outcome,
        denied,
        hashOk: F.verifyRequestHash({ agent_id: 'browser-agent', ...req, context: {} }, a.request_hash),
        hasProcess: typeof (globalThis as any).process,
        origin: (globalThis as any).location.origin as string,
      }
    }, gw.url)
    expect(out).toMatchObject({
      status: 'allowed',
      done: 'succeeded',
      result: 'from the browser',
      outcome: 'HALT',
      denied: 'FarameshDeniedError',
      hashOk: true,
      hasProcess: 'undefined',
    })
    expect(out.origin).not.toBe(gw.url)
    expect(out.waitedMs).toBeLessThan(5000)
    await page.close()
  })
})
