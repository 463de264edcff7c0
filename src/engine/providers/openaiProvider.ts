import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { abortReason } from '../deadline';
import type { ModelInfo } from '../../protocol/events';
import type { ChatMessage, ToolCall, ToolCallingLlm, TurnOptions } from '../strategies';
import { ToolCallDeltas, toOpenAIMessages, toOpenAITool } from './openaiTools';
import {
  HttpStatusError, InStreamError, ProviderError, StreamEndedEarlyError, parseRetryAfter, refusedTools, rejectsTools, statusFailure, toProviderError, type ProviderTarget,
} from './providerErrors';
import { CHAT_RETRY, retryPolicy, withRetries, type RetryPolicy } from './retry';

export const OPENAI_BASE_URL = 'https://api.openai.com/v1';
/** Fast and cheap, without a reasoning phase that would delay the first token. */
export const DEFAULT_OPENAI_CHAT_MODEL = 'gpt-4.1-mini';
export const DEFAULT_OPENAI_EMBED_MODEL = 'text-embedding-3-small';
/** Longest wait for the response headers of one request (the engine's sliding timeout covers the stream). */
export const OPENAI_REQUEST_TIMEOUT_MS = 60_000;
/** `/models` of a local server answers at once; it only improves a message, so it may not delay it. */
const MODEL_LIST_TIMEOUT_MS = 1_500;
/** Surface-neutral advice for a missing or rejected key; callers pass their own `keyHint` where they know better. */
export const DEFAULT_KEY_HINT = 'Set the key: the OPENAI_API_KEY environment variable for the command line, '
  + 'or the "Workspace RAG: Set OpenAI API Key" command in VS Code.';

export interface OpenAIConnectionOptions {
  /** Never appears in messages or events. Optional for compatible servers that need none. */
  apiKey?: string;
  /** An OpenAI-compatible `/v1` endpoint (LM Studio, llama.cpp's server, vLLM); default OpenAI's. */
  baseURL?: string;
  /** What to tell a user whose key is missing or wrong, on this surface. */
  keyHint?: string;
  /** Longest wait for one request's response headers. */
  requestTimeoutMs?: number;
}

export interface OpenAIChatOptions extends OpenAIConnectionOptions {
  model?: string;
  /** Retries before the first token; none are made after it. */
  retry?: Partial<RetryPolicy>;
}

/**
 * Chat completions from OpenAI or an OpenAI-compatible server, streamed over SSE. The SDK's own
 * retries are off: its waits cannot be cancelled and follow any Retry-After, however long. Ours
 * happen only before the stream opens, so a token is never sent twice.
 */
export class OpenAIChat implements ToolCallingLlm {
  readonly info: ModelInfo;
  readonly baseURL: string;
  private readonly connection: OpenAIConnection;
  private readonly retry: RetryPolicy;
  constructor(options: OpenAIChatOptions = {}) {
    this.connection = new OpenAIConnection(options, 'generation');
    this.baseURL = this.connection.baseURL;
    this.info = { provider: 'openai', model: options.model || DEFAULT_OPENAI_CHAT_MODEL };
    this.retry = retryPolicy(CHAT_RETRY, options.retry);
  }

  async *astream(prompt: string, { signal }: { signal: AbortSignal }): AsyncGenerator<string> {
    for await (const part of this.astreamTurn([{ role: 'user', content: prompt }], { signal })) {
      if (typeof part === 'string') yield part;
    }
  }

  /** One turn: the text as it streams, then the tool calls the model asked for (streamed as `tool_calls` deltas). */
  async *astreamTurn(messages: ChatMessage[], { signal, tools, toolChoice }: TurnOptions): AsyncGenerator<string | ToolCall> {
    const model = this.info.model;
    const { client } = this.connection.open();
    const offered = tools && tools.length > 0 && !refusedTools.has(`${this.baseURL} ${model}`) ? tools : undefined;
    const create = (withTools: boolean) => client.chat.completions.create({
      model, messages: toOpenAIMessages(messages), stream: true,
      ...(withTools && offered ? { tools: offered.map(toOpenAITool), tool_choice: toolChoice ?? 'auto' } : {}),
    }, { signal });
    const stream = await withRetries(async () => {
      try {
        return await create(true);
      } catch (err) {
        // A server without tool calling answers as it did before tools existed.
        if (!offered || signal.aborted || !(err instanceof APIError) || !rejectsTools(err.status, err.message)) {
          throw await this.connection.explainMissingModel(this.connection.toError(err, signal, { model }), model, signal);
        }
        refusedTools.add(`${this.baseURL} ${model}`);
        try {
          return await create(false);
        } catch (retryErr) {
          throw await this.connection.explainMissingModel(this.connection.toError(retryErr, signal, { model }), model, signal);
        }
      }
    }, this.retry, signal);
    const calls = new ToolCallDeltas();
    let tokens = 0;
    let finished = false;
    try {
      for await (const chunk of stream) {
        const choice = chunk.choices?.[0];
        const text = choice?.delta?.content;
        if (text) {
          tokens++;
          yield text;
        }
        calls.add(choice?.delta?.tool_calls);
        if (choice?.finish_reason) finished = true;
      }
      // The SDK ends an aborted stream quietly; the engine must still see the stream as stopped.
      if (signal.aborted) throw abortReason(signal);
      // Every chunk list ends with a finish_reason; a clean close without one is a cut connection.
      if (!finished) throw new StreamEndedEarlyError();
    } catch (err) {
      throw this.connection.toError(err, signal, { model, tokens });
    } finally {
      // Closes the HTTP stream when the consumer stops early; a no-op once the stream has ended.
      stream.controller.abort();
    }
    yield* calls.done();
  }
}

