// The Ledger behaviour shared by both dialects: validation, group commit, checkpoints, change feed, verify, export.
import type { Checkpoint } from '@faramesh/policy-core'
import { auditActions } from './action-audit.js'
import { canonicalJson } from './canonical.js'
import { LedgerError } from './errors.js'
import { GroupCommit } from './group-commit.js'
import { eventLine, toChainEvent } from './hash-chain.js'
import { deriveSecret, publicKeyRing, signCheckpoint, type SigningKey } from './signing.js'
import type { LedgerStore } from './store.js'
import type { ActionRecord, ChainEvent, CreatedAction, Ledger, LedgerOptions, NewEvent, StagedAction, VerifyOptions, VerifyResult } from './types.js'
import { ChainFeed } from './chain-feed.js'
import { ChainWalker } from './verifier.js'
import { appendOp, createOp, transitionOp, type OpResult, type WriteOp } from './write-ops.js'

/** `key` is null only for a verifyOnly ledger. */
export async function buildLedger(store: LedgerStore, key: SigningKey | null, options: LedgerOptions = {}): Promise<Ledger> {
  const clock = options.clock ?? (() => new Date())
  const now = () => clock().toISOString()
  const verifyOnly = options.verifyOnly === true || key === null
  const every = verifyOnly ? 0 : Math.max(0, Math.floor(options.checkpointEvery ?? 1000))
  const intervalMs = verifyOnly ? 0 : Math.max(0, options.checkpointIntervalMs ?? 60_000)
  let closed = false

  if (key && !verifyOnly) await store.registerPublicKey(key.key_id, key.public_key_pem, now())
  const initialHead = await store.head()
  let lastCheckpointSeq = (await store.lastCheckpoint())?.seq ?? 0
  let checkpointing: Promise<Checkpoint | null> = Promise.resolve(null)
  let countTriggered = false

  const feed = new ChainFeed(store, initialHead?.seq ?? 0)
  const writer = new GroupCommit<WriteOp, OpResult>(async (ops) => {
    const outcomes = await store.applyBatch(ops)
    const written = outcomes.flatMap((o) => (o.ok ? o.value.events : []))
    if (written.length > 0) {
      feed.committed(written)
      const top = written.reduce((m, e) => Math.max(m, e.seq), 0)
      // Off the request path: the batch's callers are answered without waiting for the signature.
      if (every > 0 && top - lastCheckpointSeq >= every && !countTriggered) {
        countTriggered = true
        void checkpoint(every)
          .catch(() => null)
          .finally(() => (countTriggered = false))
      }
    }
    return outcomes
  }, Math.max(1, Math.floor(options.maxBatch ?? 512)), store.writeConcurrency ?? 1)

  const timer = intervalMs > 0 ? setInterval(() => void checkpoint(1).catch(() => undefined), intervalMs) : null
  timer?.unref()

  function alive(): void {
    if (closed) throw new LedgerError('CLOSED')
  }

  function writable(): void {
    alive()
    if (verifyOnly) throw new LedgerError('INVALID_INPUT', 'this ledger was opened verify-only: it writes nothing')
  }

  /**
   * Sign the head when it is at least `minAdvance` events past the last checkpoint (this process's or another's);
   * answers the checkpoint that now covers the furthest head, or null for an empty chain. Serialised in this process;
   * the store serialises it across processes.
   */
  function checkpoint(minAdvance: number): Promise<Checkpoint | null> {
    checkpointing = checkpointing.catch(() => null).then(async () => {
      // Never earlier than the last checkpoint: a clock stepped back (or another gateway's ahead) keeps the
      // sequence increasing in time as well as in seq, and never stops signing.
      const cp = await store.appendCheckpoint((head, last) => {
        const t = now()
        return signCheckpoint(key!, head, last && last.created_at > t ? last.created_at : t)
      }, minAdvance)
      const latest = cp ?? (await store.lastCheckpoint())
      if (latest) lastCheckpointSeq = Math.max(lastCheckpointSeq, latest.seq)
      return latest
    })
    return checkpointing
  }

  async function write(op: WriteOp): Promise<OpResult> {
    writable()
    return writer.submit(op)
  }

  function stage(action: ActionRecord, events: NewEvent[]): StagedAction {
    writable()
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

  async function verify(opts: VerifyOptions = {}): Promise<VerifyResult> {
    alive()
    const from = opts.from ?? 1
    const to = opts.to
    if (!Number.isSafeInteger(from) || from < 1 || (to !== undefined && (!Number.isSafeInteger(to) || to < from))) {
      throw new LedgerError('INVALID_INPUT', 'verify range must have 1 ≤ from ≤ to')
    }
    const databaseKeys = await store.publicKeys()
    const ring = publicKeyRing(opts.publicKeys ?? [...(key ? [key.public_key_pem] : []), ...databaseKeys])
    const database_keys = [...publicKeyRing(databaseKeys).keys()]
    let prevHash = ''
    if (from > 1) {
      const before = await store.eventAt(from - 1)
      if (!before) return { ok: false, checked: 0, seq: from - 1, reason: 'gap', message: `seq ${from - 1} is missing`, database_keys }
      prevHash = before.hash
    }
    const checkpoints = await store.checkpoints()
    const walker = new ChainWalker(from, prevHash, new Set(checkpoints.map((c) => c.seq)))
    for await (const page of store.scanEvents(from - 1, to)) {
      for (const e of page) if (!walker.push(e)) return { ...walker.failure!, database_keys }
    }
    const chain = walker.finish(checkpoints, ring, to)
    if (!chain.ok) return { ...chain, database_keys }
    // The actions table is held against the whole chain only: a range says nothing about rows outside it.
    if (opts.from !== undefined || opts.to !== undefined || opts.actions === false) return { ...chain, actions: null, database_keys }
    const actions = await auditActions(store, chain.head?.seq ?? 0, chain.checked)
    if ('ok' in actions) return { ...actions, checkpoints: chain.checkpoints, database_keys }
    return { ...chain, actions, database_keys }
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
      writable()
      await writer.flushed()
      return checkpoint(1)
    },
    publicKey: () => {
      if (!key) throw new LedgerError('SIGNING_KEY', 'this ledger was opened verify-only: it has no signing key')
      return { key_id: key.key_id, public_key_pem: key.public_key_pem }
    },
    deriveSecret: (purpose: string) => {
      if (!key) throw new LedgerError('SIGNING_KEY', 'this ledger was opened verify-only: it has no signing key')
      return deriveSecret(key, purpose)
    },
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
      // A graceful close signs the head, so a stopped ledger has no unsigned tail that could be cut off unnoticed. A
      // store that cannot be reached any more is closed all the same (checkpoint() first says why it cannot sign).
      if (!verifyOnly) await checkpoint(1).catch(() => null)
      await store.close()
    },
  }
  return ledger
}
