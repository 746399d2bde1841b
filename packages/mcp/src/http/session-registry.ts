// The gateway's MCP sessions: one per initialize, each with its own upstream (a child process, or an upstream HTTP
// session), because roots, log level, subscriptions and capability-dependent tools belong to one client. A session id
// is a capability only in the hands of the caller that made it: it is bound to that caller's credential, and any
// other caller presenting it is told the session does not exist. Sessions live in this process only (several
// gateways need sticky routing on Mcp-Session-Id); limits keep one agent from spawning unbounded children.

export interface SessionLimits {
  /** All sessions of this gateway (FARAMESH_MCP_MAX_SESSIONS). */
  maxSessions: number
  /** Sessions of one credential (FARAMESH_MCP_MAX_SESSIONS_PER_TOKEN). */
  maxPerOwner: number
  /** A session with no request and no open stream for this long is closed (FARAMESH_MCP_SESSION_IDLE). */
  idleMs: number
}

export interface SessionRecord {
  id: string
  server: string
  /** Who may use this session: a digest of the credential that created it (never the credential itself). */
  owner: string
  /** Requests and streams in progress; a session is idle only at 0. */
  active: number
  lastSeen: number
  close(reason: string): Promise<void>
}

export type Admission = { ok: true; release(): void } | { ok: false; why: 'total' | 'owner' }

export class SessionRegistry {
  private readonly sessions = new Map<string, SessionRecord>()
  /** Sessions being created (initialize in flight) count against the limits too. */
  private starting = 0
  private readonly startingByOwner = new Map<string, number>()

  constructor(
    readonly limits: SessionLimits,
    private readonly clock: () => number = Date.now,
  ) {}

  get size(): number {
    return this.sessions.size
  }

  private ownedBy(owner: string): number {
    let n = this.startingByOwner.get(owner) ?? 0
    for (const s of this.sessions.values()) if (s.owner === owner) n++
    return n
  }

  /** Room for one more session of `owner`? Holds the place until released (added or failed). */
  admit(owner: string): Admission {
    if (this.sessions.size + this.starting >= this.limits.maxSessions) return { ok: false, why: 'total' }
    if (this.ownedBy(owner) >= this.limits.maxPerOwner) return { ok: false, why: 'owner' }
    this.starting++
    this.startingByOwner.set(owner, (this.startingByOwner.get(owner) ?? 0) + 1)
    let released = false
    return {
      ok: true,
      release: () => {
        if (released) return
        released = true
        this.starting--
        const left = (this.startingByOwner.get(owner) ?? 1) - 1
        if (left > 0) this.startingByOwner.set(owner, left)
        else this.startingByOwner.delete(owner)
      },
    }
  }

  add(s: SessionRecord): void {
    s.lastSeen = this.clock()
    this.sessions.set(s.id, s)
  }

  /** The session, only for its owner: anyone else gets undefined, exactly as for an id that never existed. */
  get(id: string, owner: string): SessionRecord | undefined {
    const s = this.sessions.get(id)
    return s && s.owner === owner ? s : undefined
  }

  remove(id: string): void {
    this.sessions.delete(id)
  }

  /** Mark a request or stream as started; call the result when it ends. */
  enter(s: SessionRecord): () => void {
    s.active++
    s.lastSeen = this.clock()
    let left = false
    return () => {
      if (left) return
      left = true
      s.active--
      s.lastSeen = this.clock()
    }
  }

  /** Sessions idle longer than the limit. */
  idle(): SessionRecord[] {
    const now = this.clock()
    return [...this.sessions.values()].filter((s) => s.active === 0 && now - s.lastSeen > this.limits.idleMs)
  }

  all(): SessionRecord[] {
    return [...this.sessions.values()]
  }
}

/**
 * What a session has open: each POST until every request in it was answered (or the client left), each GET stream
 * until the client leaves. Answers are seen as they are sent, so no response body has to be wrapped to notice its end.
 */
export class SessionActivity {
  private readonly waiting = new Map<string, Set<() => void>>()

  constructor(private readonly enter: () => () => void) {}

  /** A request started; `done` (returned, idempotent) also runs by itself once all of `ids` were answered. */
  open(ids: ReadonlyArray<string | number>, alreadyGone = false): () => void {
    const leave = this.enter()
    const keys = ids.map((id) => JSON.stringify(id))
    let left = keys.length
    const answered = (): void => {
      if (--left === 0) done()
    }
    let closed = false
    const done = (): void => {
      if (closed) return
      closed = true
      for (const k of keys) {
        const set = this.waiting.get(k)
        set?.delete(answered)
        if (set?.size === 0) this.waiting.delete(k)
      }
      leave()
    }
    if (alreadyGone) {
      done()
      return done
    }
    for (const k of keys) {
      const set = this.waiting.get(k) ?? new Set()
      set.add(answered)
      this.waiting.set(k, set)
    }
    return done
  }

  /** The answer to request `id` was sent. */
  answered(id: string | number): void {
    const set = this.waiting.get(JSON.stringify(id))
    if (set) for (const f of [...set]) f()
  }
}
