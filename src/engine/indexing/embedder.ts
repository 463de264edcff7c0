/**
 * Turns texts into vectors. The index records `id`, `model` and `dimensions`; a change of any of
 * them rebuilds the index cleanly, since vectors of different models cannot be compared.
 */
export interface Embedder {
  /** `offline`, `ollama` or `openai`. */
  readonly id: string;
  readonly model: string;
  /** Known up front for local embedders; remote ones learn it from their first answer. */
  readonly dimensions: number | undefined;
  /** Vectors for `texts`, in order, each of `dimensions` numbers. Batching and retries are the embedder's job. */
  embed(texts: string[], options?: { signal?: AbortSignal }): Promise<Float32Array[]>;
}
