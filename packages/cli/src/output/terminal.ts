// Text from the gateway is untrusted on a terminal: an agent chooses its agent_id, tool, operation, params and the
// error it reports, and any of them may carry control characters. Printed raw to an approver's terminal, `ESC[8m`
// hides everything after it (the real params of the action being approved, under fake ones the agent wrote before
// it), cursor movement and `\r` rewrite what was already shown, OSC 52 writes the clipboard and bidi overrides
// reorder what is read. So nothing but plain text reaches a terminal: every such character is shown escaped, as
// JSON writes it (`\u001b`). color.ts's forTerminal() filters whole outputs; printable() escapes one value.

/**
 * Characters that act on a terminal or on how text reads: C0 controls, DEL, C1 controls (0x9b is CSI to a terminal
 * that honours 8-bit controls), the line and paragraph separators, and the bidirectional marks, embeddings,
 * overrides and isolates. A regex character-class body.
 */
export const UNSAFE_CHARS = '\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069'
const UNSAFE_ALL = new RegExp(`[${UNSAFE_CHARS}]`, 'g')
const SHORT: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' }

/** One character as JSON would escape it. */
export const escapeChar = (ch: string): string => SHORT[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`

/** One untrusted value as plain text on one line: every unsafe character (a newline too) escaped. */
export function printable(text: string): string {
  return text.replace(UNSAFE_ALL, escapeChar)
}

// JSON.stringify escapes C0 controls but writes DEL, C1 controls and the bidi and separator characters as they
// are. They can only occur inside string literals, so escaping them there keeps the JSON's meaning exactly.
const JSON_UNSAFE = new RegExp(`[${UNSAFE_CHARS.replace('\\u0000-\\u001f', '')}]`, 'g')

/** JSON text with the characters JSON.stringify leaves raw but a terminal would act on escaped as \uXXXX. */
export function terminalSafeJson(json: string): string {
  return json.replace(JSON_UNSAFE, escapeChar)
}
