import { Flags } from '@oclif/core'
import type { FarameshEvent } from '@faramesh/sdk'
import { BaseCommand } from '../base-command.js'
import { paintStatus } from '../output/color.js'
import { formatClock, shortId } from '../output/format.js'
import { jsonLine } from '../output/json.js'

export class Tail extends BaseCommand<typeof Tail> {
  static override summary = 'Stream live actions (SSE), like kubectl logs -f'
  static override examples = [
    '<%= config.bin %> tail',
    '<%= config.bin %> tail --action 2755d4a8',
    '<%= config.bin %> tail --json --count 10 > events.ndjson',
  ]
  static override flags = {
    action: Flags.string({ description: 'Only events of this action (id or unique prefix)' }),
    count: Flags.integer({ char: 'c', description: 'Stop after this many events', min: 1 }),
    timeout: Flags.integer({ description: 'Stop after this many seconds', min: 1 }),
  }

  async run(): Promise<void> {
    const api = await this.api()
    const actionId = this.flags.action ? (await api.resolve(this.flags.action)).id : undefined
    const ctl = new AbortController()
    const stop = (): void => ctl.abort()
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
    const timer = this.flags.timeout ? setTimeout(stop, this.flags.timeout * 1000) : undefined
    let seen = 0
    const onFrame = (frame: FarameshEvent): void => {
      if (ctl.signal.aborted) return
      seen += 1
      this.log(this.jsonMode ? jsonLine(frame) : this.line(frame))
      if (this.flags.count !== undefined && seen >= this.flags.count) stop()
    }
    try {
      await api.stream(onFrame, {
        signal: ctl.signal,
        ...(actionId ? { actionId } : {}),
        // Printed once connected, so a script (or a test) knows events from now on will show.
        onOpen: () => {
          if (this.jsonMode) process.stderr.write('Streaming actions (press CTRL+C to stop)...\n')
          else this.log('Streaming actions (press CTRL+C to stop)...\n')
        },
      })
    } finally {
      clearTimeout(timer)
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
    }
  }

  private line(frame: FarameshEvent): string {
    const action = (frame.data ?? {}) as { id?: string; status?: string; tool?: string; operation?: string }
    const status = action.status ?? frame.event_type ?? frame.type ?? 'event'
    const id = shortId(String(action.id ?? frame.action_id ?? ''))
    const padded = paintStatus(status) + ' '.repeat(Math.max(1, 18 - status.length))
    return `[${formatClock(frame.timestamp as string | undefined)}] ${padded}${id} | ${(action.tool ?? '-').padEnd(10)} | ${action.operation ?? '-'}`
  }
}
