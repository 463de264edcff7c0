import { sleep } from '../deadline';
import { RagError } from '../errors';
import { ProviderError } from './providerErrors';

/** How often and how patiently to retry one request. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** First backoff; each retry doubles it. */
  baseDelayMs: number;
  /** Longest wait between two attempts, whether backoff or the server's Retry-After. */
  maxDelayMs: number;
  /** Error codes worth another attempt. */
  retryOn: readonly string[];
}

/**
 * Before the first token of an answer: a busy or failing server gets two quick retries; a server that
 * is not running does not (auto falls back at once, and the user hears about it without delay).
 */
export const CHAT_RETRY: RetryPolicy = { retries: 2, baseDelayMs: 500, maxDelayMs: 4_000, retryOn: ['rate_limited', 'server_error', 'stream_interrupted'] };

/** Indexing is a batch job: more patience, and a server restarting in the middle is waited for. */
export const EMBED_RETRY: RetryPolicy = {
  retries: 4, baseDelayMs: 500, maxDelayMs: 10_000,
  retryOn: ['rate_limited', 'server_error', 'stream_interrupted', 'connection_refused', 'request_timeout'],
};

/**
 * Runs `attempt` until it succeeds, the error is not retryable, the retries are used up or `signal`
 * aborts. Waits are abortable. A Retry-After longer than `maxDelayMs` is not waited out: the error,
 * whose message names the wait, is thrown at once.
 */
export async function withRetries<T>(attempt: (n: number) => Promise<T>, policy: RetryPolicy, signal?: AbortSignal,
  random: () => number = Math.random): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (signal?.aborted || n >= policy.retries || !(err instanceof RagError) || !policy.retryOn.includes(err.code)) throw err;
      const asked = err instanceof ProviderError ? err.retryAfterMs : undefined;
      if (asked !== undefined && asked > policy.maxDelayMs) throw err;
      await sleep(asked ?? backoffDelay(n, policy, random), signal ?? new AbortController().signal);
    }
  }
}

/** Exponential backoff with up to 25 % jitter downwards, so parallel clients do not retry in step. */
export function backoffDelay(retry: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, random: () => number = Math.random): number {
  const delay = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.round(delay * (1 - random() * 0.25));
}

/**
 * Refused connections are retried only once the server has answered: one that was answering and now
 * refuses is restarting, one that never answered is not running, and waiting only delays saying so.
 */
export function retryPolicyForServer(policy: RetryPolicy, hasAnswered: boolean): RetryPolicy {
  return hasAnswered ? policy : { ...policy, retryOn: policy.retryOn.filter((code) => code !== 'connection_refused') };
}

/** Merges a policy with overrides from options. */
export function retryPolicy(base: RetryPolicy, overrides?: Partial<RetryPolicy>): RetryPolicy {
  return { ...base, ...overrides };
}
