import type { Embedder } from '../indexing/embedder';
import { embedInBatches } from './embeddingBatches';
import { DEFAULT_OPENAI_EMBED_MODEL, OpenAIConnection, type OpenAIConnectionOptions } from './openaiProvider';
import { EMBED_RETRY, retryPolicy, retryPolicyForServer, withRetries, type RetryPolicy } from './retry';

export interface OpenAIEmbedderOptions extends OpenAIConnectionOptions {
  model?: string;
  /** Texts per `/embeddings` request (OpenAI accepts up to 2,048). */
  batchSize?: number;
  /** Requests in flight at once. */
  concurrency?: number;
  retry?: Partial<RetryPolicy>;
}

/**
 * Vectors from OpenAI's (or a compatible server's) `/embeddings`, batched, a few requests at a time,
 * retried on 429/5xx/connection errors. Asks for `encoding_format: 'float'`: the SDK would otherwise
 * ask for base64, which local servers do not support.
 */
export class OpenAIEmbedder implements Embedder {
  readonly id = 'openai';
  readonly model: string;
  readonly baseURL: string;
  private learnedDimensions: number | undefined;
  private hasAnswered = false;
  private readonly connection: OpenAIConnection;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly retry: RetryPolicy;

  constructor(options: OpenAIEmbedderOptions = {}) {
    this.connection = new OpenAIConnection(options, 'indexing');
    this.baseURL = this.connection.baseURL;
    this.model = options.model || DEFAULT_OPENAI_EMBED_MODEL;
    this.batchSize = options.batchSize ?? 64;
    this.concurrency = options.concurrency ?? 4;
    this.retry = retryPolicy(EMBED_RETRY, options.retry);
  }

  /** Unknown until the first answer: it depends on the model. */
  get dimensions(): number | undefined {
    return this.learnedDimensions;
  }

  async embed(texts: string[], options: { signal?: AbortSignal } = {}): Promise<Float32Array[]> {
    const { client, target } = this.connection.open();
    const vectors = await embedInBatches(texts, {
      batchSize: this.batchSize, concurrency: this.concurrency, signal: options.signal, dimensions: this.learnedDimensions,
      describe: `${target.name} at ${this.baseURL} (model "${this.model}")`,
    }, (batch, signal) => withRetries(async () => {
      try {
        // A signal per request: the SDK adds an abort listener to it and never removes it.
        const request = { signal: AbortSignal.any([signal]) };
        const response = await client.embeddings.create({ model: this.model, input: batch, encoding_format: 'float' }, request);
        this.hasAnswered = true;
        // `index` says which input each vector belongs to; servers may answer out of order.
        return [...(response.data ?? [])].sort((a, b) => a.index - b.index).map((d) => d.embedding);
      } catch (err) {
        throw await this.connection.explainMissingModel(this.connection.toError(err, signal, { model: this.model }), this.model, signal);
      }
    }, retryPolicyForServer(this.retry, this.hasAnswered), signal));
    this.learnedDimensions ??= vectors[0]?.length;
    return vectors;
  }
}
