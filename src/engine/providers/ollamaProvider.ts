import { Ollama } from 'ollama';
import type { ModelInfo } from '../../protocol/events';
import type { AsyncStreamingLlm } from '../strategies';
import { ollamaFetch } from './ollamaTransport';
import { ProviderError, toProviderError, type ProviderTarget } from './providerErrors';
import { CHAT_RETRY, retryPolicy, withRetries, type RetryPolicy } from './retry';

export const DEFAULT_OLLAMA_HOST = 'http://127.0.0.1:11434';
/** Small, current and instruction-tuned: answers well on a laptop. */
export const DEFAULT_OLLAMA_CHAT_MODEL = 'llama3.2';
export const DEFAULT_OLLAMA_EMBED_MODEL = 'nomic-embed-text';
/** A local server answers `/api/tags` in milliseconds; longer means it is not there. */
export const OLLAMA_HEALTH_TIMEOUT_MS = 1_500;
/**
 * Context window asked of Ollama. Its default (2,048 or 4,096 tokens, by version) is smaller than the
 * engine's prompt (up to 3,000 tokens of sources plus instructions) and the answer; Ollama silently
 * drops the start of a prompt that does not fit, which is where the rules about citing are.
 */
export const OLLAMA_CONTEXT_TOKENS = 8_192;

export interface OllamaChatOptions {
  /** `http://host:port`; `host:port` is accepted too, as in OLLAMA_HOST. */
  host?: string;
  model?: string;
  /** `num_ctx`: prompt and answer together (default 8,192). */
  contextTokens?: number;
  /** Retries before the first token; none are made after it. */
  retry?: Partial<RetryPolicy>;
}

/** Chat with a model served by Ollama, streamed token by token over `/api/chat`. */
export class OllamaChat implements AsyncStreamingLlm {
  readonly info: ModelInfo;
  readonly host: string;
  private readonly retry: RetryPolicy;
  private readonly contextTokens: number;

  constructor(options: OllamaChatOptions = {}) {
    this.host = normalizeOllamaHost(options.host);
    this.info = { provider: 'ollama', model: options.model || DEFAULT_OLLAMA_CHAT_MODEL };
    this.retry = retryPolicy(CHAT_RETRY, options.retry);
    this.contextTokens = options.contextTokens ?? OLLAMA_CONTEXT_TOKENS;
  }

  async *astream(prompt: string, { signal }: { signal: AbortSignal }): AsyncGenerator<string> {
    const model = this.info.model;
    const target = ollamaTarget(this.host, 'generation');
    // A client per request: its fetch carries this request's signal, so an abort closes the socket
    // even while waiting for the response headers (a model still loading).
    const client = new Ollama({ host: this.host, fetch: ollamaFetch({ signal, ndjson: true }) });
    const stream = await withRetries(async () => {
      try {
        return await client.chat({ model, messages: [{ role: 'user', content: prompt }], stream: true, options: { num_ctx: this.contextTokens } });
      } catch (err) {
        throw toProviderError(err, target, { model });
      }
    }, this.retry, signal);
    let tokens = 0;
    try {
      for await (const part of stream) {
        const text = part.message?.content;
        if (text) {
          tokens++;
          yield text;
        }
      }
    } catch (err) {
      throw toProviderError(err, target, { model, tokens });
    } finally {
      // Closes the HTTP stream when the consumer stops early; a no-op once the stream has ended.
      stream.abort();
    }
  }
}

export type OllamaHealth =
  | { ok: true; host: string; models: string[] }
  | { ok: false; host: string; error: ProviderError };

/**
 * Asks Ollama which models it has (`/api/tags`), within `timeoutMs`. Used to decide `auto` quickly:
 * refused connections fail in a millisecond, an unreachable host within the timeout.
 */
export async function checkOllama(options: { host?: string; timeoutMs?: number; signal?: AbortSignal } = {}): Promise<OllamaHealth> {
  const host = normalizeOllamaHost(options.host);
  const timeoutMs = options.timeoutMs ?? OLLAMA_HEALTH_TIMEOUT_MS;
  const client = new Ollama({ host, fetch: ollamaFetch({ signal: options.signal, timeoutMs }) });
  try {
    const list = await client.list();
    const models = (Array.isArray(list?.models) ? list.models : []).map((m) => m.name ?? m.model).filter((n): n is string => typeof n === 'string');
    return { ok: true, host, models };
  } catch (err) {
    if (options.signal?.aborted) throw err;
    const mapped = toProviderError(err, ollamaTarget(host), { model: '' });
    const error = mapped instanceof ProviderError ? mapped
      : new ProviderError('connection_refused', `Ollama could not be asked for its models at ${host}. ${START_OLLAMA}`, { cause: err });
    return { ok: false, host, error };
  }
}

/** Whether `models` (names from `/api/tags`, e.g. `llama3.2:latest`) include `wanted` (`llama3.2` means `:latest`). */
export function hasOllamaModel(models: readonly string[], wanted: string): boolean {
  const full = wanted.includes(':') ? wanted : `${wanted}:latest`;
  return models.some((name) => name === wanted || name === full);
}

/** `host:port`, `:port` or a URL → `http://host:port` without a trailing slash. */
export function normalizeOllamaHost(host: string | undefined): string {
  let value = (host ?? '').trim();
  if (!value) return DEFAULT_OLLAMA_HOST;
  if (value.startsWith(':')) value = `127.0.0.1${value}`;
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value);
  // Like OLLAMA_HOST: a bare host means Ollama's port; a URL without a port means the scheme's.
  const url = new URL(hasScheme ? value : `http://${value}`);
  if (!hasScheme && !/^[^/]*:\d+(\/|$)/.test(value)) url.port = '11434';
  return url.toString().replace(/\/+$/, '');
}

const START_OLLAMA = 'Start it with `ollama serve`, or choose another provider.';

/** How Ollama is named in messages. */
export function ollamaTarget(host: string, stage?: ProviderTarget['stage']): ProviderTarget {
  return {
    name: 'Ollama',
    endpoint: host,
    startHint: START_OLLAMA,
    missingModelHint: (model) => `Download it with \`ollama pull ${model}\`, or choose another model.`,
    stage,
  };
}
