// The Ledger behaviour shared by both dialects: validation, group commit, checkpoints, change feed, verify, export.
import type { Checkpoint } from '@faramesh/policy-core'
import { canonicalJson } from './canonical.js'
import { LedgerError } from './errors.js'
import { GroupCommit } from './group-commit.js'
import { eventLine, toChainEvent } from './hash-chain.js'
import { deriveSecret, publicKeyRing, signCheckpoint, type SigningKey } from './signing.js'
import type { LedgerStore } from './store.js'
import type { ActionRecord, ChainEvent, CreatedAction, Ledger, LedgerOptions, NewEvent, StagedAction, VerifyResult } from './types.js'
import { ChainFeed } from './chain-feed.js'
import { ChainWalker } from './verifier.js'
import { appendOp, createOp, transitionOp, type OpResult, type WriteOp } from './write-ops.js'


export async function buildLedger(store: LedgerStore, key: SigningKey, options: LedgerOptions = {}): Promise<Ledger> {
  const clock = options.clock ?? (() => new Date())
  const now = () => clock().toISOString()
  const every = options.checkpointEvery ?? 1000
  const intervalMs = options.checkpointIntervalMs ?? 60_000
  let closed = false

  await store.registerPublicKey(key.key_id, key.public_key_pem, now())
  const initialHead = await store.head()
  const cps = await store.checkpoints()
  let lastCheckpointSeq = cps.at(-1)?.seq ?? 0
  let checkpointing: Promise<Checkpoint | null> = Promise.resolve(null)

  const feed = new ChainFeed(store, initialHead?.seq ?? 0)
  const writer = new GroupCommit<WriteOp, OpResult>(async (ops) => {
    const outcomes = await store.applyBatch(ops)
    const written = outcomes.flatMap((o) => (o.ok ? o.value.events : []))
    if (written.length > 0) {
      feed.committed(written)
      const top = written.reduce((m, e) => Math.max(m, e.seq), 0)
      if (every > 0 && top - lastCheckpointSeq >= every) void checkpoint().catch(() => undefined)
    }
    return outcomes
  }, Math.max(1, Math.floor(options.maxBatch ?? 512)), store.writeConcurrency ?? 1)

  const timer = intervalMs > 0 ? setInterval(() => void checkpoint().catch(() => undefined), intervalMs) : null
  timer?.unref()

  function alive(): void {
    if (closed) throw new LedgerError('CLOSED')
  }

  function checkpoint(): Promise<Checkpoint | null> {
    // Serialised so two triggers never sign twice; a head already signed is not signed again.
    checkpointing = checkpointing.catch(() => null).then(async () => {
      const head = await store.head()
      if (!head) return null
      if (head.seq <= lastCheckpointSeq) return (await store.checkpoints()).find((c) => c.seq === head.seq) ?? null
      const cp = signCheckpoint(key, head, now())
      await store.insertCheckpoint(cp)
      lastCheckpointSeq = head.seq
      return cp
    })
    return checkpointing
  }

  async function write(op: WriteOp): Promise<OpResult> {
    alive()
    return writer.submit(op)
  }

  function stage(action: ActionRecord, events: NewEvent[]): StagedAction {
    alive()
    const op = createOp(action, events, now())
    const written = writer.submit(op).then((r): CreatedAction => {
      // Parsed only if asked for: the gateway's submit answers from the action alone.
      let events: ChainEvent[] | undefined
      return {
        action: r.action!,
        get events() {
          return (events ??= r.events.map(toChainEvent))
        },
      }
    })
    return { action: op.record, written }
  }

  async function verify(range: { from?: number; to?: number } = {}): Promise<VerifyResult> {
    alive()
    const from = range.from ?? 1
    const to = range.to
    if (!Number.isSafeInteger(from) || from < 1 || (to !== undefined && (!Number.isSafeInteger(to) || to < from))) {
      throw new LedgerError('INVALID_INPUT', 'verify range must have 1 ≤ from ≤ to')
    }
    let prevHash = ''
    if (from > 1) {
      const before = await store.eventAt(from - 1)
      if (!before) return { ok: false, checked: 0, seq: from - 1, reason: 'gap', message: `seq ${from - 1} is missing` }
      prevHash = before.hash
    }
    const checkpoints = await store.checkpoints()
    const ring = publicKeyRing(await store.publicKeys())
    const walker = new ChainWalker(from, prevHash, new Set(checkpoints.map((c) => c.seq)))
    for await (const page of store.scanEvents(from - 1, to)) {
      for (const e of page) if (!walker.push(e)) return walker.failure!
    }
    return walker.finish(checkpoints, ring, to)
  }

  async function* exportNdjson(fromSeq = 1): AsyncIterable<string> {
    alive()
    for await (const page of store.scanEvents(Math.max(0, fromSeq - 1))) for (const e of page) yield eventLine(e)
    for (const cp of await store.checkpoints()) if (cp.seq >= fromSeq) yield `{"checkpoint":${canonicalJson(cp)}}`
  }

  const ledger: Ledger = {
    dialect: store.dialect,
    async createAction(action, events) {
      return stage(action, events).written
    },
    stageAction: stage,
    async getAction(id) {
      alive()
      return store.getAction(id)
    },
    async findByIdPrefix(prefix, limit = 10) {
      alive()
      return store.findByIdPrefix(prefix, limit)
    },
    async findByIdempotencyKey(scope, key) {
      alive()
      if (typeof scope !== 'string' || typeof key !== 'string') throw new LedgerError('INVALID_INPUT', 'scope and key must be strings')
      return store.findByIdempotencyKey(scope, key)
    },
    async listActions(filter = {}) {
      alive()
      return store.listActions(filter)
    },
    async countActions(filter = {}) {
      alive()
      return store.countActions(filter)
    },
    async stats() {
      alive()
      return store.stats()
    },
    async transition(id, req) {
      const r = await write(transitionOp(id, req, now()))
      return { action: r.action!, event: toChainEvent(r.events[0]!) }
    },
    async appendEvent(actionId, event) {
      const r = await write(appendOp(actionId, event, now()))
      return toChainEvent(r.events[0]!)
    },
    async getEvents(actionId) {
      alive()
      return (await store.getEvents(actionId)).map(toChainEvent)
    },
    async readEvents(afterSeq, limit = 1000) {
      alive()
      return (await store.readEvents(afterSeq, Math.min(Math.max(1, limit), 10_000))).map(toChainEvent)
    },
    async head() {
      alive()
      return store.head()
    },
    verify,
    async checkpoints() {
      alive()
      return store.checkpoints()
    },
    async checkpoint() {
      alive()
      await writer.flushed()
      return checkpoint()
    },
    publicKey: () => ({ key_id: key.key_id, public_key_pem: key.public_key_pem }),
    deriveSecret: (purpose: string) => deriveSecret(key, purpose),
    exportNdjson,
    subscribe(listener: (event: ChainEvent) => void) {
      alive()
      return feed.subscribe(listener)
    },
    async expiredApprovals(at, limit = 100) {
      alive()
      return store.expiredApprovals(at, limit)
    },
    async ping() {
      if (closed) return false
      return store.ping()
    },
    async close() {
      if (closed) return
      await writer.flushed()
      closed = true
      if (timer) clearInterval(timer)
      feed.close()
      await checkpointing.catch(() => null)
      await store.close()
    },
  }
  return ledger
}
