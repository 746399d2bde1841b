// ajv validators compiled once at module load; errors become FastAPI-style field issues naming the field.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import { validationError, type FieldIssue } from './errors.js'
import {
  approvalSchema,
  gateOperationsSchema,
  withdrawSchema,
  type GateOperationsBody,
  type WithdrawBody,
  listQuerySchema,
  resultSchema,
  sseQuerySchema,
  startSchema,
  submitSchema,
  type ApprovalBody,
  type ListQuery,
  type ResultBody,
  type SseQuery,
  type StartBody,
  type SubmitBody,
} from './schemas.js'

const bodyAjv = new Ajv({ allErrors: true, strict: true })
// Query strings arrive as text: coerce "20" to 20 and fill defaults.
const queryAjv = new Ajv({ allErrors: true, strict: true, coerceTypes: true, useDefaults: true })

function issueOf(e: ErrorObject, root: string): FieldIssue {
  const path = e.instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
  if (e.keyword === 'required') {
    const field = (e.params as { missingProperty: string }).missingProperty
    return { loc: [root, ...path, field], msg: 'field required', type: 'value_error.missing' }
  }
  if (e.keyword === 'type') {
    const t = String((e.params as { type: unknown }).type)
    return { loc: [root, ...path], msg: `value is not a valid ${t.replace(',', ' or ')}`, type: `type_error.${t.split(',')[0]}` }
  }
  if (e.keyword === 'enum') {
    const allowed = (e.params as { allowedValues: unknown[] }).allowedValues
    return { loc: [root, ...path], msg: `unexpected value; permitted: ${allowed.join(', ')}`, type: 'type_error.enum' }
  }
  return { loc: [root, ...path], msg: e.message ?? 'invalid value', type: `value_error.${e.keyword}` }
}

function checker<T>(fn: ValidateFunction, root: string): (value: unknown) => T {
  return (value) => {
    if (fn(value)) return value as T
    throw validationError((fn.errors ?? []).map((e) => issueOf(e, root)))
  }
}

export const checkSubmit = checker<SubmitBody>(bodyAjv.compile(submitSchema), 'body')
export const checkApproval = checker<ApprovalBody>(bodyAjv.compile(approvalSchema), 'body')
export const checkStart = checker<StartBody>(bodyAjv.compile(startSchema), 'body')
export const checkResult = checker<ResultBody>(bodyAjv.compile(resultSchema), 'body')
export const checkWithdraw = checker<WithdrawBody>(bodyAjv.compile(withdrawSchema), 'body')
export const checkGateOperations = checker<GateOperationsBody>(bodyAjv.compile(gateOperationsSchema), 'body')
const listFn = checker<ListQuery>(queryAjv.compile(listQuerySchema), 'query')
const sseFn = checker<SseQuery>(queryAjv.compile(sseQuerySchema), 'query')

/** Validate a query object (copied first: ajv coerces and fills defaults in place). */
export const checkListQuery = (q: Record<string, string>): ListQuery => listFn({ ...q })
export const checkSseQuery = (q: Record<string, string>): SseQuery => sseFn({ ...q })
