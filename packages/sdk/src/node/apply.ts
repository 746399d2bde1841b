// `apply(file)`: submit an action described in a JSON or YAML file. File reading is Node's, so this lives in the
// `/node` entry (which is also what the package root resolves to under Node); the browser entry never imports it.
import { readFile } from 'node:fs/promises'
import type { ActionRequest } from '@faramesh/policy-core'
import type { CoreClient } from '../core-client.js'
import type { GovernedAction } from '../types.js'
import { checkRequest, invalid } from '../validate.js'

// js-yaml is optional (not a dependency): a name in a variable keeps type checkers and bundlers from requiring it.
const YAML = 'js-yaml'
const message = (e: unknown) => (e instanceof Error ? e.message : String(e))

/** Submit an action described in a JSON or YAML file (YAML needs `js-yaml` installed). */
export async function applyFile(c: CoreClient, file: string): Promise<GovernedAction> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (e) {
    throw invalid(`Cannot read ${file}: ${message(e)}`)
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    if (/\.json$/i.test(file)) throw invalid(`Failed to parse ${file} as JSON`)
    try {
      const yaml = (await import(YAML)) as { load: (t: string) => unknown }
      data = yaml.load(text)
    } catch (e) {
      throw invalid(`Failed to parse ${file} (YAML needs the js-yaml package): ${message(e)}`)
    }
  }
  const missing = ['agent_id', 'tool', 'operation'].filter((k) => !(data && typeof data === 'object' && k in data))
  if (missing.length) throw invalid(`Missing required fields in ${file}: ${missing.join(', ')}`)
  return c.submit(checkRequest(data as ActionRequest))
}
