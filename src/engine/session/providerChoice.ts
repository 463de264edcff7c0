import { CancelledError, RagError } from '../errors';
import { selectAutoProvider } from '../providers/autoProvider';
import { DEFAULT_OLLAMA_CHAT_MODEL, OllamaChat } from '../providers/ollamaProvider';
import { DEFAULT_OPENAI_CHAT_MODEL, OpenAIChat } from '../providers/openaiProvider';
import type { AsyncStreamingLlm } from '../strategies';

/** Who writes answers: `auto` falls back in DESIGN.md's order; `host` is the surface's own model (VS Code's). */
export const PROVIDER_CHOICES = ['auto', 'offline', 'ollama', 'openai', 'vscode'] as const;
export type ProviderChoice = (typeof PROVIDER_CHOICES)[number];

export interface ProviderSettings {
  /** One of PROVIDER_CHOICES; anything else is reported when a question is asked, never silently `auto`. */
  choice: string;
  ollama?: { host?: string; model?: string };
  openai?: { baseURL?: string; apiKey?: string; model?: string; keyHint?: string };
  /**
   * The surface's own chat model (VS Code's `vscode.lm`), tried last by `auto` and used by `vscode`.
   * Absent on surfaces that have none (the CLI, the servers).
   */
  hostModel?: () => Promise<AsyncStreamingLlm | undefined>;
}

export interface ModelChoice {
  /** Undefined: answer offline. */
  llm: AsyncStreamingLlm | undefined;
  /** Why `auto` passed providers over, one sentence each, for the log and the CLI's stderr. */
  notes: string[];
}

export function isProviderChoice(value: unknown): value is ProviderChoice {
  return (PROVIDER_CHOICES as readonly unknown[]).includes(value);
}

/** The error of a provider setting that names no provider. */
export function invalidProvider(choice: string): RagError {
  return new RagError('invalid_setting',
    `The provider setting "${choice}" is not one of ${PROVIDER_CHOICES.join(', ')}. Fix it in the settings (workspaceRag.provider), or pass --provider.`,
    'generation');
}

/**
 * The model one question streams from. `auto` checks Ollama first (1.5 s at most, remembered) and falls
 * back as the design says; `ollama` and `openai` are taken as asked, so their failures show as errors.
 * `requestModel` is a model the question came with (a VS Code Chat request's); it counts as the host's.
 */
export async function chooseModel(settings: ProviderSettings, options: { requestModel?: AsyncStreamingLlm; signal?: AbortSignal } = {}): Promise<ModelChoice> {
  const choice = settings.choice;
  if (!isProviderChoice(choice)) throw invalidProvider(choice);
  const hostModel = async () => options.requestModel ?? await settings.hostModel?.();
  switch (choice) {
    case 'offline':
      return { llm: undefined, notes: [] };
    case 'ollama':
      return { llm: new OllamaChat(settings.ollama), notes: [] };
    case 'openai':
      return { llm: new OpenAIChat(settings.openai ?? {}), notes: [] };
    case 'vscode': {
      const llm = await hostModel();
      return { llm, notes: llm ? [] : ['No VS Code chat model is available.'] };
    }
    case 'auto': {
      const extra = await hostModel();
      // An interruption during the health check is a cancellation like any other, not a failure.
      const selection = await selectAutoProvider({ ollama: settings.ollama, openai: settings.openai, extra, signal: options.signal })
        .catch((err: unknown) => { throw options.signal?.aborted ? new CancelledError() : err; });
      const notes = selection.llm ? [] : selection.skipped;
      if (!extra && settings.hostModel) notes.push('No VS Code chat model is available.');
      return { llm: selection.llm, notes };
    }
  }
}

/** "Answers: Ollama · llama3.2" and the like, for the panel's header and the HTTP health answer. */
export function describeProviders(settings: ProviderSettings): string {
  switch (settings.choice) {
    case 'offline': return 'Answers: offline (quotes from the workspace)';
    case 'ollama': return `Answers: Ollama · ${settings.ollama?.model ?? DEFAULT_OLLAMA_CHAT_MODEL}`;
    case 'openai': return `Answers: ${settings.openai?.baseURL || 'OpenAI'} · ${settings.openai?.model ?? DEFAULT_OPENAI_CHAT_MODEL}`;
    case 'vscode': return 'Answers: VS Code chat model';
    case 'auto': return settings.hostModel
      ? 'Answers: auto (Ollama, then OpenAI-compatible, then VS Code\'s model, else offline)'
      : 'Answers: auto (Ollama, then OpenAI-compatible, else offline)';
    default: return `Answers: the provider setting "${settings.choice}" is not valid`;
  }
}
