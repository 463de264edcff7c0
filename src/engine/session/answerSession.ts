import type { FileEvent, RagEvent, Source, StreamStats, SummaryEvent } from '../../protocol/events';
import type { IndexProgress, IndexSummary } from '../../protocol/indexing';
import type { SessionState } from '../../protocol/session';
import { RagError } from '../errors';
import type { SearchFilter } from '../../protocol/indexing';
import { DEFAULT_SOURCES } from '../indexing/searchIndex';
import { offlineNotice, extractiveAnswer } from '../offline/extractiveAnswer';
import type { Turn } from '../prompt';
import type { AsyncStreamingLlm, Retriever } from '../strategies';
import { StreamingRag } from '../streamingRag';
import { StreamStatsCounter } from '../streamStats';
import { summarizeFile } from '../summary/summarizeFile';
import { resolveWorkspaceFile } from '../summary/workspaceFile';
import { toErrorEvent } from '../streamingRag';
import { FolderIndexes, threadIndexes, type FolderConfig, type IndexSettings, type OpenIndex } from './folderIndexes';
import { chooseModel, describeProviders, type ModelChoice, type ProviderSettings } from './providerChoice';

/** The most passages a caller may ask for: beyond it, prompts overflow small models and cards stop being read. */
export const MAX_SOURCES = 20;
/**
 * Sources in the prompt are cut to this many characters: room for a whole function, within small local
 * models' windows. (The engine's own default is the seed's 500, meant for prose passages.)
 */
export const WORKSPACE_MAX_DOC_CHARS = 1500;

/** The offline answerer, named in `generation_start`. */
export const OFFLINE_MODEL = { provider: 'offline', model: 'extractive' } as const;

/** Where a session writes what a person may want to read later (the CLI's stderr, VS Code's output channel). */
export interface SessionLog {
  info(message: string): void;
  warn(message: string): void;
}

/** Everything a session needs, as plain data and small callbacks: each surface translates its settings into this. */
export interface SessionConfig {
  folders: FolderConfig[];
  index?: IndexSettings;
  providers: ProviderSettings;
  /** Passages per question (DEFAULT_SOURCES). */
  k?: number;
  retrievalTimeoutMs?: number;
  generationTimeoutMs?: number;
  /** How a user of this surface gets written answers: the end of the offline answer's first line. */
  offlineHint?: string;
  log?: SessionLog;
  /** Opens a folder's index; by default the Vectra index on its own thread. */
  openIndex?: OpenIndex;
}

export interface AskOptions {
  signal?: AbortSignal;
  /** Earlier questions and answers of the conversation, as plain text. */
  history?: Turn[];
  /** A model this question came with (a VS Code Chat request's): used as the surface's own model. */
  model?: AsyncStreamingLlm;
  /** Overrides the provider choice for this question (the HTTP API's `provider`). */
  provider?: string;
  /** Overrides the chat model's name for this question (the HTTP API's `model`). */
  modelName?: string;
  k?: number;
  filter?: SearchFilter;
}

/** How a file is summarised: the model options of a question (its provider, a surface's own model), and Stop. */
export type SummarizeOptions = Pick<AskOptions, 'signal' | 'model' | 'provider' | 'modelName'>;

/** The first line of an offline summary: what it is, and how this surface's user gets a written one. */
export function offlineSummaryNotice(setupHint = 'For written summaries, start Ollama (`ollama serve`) or configure an OpenAI-compatible server.'): string {
  return `_No language model is configured or reachable, so this summary is the file's outline and its most informative lines, each citing where it is. ${setupHint.replace(/answers/g, 'summaries')}_`;
}

export interface SearchRequest {
  k?: number;
  filter?: SearchFilter;
  signal?: AbortSignal;
}

/**
 * The answer session: every surface (chat, panel, CLI, language model tool, MCP, HTTP) asks through
 * one of these. It owns the folders' indexes, the provider choice with `auto`'s fallback, the offline
 * answer, the prompt settings and the statistics of every question it answered.
 */
export class AnswerSession {
  private config: SessionConfig;
  private readonly indexes: FolderIndexes;
  private readonly stats$ = new StreamStatsCounter();
  private readonly listeners = new Set<(state: SessionState) => void>();
  private readonly fileListeners = new Set<(event: FileEvent) => void>();

