import { RagError } from '../errors';
import type { ErrorCode } from '../../protocol/errorCodes';
import type { Stage } from '../../protocol/events';

/**
 * Turns whatever a provider's client throws into a `ProviderError` whose message says what happened
 * and what to do. Codes are stable: `connection_refused`, `request_timeout`, `model_not_found`,
 * `unauthorized`, `rate_limited`, `server_error`, `stream_interrupted`, `bad_response`.
 */
export class ProviderError extends RagError {
  constructor(code: ErrorCode, message: string, options: { stage?: Stage; cause?: unknown; retryAfterMs?: number; status?: number } = {}) {
    super(code, message, options.stage, { cause: options.cause });
    this.name = 'ProviderError';
    this.retryAfterMs = options.retryAfterMs;
    this.status = options.status;
  }

  /** How long the server asked us to wait before trying again (Retry-After), when it said. */
  readonly retryAfterMs: number | undefined;
  /** The HTTP status behind the error, when there was one. */
  readonly status: number | undefined;
}

/** An HTTP response that was not 2xx, with what the server said about it. */
export class HttpStatusError extends Error {
  constructor(readonly status: number, readonly serverMessage: string, readonly retryAfterMs: number | undefined) {
    super(`HTTP ${status}${serverMessage ? `: ${serverMessage}` : ''}`);
    this.name = 'HttpStatusError';
  }

  /** Reads the error body: `{ "error": "…" }` (Ollama), `{ "error": { "message": "…" } }` (OpenAI) or plain text. */
  static async from(response: Response): Promise<HttpStatusError> {
    const text = await response.text().catch(() => '');
    return new HttpStatusError(response.status, serverMessageOf(text), parseRetryAfter(response.headers));
  }
}

/** A stream line that is not what the wire format promises. */
export class MalformedStreamError extends Error {
  constructor(readonly detail: string) {
    super(detail);
    this.name = 'MalformedStreamError';
  }
}

/** The stream ended cleanly but before the server said it was done. */
export class StreamEndedEarlyError extends Error {
  constructor() {
    super('the stream ended before the final message');
    this.name = 'StreamEndedEarlyError';
  }
}

/** An error the server reported inside an otherwise good stream (`{"error": …}` as a stream line). */
export class InStreamError extends Error {
  constructor(readonly serverMessage: string) {
    super(serverMessage);
    this.name = 'InStreamError';
  }
}

/** Who we were talking to, phrased for messages. */
export interface ProviderTarget {
  /** As written mid-sentence: "Ollama", "OpenAI", "the OpenAI-compatible server". */
  name: string;
  /** Where: a host or base URL, shown to the user. */
  endpoint: string;
  /** What to do when nothing answers at `endpoint`. */
  startHint: string;
  /** What to do when the server does not have `model`. */
  missingModelHint: (model: string) => string;
  /** What to do about a missing or rejected key; absent for servers without keys. */
  keyHint?: string;
  /** Whether a key was sent (401 then means a wrong key rather than a missing one). */
  hasKey?: boolean;
  /** Strings that must never appear in a message (the API key). */
  secrets?: readonly string[];
  /** Stage for the error event: generation for chat, indexing for embeddings. */
  stage?: Stage;
}

export interface FailureContext {
  model: string;
  /** Tokens already streamed when it failed; 0 before the first token. */
  tokens?: number;
}

/** Maps a client, transport or HTTP failure to a ProviderError. Aborts are the caller's business and are returned unchanged. */
export function toProviderError(err: unknown, target: ProviderTarget, context: FailureContext): unknown {
  if (err instanceof RagError) return err;
  if (isAbort(err)) return err;
  const stage = target.stage;
  const tokens = context.tokens ?? 0;
  if (err instanceof HttpStatusError) return statusFailure(target, context.model, err.status, err.serverMessage, err.retryAfterMs);
  if (err instanceof MalformedStreamError) {
    return new ProviderError('bad_response', `${cap(target.name)} at ${target.endpoint} sent a malformed stream line (${redact(err.detail, target)}). `
      + 'Check that the address points at the right kind of server and that no proxy rewrites the stream, then ask again.', { stage, cause: err });
  }
  if (err instanceof InStreamError) {
    return new ProviderError('server_error', `${cap(target.name)} reported an error${tokens > 0 ? ' in the middle of the answer' : ''}: ${clip(redact(err.serverMessage, target))}. `
      + 'Check the server\'s log, then ask again.', { stage, cause: err });
  }
  if (err instanceof StreamEndedEarlyError) return interrupted(target, tokens, err);
  const network = networkFailure(err);
  if (network === 'refused') {
    return new ProviderError('connection_refused', `${cap(target.name)} is not running at ${target.endpoint}. ${target.startHint}`, { stage, cause: err });
  }
  if (network === 'unreachable') {
    return new ProviderError('connection_refused', `${cap(target.name)} cannot be reached at ${target.endpoint} (${networkCode(err)}). `
      + 'Check the address and your network connection, or choose another provider.', { stage, cause: err });
  }
  if (network === 'timeout') {
    return new ProviderError('request_timeout', `${cap(target.name)} at ${target.endpoint} did not answer in time. `
      + 'Check that the server is running and not overloaded, then try again.', { stage, cause: err });
  }
  if (network === 'dropped') return interrupted(target, tokens, err);
  if (err instanceof SyntaxError) {
    return new ProviderError('bad_response', `${cap(target.name)} at ${target.endpoint} sent a malformed stream line (${clip(redact(err.message, target))}). `
      + 'Check that the address points at the right kind of server and that no proxy rewrites the stream, then ask again.', { stage, cause: err });
  }
  const detail = err instanceof Error ? err.message || err.name : String(err);
  return new ProviderError('server_error', `${cap(target.name)} at ${target.endpoint} failed: ${clip(redact(detail, target))}. Check the server, then try again.`, { stage, cause: err });
}

