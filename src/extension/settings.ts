import { createHash } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SessionConfig, SessionLog } from '../engine/session/answerSession';
import { VsCodeChatModel } from './vscodeChatModel';

/** The `workspaceRag.*` settings, as read. Declared in package.json `contributes.configuration`. */
export interface Settings {
  /** Kept as typed: a value that names no provider is reported when a question is asked. */
  provider: string;
  ollamaHost: string;
  ollamaChatModel: string;
  ollamaEmbedModel: string;
  openaiBaseUrl: string;
  openaiChatModel: string;
  openaiEmbedModel: string;
  vscodeModel: string;
  embeddings: 'offline' | 'ollama' | 'openai';
  include: string[];
  exclude: string[];
  maxFileSizeKb: number;
  sources: number;
  retrievalTimeoutSeconds: number;
  generationTimeoutSeconds: number;
  indexOnStartup: boolean;
  indexMemoryLimitMb: number;
}

export const SECTION = 'workspaceRag';

/** What a user whose key is missing or rejected should do, in VS Code. */
const KEY_HINT = 'Run "Workspace RAG: Set OpenAI API Key", or set a base URL for a local OpenAI-compatible server.';

/** How a VS Code user gets written answers, for the offline answer's first line. */
const OFFLINE_HINT = 'For written answers, run **Workspace RAG: Select Provider and Model** (Ollama, an OpenAI-compatible server, or VS Code\'s chat model).';

export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration(SECTION);
  // A list typed by hand in settings.json may be a single string: take it as a list of one.
  const list = (key: string) => ([] as unknown[]).concat(c.get<unknown>(key) ?? []).filter((v): v is string => typeof v === 'string' && v.trim() !== '');
  const embeddings = c.get<string>('embeddings', 'offline');
  return {
    provider: String(c.get('provider', 'auto')),
    ollamaHost: c.get('ollama.host', 'http://127.0.0.1:11434'),
    ollamaChatModel: c.get('ollama.chatModel', 'llama3.2'),
    ollamaEmbedModel: c.get('ollama.embedModel', 'nomic-embed-text'),
    openaiBaseUrl: c.get('openai.baseUrl', ''),
    openaiChatModel: c.get('openai.chatModel', 'gpt-4.1-mini'),
    openaiEmbedModel: c.get('openai.embedModel', 'text-embedding-3-small'),
    vscodeModel: c.get('vscode.model', ''),
    embeddings: embeddings === 'ollama' || embeddings === 'openai' ? embeddings : 'offline',
    include: list('include'),
    exclude: list('exclude'),
    maxFileSizeKb: positive(c.get('maxFileSizeKb', 1024), 1024),
    sources: Math.min(20, positive(c.get('sources', 8), 8)),
    retrievalTimeoutSeconds: positive(c.get('retrievalTimeoutSeconds', 10), 10),
    generationTimeoutSeconds: positive(c.get('generationTimeoutSeconds', 60), 60),
    indexOnStartup: c.get('indexOnStartup', true),
    indexMemoryLimitMb: Math.max(128, positive(c.get('indexMemoryLimitMb', 384), 384)),
  };
}

/**
 * The answer session's configuration from the settings, the key in SecretStorage and the open folders:
 * one index per folder, in the extension's workspace storage (never in the user's folder).
 */
export function sessionConfig(settings: Settings, apiKey: string | undefined, storage: vscode.Uri, log: SessionLog): SessionConfig {
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((folder) => ({
    name: folder.name,
    root: folder.uri.fsPath,
    indexDir: path.join(storage.fsPath, 'index', `${folder.name.replace(/[^\w.-]+/g, '_')}-${createHash('sha1').update(folder.uri.toString()).digest('hex').slice(0, 12)}`),
    exclude: filesExclude(folder),
  }));
  const openai = { apiKey, baseURL: settings.openaiBaseUrl || undefined, keyHint: KEY_HINT };
  return {
    folders,
    index: {
      include: settings.include,
      exclude: settings.exclude,
      maxFileBytes: settings.maxFileSizeKb * 1024,
      memoryLimitMb: settings.indexMemoryLimitMb,
      embedder: settings.embeddings === 'ollama' ? { kind: 'ollama', host: settings.ollamaHost, model: settings.ollamaEmbedModel }
        : settings.embeddings === 'openai' ? { kind: 'openai', ...openai, model: settings.openaiEmbedModel }
        : { kind: 'offline' },
    },
    providers: {
      choice: settings.provider,
      ollama: { host: settings.ollamaHost, model: settings.ollamaChatModel },
      openai: { ...openai, model: settings.openaiChatModel },
      hostModel: async () => {
        const [model] = await vscode.lm.selectChatModels(settings.vscodeModel ? { id: settings.vscodeModel } : undefined);
        return model ? new VsCodeChatModel(model) : undefined;
      },
    },
    k: settings.sources,
    retrievalTimeoutMs: settings.retrievalTimeoutSeconds * 1000,
    generationTimeoutMs: settings.generationTimeoutSeconds * 1000,
    offlineHint: OFFLINE_HINT,
    log,
  };
}

/** VS Code's own `files.exclude` for a folder: patterns set to true. */
function filesExclude(folder: vscode.WorkspaceFolder): string[] {
  const patterns = vscode.workspace.getConfiguration('files', folder.uri).get<Record<string, boolean>>('exclude') ?? {};
  return Object.entries(patterns).filter(([, on]) => on === true).map(([glob]) => glob.replace(/^\*\*\//, '**/'));
}

/** A number setting that a user typed badly falls back to its default instead of breaking indexing. */
function positive(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}
