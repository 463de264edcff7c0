import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RagError } from '../../src/engine/errors';
import { checkedNdjson } from '../../src/engine/providers/ollamaTransport';
import {
  InStreamError, MalformedStreamError, ProviderError, StreamEndedEarlyError, formatWait, parseRetryAfter, statusFailure, toProviderError,
  type ProviderTarget,
} from '../../src/engine/providers/providerErrors';
import { backoffDelay, withRetries, type RetryPolicy } from '../../src/engine/providers/retry';

/** A byte stream delivering `chunks` one read at a time. */
function bytes(chunks: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i === chunks.length) return controller.close();
      const chunk = chunks[i++];
      controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
    },
  });
}

/** Reads a stream to its end: the text delivered before it ended, and the error it ended with. */
async function drain(stream: ReadableStream<Uint8Array>): Promise<{ text: string; error?: unknown }> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text };
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    return { text, error };
  }
}

const line = (content: string, done = false) => JSON.stringify({ message: { role: 'assistant', content }, done }) + '\n';

describe('checkedNdjson: Ollama stream lines checked as they pass', () => {
  it('reassembles lines split across reads, even inside a multi-byte character', async () => {
    const whole = new TextEncoder().encode(line('naïve café') + line('', true));
    const cut = whole.indexOf(0xc3) + 1; // between the two bytes of "ï"
    const { text, error } = await drain(checkedNdjson(bytes([whole.slice(0, 5), whole.slice(5, cut), whole.slice(cut)])));
    assert.equal(error, undefined);
    assert.equal(text, line('naïve café') + line('', true));
  });

  it('delivers the good lines before a malformed one, then errors with the line quoted', async () => {
    const { text, error } = await drain(checkedNdjson(bytes([line('a') + line('b') + '{"message": oops\n' + line('', true)])));
    assert.equal(text, line('a') + line('b'));
    assert.ok(error instanceof MalformedStreamError);
    assert.equal(error.detail, 'not JSON: "{\\"message\\": oops"');
  });

  it('turns an {"error": …} line into an InStreamError carrying the server\'s words', async () => {
    const { text, error } = await drain(checkedNdjson(bytes([line('a'), '{"error":"out of memory"}\n'])));
    assert.equal(text, line('a'));
    assert.ok(error instanceof InStreamError && error.serverMessage === 'out of memory');
  });

  it('reports a stream that ends without the done line', async () => {
    const { text, error } = await drain(checkedNdjson(bytes([line('a'), line('b')])));
    assert.equal(text, line('a') + line('b'));
    assert.ok(error instanceof StreamEndedEarlyError);
  });

  it('accepts a final line without a trailing newline and skips blank lines', async () => {
    const { text, error } = await drain(checkedNdjson(bytes([line('a'), '\n\n', line('', true).trimEnd()])));
    assert.equal(error, undefined);
    assert.equal(text, line('a') + line('', true));
  });
});

describe('provider error messages', () => {
  const target: ProviderTarget = {
    name: 'the OpenAI-compatible server', endpoint: 'http://127.0.0.1:1234/v1', startHint: 'Start it.',
    missingModelHint: () => 'Pick another.', keyHint: 'Set OPENAI_API_KEY.', hasKey: true, secrets: ['sk-secret-value'],
  };

  it('reads Retry-After as seconds, as an HTTP date, and retry-after-ms first', () => {
    const headers = (h: Record<string, string>) => new Headers(h);
    assert.equal(parseRetryAfter(headers({ 'retry-after': '12' })), 12_000);
    const now = Date.parse('2025-01-01T00:00:00Z');
    assert.equal(parseRetryAfter(headers({ 'retry-after': 'Wed, 01 Jan 2025 00:01:30 GMT' }), now), 90_000);
    assert.equal(parseRetryAfter(headers({ 'retry-after-ms': '250', 'retry-after': '12' })), 250);
    assert.equal(parseRetryAfter(headers({ 'retry-after': 'soon' })), undefined);
    assert.equal(parseRetryAfter(headers({})), undefined);
  });

  it('says waits the way people read them', () => {
    assert.deepEqual([500, 1_500, 20_000, 90_000, 600_000].map(formatWait), ['0.5 s', '1.5 s', '20 s', '90 s', '10 min']);
  });

  it('never repeats the key: 401 drops the server\'s words, other messages are redacted', () => {
    const unauthorized = statusFailure(target, 'm', 401, 'Incorrect API key provided: sk-secret-value');
    assert.equal(unauthorized.message, 'The OpenAI-compatible server at http://127.0.0.1:1234/v1 rejected the API key (HTTP 401). Set OPENAI_API_KEY.');
    const failed = statusFailure(target, 'm', 502, 'upstream sk-secret-value failed');
    assert.equal(failed.message, "The OpenAI-compatible server at http://127.0.0.1:1234/v1 failed (HTTP 502: upstream *** failed). Try again; if it keeps failing, check the server's log.");
  });

  it('names a missing key differently from a wrong one', () => {
    assert.match(statusFailure({ ...target, hasKey: false }, 'm', 401, '').message, /needs an API key and none is set \(HTTP 401\)/);
  });

  it('recognises a refused connection through fetch\'s cause chain, and leaves aborts alone', () => {
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1234'), { code: 'ECONNREFUSED' }) });
    const mapped = toProviderError(refused, target, { model: 'm' });
    assert.ok(mapped instanceof ProviderError && mapped.code === 'connection_refused');
    const abort = Object.assign(new Error('aborted'), { name: 'AbortError' });
    assert.equal(toProviderError(abort, target, { model: 'm' }), abort);
    const already = new RagError('generation_timeout', 'late');
    assert.equal(toProviderError(already, target, { model: 'm' }), already);
  });
});

describe('withRetries', () => {
  const policy: RetryPolicy = { retries: 3, baseDelayMs: 1, maxDelayMs: 1_000, retryOn: ['server_error', 'rate_limited'] };

  it('retries the codes it is told to, up to its limit', async () => {
    let attempts = 0;
    await assert.rejects(withRetries(async () => { attempts++; throw new ProviderError('server_error', 'x'); }, policy), /x/);
    assert.equal(attempts, 4);
  });

  it('does not retry other codes, nor a Retry-After longer than it would wait', async () => {
    let attempts = 0;
    await assert.rejects(withRetries(async () => { attempts++; throw new ProviderError('unauthorized', 'x'); }, policy));
    await assert.rejects(withRetries(async () => { attempts++; throw new ProviderError('rate_limited', 'x', { retryAfterMs: 30_000 }); }, policy));
    assert.equal(attempts, 2);
  });

  it('stops waiting as soon as the signal aborts', async () => {
    const controller = new AbortController();
    const slow: RetryPolicy = { ...policy, baseDelayMs: 60_000, maxDelayMs: 60_000 };
    const pending = withRetries(async () => { throw new ProviderError('server_error', 'x'); }, slow, controller.signal);
    setTimeout(() => controller.abort(), 10);
    await assert.rejects(pending, (err: unknown) => err instanceof RagError && err.code === 'cancelled');
  });

  it('backs off exponentially up to the cap, with jitter only downwards', () => {
    const p = { baseDelayMs: 500, maxDelayMs: 4_000 };
    assert.deepEqual([0, 1, 2, 3, 4].map((n) => backoffDelay(n, p, () => 0)), [500, 1_000, 2_000, 4_000, 4_000]);
    assert.equal(backoffDelay(1, p, () => 1), 750);
  });
});
