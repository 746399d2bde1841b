import { Flags } from '@oclif/core'
import { EVENT_TYPES } from '@faramesh/policy-core'
import type { FarameshEvent } from '@faramesh/sdk'
import { BaseCommand } from '../base-command.js'
import { paintStatus } from '../output/color.js'
import { formatClock, shortId } from '../output/format.js'
import { jsonLine } from '../output/json.js'
import { printable } from '../output/terminal.js'

const EVENT_WIDTH = Math.max(...EVENT_TYPES.map((t) => t.length))

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

  /**
   * One line per event, led by what happened (created, decision_made, approved, ...), then the action and the
   * status it has now. The frame's action is its current state, so created and decision_made of one submit carry
   * the same status: the event type is what tells the two lines apart.
   */
  private line(frame: FarameshEvent): string {
    const action = (frame.data ?? {}) as { id?: string; status?: string; tool?: string; operation?: string }
    const event = printable(String(frame.event_type ?? frame.type ?? 'event'))
    const id = shortId(String(frame.action_id ?? action.id ?? ''))
    const op = printable(String(action.operation ?? '-')).padEnd(10)
    const tool = printable(String(action.tool ?? '-')).padEnd(10)
    return `[${formatClock(frame.timestamp as string | undefined)}] ${event.padEnd(EVENT_WIDTH)} ${id} | ${tool} | ${op} | ${paintStatus(action.status)}`
  }
}