  constructor(config: SessionConfig) {
    this.config = config;
    this.indexes = new FolderIndexes(config.folders, config.index ?? {}, config.openIndex ?? threadIndexes(),
      () => this.notify(), (message) => this.config.log?.warn(message),
      (event) => { for (const listener of this.fileListeners) listener(event); });
  }

  get state(): SessionState {
    return this.indexes.state;
  }

  /** Calls `listener` with the new state whenever it changes (progress, a finished job, a warning); returns the unsubscribe. */
  onStateChange(listener: (state: SessionState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Calls `listener` with each file event of every indexing job (a reindex, the file watcher's updates):
   * each re-indexed file's stages and each file that could not be read. Returns the unsubscribe.
   */
  onFileEvent(listener: (event: FileEvent) => void): () => void {
    this.fileListeners.add(listener);
    return () => this.fileListeners.delete(listener);
  }

  /** Statistics of every question this session answered. */
  get stats(): StreamStats {
    return this.stats$.snapshot;
  }

  /** Who answers, as the settings say: for headers and health checks. */
  get providerLabel(): string {
    return describeProviders(this.config.providers);
  }

  /**
   * Takes new settings; a change of folders or index settings (an embedder's key too) reopens the
   * indexes, and says so: the caller may want them brought up to date.
   */
  async configure(next: Partial<SessionConfig>): Promise<boolean> {
    const previous = this.config;
    this.config = { ...previous, ...next };
    const reopen = (next.folders && JSON.stringify(next.folders) !== JSON.stringify(previous.folders))
      || (next.index && JSON.stringify(next.index) !== JSON.stringify(previous.index));
    if (reopen) await this.indexes.reconfigure(this.config.folders, this.config.index ?? {});
    this.notify();
    return Boolean(reopen);
  }

  /** The answer's events: sources first, then the answer as it streams, ending in `generation_done` or `error`. */
  async *ask(question: string, options: AskOptions = {}): AsyncGenerator<RagEvent> {
    await this.indexes.ensureIndexed(options.signal);
    const choice = await this.chooseModel(options);
    if (!choice.llm && choice.notes.length > 0) this.config.log?.info(`Answering offline. ${choice.notes.join(' ')}`);
    const k = clampSources(options.k ?? this.config.k);
    const notice = offlineNotice(this.config.offlineHint);
    const retriever: Retriever = {
      retrieve: (query, { signal }) => this.indexes.search(query, { k, filter: options.filter, signal }),
      generate: (query, sources) => extractiveAnswer(query, sources, notice),
      // The model's own searches (progressive context): the same ranking, without the passages it has.
      searchMore: async (query, { signal, exclude }) => {
        const found = await this.indexes.search(query, { k: Math.min(2 * MAX_SOURCES, exclude.length + k), filter: options.filter, signal });
        return found.filter((source) => !exclude.some((seen) => overlaps(seen, source)));
      },
      info: OFFLINE_MODEL,
    };
    const rag = new StreamingRag({
      retriever,
      llm: choice.llm,
      stats: this.stats$,
      config: {
        // Every passage asked for is shown and offered to the model, within the prompt's token budget.
        maxContextDocs: k,
        maxDocChars: WORKSPACE_MAX_DOC_CHARS,
        retrievalTimeout: this.config.retrievalTimeoutMs,
        generationTimeout: this.config.generationTimeoutMs,
      },
    });
    for await (const event of rag.events(question, { signal: options.signal, history: options.history })) {
      if (event.type === 'generation_start') this.config.log?.info(`Answering with ${event.provider} · ${event.model} (${event.strategy}, ${event.promptTokens} prompt tokens)`);
      if (event.type === 'error' && event.code !== 'cancelled') this.config.log?.warn(`Answer failed (${event.stage}, ${event.code}): ${event.message}`);
      yield event;
    }
  }

  /**
   * A streaming summary of one file of the workspace (`path`: relative to a folder, or absolute inside one):
   * `summary_start`, then per window `summary_progress`, its `source`s and the summary's `token`s with their
   * `citation`s, then `summary_done`, or `error` (a path outside the workspace, a window that failed: the
   * text so far stays). Needs no index.
   */
  async *summarize(path: string, options: SummarizeOptions = {}): AsyncGenerator<SummaryEvent> {
    let file;
    try {
      file = await resolveWorkspaceFile(this.config.folders, path);
    } catch (err) {
      yield toErrorEvent(err, 'retrieval', 0);
      return;
    }
    const choice = await this.chooseModel(options);
    if (!choice.llm && choice.notes.length > 0) this.config.log?.info(`Summarising offline. ${choice.notes.join(' ')}`);
    for await (const event of summarizeFile({
      file: file.absolute,
      path: file.display,
      llm: choice.llm,
      signal: options.signal,
      offlineNotice: offlineSummaryNotice(this.config.offlineHint),
      generationTimeout: this.config.generationTimeoutMs,
    })) {
      if (event.type === 'summary_start') this.config.log?.info(`Summarising ${event.path} with ${event.provider} · ${event.model} (${event.windows} windows, ${event.tokens} tokens)`);
      if (event.type === 'error' && event.code !== 'cancelled') this.config.log?.warn(`Summary failed (${event.stage}, ${event.code}): ${event.message}`);
      yield event;
    }
  }

  /** The passages that best answer a question over every folder, best first, without generating. */
  async search(question: string, request: SearchRequest = {}): Promise<Source[]> {
    await this.indexes.ensureIndexed(request.signal);
    return this.indexes.search(question, { k: clampSources(request.k ?? this.config.k), filter: request.filter, signal: request.signal });
  }

  /** Brings every folder's index up to date; a call while a job runs joins it. */
  reindex(options: { signal?: AbortSignal; onProgress?: (progress: IndexProgress) => void } = {}): Promise<IndexSummary[]> {
    return this.indexes.reindex(options);
  }

  /** Re-indexes changed files and drops deleted ones (absolute paths): a file watcher's entry. */
  updateFiles(changed: readonly string[], deleted: readonly string[]): Promise<IndexSummary[]> {
    return this.indexes.updateFiles(changed, deleted);
  }

  /** Deletes every stored index; the next reindex starts from scratch. */
  clear(): Promise<void> {
    return this.indexes.clear();
  }

  /** Whether no folder's index holds anything yet. */
  isEmpty(): Promise<boolean> {
    return this.indexes.isEmpty();
  }

  /** Whether an indexing job runs now. */
  get indexing(): boolean {
    return this.indexes.busy;
  }

  /** Which model would answer now, and why others were passed over (auto's health checks, remembered). */
  async whoAnswers(signal?: AbortSignal): Promise<{ provider: string; model: string; notes: string[] }> {
    const choice = await this.chooseModel({ signal });
    return { ...(choice.llm?.info ?? OFFLINE_MODEL), notes: choice.notes };
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.fileListeners.clear();
    await this.indexes.close();
  }

  /**
   * The model for one question. A setting that names no provider is reported as the answer's error
   * after its sources, so the question still shows where the answer lives; a stop during the health
   * check ends the stream as cancelled, like a stop at any other time.
   */
  private async chooseModel(options: AskOptions): Promise<ModelChoice> {
    const base = this.config.providers;
    const name = options.modelName;
    const settings: ProviderSettings = {
      ...base,
      choice: options.provider ?? base.choice,
      ollama: name ? { ...base.ollama, model: name } : base.ollama,
      openai: name ? { ...base.openai, model: name } : base.openai,
    };
    try {
      return await chooseModel(settings, { requestModel: options.model, signal: options.signal });
    } catch (err) {
      if (!(err instanceof RagError)) throw err;
      return { llm: failingModel(err), notes: [] };
    }
  }

  private notify(): void {
    const state = this.state;
    for (const listener of this.listeners) listener(state);
  }
}

function overlaps(a: Source, b: Source): boolean {
  return a.path === b.path && a.startLine <= b.endLine && b.startLine <= a.endLine;
}

function clampSources(k: number | undefined): number {
  return Math.min(MAX_SOURCES, Math.max(1, Math.floor(k ?? DEFAULT_SOURCES)));
}

/** A model that fails with `error` when asked: the stream shows the sources, then this error. */
function failingModel(error: RagError): AsyncStreamingLlm {
  return {
    info: { provider: 'none', model: 'none' },
    // eslint-disable-next-line require-yield
    async *astream() {
      throw error;
    },
  };
}
