import { Flags } from '@oclif/core'
import type { GatewayConfig } from '@faramesh/server/config'
import { BaseCommand } from '../base-command.js'
import { resolveTarget, type ApiTarget } from '../config.js'
import { checkAuth, checkNode, checkPolicy, checkPostgres, checkSqlite, checkUi, type CheckResult } from '../doctor-checks.js'
import { paint } from '../output/color.js'
import { suggest } from '../invocation.js'
import { flagOverrides, loadServerConfig } from '../server-config.js'

const MARK = { ok: paint('green', '✓'), warn: paint('yellow', '!'), fail: paint('red', '✗') }

export class Doctor extends BaseCommand<typeof Doctor> {
  static override summary = 'Sanity-check the environment: Node, database, policy, auth, UI, gateway'
  static override description = `Loads the configuration with the gateway's own resolver, exactly as \`faramesh serve\` and \`pnpm start\`
would in this folder (the environment, .env here and at the repository root, FARAMESH_*/FARA_* names; --host,
--port and --token on top), and checks the files it names. Exits with 13 when a check fails (warnings do not fail).`
  static override examples = ['<%= config.bin %> doctor', '<%= config.bin %> doctor --json', '<%= config.bin %> doctor --port 9000', '<%= config.bin %> doctor --no-gateway']
  static override flags = {
    gateway: Flags.boolean({ description: 'Also check that a gateway answers where this configuration listens', default: true, allowNo: true }),
  }

  async run(): Promise<void> {
    const { config, problems } = await loadServerConfig({ ...process.env, ...flagOverrides(this.flags) }, process.cwd())
    const checks: CheckResult[] = [checkNode()]
    if (problems.length === 0 && config) {
      checks.push({ name: 'config', status: 'ok', message: `Configuration valid (gateway would listen on ${config.host}:${config.port})` })
    }
    for (const p of problems) checks.push({ name: 'config', status: 'fail', message: `Configuration invalid: ${p}` })
    if (config) {
      checks.push(config.dbBackend === 'postgres' ? checkPostgres(config.postgresDsn) : checkSqlite(config.sqlitePath))
      checks.push(await checkPolicy(config.policyPath))
      checks.push(checkAuth(config))
      checks.push(checkUi(config.uiDir))
    }
    if (this.flags.gateway) checks.push(await this.checkGateway(config))
    const failed = checks.filter((c) => c.status === 'fail')
    this.output({ ok: failed.length === 0, checks }, () => checks.map((c) => `${MARK[c.status]} ${c.message}`))
    if (failed.length > 0) this.fail('DOCTOR_FAILED', `${failed.length} check${failed.length === 1 ? '' : 's'} failed`)
  }

  /** Where this configuration's gateway answers: --host/--port, else FARAMESH_BASE_URL, else the configured address. */
  private probeTarget(config: GatewayConfig | null): ApiTarget {
    const env = this.env()
    const explicit = this.flags.host !== undefined || this.flags.port !== undefined
    if (!config || (!explicit && (env.FARAMESH_BASE_URL || env.FARA_API_BASE))) return this.target()
    return resolveTarget({ host: config.host, port: config.port, token: this.flags.token }, env)
  }

  private async checkGateway(config: GatewayConfig | null): Promise<CheckResult> {
    if (config?.port === 0 && !this.flags.port) {
      return { name: 'gateway', status: 'warn', message: 'Port 0: the gateway picks a free port when it starts, so there is no address to check' }
    }
    const { createGateway } = await import('../api/gateway.js')
    const api = createGateway(this.probeTarget(config))
    const url = api.target.baseUrl
    try {
      await api.health(1500)
    } catch {
      return { name: 'gateway', status: 'warn', message: `No gateway at ${url} (start one with ${suggest('serve')})` }
    }
    // A gateway that answers may have been started elsewhere, with another policy: say so when it tells us.
    const running = await api.policyInfo().catch(() => null)
    if (config && running?.policy_path && running.policy_path !== config.policyPath) {
      return { name: 'gateway', status: 'warn', message: `Gateway at ${url} runs ${running.policy_path}, not the policy checked above` }
    }
    return { name: 'gateway', status: 'ok', message: `Gateway answers at ${url}` }
  }
}
