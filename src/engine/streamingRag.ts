import type { ContextUpdateEvent, ErrorEvent, ModelInfo, RagEvent, Source, Stage, StreamStats, Strategy } from '../protocol/events';
import { CitationScanner, type CitationMark } from './citations';
import { StreamStatsCounter } from './streamStats';
import { raceDeadline } from './deadline';
import { CancelledError, RagError, describeError, isAbortError } from './errors';
import { sourceSnippets } from './passages/snippet';
import { progressiveAnswer, type ContextWave } from './progressiveContext';
import { buildPrompt, type Turn } from './prompt';
import { canCallTools, openTokenStream, selectStrategy, type Llm, type Retriever } from './strategies';
import { resolveStreamConfig, type StreamConfig } from './streamConfig';

export interface StreamingRagOptions {
  retriever: Retriever;
  llm?: Llm;
  config?: Partial<StreamConfig>;
  /** Called with each token's text before the token event is yielded. */
  onToken?: (text: string) => void;
  /** Called with every event before it is yielded. */
  onEvent?: (event: RagEvent) => void;
  /** Where statistics accumulate; a session shares one across the engines of its questions. */
  stats?: StreamStatsCounter;
}

export interface StreamOptions {
  signal?: AbortSignal;
  /** Earlier turns of the conversation, for follow-up questions. */
  history?: Turn[];
}

export interface QueryResult {
  answer: string;
  events: RagEvent[];
}

/**
 * The streaming RAG engine: retrieves sources, shows them, then streams the answer token by token
 * through one event protocol, with timeouts, cancellation, citation tracking and statistics.
 */
export class StreamingRag {
  readonly strategy: Strategy;
  readonly config: Readonly<StreamConfig>;
  private readonly retriever: Retriever;
  private readonly llm: Llm | undefined;
  private readonly onToken?: (text: string) => void;
  private readonly onEvent?: (event: RagEvent) => void;
  private readonly counters: StreamStatsCounter;

  constructor(options: StreamingRagOptions) {
    if (!options || !options.retriever || typeof options.retriever.retrieve !== 'function') {
      throw new TypeError('StreamingRag needs a retriever with retrieve(query, { signal }).');
    }
    this.retriever = options.retriever;
    this.llm = options.llm;
    this.config = Object.freeze(resolveStreamConfig(options.config));
    this.strategy = selectStrategy(options.llm, options.retriever);
    this.onToken = options.onToken;
    this.onEvent = options.onEvent;
    this.counters = options.stats ?? new StreamStatsCounter();
  }

  get stats(): StreamStats {
    return this.counters.snapshot;
  }

  /** The answer's text only, token by token. */
  async *stream(query: string, options: StreamOptions = {}): AsyncGenerator<string> {
    for await (const event of this.events(query, options)) {
      if (event.type === 'token') yield event.text;
    }
  }

  /** The whole answer with every event, for callers that do not render progressively. */
  async query(query: string, options: StreamOptions = {}): Promise<QueryResult> {
    const events: RagEvent[] = [];
    let answer = '';
    for await (const event of this.events(query, options)) {
      events.push(event);
      if (event.type === 'token') answer += event.text;
    }
    return { answer, events };
  }

