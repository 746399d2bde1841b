// Who is looking: the token (per tab, sessionStorage) and the principal the gateway says it belongs to.
import { DashboardError } from './errors.js'
import type { ApiClient } from './api/client.js'
import type { Principal } from './roles.js'

const TOKEN_KEY = 'faramesh.token'

export type AuthState = 'checking' | 'signed-in' | 'needs-token' | 'error'

export class Session {
  token = $state<string | null>(null)
  principal = $state<Principal | null>(null)
  state = $state<AuthState>('checking')
  error = $state<string | null>(null)
  busy = $state(false)

  constructor() {
    try {
      this.token = sessionStorage.getItem(TOKEN_KEY)
    } catch {
      this.token = null
    }
  }

  /** Whether requests carry a token (then copied curl commands need one too). */
  get authenticated(): boolean {
    return this.token !== null
  }

  async check(api: ApiClient): Promise<void> {
    this.busy = true
    try {
      this.principal = await api.whoami()
      this.state = 'signed-in'
      this.error = null
    } catch (err) {
      const e = err instanceof DashboardError ? err : new DashboardError('UNAVAILABLE', String(err))
      if (e.code === 'UNAUTHORIZED') {
        this.error = this.token ? 'That token was not accepted.' : null
        this.forget()
        this.state = 'needs-token'
      } else {
        this.state = 'error'
        this.error = e.message
      }
    } finally {
      this.busy = false
    }
  }

  async signIn(api: ApiClient, token: string): Promise<void> {
    this.token = token
    await this.check(api)
    if (this.state === 'signed-in') {
      try {
        sessionStorage.setItem(TOKEN_KEY, token)
      } catch {
        // kept in memory only
      }
    }
  }

  forget(): void {
    this.token = null
    this.principal = null
    try {
      sessionStorage.removeItem(TOKEN_KEY)
    } catch {
      // nothing stored
    }
  }

  signOut(): void {
    this.forget()
    this.state = 'needs-token'
    this.error = null
  }
}
