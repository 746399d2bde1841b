// CORS (FARAMESH_ENABLE_CORS). Headers are prepared before the handler runs and only for requests that carry an
// Origin: setting them on the finished response (as generic CORS middleware does) rebuilds every response and
// costs the node adapter its fast path. Against hono/cors with the same options, GET with an Origin over HTTP:
// 3.8-5.0k against 2.1-2.6k req/s (three alternating 5 s rounds, 10 connections, shared 2-core machine, 2026-12-07;
// `pnpm --filter @faramesh/server exec node bench/hand-written.ts` after a build).
import type { MiddlewareHandler } from 'hono'
import { header } from './headers.js'

export interface CorsOptions {
  /** ['*'] or explicit origins. */
  origins: string[]
  exposeHeaders: string[]
  maxAgeSec?: number
}

const METHODS = 'GET,HEAD,POST,PUT,PATCH,DELETE,OPTIONS'

export function corsMiddleware(opts: CorsOptions): MiddlewareHandler {
  const any = opts.origins.includes('*')
  const expose = opts.exposeHeaders.join(',')
  return async (c, next) => {
    const origin = header(c, 'origin')
    if (!origin) return next()
    const allowed = any ? '*' : opts.origins.includes(origin) ? origin : null
    if (c.req.method === 'OPTIONS' && header(c, 'access-control-request-method')) {
      const headers: Record<string, string> = { 'Access-Control-Allow-Methods': METHODS, 'Access-Control-Max-Age': String(opts.maxAgeSec ?? 600) }
      if (allowed) headers['Access-Control-Allow-Origin'] = allowed
      const asked = header(c, 'access-control-request-headers')
      if (asked) headers['Access-Control-Allow-Headers'] = asked
      if (!any) headers.Vary = 'Origin, Access-Control-Request-Headers'
      return c.body(null, 204, headers)
    }
    if (allowed) {
      c.header('Access-Control-Allow-Origin', allowed)
      if (expose) c.header('Access-Control-Expose-Headers', expose)
    }
    if (!any) c.header('Vary', 'Origin')
    return next()
  }
}