  /**
   * The protocol's events for one question: `retrieval_start`, `source`…, `retrieval_done`,
   * `generation_start`, `token`/`citation`… (with a `context_update` each time a tool-calling model's search
   * adds sources), then `generation_done`; or an `error` and nothing after it.
   */
  async *events(query: string, options: StreamOptions = {}): AsyncGenerator<RagEvent> {
    const started = performance.now();
    const elapsed = () => Math.round((performance.now() - started) * 100) / 100;
    const emit = <E extends RagEvent>(event: E): E => {
      if (event.type === 'token') this.onToken?.(event.text);
      this.onEvent?.(event);
      return event;
    };
    // Our own controller: aborted on the caller's cancel, on either timeout, and when the consumer stops early.
    const controller = new AbortController();
    const forwardAbort = () => controller.abort(new CancelledError());
    if (options.signal?.aborted) forwardAbort();
    options.signal?.addEventListener('abort', forwardAbort, { once: true });
    this.counters.totalStreams++;
    let stage: Stage = 'retrieval';
    const fail = (err: unknown): ErrorEvent => {
      const event = toErrorEvent(err, stage, elapsed());
      if (event.code !== 'cancelled') this.counters.totalErrors++;
      return emit(event);
    };

    try {
      yield emit({ type: 'retrieval_start', t: 0, query });
      let retrieved: Source[];
      try {
        const work = Promise.resolve().then(() => this.retriever.retrieve(query, { signal: controller.signal }));
        retrieved = await raceDeadline(work, this.config.retrievalTimeout, controller.signal, () => new RagError(
          'retrieval_timeout',
          `Searching the index took longer than ${seconds(this.config.retrievalTimeout)}. Try again once indexing has finished, or raise the retrieval timeout.`,
        ));
        if (!Array.isArray(retrieved)) throw new RagError('retrieval_failed', 'The retriever returned no list of sources.');
      } catch (err) {
        controller.abort(err);
        yield fail(err);
        return;
      }
      const retrievalMs = elapsed();
      const built = buildPrompt(query, retrieved, this.config, options.history);
      const snippets = sourceSnippets(query, built.sources);
      for (const [i, source] of built.sources.entries()) {
        yield emit({
          type: 'source', t: elapsed(), index: i + 1, path: source.path, startLine: source.startLine,
          endLine: source.endLine, score: Math.round(source.score * 10_000) / 10_000, ...snippets[i],
        });
      }
      yield emit({ type: 'retrieval_done', t: elapsed(), numDocs: built.sources.length, retrievalMs });

      stage = 'generation';
      let announced = this.modelInfo();
      yield emit({ type: 'generation_start', t: elapsed(), strategy: this.strategy, ...announced, promptTokens: built.promptTokens });

      const citations = new CitationScanner();
      const cited = new Set<number>();
      // Every source shown so far: the first wave, then those the model's searches add.
      const allSources = [...built.sources];
      let tokens = 0;
      let ttftMs: number | null = null;
      let iterator: AsyncIterator<string | ContextWave> | undefined;
      // Citation events come just before the token holding their mark, so a surface links it as it shows it.
      const release = function* (shown: { text: string; marks: CitationMark[] }): Generator<RagEvent> {
        for (const mark of shown.marks) {
          for (const index of mark.numbers) {
            cited.add(index);
            yield emit({ type: 'citation', t: elapsed(), index, valid: index >= 1 && index <= allSources.length, offset: mark.offset, length: mark.length });
          }
        }
        if (shown.text.length === 0) return;
        ttftMs ??= elapsed();
        yield emit({ type: 'token', t: elapsed(), text: shown.text });
      };
      try {
        const retriever = this.retriever;
        // A model that can call tools, and a retriever that can search again: progressive context.
        iterator = this.strategy === 'async' && canCallTools(this.llm) && retriever.searchMore && this.config.maxExtraSearches > 0
          ? progressiveAnswer({
            llm: this.llm, search: (q, o) => retriever.searchMore!(q, o),
            prompt: built.prompt, sources: allSources, config: this.config, signal: controller.signal,
          })
          : openTokenStream(this.strategy, this.llm, this.retriever,
            { prompt: built.prompt, query, sources: built.sources, signal: controller.signal }, this.config);
        for (;;) {
          const next = await raceDeadline(Promise.resolve().then(() => iterator!.next()), this.config.generationTimeout,
            controller.signal, () => new RagError(
              'generation_timeout',
              tokens === 0
                ? `The model sent no answer within ${seconds(this.config.generationTimeout)}. Check that the server is running and the model is loaded, or raise the generation timeout.`
                : `The model stopped sending for ${seconds(this.config.generationTimeout)} in the middle of the answer. Check the server, then ask again.`,
            ));
          if (next.done) break;
          if (isWave(next.value)) {
            yield emit(contextUpdate(next.value, elapsed()));
            continue;
          }
          const text = typeof next.value === 'string' ? next.value : String(next.value ?? '');
          if (text.length === 0) continue;
          if (tokens === 0) {
            // An automatic provider choice may have fallen back before the first token: say who really answers.
            const actual = this.modelInfo();
            if (actual.provider !== announced.provider || actual.model !== announced.model) {
              announced = actual;
              yield emit({ type: 'generation_start', t: elapsed(), strategy: this.strategy, ...actual, promptTokens: built.promptTokens });
            }
          }
          tokens++;
          this.counters.totalTokens++;
          yield* release(citations.push(text));
        }
        yield* release(citations.flush());
      } catch (err) {
        controller.abort(err);
        yield* release(citations.flush()); // the text so far stays, whole
        yield fail(err);
        return;
      } finally {
        closeQuietly(iterator);
      }

      const totalMs = elapsed();
      const valid = [...cited].filter((i) => i >= 1 && i <= allSources.length).sort((a, b) => a - b);
      const uncited = allSources.map((_, i) => i + 1).filter((i) => !cited.has(i));
      this.counters.complete(totalMs);
      yield emit({ type: 'generation_done', t: totalMs, totalMs, ttftMs, tokens, cited: valid, uncited });
    } finally {
      options.signal?.removeEventListener('abort', forwardAbort);
      // Reached when the stream ends or the consumer stops iterating: release whatever still runs.
      if (!controller.signal.aborted) controller.abort(new CancelledError());
    }
  }

