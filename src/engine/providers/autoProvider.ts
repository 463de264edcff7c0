import { RagError } from '../errors';
import type { ModelInfo } from '../../protocol/events';
import { canCallTools, type AsyncStreamingLlm, type ChatMessage, type ToolCall, type ToolCallingLlm, type TurnOptions } from '../strategies';
import { OllamaChat, checkOllama, hasOllamaModel, normalizeOllamaHost, type OllamaChatOptions, type OllamaHealth } from './ollamaProvider';
import { OpenAIChat, type OpenAIChatOptions } from './openaiProvider';

/** Failures that mean "this provider cannot answer at all right now": the next one may. */
const FALLBACK_CODES: readonly string[] = ['connection_refused', 'model_not_found'];

/**
 * Remembers health checks so `auto` decides in microseconds most of the time. A good answer is kept
 * for `okTtlMs`; a bad one only briefly, so a server that was just started is found soon. A failure
 * at request time forgets the entry: the next question checks again.
 */
export class HealthCache {
  private readonly entries = new Map<string, { at: number; pending: Promise<OllamaHealth>; settled?: OllamaHealth }>();

  constructor(private readonly options: { okTtlMs?: number; failTtlMs?: number; now?: () => number } = {}) {}

  /** The remembered health of `key` while fresh (a check in flight is shared), else a new `probe()`. */
  check(key: string, probe: () => Promise<OllamaHealth>): Promise<OllamaHealth> {
    const now = this.now();
    const entry = this.entries.get(key);
    if (entry && (!entry.settled || now - entry.at < this.ttl(entry.settled))) return entry.pending;
    const fresh: { at: number; pending: Promise<OllamaHealth>; settled?: OllamaHealth } = { at: now, pending: probe() };
    this.entries.set(key, fresh);
    fresh.pending.then(
      (health) => { fresh.settled = health; },
      // A probe that threw (its caller aborted) is not an answer to remember.
      () => { if (this.entries.get(key) === fresh) this.entries.delete(key); },
    );
    return fresh.pending;
  }

  invalidate(key: string): void {
    this.entries.delete(key);
  }

  private ttl(health: OllamaHealth): number {
    return health.ok ? this.options.okTtlMs ?? 60_000 : this.options.failTtlMs ?? 5_000;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

/** Shared by every `auto` decision of this process unless a caller brings its own. */
export const defaultHealthCache = new HealthCache();

export interface AutoProviderOptions {
  /** Ollama settings; Ollama is tried first, if it answers on its host and has the chat model. */
  ollama?: OllamaChatOptions;
  /** OpenAI settings; a candidate only when an API key or a base URL is set. */
  openai?: OpenAIChatOptions;
  /** One more model tried last, e.g. VS Code Chat's own model of the request. */
  extra?: AsyncStreamingLlm;
  /** Health-check timeout for Ollama. */
  healthTimeoutMs?: number;
  healthCache?: HealthCache;
  signal?: AbortSignal;
}

export interface AutoSelection {
  /** Undefined when no provider can answer: the caller answers offline. */
  llm: AutoLlm | undefined;
  /** Why providers were passed over, one sentence each, for the user. */
  skipped: string[];
}

/**
 * Chooses the providers `auto` may use, in DESIGN.md's order: Ollama (if it answers and has the
 * model), OpenAI or a compatible server (if a key or base URL is set), then `extra`.
 */
export async function selectAutoProvider(options: AutoProviderOptions = {}): Promise<AutoSelection> {
  const cache = options.healthCache ?? defaultHealthCache;
  const candidates: AutoCandidate[] = [];
  const skipped: string[] = [];

  const ollama = new OllamaChat(options.ollama);
  const key = normalizeOllamaHost(options.ollama?.host);
  const health = await cache.check(key, () => checkOllama({ host: key, timeoutMs: options.healthTimeoutMs, signal: options.signal }));
  if (!health.ok) {
    skipped.push(health.error.message);
  } else if (!hasOllamaModel(health.models, ollama.info.model)) {
    skipped.push(`Ollama at ${key} has no model "${ollama.info.model}". Download it with \`ollama pull ${ollama.info.model}\`.`);
  } else {
    candidates.push({ llm: ollama, onUnavailable: () => cache.invalidate(key) });
  }

  const openai = options.openai;
  if (openai && (openai.apiKey?.trim() || openai.baseURL?.trim())) candidates.push({ llm: new OpenAIChat(openai) });
  else skipped.push('OpenAI is not configured (no API key or base URL).');

  if (options.extra) candidates.push({ llm: options.extra });
  return { llm: candidates.length > 0 ? new AutoLlm(candidates) : undefined, skipped };
}

export interface AutoCandidate {
  llm: AsyncStreamingLlm;
  /** Called when the candidate failed before its first token in a way that calls for the next one. */
  onUnavailable?: (error: RagError) => void;
}

/**
 * Streams from the first candidate that starts answering. A candidate that cannot answer at all
 * (connection refused, model missing) before its first token hands over to the next one; once a
 * token was yielded, failures are final: tokens the user saw are never followed by another model's.
 * `info` names the candidate answering now, so the engine announces a fallback.
 */
export class AutoLlm implements ToolCallingLlm {
  private current = 0;

  constructor(readonly candidates: readonly AutoCandidate[]) {
    if (candidates.length === 0) throw new TypeError('AutoLlm needs at least one candidate.');
  }

  get info(): ModelInfo {
    return this.candidates[this.current].llm.info ?? { provider: 'llm', model: 'unknown' };
  }

  astream(prompt: string, { signal }: { signal: AbortSignal }): AsyncGenerator<string> {
    return this.firstThatAnswers((llm) => llm.astream(prompt, { signal }), signal);
  }

  /**
   * A turn of a conversation with tools. The first turn chooses the candidate as `astream` does; later
   * turns (after the model's tool calls) go to the candidate that answered. A candidate without tool
   * calling answers the question's prompt in text.
   */
  astreamTurn(messages: ChatMessage[], options: TurnOptions): AsyncIterable<string | ToolCall> {
    const turn = (llm: AsyncStreamingLlm) => canCallTools(llm) ? llm.astreamTurn(messages, options) : llm.astream(firstPrompt(messages), options);
    if (messages.length > 1) return turn(this.candidates[this.current].llm);
    return this.firstThatAnswers(turn, options.signal);
  }

  private async *firstThatAnswers<T>(open: (llm: AsyncStreamingLlm) => AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
    for (let i = 0; i < this.candidates.length; i++) {
      const candidate = this.candidates[i];
      this.current = i;
      const iterator = open(candidate.llm)[Symbol.asyncIterator]();
      let first: IteratorResult<T>;
      try {
        first = await iterator.next();
      } catch (err) {
        const isLast = i === this.candidates.length - 1;
        if (isLast || signal.aborted || !(err instanceof RagError) || !FALLBACK_CODES.includes(err.code)) throw err;
        candidate.onUnavailable?.(err);
        continue;
      }
      try {
        if (first.done) return;
        yield first.value;
        for (;;) {
          const next = await iterator.next();
          if (next.done) return;
          yield next.value;
        }
      } finally {
        // Reached on early stop too: the candidate then closes its HTTP stream.
        Promise.resolve(iterator.return?.()).catch(() => undefined);
      }
    }
  }
}

function firstPrompt(messages: readonly ChatMessage[]): string {
  const first = messages[0];
  return first?.role === 'user' ? first.content : '';
}
