// The SDK in a real browser (headless Chromium): the browser bundle talks to a real gateway cross-origin,
// with no `process`, no Node built-ins, and waits over SSE. Cross-origin pages need a token: a gateway in open mode
// answers only local clients (so that no web page can act as its admin).
import { existsSync } from 'node:fs'
import { startTestGateway, type TestGateway } from '@faramesh/example-testkit'
import { build } from 'esbuild'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { POLICY } from './policy.js'

const CHROMIUM = '/usr/bin/chromium'
const TOKEN = 'browser-test-token'
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

let gw: TestGateway
let browser: Browser
let bundle: string
beforeAll(async () => {
  if (!existsSync(CHROMIUM)) return
  gw = await startTestGateway({ policy: POLICY, env: { FARAMESH_TOKEN: TOKEN } })
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
    const out = await page.evaluate(async ([url, token]) => {
      const F = (globalThis as any).Faramesh
      const c = new F.ExecutionGovernorClient(url, { throwOnDeny: false, agentId: 'browser-agent', token })
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
    }, [gw.url, TOKEN] as const)
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

  it('a page cannot act on a gateway in open mode, not even with a simple (no-preflight) request', async () => {
    const open = await startTestGateway({ policy: POLICY })
    try {
      const page = await browser.newPage()
      await page.setContent('<!doctype html><title>some site</title>')
      const statuses = await page.evaluate(async (url) => {
        const body = JSON.stringify({ agent_id: 'page', tool: 'payments', operation: 'charge', params: { amount: 1 } })
        // no-cors: the answer is opaque, but the request is sent, as a form post would be.
        await fetch(`${url}/v1/actions`, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body })
        const cors = await fetch(`${url}/v1/actions`).then((r) => r.status, () => 0)
        return { cors }
      }, open.url)
      expect(statuses.cors).toBe(403)
      expect(await open.handle.ledger.countActions()).toBe(0)
      await page.close()
    } finally {
      await open.stop()
    }
  })
})
