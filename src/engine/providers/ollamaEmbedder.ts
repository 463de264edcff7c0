import { Ollama } from 'ollama';
import type { Embedder } from '../indexing/embedder';
import { embedInBatches } from './embeddingBatches';
import { ollamaFetch } from './ollamaTransport';
import { DEFAULT_OLLAMA_EMBED_MODEL, normalizeOllamaHost, ollamaTarget } from './ollamaProvider';
import { toProviderError } from './providerErrors';
import { EMBED_RETRY, retryPolicy, retryPolicyForServer, withRetries, type RetryPolicy } from './retry';

export interface OllamaEmbedderOptions {
  host?: string;
  model?: string;
  /** Texts per `/api/embed` request. */
  batchSize?: number;
  /** Requests in flight at once: Ollama runs one model, so a little overlap is all that helps. */
  concurrency?: number;
  /** Longest a single request may take, body included. */
  requestTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
}

/** Vectors from Ollama's `/api/embed`, batched, a few requests at a time, retried on 429/5xx/connection errors. */
export class OllamaEmbedder implements Embedder {
  readonly id = 'ollama';
  readonly model: string;
  readonly host: string;
  private learnedDimensions: number | undefined;
  private hasAnswered = false;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly requestTimeoutMs: number;
  private readonly retry: RetryPolicy;

  constructor(options: OllamaEmbedderOptions = {}) {
    this.host = normalizeOllamaHost(options.host);
    this.model = options.model || DEFAULT_OLLAMA_EMBED_MODEL;
    this.batchSize = options.batchSize ?? 16;
    this.concurrency = options.concurrency ?? 2;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 120_000;
    this.retry = retryPolicy(EMBED_RETRY, options.retry);
  }

  /** Unknown until the first answer: it depends on the model. */
  get dimensions(): number | undefined {
    return this.learnedDimensions;
  }

  async embed(texts: string[], options: { signal?: AbortSignal } = {}): Promise<Float32Array[]> {
    const target = ollamaTarget(this.host, 'indexing');
    const vectors = await embedInBatches(texts, {
      batchSize: this.batchSize, concurrency: this.concurrency, signal: options.signal, dimensions: this.learnedDimensions,
      describe: `Ollama at ${this.host} (model "${this.model}")`,
    }, (batch, signal) => withRetries(async () => {
      // The client passes no signal for non-streaming requests; this fetch adds it and a timeout.
      const client = new Ollama({ host: this.host, fetch: ollamaFetch({ signal, timeoutMs: this.requestTimeoutMs }) });
      try {
        const { embeddings } = await client.embed({ model: this.model, input: batch });
        this.hasAnswered = true;
        return embeddings;
      } catch (err) {
        throw signal.aborted ? signal.reason ?? err : toProviderError(err, target, { model: this.model });
      }
    }, retryPolicyForServer(this.retry, this.hasAnswered), signal));
    this.learnedDimensions ??= vectors[0]?.length;
    return vectors;
  }
}
