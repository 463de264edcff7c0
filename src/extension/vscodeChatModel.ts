import * as vscode from 'vscode';
import { RagError } from '../engine/errors';
import type { ModelInfo } from '../protocol/events';
import type { ChatMessage, ToolCall, ToolCallingLlm, TurnOptions } from '../engine/strategies';

/**
 * VS Code's own language model (the one of a Chat request, or one picked with `vscode.lm`) as a streaming
 * model for the engine. The engine's abort signal cancels the request through a cancellation token.
 */
export class VsCodeChatModel implements ToolCallingLlm {
  readonly info: ModelInfo;

  constructor(private readonly model: vscode.LanguageModelChat) {
    this.info = { provider: 'vscode', model: model.name || model.id };
  }

  /** Whether the model reports tool calling (`capabilities` is newer than the API version this extension targets). */
  get supportsTools(): boolean {
    return (this.model as { capabilities?: { supportsToolCalling?: boolean } }).capabilities?.supportsToolCalling === true;
  }

  async *astream(prompt: string, { signal }: { signal: AbortSignal }): AsyncGenerator<string> {
    for await (const part of this.astreamTurn([{ role: 'user', content: prompt }], { signal })) {
      if (typeof part === 'string') yield part;
    }
  }

  /** One turn: text parts as they stream, then the `LanguageModelToolCallPart`s the model sent. */
  async *astreamTurn(messages: ChatMessage[], { signal, tools, toolChoice }: TurnOptions): AsyncGenerator<string | ToolCall> {
    const source = new vscode.CancellationTokenSource();
    const cancel = () => source.cancel();
    signal.addEventListener('abort', cancel, { once: true });
    try {
      const offered = tools && tools.length > 0 && toolChoice !== 'none' && this.supportsTools ? tools : undefined;
      let response: vscode.LanguageModelChatResponse;
      try {
        response = await this.model.sendRequest(toVsCodeMessages(messages), {
          justification: 'Workspace RAG answers your question from the passages it found in this workspace.',
          ...(offered ? {
            tools: offered.map((tool) => ({ name: tool.name, description: tool.description, inputSchema: tool.parameters })),
            toolMode: vscode.LanguageModelChatToolMode.Auto,
          } : {}),
        }, source.token);
      } catch (err) {
        throw toRagError(err, this.info.model);
      }
      const calls: ToolCall[] = [];
      for await (const part of response.stream) {
        if (part instanceof vscode.LanguageModelTextPart) yield part.value;
        else if (part instanceof vscode.LanguageModelToolCallPart) calls.push({ id: part.callId, name: part.name, arguments: JSON.stringify(part.input ?? {}) });
      }
      yield* calls;
    } finally {
      signal.removeEventListener('abort', cancel);
      source.dispose();
    }
  }
}

/** The engine's conversation as VS Code messages: calls on an Assistant message, each result in a User message. */
function toVsCodeMessages(messages: readonly ChatMessage[]): vscode.LanguageModelChatMessage[] {
  return messages.map((message) => {
    switch (message.role) {
      case 'user':
        return vscode.LanguageModelChatMessage.User(message.content);
      case 'assistant':
        return vscode.LanguageModelChatMessage.Assistant([
          ...(message.content ? [new vscode.LanguageModelTextPart(message.content)] : []),
          ...message.toolCalls.map((call) => new vscode.LanguageModelToolCallPart(call.id, call.name, parseInput(call.arguments))),
        ]);
      case 'tool':
        return vscode.LanguageModelChatMessage.User([new vscode.LanguageModelToolResultPart(message.callId, [new vscode.LanguageModelTextPart(message.content)])]);
    }
  });
}

function parseInput(json: string): object {
  try {
    const parsed: unknown = JSON.parse(json);
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
}

function toRagError(err: unknown, model: string): unknown {
  if (!(err instanceof vscode.LanguageModelError)) return err;
  if (err.code === vscode.LanguageModelError.NoPermissions.name) {
    return new RagError('unauthorized', `VS Code did not allow Workspace RAG to use the model "${model}". Allow it when asked, or choose another provider.`);
  }
  if (err.code === vscode.LanguageModelError.NotFound.name) {
    return new RagError('model_not_found', `The VS Code chat model "${model}" is not available. Choose another model or provider.`);
  }
  if (err.code === vscode.LanguageModelError.Blocked.name) {
    return new RagError('rate_limited', `The VS Code chat model "${model}" refused the request for now (${err.message}). Try again later, or choose another provider.`);
  }
  return new RagError('generation_failed', `The VS Code chat model "${model}" failed: ${err.message}. Choose another provider if it persists.`);
}
