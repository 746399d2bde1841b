// Header reads straight from Node's IncomingMessage when the node adapter runs us: building a WHATWG Headers
// object per request (what c.req.header() does) is a measurable share of a fast route's cost.
import type { Context } from 'hono'

interface NodeBindings {
  incoming?: { headers: Record<string, string | string[] | undefined> }
}

/** A request header by lower-case name. */
export function header(c: Context, name: string): string | undefined {
  const incoming = (c.env as NodeBindings | undefined)?.incoming
  if (incoming) {
    const v = incoming.headers[name]
    return Array.isArray(v) ? v.join(', ') : v
  }
  return c.req.header(name)
}
