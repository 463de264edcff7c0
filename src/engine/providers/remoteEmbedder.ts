import type { Embedder } from '../indexing/embedder';
import { embedInBatches } from './embeddingBatches';
import { EMBED_RETRY, retryPolicy, retryPolicyForServer, withRetries, type RetryPolicy } from './retry';

/** How an embedder that calls a server batches; each server has its own defaults. */
export interface BatchingOptions {
  model?: string;
  /** Texts per request. */
  batchSize?: number;
  /** Requests in flight at once. */
  concurrency?: number;
  retry?: Partial<RetryPolicy>;
}

/**
 * What every embedder that calls a server shares: batches sent a few at a time, retries (a refused
 * connection only once the server has answered: then it is restarting), and the dimension learned
 * from the first answer. A subclass sends one batch.
 */
export abstract class RemoteEmbedder implements Embedder {
  abstract readonly id: string;
  private learnedDimensions: number | undefined;
  private hasAnswered = false;
  private readonly retry: RetryPolicy;

  readonly model: string;
  private readonly batching: { batchSize: number; concurrency: number };

  constructor(options: BatchingOptions, defaults: { model: string; batchSize: number; concurrency: number }) {
    this.model = options.model || defaults.model;
    this.batching = { batchSize: options.batchSize ?? defaults.batchSize, concurrency: options.concurrency ?? defaults.concurrency };
    this.retry = retryPolicy(EMBED_RETRY, options.retry);
  }

  /** Unknown until the first answer: it depends on the model. */
  get dimensions(): number | undefined {
    return this.learnedDimensions;
  }

  async embed(texts: string[], options: { signal?: AbortSignal } = {}): Promise<Float32Array[]> {
    const vectors = await embedInBatches(texts, { ...this.batching, signal: options.signal, dimensions: this.learnedDimensions, describe: this.describe() },
      (batch, signal) => withRetries(async () => {
        const result = await this.embedBatch(batch, signal);
        this.hasAnswered = true;
        return result;
      }, retryPolicyForServer(this.retry, this.hasAnswered), signal));
    this.learnedDimensions ??= vectors[0]?.length;
    return vectors;
  }

  /** The server and model, for messages: `Ollama at http://… (model "…")`. */
  protected abstract describe(): string;

  /** One request: the vectors of `batch`, in order; failures as ProviderErrors that say what to do. */
  protected abstract embedBatch(batch: string[], signal: AbortSignal): Promise<number[][]>;
}
