import * as vscode from 'vscode';
import type { RagEvent, StreamStats } from '../protocol/events';
import type { Turn } from '../engine/prompt';
import { createWorkspaceRag } from '../engine/workspaceRag';
import type { IndexManager } from './indexManager';
import type { ProviderManager } from './providerManager';
import { readSettings } from './settings';

/** The first line of offline answers in VS Code: how to get written ones. */
const OFFLINE_NOTICE = '_No language model is configured or reachable, so this answer quotes the most relevant lines of the workspace. '
  + 'For written answers, run **Workspace RAG: Select Provider and Model** (Ollama, an OpenAI-compatible server, or VS Code\'s chat model)._';

/** Answers questions for the panel and for `@rag`: the index, the chosen model and the engine, one stream per question. */
export class AnswerService implements vscode.Disposable {
  private readonly totals = { totalStreams: 0, totalTokens: 0, totalErrors: 0, completed: 0, latency: 0 };
  private readonly modelChanged = new vscode.EventEmitter<string>();
  readonly onDidChangeModel = this.modelChanged.event;

  constructor(private readonly index: IndexManager, private readonly providers: ProviderManager, private readonly log: vscode.LogOutputChannel) {}

  get modelLabel(): string {
    return this.providers.describe(readSettings());
  }

  get sourceCount(): number {
    return readSettings().sources;
  }

  /** Cumulative statistics of every answer since VS Code started. */
  get stats(): StreamStats {
    const t = this.totals;
    return { totalStreams: t.totalStreams, totalTokens: t.totalTokens, totalErrors: t.totalErrors, avgLatencyMs: t.completed ? Math.round(t.latency / t.completed) : 0 };
  }

  /** Tells listeners that the provider settings changed. */
  settingsChanged(): void {
    this.modelChanged.fire(this.modelLabel);
  }

  async *ask(question: string, options: { signal: AbortSignal; history?: Turn[]; chatModel?: vscode.LanguageModelChat }): AsyncGenerator<RagEvent> {
    const settings = readSettings();
    if (await this.index.isEmpty()) {
      // The first question in a workspace that was never indexed (index on startup off) indexes it first.
      await this.index.reindex({ visible: true }).catch((err) => this.log.warn(`Indexing before the first question failed: ${err instanceof Error ? err.message : err}`));
    }
    const { llm, skipped } = await this.providers.resolve(settings, { chatModel: options.chatModel, signal: options.signal });
    if (!llm) this.log.info(`Answering offline. ${skipped.join(' ')}`);
    const rag = createWorkspaceRag({
      index: this.index,
      llm,
      k: settings.sources,
      offlineNotice: OFFLINE_NOTICE,
      config: {
        retrievalTimeout: settings.retrievalTimeoutSeconds * 1000,
        generationTimeout: settings.generationTimeoutSeconds * 1000,
      },
    });
    try {
      for await (const event of rag.events(question, { signal: options.signal, history: options.history })) {
        if (event.type === 'generation_start') this.log.info(`Answering with ${event.provider} · ${event.model} (${event.strategy}, ${event.promptTokens} prompt tokens)`);
        if (event.type === 'error' && event.code !== 'cancelled') this.log.warn(`Answer failed (${event.stage}, ${event.code}): ${event.message}`);
        yield event;
      }
    } finally {
      const s = rag.stats;
      this.totals.totalStreams += s.totalStreams;
      this.totals.totalTokens += s.totalTokens;
      this.totals.totalErrors += s.totalErrors;
      if (s.avgLatencyMs > 0) {
        this.totals.completed++;
        this.totals.latency += s.avgLatencyMs;
      }
    }
  }

  dispose(): void {
    this.modelChanged.dispose();
  }
}
