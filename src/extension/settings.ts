import * as vscode from 'vscode';

/** The `workspaceRag.*` settings, as the extension uses them. Declared in package.json `contributes.configuration`. */
export interface Settings {
  provider: 'auto' | 'offline' | 'ollama' | 'openai' | 'vscode';
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

export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration(SECTION);
  const list = (key: string) => (c.get<string[]>(key) ?? []).filter((v) => typeof v === 'string' && v.trim() !== '');
  return {
    provider: c.get('provider', 'auto'),
    ollamaHost: c.get('ollama.host', 'http://127.0.0.1:11434'),
    ollamaChatModel: c.get('ollama.chatModel', 'llama3.2'),
    ollamaEmbedModel: c.get('ollama.embedModel', 'nomic-embed-text'),
    openaiBaseUrl: c.get('openai.baseUrl', ''),
    openaiChatModel: c.get('openai.chatModel', 'gpt-4.1-mini'),
    openaiEmbedModel: c.get('openai.embedModel', 'text-embedding-3-small'),
    vscodeModel: c.get('vscode.model', ''),
    embeddings: c.get('embeddings', 'offline'),
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

/** VS Code's own `files.exclude` for a folder: patterns set to true. */
export function filesExclude(folder: vscode.WorkspaceFolder): string[] {
  const patterns = vscode.workspace.getConfiguration('files', folder.uri).get<Record<string, boolean>>('exclude') ?? {};
  return Object.entries(patterns).filter(([, on]) => on === true).map(([glob]) => glob.replace(/^\*\*\//, '**/'));
}

/** A number setting that a user typed badly falls back to its default instead of breaking indexing. */
function positive(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

/** Settings whose change means the index must be rebuilt or rescanned. */
export const INDEX_SETTINGS = ['embeddings', 'ollama.embedModel', 'openai.embedModel', 'include', 'exclude', 'maxFileSizeKb', 'indexMemoryLimitMb'].map((key) => `${SECTION}.${key}`);
