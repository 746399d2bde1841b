import { Flags } from '@oclif/core'
import { BaseCommand } from '../base-command.js'
import { paint } from '../output/color.js'
import { jsonLine } from '../output/json.js'

export class Serve extends BaseCommand<typeof Serve> {
  static override summary = 'Start the gateway (the same startGateway as apps/server)'
  static override description = `Configuration comes from the environment and .env exactly as for the server (FARAMESH_HOST,
FARAMESH_PORT, FARA_POLICY_FILE, FARA_SQLITE_PATH, ...); flags override it. --port 0 picks a free port.
With --hot-reload (or --watch, or FARAMESH_HOT_RELOAD=1) policy edits apply without a restart; a reload that
fails keeps the previous policy.`
  static override examples = [
    '<%= config.bin %> serve',
    '<%= config.bin %> serve --hot-reload',
    '<%= config.bin %> serve --host 0.0.0.0 --port 9000 --token "$FARAMESH_TOKEN"',
    '<%= config.bin %> serve --policy policies/strict.yaml --db /var/lib/faramesh/actions.db',
  ]
  static override flags = {
    policy: Flags.string({ char: 'p', description: 'Policy file [env: FARA_POLICY_FILE]' }),
    db: Flags.string({ description: 'SQLite database file [env: FARA_SQLITE_PATH]' }),
    'hot-reload': Flags.boolean({ description: 'Reload the policy when its file changes [env: FARAMESH_HOT_RELOAD]' }),
    watch: Flags.boolean({ description: 'Same as --hot-reload' }),
    demo: Flags.boolean({ description: 'Seed demo actions when the database is empty [env: FARAMESH_DEMO]' }),
    'log-level': Flags.string({ description: 'Server log level [env: FARAMESH_LOG_LEVEL]', options: ['debug', 'info', 'warn', 'error', 'silent'] }),
  }

  async run(): Promise<void> {
    const { loadConfig, startGateway, closeOnSignals } = await import('@faramesh/server/node')
    const { createLogger } = await import('@faramesh/server')
    const f = this.flags
    const overrides: Record<string, string> = {}
    if (f.host !== undefined) overrides.FARAMESH_HOST = f.host
    if (f.port !== undefined) overrides.FARAMESH_PORT = String(f.port)
    if (f.token !== undefined) overrides.FARAMESH_TOKEN = f.token
    if (f.policy !== undefined) overrides.FARA_POLICY_FILE = f.policy
    if (f.db !== undefined) overrides.FARA_SQLITE_PATH = f.db
    if (f['hot-reload'] || f.watch) overrides.FARAMESH_HOT_RELOAD = '1'
    if (f.demo) overrides.FARAMESH_DEMO = '1'
    if (f['log-level'] !== undefined) overrides.FARAMESH_LOG_LEVEL = f['log-level']
    const env = { ...process.env, ...overrides }
    const config = loadConfig(env, process.cwd())
    const logger = createLogger({ level: config.logLevel })
    // The MCP gateway (/mcp/<name>) only when FARAMESH_MCP_SERVERS is set, as apps/server composes it: otherwise
    // nothing of @faramesh/mcp is loaded and the start is unchanged.
    const extensions = []
    if (config.mcpServersPath) {
      const { mcpGateway } = await import('@faramesh/mcp/gateway')
      const { readConfigEnv } = await import('@faramesh/server/config')
      extensions.push(mcpGateway({ env: readConfigEnv(env, process.cwd()).vars }))
    }
    const starting = startGateway(config, { logger, extensions })
    // Before the first await: a Ctrl-C while the gateway starts is a clean stop, never a death by signal.
    closeOnSignals(starting, logger)
    const handle = await starting
    const info = {
      url: handle.url,
      port: handle.port,
      policy: config.policyPath,
      store: config.dbBackend === 'sqlite' ? config.sqlitePath : 'postgres',
      hot_reload: config.hotReload,
      auth: handle.app.auth.enabled,
    }
    if (this.jsonMode) {
      this.log(jsonLine(info))
      return
    }
    this.log(
      [
        `${paint('green', '✓')} Faramesh gateway listening on ${paint('bold', handle.url)}`,
        `  policy:     ${info.policy}${info.hot_reload ? ' (hot reload on)' : ''}`,
        `  store:      ${info.store}`,
        `  auth:       ${info.auth ? 'on' : 'off (loopback only)'}`,
        `  playground: ${handle.url}/playground`,
        'Press CTRL+C to stop.',
      ].join('\n'),
    )
  }
}
