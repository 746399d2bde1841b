import { describe, expect, it } from 'vitest'
import { SessionActivity, SessionRegistry, type SessionRecord } from './session-registry.js'

const record = (id: string, owner: string): SessionRecord => ({
  id,
  server: 'files',
  owner,
  active: 0,
  lastSeen: 0,
  close: async () => undefined,
})

describe('SessionRegistry', () => {
  it('gives a session only to its owner', () => {
    const r = new SessionRegistry({ maxSessions: 10, maxPerOwner: 10, idleMs: 1000 })
    r.add(record('s1', 'alice'))
    expect(r.get('s1', 'alice')?.id).toBe('s1')
    expect(r.get('s1', 'bob')).toBeUndefined()
    expect(r.get('nope', 'alice')).toBeUndefined()
  })

  it('admits up to the total and the per-owner limits, counting sessions still starting', () => {
    const r = new SessionRegistry({ maxSessions: 3, maxPerOwner: 2, idleMs: 1000 })
    const a1 = r.admit('alice')
    const a2 = r.admit('alice')
    expect(a1.ok && a2.ok).toBe(true)
    expect(r.admit('alice')).toEqual({ ok: false, why: 'owner' })
    const b1 = r.admit('bob')
    expect(b1.ok).toBe(true)
    expect(r.admit('carol')).toEqual({ ok: false, why: 'total' })
    // A start that failed gives its place back (once, however often it is released).
    if (a1.ok) {
      a1.release()
      a1.release()
    }
    expect(r.admit('alice').ok).toBe(true)
  })

  it('counts a session idle only with nothing open, and only after the idle time', () => {
    let now = 0
    const r = new SessionRegistry({ maxSessions: 10, maxPerOwner: 10, idleMs: 1000 }, () => now)
    const s = record('s1', 'alice')
    r.add(s)
    const activity = new SessionActivity(() => r.enter(s))
    const done = activity.open([1, 'two'])
    now = 5000
    expect(r.idle()).toEqual([]) // a request is still waiting for its answers
    activity.answered(1)
    expect(r.idle()).toEqual([])
    activity.answered('two')
    expect(s.active).toBe(0)
    now = 5500
    expect(r.idle()).toEqual([])
    now = 6001
    expect(r.idle()).toEqual([s])
    done() // idempotent: the client leaving after the answers changes nothing
    expect(s.active).toBe(0)
  })

  it('a request the client left is no longer open, and its late answer changes nothing', () => {
    const r = new SessionRegistry({ maxSessions: 10, maxPerOwner: 10, idleMs: 1000 })
    const s = record('s1', 'alice')
    r.add(s)
    const activity = new SessionActivity(() => r.enter(s))
    const done = activity.open([7])
    const stream = activity.open([]) // a GET stream: open until the client leaves
    expect(s.active).toBe(2)
    done()
    expect(s.active).toBe(1)
    activity.answered(7)
    expect(s.active).toBe(1)
    stream()
    expect(s.active).toBe(0)
  })
})
