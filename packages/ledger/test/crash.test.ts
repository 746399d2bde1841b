// Durability: children append as fast as they can, each acknowledged write is reported, then kill -9. Reopening
// must show every acknowledged action and event, and a chain that verifies. On Postgres, two writer processes share
// one database and the parent's change feed sees their events through LISTEN/NOTIFY.
import { spawn, execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChainEvent, Ledger } from '../src/types.js'
import { sqliteBackend, type Backend, type TestDb } from './backends.js'
import { postgresBackend } from './postgres-backend.js'

const pkgDir = fileURLToPath(new URL('..', import.meta.url))
const writer = fileURLToPath(new URL('./fixtures/crash-writer.mjs', import.meta.url))

beforeAll(() => {
  // The child runs the built package; build it from the current sources so the test never runs stale code.
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: pkgDir, stdio: 'inherit' })
}, 120_000)

interface Ack {
  id: string
  seq: number
  hash: string
}

function runWriter(backend: string, location: string, killAfterAcks: number): Promise<Ack[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [writer, backend, location, '16'], { stdio: ['ignore', 'pipe', 'pipe'] })
    const acks: Ack[] = []
    let buf = ''
    let err = ''
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString()
      const lines = buf.split('\n')
      buf = lines.pop()!
      for (const l of lines) {
        const [tag, id, seq, hash] = l.split(' ')
        if (tag === 'ack') acks.push({ id: id!, seq: Number(seq), hash: hash! })
      }
      // A random extra delay so the kill lands at an arbitrary point of a batch.
      if (acks.length >= killAfterAcks && child.exitCode === null && !child.killed) setTimeout(() => child.kill('SIGKILL'), Math.random() * 20)
    })
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer exited with ${code}: ${err}`))
      // Let the last pipe contents arrive before answering.
      else setTimeout(() => resolve(acks), 50)
    })
  })
}

async function checkAcks(ledger: Ledger, acks: Ack[]): Promise<void> {
  for (const a of acks) {
    expect(await ledger.getAction(a.id)).not.toBeNull()
    const [e] = await ledger.getEvents(a.id)
    expect(e).toMatchObject({ seq: a.seq, hash: a.hash })
  }
  const v = await ledger.verify()
  expect(v).toMatchObject({ ok: true })
}

function crashSuite(backend: Backend, writers: number): void {
  describe(`${backend.name}: crash`, () => {
    beforeAll(() => backend.setup(), 60_000)
    afterAll(() => backend.teardown())

    it(`keeps every acknowledged write after kill -9 of ${writers} writer process(es)`, async () => {
      const db: TestDb = await backend.fresh()
      await (await db.open()).close() // migrate first so the writers race on appends, not on schema creation
      const watcher = backend.name === 'postgres' ? await db.open() : null
      const seen: ChainEvent[] = []
      watcher?.subscribe((e) => seen.push(e))
      const acks = (await Promise.all(Array.from({ length: writers }, () => runWriter(backend.name, db.location, 300)))).flat()
      expect(acks.length).toBeGreaterThanOrEqual(300 * writers)
      const ledger = await db.open()
      await checkAcks(ledger, acks)
      const head = (await ledger.head())!
      expect(head.seq).toBeGreaterThanOrEqual(acks.length)
      if (watcher) {
        await new Promise((r) => setTimeout(r, 300))
        const seenSeqs = new Set(seen.map((e) => e.seq))
        expect(acks.every((a) => seenSeqs.has(a.seq))).toBe(true)
        await watcher.close()
      }
      await ledger.close()
    }, 120_000)
  })
}

crashSuite(sqliteBackend(), 1)
crashSuite(postgresBackend(), 2)
