import { Flags } from '@oclif/core'
import { BaseCommand } from '../base-command.js'
import { policyPath, sqlitePath } from '../config.js'
import { checkAuth, checkNode, checkPolicy, checkPostgres, checkSqlite, checkUi, type CheckResult } from '../doctor-checks.js'
import { paint } from '../output/color.js'

const MARK = { ok: paint('green', '✓'), warn: paint('yellow', '!'), fail: paint('red', '✗') }

export class Doctor extends BaseCommand<typeof Doctor> {
  static override summary = 'Sanity-check the environment: Node, database, policy, auth, UI, gateway'
  static override description = 'Reads the same environment and .env as `faramesh serve`. Exits with 13 when a check fails (warnings do not fail).'
  static override examples = ['<%= config.bin %> doctor', '<%= config.bin %> doctor --json', '<%= config.bin %> doctor --no-gateway']
  static override flags = {
    gateway: Flags.boolean({ description: 'Also check that a gateway answers at --host/--port', default: true, allowNo: true }),
  }

  async run(): Promise<void> {
    const env = this.env()
    const config = await this.loadServerConfig(env)
    const checks: CheckResult[] = [checkNode(), config.check]
    checks.push((env.FARA_DB_BACKEND ?? 'sqlite').toLowerCase() === 'postgres' ? checkPostgres(env.FARA_POSTGRES_DSN) : checkSqlite(sqlitePath(env)))
    checks.push(await checkPolicy(policyPath(env)))
    checks.push(checkAuth(env))
    checks.push(checkUi(config.uiDir))
    if (this.flags.gateway) checks.push(await this.checkGateway())
    const failed = checks.filter((c) => c.status === 'fail')
    this.output({ ok: failed.length === 0, checks }, () => checks.map((c) => `${MARK[c.status]} ${c.message}`))
    if (failed.length > 0) this.fail('DOCTOR_FAILED', `${failed.length} check${failed.length === 1 ? '' : 's'} failed`)
  }

  /** The server's own reading of the environment: catches bad values before `serve` does. */
  private async loadServerConfig(env: Record<string, string | undefined>): Promise<{ check: CheckResult; uiDir: string | null }> {
    const { loadConfig } = await import('@faramesh/server/node')
    try {
      const c = loadConfig(env, process.cwd())
      return { check: { name: 'config', status: 'ok', message: `Configuration valid (gateway would listen on ${c.host}:${c.port})` }, uiDir: c.uiDir }
    } catch (err) {
      return { check: { name: 'config', status: 'fail', message: `Configuration invalid: ${(err as Error).message}` }, uiDir: env.FARAMESH_UI_DIR ?? null }
    }
  }

  private async checkGateway(): Promise<CheckResult> {
    const api = await this.api()
    try {
      await api.health(1500)
      return { name: 'gateway', status: 'ok', message: `Gateway answers at ${api.target.baseUrl}` }
    } catch {
      return { name: 'gateway', status: 'warn', message: `No gateway at ${api.target.baseUrl} (start one with \`faramesh serve\`)` }
    }
  }
}
