import { describe, expect, it } from 'vitest'
import { GroupCommit } from './group-commit.js'

describe('group commit', () => {
  it('runs writes submitted together as one batch and answers each caller with its own outcome', async () => {
    const batches: number[][] = []
    const gc = new GroupCommit<number, number>(async (ops) => {
      batches.push(ops)
      await new Promise((r) => setTimeout(r, 5))
      return ops.map((o) => (o % 2 ? { ok: true, value: o * 10 } : { ok: false, error: new Error(`odd only: ${o}`) }))
    })
    const first = await Promise.allSettled([1, 2, 3].map((n) => gc.submit(n)))
    expect(batches).toEqual([[1, 2, 3]])
    expect(first.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([10, 'odd only: 2', 30])
  })

  it('forms the next batch from writes that arrive while one is running', async () => {
    const batches: number[][] = []
    const gc = new GroupCommit<number, number>(async (ops) => {
      batches.push(ops)
      await new Promise((r) => setTimeout(r, 20))
      return ops.map((value) => ({ ok: true, value }))
    })
    const a = gc.submit(1)
    await new Promise((r) => setTimeout(r, 5))
    const rest = [2, 3, 4].map((n) => gc.submit(n))
    await Promise.all([a, ...rest])
    expect(batches).toEqual([[1], [2, 3, 4]])
    await gc.flushed()
  })

  it('answers every caller of a batch whose run throws with that error', async () => {
    const gc = new GroupCommit<number, number>(async () => {
      throw new Error('disk on fire')
    })
    const r = await Promise.allSettled([gc.submit(1), gc.submit(2)])
    expect(r.map((x) => x.status)).toEqual(['rejected', 'rejected'])
  })

  it('caps a batch at maxBatch writes', async () => {
    const sizes: number[] = []
    const gc = new GroupCommit<number, number>(async (ops) => {
      sizes.push(ops.length)
      return ops.map((value) => ({ ok: true, value }))
    }, 4)
    await Promise.all(Array.from({ length: 10 }, (_, i) => gc.submit(i)))
    expect(sizes).toEqual([4, 4, 2])
  })

  it('with inFlight 2 hands over the next batch while one runs, answers in order and drains on flushed()', async () => {
    const log: string[] = []
    let chain = Promise.resolve()
    // Like the write worker: batches run one after another in the order they were handed over.
    const gc = new GroupCommit<number, number>((ops) => {
      log.push(`sent ${ops.join(',')}`)
      const done = chain.then(async () => {
        await new Promise((r) => setTimeout(r, 20))
        log.push(`committed ${ops.join(',')}`)
        return ops.map((value) => ({ ok: true as const, value }))
      })
      chain = done.then(() => undefined)
      return done
    }, 512, 2)
    const answered: number[] = []
    const track = (n: number) => gc.submit(n).then((v) => void answered.push(v))
    const a = track(1)
    await new Promise((r) => setTimeout(r, 5))
    const b = [2, 3].map(track)
    await new Promise((r) => setTimeout(r, 5))
    const c = [4, 5].map(track)
    await gc.flushed()
    expect(answered).toEqual([1, 2, 3, 4, 5])
    expect(log.slice(0, 3)).toEqual(['sent 1', 'sent 2,3', 'committed 1'])
    expect(log).toContain('sent 4,5')
    expect(log.indexOf('sent 4,5')).toBeGreaterThan(log.indexOf('committed 1'))
    await Promise.all([a, ...b, ...c])
  })
})
