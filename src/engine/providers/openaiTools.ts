import type { ChatCompletionChunk, ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import type { ChatMessage, ToolCall, ToolSpec } from '../strategies';

/** The engine's conversation in the chat completions format: tool calls on the assistant's message, results as `tool` messages. */
export function toOpenAIMessages(messages: readonly ChatMessage[]): ChatCompletionMessageParam[] {
  return messages.map((message): ChatCompletionMessageParam => {
    switch (message.role) {
      case 'user':
        return { role: 'user', content: message.content };
      case 'assistant':
        return {
          role: 'assistant',
          content: message.content || null,
          tool_calls: message.toolCalls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } })),
        };
      case 'tool':
        return { role: 'tool', tool_call_id: message.callId, content: message.content };
    }
  });
}

export function toOpenAITool(tool: ToolSpec): ChatCompletionTool {
  return { type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.parameters } };
}

/**
 * Gathers the streamed `tool_calls` deltas of one answer: the first delta of a call carries its `index`,
 * `id` and name, the next ones more pieces of its arguments' JSON text.
 */
export class ToolCallDeltas {
  private readonly calls = new Map<number, ToolCall>();

  add(deltas: ChatCompletionChunk.Choice.Delta['tool_calls']): void {
    for (const delta of deltas ?? []) {
      const index = typeof delta.index === 'number' ? delta.index : this.calls.size;
      const call = this.calls.get(index) ?? { id: '', name: '', arguments: '' };
      if (delta.id) call.id = delta.id;
      if (delta.function?.name) call.name += delta.function.name;
      if (delta.function?.arguments) call.arguments += delta.function.arguments;
      this.calls.set(index, call);
    }
  }

  /** The calls in index order; a call without an id gets one, so its result can be matched to it. */
  done(): ToolCall[] {
    return [...this.calls.entries()].sort(([a], [b]) => a - b)
      .map(([index, call]) => ({ ...call, id: call.id || `call_${index}` }));
  }
}
