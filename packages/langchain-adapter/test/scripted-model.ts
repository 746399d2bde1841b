// A deterministic chat model for agent tests: @langchain/core's FakeListChatModel, whose scripted replies are
// either plain text (a final answer) or JSON `{"call": name, "args": {...}}` (a tool call), plus the smallest
// honest tool-calling agent loop (model → tool calls → ToolMessages → model ...).
import { AIMessage, HumanMessage, type BaseMessage } from '@langchain/core/messages'
import type { StructuredToolInterface } from '@langchain/core/tools'
import { FakeListChatModel } from '@langchain/core/utils/testing'

export class ScriptedChatModel extends FakeListChatModel {
  /** Tools the agent bound, as the model would be told about them. */
  boundTools: StructuredToolInterface[] = []
  private calls = 0

  _formatGeneration(text: string) {
    if (!text.startsWith('{')) return { message: new AIMessage(text), text }
    const { call, args } = JSON.parse(text) as { call: string; args: Record<string, unknown> }
    const message = new AIMessage({ content: '', tool_calls: [{ name: call, args, id: `call_${++this.calls}`, type: 'tool_call' }] })
    return { message, text: '' }
  }

  // The base class returns a plain FakeListChatModel here; keep the scripted behaviour instead.
  bindTools(tools: StructuredToolInterface[]) {
    this.boundTools = tools
    return this as never
  }
}

export const toolCall = (call: string, args: Record<string, unknown>) => JSON.stringify({ call, args })

export async function runAgent(model: ScriptedChatModel, tools: StructuredToolInterface[], input: string, maxSteps = 8) {
  const bound = model.bindTools(tools) as ScriptedChatModel
  const byName = new Map(tools.map((t) => [t.name, t]))
  const messages: BaseMessage[] = [new HumanMessage(input)]
  for (let step = 0; step < maxSteps; step++) {
    const ai = (await bound.invoke(messages)) as AIMessage
    messages.push(ai)
    if (!ai.tool_calls?.length) return { answer: String(ai.content), messages }
    for (const call of ai.tool_calls) {
      const t = byName.get(call.name)
      if (!t) throw new Error(`model called unknown tool ${call.name}`)
      messages.push((await t.invoke(call)) as BaseMessage)
    }
  }
  throw new Error('agent did not finish')
}
