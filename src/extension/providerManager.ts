import type { EmbedderConfig } from '../protocol/indexing';
import * as vscode from 'vscode';

import { selectAutoProvider } from '../engine/providers/autoProvider';
import { OllamaChat } from '../engine/providers/ollamaProvider';
import { OpenAIChat } from '../engine/providers/openaiProvider';
import type { AsyncStreamingLlm } from '../engine/strategies';
import type { Settings } from './settings';
import { VsCodeChatModel } from './vscodeChatModel';

/** Where the OpenAI key lives: VS Code's secret storage only, never settings, logs or the index. */
export const OPENAI_KEY_SECRET = 'workspaceRag.openaiApiKey';

/** What a user whose key is missing or rejected should do, in VS Code. */
const KEY_HINT = 'Run "Workspace RAG: Set OpenAI API Key", or set a base URL for a local OpenAI-compatible server.';

export interface Resolved {
  /** Undefined: answer offline. */
  llm: AsyncStreamingLlm | undefined;
  /** Why providers were passed over, for the log and the offline notice. */
  skipped: string[];
}

/** Builds the model (and the index's embedder) that the settings, the secret key and VS Code's models allow. */
export class ProviderManager {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  apiKey(): Promise<string | undefined> {
    return Promise.resolve(this.secrets.get(OPENAI_KEY_SECRET));
  }

  async setApiKey(key: string | undefined): Promise<void> {
    if (key) await this.secrets.store(OPENAI_KEY_SECRET, key);
    else await this.secrets.delete(OPENAI_KEY_SECRET);
  }

  async embedderConfig(settings: Settings): Promise<EmbedderConfig> {
    switch (settings.embeddings) {
      case 'ollama':
        return { kind: 'ollama', host: settings.ollamaHost, model: settings.ollamaEmbedModel };
      case 'openai':
        return { kind: 'openai', baseURL: settings.openaiBaseUrl || undefined, apiKey: await this.apiKey(), model: settings.openaiEmbedModel };
      default:
        return { kind: 'offline' };
    }
  }

  /** The model for one question; `chatModel` is the model of a VS Code Chat request, when there is one. */
  async resolve(settings: Settings, options: { chatModel?: vscode.LanguageModelChat; signal?: AbortSignal } = {}): Promise<Resolved> {
    const openai = async () => ({ apiKey: await this.apiKey(), baseURL: settings.openaiBaseUrl || undefined, model: settings.openaiChatModel, keyHint: KEY_HINT });
    switch (settings.provider) {
      case 'offline':
        return { llm: undefined, skipped: ['The provider setting is "offline".'] };
      case 'ollama':
        return { llm: new OllamaChat({ host: settings.ollamaHost, model: settings.ollamaChatModel }), skipped: [] };
      case 'openai':
        return { llm: new OpenAIChat(await openai()), skipped: [] };
      case 'vscode': {
        const model = options.chatModel ?? await pickVsCodeModel(settings.vscodeModel);
        return model ? { llm: new VsCodeChatModel(model), skipped: [] } : { llm: undefined, skipped: ['No VS Code chat model is available.'] };
      }
      default: {
        const model = options.chatModel ?? await pickVsCodeModel(settings.vscodeModel);
        const selection = await selectAutoProvider({
          ollama: { host: settings.ollamaHost, model: settings.ollamaChatModel },
          openai: await openai(),
          extra: model ? new VsCodeChatModel(model) : undefined,
          signal: options.signal,
        });
        if (!model) selection.skipped.push('No VS Code chat model is available.');
        return { llm: selection.llm, skipped: selection.skipped };
      }
    }
  }

  /** "auto · Ollama llama3.2, then …" for the panel's header. */
  describe(settings: Settings): string {
    switch (settings.provider) {
      case 'offline': return 'Answers: offline (quotes from the workspace)';
      case 'ollama': return `Answers: Ollama · ${settings.ollamaChatModel}`;
      case 'openai': return `Answers: ${settings.openaiBaseUrl || 'OpenAI'} · ${settings.openaiChatModel}`;
      case 'vscode': return `Answers: VS Code chat model${settings.vscodeModel ? ` · ${settings.vscodeModel}` : ''}`;
      default: return 'Answers: auto (Ollama, then OpenAI-compatible, then VS Code\'s model, else offline)';
    }
  }
}

async function pickVsCodeModel(id: string): Promise<vscode.LanguageModelChat | undefined> {
  const models = await vscode.lm.selectChatModels(id ? { id } : undefined);
  return models[0];
}