  private modelInfo(): ModelInfo {
    const source = this.strategy === 'simulated' ? this.retriever.info : this.llm?.info;
    return source ? { provider: source.provider, model: source.model } : { provider: this.strategy === 'simulated' ? 'retriever' : 'llm', model: 'unknown' };
  }
}

/**
 * Asks the provider's iterator to finish without waiting for it: an async generator parked on a stalled
 * request only runs `return()` after that request settles, which the aborted signal makes happen.
 */
export function closeQuietly(iterator: AsyncIterator<unknown> | undefined): void {
  if (!iterator || typeof iterator.return !== 'function') return;
  try {
    Promise.resolve(iterator.return()).catch(() => undefined);
  } catch {
    // A provider whose return() throws has nothing left for us to close.
  }
}

function isWave(value: unknown): value is ContextWave {
  return typeof value === 'object' && value !== null && 'wave' in value;
}

function contextUpdate(wave: ContextWave, t: number): ContextUpdateEvent {
  const snippets = sourceSnippets(wave.query, wave.sources);
  const sources = wave.sources.map((source, i) => ({
    index: wave.firstIndex + i, path: source.path, startLine: source.startLine, endLine: source.endLine,
    score: Math.round(source.score * 10_000) / 10_000, ...snippets[i],
  }));
  return { type: 'context_update', t, wave: wave.wave, query: wave.query, sources };
}

export function toErrorEvent(err: unknown, stage: Stage, t: number): ErrorEvent {
  if (err instanceof RagError) return { type: 'error', t, stage: err.stage ?? stage, message: err.message, code: err.code };
  if (isAbortError(err)) return { type: 'error', t, stage, message: 'Stopped.', code: 'cancelled' };
  const what = stage === 'retrieval' ? 'Searching the index failed' : 'The model failed';
  const hint = stage === 'retrieval' ? 'Rebuild the index (Workspace RAG: Reindex Workspace, or `workspace-rag index`) and try again.' : 'Check the provider settings and try again.';
  return { type: 'error', t, stage, message: `${what}: ${describeError(err)}. ${hint}`, code: stage === 'retrieval' ? 'retrieval_failed' : stage === 'indexing' ? 'index_failed' : 'generation_failed' };
}

function seconds(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