/** The error for an HTTP status, with the server's own words where they help. */
export function statusFailure(target: ProviderTarget, model: string, status: number, serverMessage: string, retryAfterMs?: number): ProviderError {
  const stage = target.stage;
  const said = serverMessage ? `: ${clip(redact(serverMessage, target))}` : '';
  if (status === 401 || status === 403) {
    // The server's words are left out: some echo part of the key back.
    const problem = status === 403 ? 'refused access with this API key' : target.hasKey ? 'rejected the API key' : 'needs an API key and none is set';
    const hint = target.keyHint ?? 'Check the API key in the settings.';
    return new ProviderError('unauthorized', `${cap(target.name)} at ${target.endpoint} ${problem} (HTTP ${status}). ${hint}`, { stage, status });
  }
  if (status === 404) {
    return new ProviderError('model_not_found', `${cap(target.name)} at ${target.endpoint} has no model "${model}" (HTTP 404). ${target.missingModelHint(model)}`, { stage, status });
  }
  if (status === 429) {
    const wait = retryAfterMs !== undefined ? `Wait ${formatWait(retryAfterMs)} and try again` : 'Wait a moment and try again';
    return new ProviderError('rate_limited', `${cap(target.name)} is limiting requests (HTTP 429${said}). ${wait}.`,
      { stage, status, retryAfterMs });
  }
  if (status >= 500) {
    return new ProviderError('server_error', `${cap(target.name)} at ${target.endpoint} failed (HTTP ${status}${said}). Try again; if it keeps failing, check the server's log.`,
      { stage, status, retryAfterMs });
  }
  return new ProviderError('bad_request', `${cap(target.name)} at ${target.endpoint} refused the request (HTTP ${status}${said}). Check the model name and the provider settings.`,
    { stage, status });
}

function interrupted(target: ProviderTarget, tokens: number, cause: unknown): ProviderError {
  const message = tokens > 0
    ? `The connection to ${target.name} at ${target.endpoint} dropped in the middle of the answer. The text so far is kept; ask again for a complete answer.`
    : `The connection to ${target.name} at ${target.endpoint} closed before the answer started. Check the server, then ask again.`;
  return new ProviderError('stream_interrupted', message, { stage: target.stage, cause });
}

type NetworkFailure = 'refused' | 'unreachable' | 'timeout' | 'dropped';

const REFUSED = new Set(['ECONNREFUSED']);
const UNREACHABLE = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);
const TIMEOUT = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT']);
const DROPPED = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNABORTED']);

/** What kind of network failure `err` is, looking through `cause` chains (fetch wraps the socket error). */
export function networkFailure(err: unknown): NetworkFailure | undefined {
  const code = networkCode(err);
  if (code && REFUSED.has(code)) return 'refused';
  if (code && UNREACHABLE.has(code)) return 'unreachable';
  if (code && TIMEOUT.has(code)) return 'timeout';
  if (code && DROPPED.has(code)) return 'dropped';
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e.name === 'TimeoutError' || e.name === 'APIConnectionTimeoutError') return 'timeout';
    // undici's message when a response body's socket closes early.
    if (e instanceof TypeError && e.message === 'terminated') return 'dropped';
  }
  return undefined;
}

function networkCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(code)) return code;
    const inner = (e as { errors?: unknown }).errors;
    if (Array.isArray(inner)) {
      const found = inner.map(networkCode).find((c) => c !== undefined);
      if (found) return found;
    }
  }
  return undefined;
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || err.name === 'APIUserAbortError');
}

/** Parses `retry-after-ms`, then `Retry-After` (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(headers: { get(name: string): string | null } | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number.parseFloat(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** "30 s", "2 min", "1.5 s" */
export function formatWait(ms: number): string {
  if (ms >= 120_000) return `${Math.ceil(ms / 60_000)} min`;
  if (ms >= 10_000 || ms % 1000 === 0) return `${Math.ceil(ms / 1000)} s`;
  return `${Math.max(0.1, Math.round(ms / 100) / 10)} s`;
}

function serverMessageOf(body: string): string {
  const text = body.trim();
  if (!text) return '';
  try {
    const parsed = JSON.parse(text) as { error?: unknown; message?: unknown };
    const error = parsed?.error;
    if (typeof error === 'string') return error;
    if (error && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string') return (error as { message: string }).message;
    if (typeof parsed?.message === 'string') return parsed.message;
  } catch {
    // Not JSON: a proxy's HTML or plain text page.
  }
  return text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
}

function redact(text: string, target: ProviderTarget): string {
  let out = text;
  for (const secret of target.secrets ?? []) if (secret.length >= 4) out = out.split(secret).join('***');
  return out;
}

function cap(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function clip(text: string, max = 200): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length <= max ? oneLine : oneLine.slice(0, max - 1) + '…';
}

/** Whether an error says the server or model takes no `tools` (Ollama's "does not support tools", llama.cpp without --jinja). */
export function rejectsTools(status: number | undefined, message: string): boolean {
  return (status === 400 || status === 422 || status === 500 || status === 501) && /\btools?\b|function.?call/i.test(message);
}

/** Endpoints and models that refused `tools` in this process (`endpoint model`): later questions are asked without them. */
export const refusedTools = new Set<string>();
