// Open mode (no token configured) makes every caller the admin, and on a loopback address "every caller" includes
// every web page the operator's browser shows: a page can send simple requests to 127.0.0.1 (a text/plain POST
// needs no CORS preflight) and, with CORS on, read the answers. Unchecked, any site could submit a shell command,
// approve it and start it, and the shell executor ran it. A browser says where a request comes from (Origin, sent on
// every POST and on cross-origin reads), and a DNS-rebinding page can only reach us under its own name (Host). So in
// open mode a protected route refuses a request whose Origin is another site, or whose Host is not a loopback name
// unless the operator opened the gateway to the network on purpose (FARAMESH_ALLOW_UNAUTHENTICATED). curl, the SDKs
// and the CLI send no Origin and a loopback Host; the dashboard is served from the gateway itself or from a dev
// server on localhost. A request with a token is never refused here: a token is no credential a page can borrow.

/** 127.0.0.0/8, ::1, localhost and *.localhost (browsers resolve those to loopback themselves). */
function loopbackName(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, '')
  return h === 'localhost' || h.endsWith('.localhost') || h === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)
}

/** host[:port] of a Host header value, lower-cased; null when it is not one. */
function hostOf(value: string): { host: string; hostname: string } | null {
  try {
    const u = new URL(`http://${value}`)
    return u.username || u.password || u.pathname !== '/' || u.search || u.hash ? null : { host: u.host, hostname: u.hostname }
  } catch {
    return null
  }
}

export interface OpenModeRequest {
  host: string | undefined
  origin: string | undefined
  /** FARAMESH_ALLOW_UNAUTHENTICATED: open on a network address on purpose, so any Host name is expected. */
  openToNetwork: boolean
  /** FARAMESH_CORS_ORIGINS as configured: an origin the operator named there (not `*`) is one they trust. */
  trustedOrigins?: readonly string[]
}

/** Why an unauthenticated request must be refused as coming from another site, or null when it may proceed. */
export function crossSiteRefusal(r: OpenModeRequest): string | null {
  const host = r.host === undefined ? null : hostOf(r.host)
  if (r.host !== undefined && !host) return 'a Host header that is not a host name'
  if (!r.openToNetwork && host && !loopbackName(host.hostname)) return `Host ${host.host}, which is not this gateway's loopback address`
  if (r.origin === undefined) return null
  let origin: URL
  try {
    origin = new URL(r.origin)
  } catch {
    return `Origin ${r.origin}`
  }
  if (origin.protocol !== 'http:' && origin.protocol !== 'https:') return `Origin ${r.origin}`
  if (loopbackName(origin.hostname) || (host !== null && origin.host === host.host)) return null
  if (r.trustedOrigins?.includes(origin.origin)) return null
  return `Origin ${origin.origin}`
}

/** The 403 detail for such a request. */
export const crossSiteDetail = (why: string): string =>
  `Refused a request from another site (${why}): this gateway runs without authentication, so it only answers local clients. ` +
  (why.startsWith('Host')
    ? 'Set FARAMESH_TOKEN or FARAMESH_TOKENS_FILE (or, behind a proxy that forwards another Host name, FARAMESH_ALLOW_UNAUTHENTICATED=1 to run open on purpose).'
    : 'Set FARAMESH_TOKEN or FARAMESH_TOKENS_FILE to use it from a browser on another origin.')
