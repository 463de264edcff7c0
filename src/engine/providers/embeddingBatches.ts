import { CancelledError } from '../errors';
import { ProviderError } from './providerErrors';

export interface BatchOptions {
  /** Texts per request. */
  batchSize: number;
  /** Requests in flight at once. */
  concurrency: number;
  signal?: AbortSignal;
  /** Dimension every vector must have, when already known. */
  dimensions?: number;
  /** Describes the server in a bad_response message. */
  describe: string;
}

/**
 * Embeds `texts` in batches of `batchSize`, at most `concurrency` requests at a time, and returns the
 * vectors in input order. The first failing batch stops the others (their requests are aborted).
 * Every vector is checked: one per text, all of one dimension.
 */
export async function embedInBatches(texts: readonly string[], options: BatchOptions,
  embedBatch: (batch: string[], signal: AbortSignal) => Promise<number[][]>): Promise<Float32Array[]> {
  if (texts.length === 0) return [];
  if (options.signal?.aborted) throw options.signal.reason ?? new CancelledError();
  const batchSize = Math.max(1, Math.floor(options.batchSize));
  const batches: { start: number; texts: string[] }[] = [];
  for (let start = 0; start < texts.length; start += batchSize) batches.push({ start, texts: texts.slice(start, start + batchSize) });

  // One controller for the whole call: the caller's abort or the first failure stops every batch.
  const controller = new AbortController();
  const forward = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', forward, { once: true });
  const vectors = new Array<Float32Array>(texts.length);
  let dimensions = options.dimensions;
  let nextBatch = 0;
  const worker = async () => {
    while (nextBatch < batches.length && !controller.signal.aborted) {
      const batch = batches[nextBatch++];
      const result = await embedBatch(batch.texts, controller.signal);
      if (!Array.isArray(result) || result.length !== batch.texts.length) {
        throw badResponse(options.describe, `${Array.isArray(result) ? result.length : 'no'} vectors for ${batch.texts.length} texts`);
      }
      for (const [i, vector] of result.entries()) {
        if (!Array.isArray(vector) || vector.length === 0 || typeof vector[0] !== 'number') throw badResponse(options.describe, 'a vector that is not a list of numbers');
        dimensions ??= vector.length;
        if (vector.length !== dimensions) throw badResponse(options.describe, `vectors of ${vector.length} and ${dimensions} dimensions`);
        vectors[batch.start + i] = Float32Array.from(vector);
      }
    }
  };
  try {
    const workers = Array.from({ length: Math.min(Math.max(1, options.concurrency), batches.length) }, () => worker().catch((err: unknown) => {
      if (!controller.signal.aborted) controller.abort(err);
      throw err;
    }));
    const results = await Promise.allSettled(workers);
    if (options.signal?.aborted) throw options.signal.reason ?? new CancelledError();
    // The first failure is the cause; the others are the aborts it triggered.
    const failed = controller.signal.aborted ? controller.signal.reason : results.find((r) => r.status === 'rejected')?.reason;
    if (failed !== undefined) throw failed;
    return vectors;
  } finally {
    options.signal?.removeEventListener('abort', forward);
  }
}

function badResponse(describe: string, what: string): ProviderError {
  const subject = describe.charAt(0).toUpperCase() + describe.slice(1);
  return new ProviderError('bad_response', `${subject} answered an embedding request with ${what}. `
    + 'Check that the embedding model is an embedding model and the server is compatible, then index again.', { stage: 'indexing' });
}
