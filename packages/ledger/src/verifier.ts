// Verification shared by `ledger.verify()` and the offline `verifyNdjson()`: walk events in seq order checking
// continuity, links and hashes, then hold the walked chain against signed checkpoints so that a rewritten or
// truncated tail (self-consistent on its own) is still caught.
import type { KeyObject } from 'node:crypto'
import type { Checkpoint } from '@faramesh/policy-core'
import { eventHash, type StoredEvent } from './hash-chain.js'
import { checkpointSignatureOk } from './signing.js'
import type { CheckpointReport, VerifyResult } from './types.js'

export type VerifyFailure = Extract<VerifyResult, { ok: false }>
export type VerifySuccess = Extract<VerifyResult, { ok: true }>
type Reason = VerifyFailure['reason']

/** Hashes kept compactly (32 bytes each) so an offline verifier can check checkpoints after the events. */
class HashTape {
  private buf = Buffer.alloc(32 * 1024)
  private n = 0
  constructor(readonly firstSeq: number) {}
  push(hex: string): void {
    if ((this.n + 1) * 32 > this.buf.length) {
      const next = Buffer.alloc(this.buf.length * 2)
      this.buf.copy(next)
      this.buf = next
    }
    this.buf.write(hex, this.n * 32, 32, 'hex')
    this.n += 1
  }
  at(seq: number): string | undefined {
    const i = seq - this.firstSeq
    if (i < 0 || i >= this.n) return undefined
    return this.buf.toString('hex', i * 32, i * 32 + 32)
  }
}

export class ChainWalker {
  checked = 0
  failure: VerifyFailure | null = null
  lastSeq: number
  lastHash: string | null
  private readonly remembered = new Map<number, string>()
  private readonly tape: HashTape | null

  /**
   * @param firstSeq the seq the walk must start at
   * @param prevHash the hash the first event must link to; null trusts the first event's prev_hash (an export that
   *   starts mid-chain)
   * @param remember which seqs' hashes to keep for checkpoint checks ('all' for streams whose checkpoints come last)
   */
  constructor(
    readonly firstSeq: number,
    prevHash: string | null,
    private readonly remember: ReadonlySet<number> | 'all',
  ) {
    this.lastSeq = firstSeq - 1
    this.lastHash = prevHash
    this.tape = remember === 'all' ? new HashTape(firstSeq) : null
  }

  /** Returns false once the chain is broken (the failure is in `failure`). */
  push(e: StoredEvent): boolean {
    if (this.failure) return false
    const expected = this.lastSeq + 1
    if (e.seq !== expected) {
      return this.fail(expected, 'gap', `expected seq ${expected}, found ${e.seq}: events are missing or out of order`)
    }
    if (this.lastHash !== null && e.prev_hash !== this.lastHash) {
      return this.fail(e.seq, 'broken_link', `prev_hash of seq ${e.seq} does not equal the hash of seq ${e.seq - 1}`)
    }
    const actual = eventHash(e)
    if (actual !== e.hash) {
      return this.fail(e.seq, 'hash_mismatch', `seq ${e.seq} was modified: its content hashes to ${actual}, stored ${e.hash}`)
    }
    this.checked += 1
    this.lastSeq = e.seq
    this.lastHash = e.hash
    if (this.tape) this.tape.push(e.hash)
    else if ((this.remember as ReadonlySet<number>).has(e.seq)) this.remembered.set(e.seq, e.hash)
    return true
  }

  hashAt(seq: number): string | undefined {
    return this.tape ? this.tape.at(seq) : this.remembered.get(seq)
  }

  /**
   * After the walk: check each checkpoint within [firstSeq, to] (a trusted key, its signature, the hash at its seq,
   * presence), and count the events after the last one, which no signature covers.
   */
  finish(checkpoints: readonly Checkpoint[], ring: Map<string, KeyObject>, to?: number): VerifyResult {
    if (this.failure) return this.failure
    const sorted = checkpoints.filter((cp) => cp.seq >= this.firstSeq && (to === undefined || cp.seq <= to)).sort((a, b) => a.seq - b.seq)
    const keys: Record<string, number> = {}
    for (const cp of sorted) keys[cp.key_id] = (keys[cp.key_id] ?? 0) + 1
    const last = sorted.at(-1)?.seq ?? null
    const report: CheckpointReport = {
      count: sorted.length,
      last_seq: last,
      unsigned: last === null ? this.checked : Math.max(0, this.lastSeq - last),
      keys,
    }
    const failed = (seq: number, reason: Reason, message: string, extra: Partial<VerifyFailure> = {}): VerifyResult => ({
      ...this.result(seq, reason, message),
      ...extra,
      checkpoints: report,
    })
    for (const cp of sorted) {
      if (!ring.has(cp.key_id)) {
        return failed(cp.seq, 'untrusted_key', `checkpoint at seq ${cp.seq} is signed by key ${cp.key_id}, which is not one of the trusted keys`, {
          key_id: cp.key_id,
        })
      }
      if (!checkpointSignatureOk(ring, cp)) {
        return failed(cp.seq, 'bad_signature', `checkpoint at seq ${cp.seq} has no valid signature by key ${cp.key_id}`, { key_id: cp.key_id })
      }
      if (cp.seq > this.lastSeq) {
        return failed(
          this.lastSeq + 1,
          'truncated',
          `a checkpoint signed seq ${cp.seq} but the chain ends at seq ${this.lastSeq}: events from seq ${this.lastSeq + 1} were removed`,
        )
      }
      const hash = this.hashAt(cp.seq)
      if (hash !== cp.hash) {
        return failed(cp.seq, 'checkpoint_mismatch', `seq ${cp.seq} differs from the signed checkpoint: the chain was rewritten`)
      }
    }
    const head = this.lastHash === null || this.checked === 0 ? null : { seq: this.lastSeq, hash: this.lastHash }
    return { ok: true, checked: this.checked, head, checkpoints: report }
  }

  private fail(seq: number, reason: Reason, message: string): false {
    this.failure = this.result(seq, reason, message)
    return false
  }

  private result(seq: number, reason: Reason, message: string): VerifyFailure {
    return { ok: false, checked: this.checked, seq, reason, message }
  }
}
