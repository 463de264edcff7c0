import { Ollama } from 'ollama';
import { ollamaFetch } from './ollamaTransport';
import { DEFAULT_OLLAMA_EMBED_MODEL, normalizeOllamaHost, ollamaTarget } from './ollamaProvider';
import { toProviderError } from './providerErrors';
import { RemoteEmbedder, type BatchingOptions } from './remoteEmbedder';

export interface OllamaEmbedderOptions extends BatchingOptions {
  host?: string;
  /** Longest a single request may take, body included. */
  requestTimeoutMs?: number;
}

/** Vectors from Ollama's `/api/embed`, batched, a few requests at a time, retried on 429/5xx/connection errors. */
export class OllamaEmbedder extends RemoteEmbedder {
  readonly id = 'ollama';
  readonly host: string;
  private readonly requestTimeoutMs: number;

  constructor(options: OllamaEmbedderOptions = {}) {
    // Ollama runs one model at a time: a little overlap of requests is all that helps.
    super(options, { model: DEFAULT_OLLAMA_EMBED_MODEL, batchSize: 16, concurrency: 2 });
    this.host = normalizeOllamaHost(options.host);
    this.requestTimeoutMs = options.requestTimeoutMs ?? 120_000;
  }

  protected describe(): string {
    return `Ollama at ${this.host} (model "${this.model}")`;
  }

  protected async embedBatch(batch: string[], signal: AbortSignal): Promise<number[][]> {
    // The client passes no signal for non-streaming requests; this fetch adds it and a timeout.
    const client = new Ollama({ host: this.host, fetch: ollamaFetch({ signal, timeoutMs: this.requestTimeoutMs }) });
    try {
      return (await client.embed({ model: this.model, input: batch })).embeddings;
    } catch (err) {
      throw signal.aborted ? signal.reason ?? err : toProviderError(err, ollamaTarget(this.host, 'indexing'), { model: this.model });
    }
  }
}
