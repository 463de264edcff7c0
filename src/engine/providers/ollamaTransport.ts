import { HttpStatusError, InStreamError, MalformedStreamError, StreamEndedEarlyError } from './providerErrors';

export interface OllamaFetchOptions {
  /** The caller's signal; the ollama client passes none for non-streaming requests (list, embed). */
  signal?: AbortSignal;
  /** Abort the request, body included, after this long. */
  timeoutMs?: number;
  /** Check the body as Ollama's NDJSON stream (chat with `stream: true`). */
  ndjson?: boolean;
}

/**
 * The `fetch` handed to the ollama client. It adds what the client lacks:
 * - the caller's AbortSignal on every request, so cancelling really closes the HTTP request;
 * - HTTP errors thrown as HttpStatusError with Retry-After (the client's own error path drops the
 *   headers and logs to stdout, which would corrupt `ask --json`);
 * - a check of each stream line: the client silently skips a malformed line, this fails the stream.
 */
export function ollamaFetch(options: OllamaFetchOptions): typeof fetch {
  return async (input, init = {}) => {
    const signals = [init.signal, options.signal, options.timeoutMs !== undefined ? AbortSignal.timeout(options.timeoutMs) : undefined]
      .filter((s): s is AbortSignal => s instanceof AbortSignal);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    const response = await fetch(input, { ...init, signal });
    if (!response.ok) throw await HttpStatusError.from(response);
    if (!options.ndjson || !response.body) return response;
    return new Response(checkedNdjson(response.body), { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

/**
 * Passes an NDJSON stream through line by line, in order, and errors it at the first line that is not
 * JSON, at an `{"error": …}` line, or when it ends without the final `"done": true` line. Lines before
 * a bad one are delivered first (the error waits for the next read), so tokens already sent are kept.
 */
export function checkedNdjson(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let buffer = '';
  let sawDone = false;
  let failure: Error | undefined;

  // Returns the lines to pass on; stops at the first bad line and remembers why.
  const accept = (lines: string[]): string[] => {
    const good: string[] = [];
    for (const line of lines) {
      if (line.trim() === '') continue;
      let message: unknown;
      try {
        message = JSON.parse(line);
      } catch {
        failure = new MalformedStreamError(`not JSON: ${JSON.stringify(line.length > 80 ? line.slice(0, 80) + '…' : line)}`);
        break;
      }
      if (message === null || typeof message !== 'object' || Array.isArray(message)) {
        failure = new MalformedStreamError(`not a JSON object: ${JSON.stringify(line.slice(0, 80))}`);
        break;
      }
      const { error, done } = message as { error?: unknown; done?: unknown };
      if (error !== undefined) {
        failure = new InStreamError(typeof error === 'string' ? error : JSON.stringify(error));
        break;
      }
      if (done === true) sawDone = true;
      good.push(line);
    }
    return good;
  };

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (failure) {
        controller.error(failure);
        return;
      }
      for (;;) {
        const { done, value } = await reader.read();
        const lines = done ? [buffer + decoder.decode()] : (buffer += decoder.decode(value, { stream: true })).split('\n');
        buffer = done ? '' : lines.pop() ?? '';
        const good = accept(lines);
        if (good.length > 0) controller.enqueue(encoder.encode(good.join('\n') + '\n'));
        if (done && !failure && !sawDone) failure = new StreamEndedEarlyError();
        if (failure && good.length === 0) {
          controller.error(failure);
          return;
        }
        if (good.length > 0 || failure) return;
        if (done) {
          controller.close();
          return;
        }
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}
