// What the relay knows about the server's tools: their annotations (for context.mcp, from every tools/list page that
// passed through), and which ones the policy denies outright for this agent, left out of tools/list. A hidden tool is
// still gated like any other: calling it gets Faramesh's denial, never "tool not found".
import { canonicalJson } from '@faramesh/sdk'

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v)

/** A request of the relay's own to the server; undefined when it did not answer in time. */
export type RequestUp = (method: string, params: Obj, ms: number) => Promise<{ result: Obj } | { error: unknown } | undefined>

/** Asks the gate which of `operations` are denied whatever the arguments, for tools sharing `annotations`. */
export type DeniedLookup = (operations: string[], annotations: Obj | null) => Promise<string[]>

export class ToolCatalog {
  private readonly annotations = new Map<string, Obj | null>()
  /** The server's whole tool list was looked up since it last changed. */
  private fresh = false
  private fetching: Promise<void> | undefined

  /** The server said its tools changed (notifications/tools/list_changed). */
  stale(): void {
    this.fresh = false
  }

  /**
   * Learn every page of the server's tools/list, so context.mcp carries a tool's annotations even when the client
   * never listed them. Tried once per tool list whatever the outcome: a server without tools, or one slow to list
   * them, must not cost every call a round trip.
   */
  async ensure(requestUp: RequestUp, log: (line: string) => void): Promise<void> {
    if (this.fresh) return
    this.fetching ??= this.fetchAll(requestUp, log).finally(() => (this.fetching = undefined))
    await this.fetching
  }

  private async fetchAll(requestUp: RequestUp, log: (line: string) => void): Promise<void> {
    this.fresh = true
    let cursor: string | undefined
    for (let page = 0; page < 50; page++) {
      const a = await requestUp('tools/list', cursor === undefined ? {} : { cursor }, 5000)
      if (!a || !('result' in a)) return log('could not list the server\'s tools for their annotations')
      this.learn(a.result)
      const next = a.result.nextCursor
      if (typeof next !== 'string') return
      cursor = next
    }
  }

  /** The annotations a tools/list gave for this tool; null when it listed none or was never listed. */
  annotationsOf(name: string): Obj | null {
    return this.annotations.get(name) ?? null
  }

  has(name: string): boolean {
    return this.annotations.has(name)
  }

  /** Learn from one tools/list result page. */
  learn(result: Obj): void {
    const tools = Array.isArray(result.tools) ? (result.tools as unknown[]) : []
    for (const t of tools) {
      if (isObj(t) && typeof t.name === 'string') this.annotations.set(t.name, isObj(t.annotations) ? t.annotations : null)
    }
  }

  /**
   * The page without the tools the policy denies outright. One lookup per distinct set of annotations, since a policy
   * may tighten on them (mcp_hint) and a tool's context carries its own.
   */
  async hideDenied(result: Obj, denied: DeniedLookup): Promise<Obj> {
    const tools = Array.isArray(result.tools) ? (result.tools as unknown[]) : []
    const groups = new Map<string, { annotations: Obj | null; names: string[] }>()
    for (const t of tools) {
      if (!isObj(t) || typeof t.name !== 'string') continue
      const annotations = isObj(t.annotations) ? t.annotations : null
      const key = canonicalJson(annotations)
      const g = groups.get(key) ?? { annotations, names: [] }
      g.names.push(t.name)
      groups.set(key, g)
    }
    const hidden = new Set<string>()
    for (const g of groups.values()) for (const name of await denied(g.names, g.annotations)) hidden.add(name)
    if (hidden.size === 0) return result
    return { ...result, tools: tools.filter((t) => !(isObj(t) && typeof t.name === 'string' && hidden.has(t.name))) }
  }
}
