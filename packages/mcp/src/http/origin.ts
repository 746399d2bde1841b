// Streamable HTTP servers MUST validate Origin (basic/transports.mdx, "Security Warning"): a web page the agent's
// operator has open could otherwise drive the gateway with whatever the browser attaches, and a DNS-rebinding page
// reaches it under its own name. The SDK's own check is deprecated and lets a foreign Origin through unless told the
// hosts, so the gateway checks here, before any session, upstream or action exists. A missing Origin is a client
// that is not a browser (the SDKs, curl) and passes; the open-mode Host check is the gateway's own (cross-site.ts).

/** 127.0.0.0/8, ::1, localhost and *.localhost. */
function loopbackName(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, '')
  return (
    h === 'localhost' ||
    h.endsWith('.localhost') ||
    h === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)
  )
}

export interface OriginRules {
  /** Origins the operator trusts (FARAMESH_CORS_ORIGINS without `*`, and the gateway's public URL). */
  trusted: readonly string[]
}

/** Why a request must be refused for its Origin, or null. `host` is the request's Host header. */
export function originRefusal(
  origin: string | undefined,
  host: string | undefined,
  rules: OriginRules,
): string | null {
  if (origin === undefined) return null
  let u: URL
  try {
    u = new URL(origin)
  } catch {
    return 'an Origin header that is not an origin'
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return `Origin ${origin.slice(0, 100)}`
  if (loopbackName(u.hostname)) return null
  if (host !== undefined && u.host === host.toLowerCase()) return null
  if (rules.trusted.some((t) => t !== '*' && originOf(t) === u.origin)) return null
  return `Origin ${u.origin}`
}

function originOf(text: string): string | null {
  try {
    return new URL(text).origin
  } catch {
    return null
  }
}
