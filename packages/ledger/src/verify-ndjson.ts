// Offline verification of an exported chain (`ledger.exportNdjson()`, GET /v1/ledger/export): no database needed,
// only the lines and the public key(s) the auditor trusts. Used by the CLI's verify-log.
import type { Checkpoint, EventType } from '@faramesh/policy-core'
import { canonicalJson } from './canonical.js'
import { LedgerError } from './errors.js'
import type { StoredEvent } from './hash-chain.js'
import { publicKeyRing } from './signing.js'
import type { VerifyResult } from './types.js'
import { ChainWalker } from './verifier.js'

export type NdjsonInput = string | Iterable<string> | AsyncIterable<string>

/**
 * Verify an NDJSON export: event lines in seq order, then `{"checkpoint": …}` lines. An export that starts mid-chain
 * (from_seq > 1) trusts the first event's prev_hash. Malformed lines throw LedgerError INVALID_INPUT.
 */
export async function verifyNdjson(lines: NdjsonInput, publicKeyPem: string | readonly string[]): Promise<VerifyResult> {
  const ring = publicKeyRing(typeof publicKeyPem === 'string' ? [publicKeyPem] : publicKeyPem)
  const checkpoints: Checkpoint[] = []
  let walker: ChainWalker | null = null
  let lineNo = 0
  for await (const chunk of typeof lines === 'string' ? [lines] : lines) {
    for (const line of chunk.split('\n')) {
      lineNo += 1
      if (line.trim() === '') continue
      const parsed = parseLine(line, lineNo)
      if ('checkpoint' in parsed) {
        checkpoints.push(parsed.checkpoint)
        continue
      }
      walker ??= new ChainWalker(parsed.seq, null, 'all')
      if (!walker.push(parsed)) return walker.failure!
    }
  }
  walker ??= new ChainWalker(1, '', 'all')
  return walker.finish(checkpoints, ring)
}

function parseLine(line: string, lineNo: number): StoredEvent | { checkpoint: Checkpoint } {
  let v: unknown
  try {
    v = JSON.parse(line)
  } catch (err) {
    throw new LedgerError('INVALID_INPUT', `line ${lineNo} is not JSON`, { line: lineNo }, err)
  }
  if (!isObject(v)) throw bad(lineNo, 'not an object')
  if ('checkpoint' in v) {
    const cp = v.checkpoint
    if (!isObject(cp) || !isSeq(cp.seq) || !isStr(cp.hash) || !isStr(cp.created_at) || !isStr(cp.key_id) || !isStr(cp.signature)) {
      throw bad(lineNo, 'checkpoint needs seq, hash, created_at, key_id, signature')
    }
    return { checkpoint: cp as unknown as Checkpoint }
  }
  const { seq, id, action_id, event_type, meta, created_at, prev_hash, hash } = v
  if (!isSeq(seq) || !isStr(id) || !isStr(action_id) || !isStr(event_type) || !isObject(meta) || !isStr(created_at) || !isStr(prev_hash) || !isStr(hash)) {
    throw bad(lineNo, 'event needs seq, id, action_id, event_type, meta (object), created_at, prev_hash, hash')
  }
  return { seq, id, action_id, event_type: event_type as EventType, meta: canonicalJson(meta), created_at, prev_hash, hash }
}

const bad = (line: number, why: string) => new LedgerError('INVALID_INPUT', `line ${line}: ${why}`, { line })
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const isStr = (v: unknown): v is string => typeof v === 'string'
const isSeq = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0
