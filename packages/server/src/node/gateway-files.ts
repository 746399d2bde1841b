// The files the gateway follows: policy, profile and tokens, all through one watcher (one fs.watch per directory,
// one poll), so an edit of one reads and parses that one file once and leaves the others alone. The tokens file is
// followed from the start (a token created or revoked takes effect without a restart); the policy and the profile
// once the gateway listens, with FARAMESH_HOT_RELOAD (start-gateway.ts calls policy.watch()). Both are opened before
// anything listens: a bad file stops the start with its error.
import { createFileWatcher } from '@faramesh/policy-core/node'
import type { Logger } from '../logger.js'
import type { Metrics } from '../metrics.js'
import type { GatewayConfig } from './config.js'
import { openFilePolicySource, type FilePolicySource } from './policy-files.js'
import { openTokensSource, type WatchedTokenSource } from './tokens-source.js'

export interface GatewayFiles {
  policy: FilePolicySource
  tokens: WatchedTokenSource
  close(): void
}

type FilesConfig = Pick<GatewayConfig, 'policyFile' | 'policyPath' | 'profilePath' | 'policyVersion' | 'hotReload' | 'tokensFile' | 'tokensFileRequired'>

export async function openGatewayFiles(c: FilesConfig, deps: { logger: Logger; metrics: Metrics }): Promise<GatewayFiles> {
  const watcher = createFileWatcher()
  let policy: FilePolicySource | null = null
  try {
    policy = await openFilePolicySource({ ...c, ...deps, watcher })
    const tokens = openTokensSource({ path: c.tokensFile, required: c.tokensFileRequired, ...deps, watcher })
    const opened = policy
    return {
      policy: opened,
      tokens,
      close() {
        opened.close()
        tokens.close()
        watcher.close()
      },
    }
  } catch (err) {
    policy?.close()
    watcher.close()
    throw err
  }
}
