// Components rendered to HTML with svelte/server: what a reviewer (or a screen reader) gets for given props.
import { evaluate, explain, parsePolicy, type Action, type ActionEvent } from '@faramesh/policy-core'
import { ruleRef } from '@faramesh/policy-core/wire'
import { render } from 'svelte/server'
import { describe, expect, it } from 'vitest'
import DecisionDetails from './decision-details.svelte'
import EventTimeline from './event-timeline.svelte'
import OverviewStrip from './overview-strip.svelte'
import Pagination from './pagination.svelte'
import StatusBadge from './status-badge.svelte'
import { rateSeries } from '../overview.js'

const noop = () => {}
const text = (html: string) => html.replace(/<!--.*?-->/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim()

describe('components', () => {
  it('status badge: the words plus a tone class, never colour alone', () => {
    const { body } = render(StatusBadge, { props: { status: 'pending_approval' } })
    expect(body).toContain('tone-warn')
    expect(text(body)).toBe('pending approval')
    expect(text(render(StatusBadge, { props: { risk: null } }).body)).toBe('n/a')
  })

  it('pagination: range, page count and disabled ends', () => {
    const { body } = render(Pagination, { props: { page: 1, size: 25, total: 10_000, onpage: noop, onsize: noop } })
    expect(text(body)).toContain('1–25 of 10,000')
    expect(text(body)).toContain('Page 1 of 400')
    expect(body).toMatch(/<button[^>]*disabled[^>]*aria-label="First page"/)
    expect(body).not.toMatch(/<button[^>]*disabled[^>]*aria-label="Next page"/)
  })

  it('decision details: the rule named as explain names it (rules[1], 0-based), the code and the hashes, leaving out what is absent', () => {
    const action = {
      decision: 'deny', outcome: 'HALT', reason: 'Destructive shell command', reason_code: 'POLICY_DENY', rule_index: 1,
      request_hash: 'a'.repeat(64), policy_hash: 'b'.repeat(64), provenance_id: 'c'.repeat(64), profile_id: null,
    } as unknown as Action
    const out = text(render(DecisionDetails, { props: { action } }).body)
    expect(out).toContain('Matched rule rules[1]')
    expect(out).toContain('Reason code POLICY_DENY')
    expect(out).toContain(`Request hash ${'a'.repeat(64)}`)
    expect(out).not.toContain('Profile')
  })

  it('decision details: the matched rule reads as in the explain trace of the same policy and request', () => {
    const policy = parsePolicy(
      'rules:\n  - match: { tool: http, op: get }\n    allow: true\n  - match: { tool: shell, op: "*" }\n    require_approval: true\n' +
        '  - match: { tool: "*", op: "*" }\n    deny: true\n',
      { source: 'p.yaml' },
    )
    const request = { agent_id: 'a', tool: 'db', operation: 'drop', params: {} }
    const matched = explain(policy, request).trace.find((t) => t.matched)!
    const action = { ...evaluate(policy, request), outcome: 'HALT' } as unknown as Action
    const out = text(render(DecisionDetails, { props: { action } }).body)
    // The explain command prints `✓ ${ruleRef(t.rule_index)} …` for this trace entry.
    expect(out).toContain(`Matched rule ${ruleRef(matched.rule_index)}`)
    expect(out).toContain('Matched rule rules[2]')
    expect(text(render(DecisionDetails, { props: { action: { ...action, rule_index: null } } }).body)).toContain('Matched rule no rule matched')
  })

  it('event timeline: events in order with their meta summarised', () => {
    const ev = (seq: number, event_type: ActionEvent['event_type'], meta: Record<string, unknown>): ActionEvent => ({
      id: `e${seq}`, action_id: 'a', event_type, meta, created_at: '2026-11-25T09:00:00Z', seq, prev_hash: '', hash: 'f'.repeat(64),
    })
    const { body } = render(EventTimeline, {
      props: { events: [ev(1, 'created', {}), ev(2, 'approved', { by: 'ana', reason: 'ok' })], loading: false },
    })
    expect([...body.matchAll(/data-event="(\w+)"/g)].map((m) => m[1])).toEqual(['created', 'approved'])
    expect(text(body)).toContain('by: ana · reason: ok')
  })

  it('overview strip: counts, and a rate with an accessible chart label', () => {
    const now = Date.parse('2026-11-25T10:00:30Z')
    const { body } = render(OverviewStrip, {
      props: { counts: { pending: 3, allowed: 1500, denied: 2, total: 1505 }, rate: rateSeries([now, now - 60_000], now) },
    })
    expect(text(body)).toContain('3 pending approval')
    expect(text(body)).toContain('1.5k allowed')
    expect(body).toMatch(/role="img"[^>]*aria-label="Decisions per minute over the last 30 minutes, peak 1"/)
    expect(text(body)).toContain('0.4 decisions/min')
  })
})
