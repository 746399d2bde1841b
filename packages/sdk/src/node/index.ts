// @faramesh/sdk for Node: everything of the browser-safe entry, plus what needs Node's file system (`apply(file)`).
// The package root resolves here under Node (the `node` export condition), so code written against the original
// SDK keeps calling `apply` from '@faramesh/sdk'; browsers and bundlers for them get ../index.js without fs.
import { ExecutionGovernorClient as BrowserClient } from '../client.js'
import { getClient } from '../functional.js'
import type { GovernedAction } from '../types.js'
import { applyFile } from './apply.js'

export * from '../index.js'
export { applyFile }

/** `ExecutionGovernorClient` whose `apply(file)` reads the file. */
export class ExecutionGovernorClient extends BrowserClient {
  override apply(file: string): Promise<GovernedAction> {
    return applyFile(this, file)
  }
}

/** Submit an action described in a JSON or YAML file, with the default client. */
export const apply = (file: string): Promise<GovernedAction> => applyFile(getClient(), file)
