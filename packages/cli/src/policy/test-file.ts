// The policy test file: YAML cases (request → expected decision, reason code, risk) for one policy.
//
//   policy: ../default.yaml          # relative to this file; --policy overrides it
//   profile: ../profile.yaml         # optional execution profile, checked first as in the gateway
//   cases:
//     - name: shell needs approval
//       request: { tool: shell, operation: run, params: { cmd: ls } }   # agent_id defaults to test-agent
//       expect: { decision: require_approval, reason_code: POLICY_REQUIRE_APPROVAL, risk: medium }
import { load } from 'js-yaml'
import { CliError } from '../errors.js'

export const EXPECT_KEYS = ['decision', 'outcome', 'reason_code', 'reason', 'reason_contains', 'risk', 'rule_index', 'risk_rule'] as const
export type ExpectKey = (typeof EXPECT_KEYS)[number]

export interface TestCase {
  name: string
  request: { agent_id: string; tool: string; operation: string; params: Record<string, unknown>; context: Record<string, unknown> }
  expect: Partial<Record<ExpectKey, string | number | null>>
}

export interface TestFile {
  /** The policy path as written in the file (resolve it against the file's folder). */
  policy: string | null
  /** Optional execution profile, checked before the policy as in the gateway. */
  profile: string | null
  cases: TestCase[]
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

function invalid(source: string, where: string, why: string): CliError {
  return new CliError('VALIDATION', `${source}: ${where}: ${why}`)
}

function parseCase(raw: unknown, i: number, source: string): TestCase {
  const where = `cases[${i}]`
  if (!isObject(raw)) throw invalid(source, where, 'must be a mapping with name, request and expect')
  for (const key of Object.keys(raw)) {
    if (!['name', 'request', 'expect'].includes(key)) throw invalid(source, `${where}.${key}`, 'unknown key (use name, request, expect)')
  }
  const req = raw.request
  if (!isObject(req)) throw invalid(source, `${where}.request`, 'must be a mapping with tool and operation')
  const tool = req.tool
  const operation = req.operation ?? req.op
  if (typeof tool !== 'string' || tool === '') throw invalid(source, `${where}.request.tool`, 'must be a non-empty string')
  if (typeof operation !== 'string' || operation === '') throw invalid(source, `${where}.request.operation`, 'must be a non-empty string')
  const agent = req.agent_id ?? 'test-agent'
  if (typeof agent !== 'string') throw invalid(source, `${where}.request.agent_id`, 'must be a string')
  for (const k of ['params', 'context'] as const) {
    if (req[k] !== undefined && !isObject(req[k])) throw invalid(source, `${where}.request.${k}`, 'must be a mapping')
  }
  const exp = raw.expect
  if (!isObject(exp) || Object.keys(exp).length === 0) {
    throw invalid(source, `${where}.expect`, `must be a mapping with at least one of ${EXPECT_KEYS.join(', ')}`)
  }
  const expect: TestCase['expect'] = {}
  for (const [k, v] of Object.entries(exp)) {
    const key = k === 'risk_level' ? 'risk' : k
    if (!(EXPECT_KEYS as readonly string[]).includes(key)) throw invalid(source, `${where}.expect.${k}`, `unknown key (use ${EXPECT_KEYS.join(', ')})`)
    if (v !== null && typeof v !== 'string' && typeof v !== 'number') throw invalid(source, `${where}.expect.${k}`, 'must be a string, number or null')
    expect[key as ExpectKey] = v
  }
  const name = typeof raw.name === 'string' && raw.name !== '' ? raw.name : `case ${i + 1}`
  return {
    name,
    request: {
      agent_id: agent,
      tool,
      operation,
      params: (req.params as Record<string, unknown> | undefined) ?? {},
      context: (req.context as Record<string, unknown> | undefined) ?? {},
    },
    expect,
  }
}

export function parseTestFile(text: string, source: string): TestFile {
  let doc: unknown
  try {
    doc = load(text)
  } catch (err) {
    throw new CliError('VALIDATION', `${source}: not valid YAML: ${(err as Error).message.split('\n')[0]}`, { cause: err })
  }
  if (!isObject(doc)) throw invalid(source, 'top level', 'must be a mapping with policy and cases')
  for (const key of Object.keys(doc)) {
    if (key !== 'policy' && key !== 'profile' && key !== 'cases') throw invalid(source, key, 'unknown key (use policy, profile, cases)')
  }
  if (doc.policy !== undefined && typeof doc.policy !== 'string') throw invalid(source, 'policy', 'must be a path')
  if (doc.profile !== undefined && typeof doc.profile !== 'string') throw invalid(source, 'profile', 'must be a path')
  if (!Array.isArray(doc.cases) || doc.cases.length === 0) throw invalid(source, 'cases', 'must be a non-empty list')
  return { policy: doc.policy ?? null, profile: doc.profile ?? null, cases: doc.cases.map((c, i) => parseCase(c, i, source)) }
}
