// A minimal tool-calling agent loop, and a scripted chat model so the example runs without an API key.
// Any @langchain/core chat model with `bindTools` (ChatOpenAI, ChatAnthropic, ...) can replace ScriptedChatModel.
import { AIMessage, HumanMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages'
import type { StructuredToolInterface } from '@langchain/core/tools'
import { FakeListChatModel } from '@langchain/core/utils/testing'

/** Replies from a script: plain text is a final answer, `{"call": name, "args": {...}}` is a tool call. */
export class ScriptedChatModel extends FakeListChatModel {
  private n = 0

  _formatGeneration(text: string) {
    if (!text.startsWith('{')) return { message: new AIMessage(text), text }
    const { call, args } = JSON.parse(text) as { call: string; args: Record<string, unknown> }
    return { message: new AIMessage({ content: '', tool_calls: [{ name: call, args, id: `call_${++this.n}`, type: 'tool_call' }] }), text: '' }
  }

  bindTools() {
    return this as never // the script already knows the tools
  }
}

export interface ChatModelWithTools {
  bindTools(tools: StructuredToolInterface[]): { invoke(messages: BaseMessage[]): Promise<unknown> }
}

/** model → tool calls → ToolMessages → model … until it answers without calling a tool. */
export async function runAgent(
  model: ChatModelWithTools,
  tools: StructuredToolInterface[],
  task: string,
  onStep: (line: string) => void,
  maxSteps = 10,
): Promise<string> {
  const bound = model.bindTools(tools)
  const byName = new Map(tools.map((t) => [t.name, t]))
  const messages: BaseMessage[] = [new HumanMessage(task)]
  for (let step = 0; step < maxSteps; step++) {
    const ai = (await bound.invoke(messages)) as AIMessage
    messages.push(ai)
    if (!ai.tool_calls?.length) return typeof ai.content === 'string' ? ai.content : JSON.stringify(ai.content)
    for (const call of ai.tool_calls) {
      onStep(`→ ${call.name} ${JSON.stringify(call.args)}`)
      const tool = byName.get(call.name)
      const out = tool
        ? ((await tool.invoke(call)) as ToolMessage)
        : new ToolMessage({ content: `unknown tool ${call.name}`, tool_call_id: call.id ?? '' })
      const text = typeof out.content === 'string' ? out.content : JSON.stringify(out.content)
      onStep(`← ${text.split('\n')[0]}`)
      messages.push(out)
    }
  }
  throw new Error(`agent did not finish in ${maxSteps} steps`)
}
