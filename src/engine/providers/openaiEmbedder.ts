import { DEFAULT_OPENAI_EMBED_MODEL, OpenAIConnection, type OpenAIConnectionOptions } from './openaiProvider';
import { RemoteEmbedder, type BatchingOptions } from './remoteEmbedder';

export interface OpenAIEmbedderOptions extends OpenAIConnectionOptions, BatchingOptions {}

/**
 * Vectors from OpenAI's (or a compatible server's) `/embeddings`, batched, a few requests at a time,
 * retried on 429/5xx/connection errors. Asks for `encoding_format: 'float'`: the SDK would otherwise
 * ask for base64, which local servers do not support.
 */
export class OpenAIEmbedder extends RemoteEmbedder {
  readonly id = 'openai';
  readonly baseURL: string;
  private readonly connection: OpenAIConnection;

  constructor(options: OpenAIEmbedderOptions = {}) {
    // OpenAI accepts up to 2,048 texts a request; 64 keeps each request quick to retry.
    super(options, { model: DEFAULT_OPENAI_EMBED_MODEL, batchSize: 64, concurrency: 4 });
    this.connection = new OpenAIConnection(options, 'indexing');
    this.baseURL = this.connection.baseURL;
  }

  protected describe(): string {
    return `${this.connection.target.name} at ${this.baseURL} (model "${this.model}")`;
  }

  protected async embedBatch(batch: string[], signal: AbortSignal): Promise<number[][]> {
    const { client } = this.connection.open();
    try {
      // A signal per request: the SDK adds an abort listener to it and never removes it.
      const request = { signal: AbortSignal.any([signal]) };
      const response = await client.embeddings.create({ model: this.model, input: batch, encoding_format: 'float' }, request);
      // `index` says which input each vector belongs to; servers may answer out of order.
      return [...(response.data ?? [])].sort((a, b) => a.index - b.index).map((d) => d.embedding);
    } catch (err) {
      throw await this.connection.explainMissingModel(this.connection.toError(err, signal, { model: this.model }), this.model, signal);
    }
  }
}
