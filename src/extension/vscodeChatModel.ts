import * as vscode from 'vscode';
import { RagError } from '../engine/errors';
import type { ModelInfo } from '../protocol/events';
import type { AsyncStreamingLlm } from '../engine/strategies';

/**
 * VS Code's own language model (the one of a Chat request, or one picked with `vscode.lm`) as a streaming
 * model for the engine. The engine's abort signal cancels the request through a cancellation token.
 */
export class VsCodeChatModel implements AsyncStreamingLlm {
  readonly info: ModelInfo;

  constructor(private readonly model: vscode.LanguageModelChat) {
    this.info = { provider: 'vscode', model: model.name || model.id };
  }

  async *astream(prompt: string, { signal }: { signal: AbortSignal }): AsyncGenerator<string> {
    const source = new vscode.CancellationTokenSource();
    const cancel = () => source.cancel();
    signal.addEventListener('abort', cancel, { once: true });
    try {
      let response: vscode.LanguageModelChatResponse;
      try {
        response = await this.model.sendRequest([vscode.LanguageModelChatMessage.User(prompt)], {
          justification: 'Workspace RAG answers your question from the passages it found in this workspace.',
        }, source.token);
      } catch (err) {
        throw toRagError(err, this.info.model);
      }
      for await (const text of response.text) yield text;
    } finally {
      signal.removeEventListener('abort', cancel);
      source.dispose();
    }
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