/**
 * One configured OpenAI endpoint: its client (SDK retries off, logging off, explicit key and base
 * URL so nothing is read from the environment behind the caller's back) and how to name it in messages.
 */
export class OpenAIConnection {
  readonly baseURL: string;
  readonly isOpenAI: boolean;
  readonly target: ProviderTarget;
  private readonly apiKey: string | undefined;
  private readonly timeoutMs: number;
  private client: OpenAI | undefined;

  constructor(options: OpenAIConnectionOptions, stage: ProviderTarget['stage']) {
    this.apiKey = options.apiKey?.trim() || undefined;
    this.baseURL = (options.baseURL?.trim() || OPENAI_BASE_URL).replace(/\/+$/, '');
    this.isOpenAI = /^https:\/\/api\.openai\.com(\/|$)/.test(this.baseURL);
    this.timeoutMs = options.requestTimeoutMs ?? OPENAI_REQUEST_TIMEOUT_MS;
    this.target = {
      name: this.isOpenAI ? 'OpenAI' : 'the OpenAI-compatible server',
      endpoint: this.baseURL,
      startHint: this.isOpenAI
        ? 'Check your network connection, or choose another provider.'
        : 'Start the server (LM Studio, llama.cpp, vLLM…) or check the base URL, or choose another provider.',
      missingModelHint: (model) => this.isOpenAI
        ? `Check the model name ("${model}"), or choose one your account can use.`
        : `Choose one of the models the server lists at ${this.baseURL}/models.`,
      keyHint: options.keyHint ?? DEFAULT_KEY_HINT,
      hasKey: this.apiKey !== undefined,
      secrets: this.apiKey ? [this.apiKey] : [],
      stage,
    };
  }

  /** The client, created on first use; throws `unauthorized` without a request when OpenAI itself has no key. */
  open(): { client: OpenAI; target: ProviderTarget } {
    if (!this.apiKey && this.isOpenAI) {
      throw new ProviderError('unauthorized', `No OpenAI API key is set. ${this.target.keyHint}`, { stage: this.target.stage });
    }
    this.client ??= new OpenAI({
      // Compatible servers usually need no key, but the SDK insists on one.
      apiKey: this.apiKey ?? 'no-key',
      baseURL: this.baseURL,
      maxRetries: 0,
      timeout: this.timeoutMs,
      logLevel: 'off',
    });
    return { client: this.client, target: this.target };
  }

  /** The ids `/models` lists, within a short timeout. */
  async listModels(signal?: AbortSignal, timeoutMs = MODEL_LIST_TIMEOUT_MS): Promise<string[]> {
    const { client } = this.open();
    const request = { signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), ...(signal ? [signal] : [])]), timeout: timeoutMs };
    const page = await client.models.list(request);
    return page.data.map((m) => m.id).filter((id): id is string => typeof id === 'string');
  }

  /**
   * A compatible server's model ids are hard to guess (LM Studio's `qwen2.5-7b-instruct`), so a
   * `model_not_found` from one names the models it has. OpenAI's own list is too long to help.
   */
  async explainMissingModel(err: unknown, model: string, signal?: AbortSignal): Promise<unknown> {
    if (this.isOpenAI || !(err instanceof ProviderError) || err.code !== 'model_not_found') return err;
    const models = await this.listModels(signal).catch(() => []);
    if (models.length === 0) return err;
    const shown = models.length > 12 ? `${models.slice(0, 12).join(', ')} and ${models.length - 12} more` : models.join(', ');
    return statusFailure({ ...this.target, missingModelHint: () => `Choose one of its models: ${shown}.` }, model, 404, '');
  }

  /** Maps an SDK error to a ProviderError; aborts pass through as the engine's reason. */
  toError(err: unknown, signal: AbortSignal | undefined, context: { model: string; tokens?: number }): unknown {
    if (signal?.aborted) return abortReason(signal);
    return toProviderError(unwrapSdkError(err), this.target, context);
  }
}

/** The SDK's error classes, reduced to the provider-neutral shapes providerErrors understands. */
function unwrapSdkError(err: unknown): unknown {
  if (err instanceof APIUserAbortError) return err;
  if (err instanceof APIConnectionTimeoutError) return Object.assign(new Error('request timed out'), { name: 'TimeoutError' });
  if (err instanceof APIConnectionError) return err.cause ?? err;
  if (err instanceof APIError) {
    const message = typeof err.error === 'object' && err.error !== null && typeof (err.error as { message?: unknown }).message === 'string'
      ? (err.error as { message: string }).message
      : err.message.replace(/^\d{3}\s+/, '').replace(/^status code \(no body\)$/, '');
    // An error sent as an SSE event has no status: the server failed in the middle of the stream.
    if (err.status === undefined) return new InStreamError(message);
    return new HttpStatusError(err.status, message, parseRetryAfter(err.headers));
  }
  return err;
}
