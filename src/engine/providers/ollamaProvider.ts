import { Ollama, type Message } from 'ollama';
import type { ModelInfo } from '../../protocol/events';
import type { ChatMessage, ToolCall, ToolCallingLlm, TurnOptions } from '../strategies';
import { ollamaFetch } from './ollamaTransport';
import { HttpStatusError, ProviderError, refusedTools, rejectsTools, toProviderError, type ProviderTarget } from './providerErrors';
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

/** Chat with a model served by Ollama, streamed token by token over `/api/chat`, with tool calls where the model has them. */
export class OllamaChat implements ToolCallingLlm {
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
    for await (const part of this.astreamTurn([{ role: 'user', content: prompt }], { signal })) {
      if (typeof part === 'string') yield part;
    }
  }

  /** One turn: the text as it streams, then the tool calls of the stream's `message.tool_calls`. */
  async *astreamTurn(messages: ChatMessage[], { signal, tools, toolChoice }: TurnOptions): AsyncGenerator<string | ToolCall> {
    const model = this.info.model;
    const target = ollamaTarget(this.host, 'generation');
    // Ollama has no tool choice: a turn that may not call tools is asked without them.
    const offered = tools && tools.length > 0 && toolChoice !== 'none' && !refusedTools.has(`${this.host} ${model}`) ? tools : undefined;
    // A client per request: its fetch carries this request's signal, so an abort closes the socket
    // even while waiting for the response headers (a model still loading).
    const client = new Ollama({ host: this.host, fetch: ollamaFetch({ signal, ndjson: true }) });
    const chat = (withTools: boolean) => client.chat({
      model, messages: toOllamaMessages(messages), stream: true, options: { num_ctx: this.contextTokens },
      ...(withTools && offered ? { tools: offered.map((tool) => ({ type: 'function', function: tool })) } : {}),
    });
    const stream = await withRetries(async () => {
      try {
        return await chat(true);
      } catch (err) {
        if (!offered || signal.aborted || !(err instanceof HttpStatusError) || !rejectsTools(err.status, err.serverMessage)) {
          throw toProviderError(err, target, { model });
        }
        // A model without tool calling answers as it did before tools existed.
        refusedTools.add(`${this.host} ${model}`);
        try {
          return await chat(false);
        } catch (retryErr) {
          throw toProviderError(retryErr, target, { model });
        }
      }
    }, this.retry, signal);
    const calls: ToolCall[] = [];
    let tokens = 0;
    try {
      for await (const part of stream) {
        const text = part.message?.content;
        if (text) {
          tokens++;
          yield text;
        }
        for (const call of part.message?.tool_calls ?? []) calls.push(fromOllamaCall(call, calls.length));
      }
    } catch (err) {
      throw toProviderError(err, target, { model, tokens });
    } finally {
      // Closes the HTTP stream when the consumer stops early; a no-op once the stream has ended.
      stream.abort();
    }
    yield* calls;
  }
}

/** The engine's conversation in Ollama's format: arguments as objects, results as `tool` messages naming their tool. */
function toOllamaMessages(messages: readonly ChatMessage[]): Message[] {
  return messages.map((message): Message => {
    switch (message.role) {
      case 'user':
        return { role: 'user', content: message.content };
      case 'assistant':
        return { role: 'assistant', content: message.content, tool_calls: message.toolCalls.map((call) => ({ function: { name: call.name, arguments: argumentsObject(call.arguments) } })) };
      case 'tool':
        return { role: 'tool', content: message.content, tool_name: message.name };
    }
  });
}

/** Ollama sends arguments as a JSON object (ids are optional); the engine reads JSON text like OpenAI's. */
function fromOllamaCall(call: { id?: unknown; function?: { name?: unknown; arguments?: unknown } }, index: number): ToolCall {
  const args = call.function?.arguments;
  return {
    id: typeof call.id === 'string' && call.id ? call.id : `call_${index}`,
    name: typeof call.function?.name === 'string' ? call.function.name : '',
    arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}),
  };
}

function argumentsObject(json: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(json);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed as Record<string, unknown> : {};
  } catch {
    return {};
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
