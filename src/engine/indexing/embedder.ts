import type { CollectionStats } from '../retrieval/bm25';

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
  /**
   * Optional, for embedders built on the index's own search terms: the same vectors as `embed`, from
   * terms the index has already computed, so large workspaces are not tokenized twice.
   */
  embedTerms?(items: readonly TermsOfText[]): Float32Array[];
  /**
   * Optional: a question's vector, when the embedder treats questions otherwise than the texts it
   * indexes; `stats` say how common each of its words is in the index searched.
   */
  embedQuestion?(question: string, stats: CollectionStats): Float32Array;
}

/** A text's search terms, and those of its first lines (where a chunk says it lives). */
export interface TermsOfText {
  terms: readonly string[];
  headerTerms: readonly string[];
}

/** Scales a vector to unit length in place (zero vectors stay zero), so a dot product is the cosine similarity. */
export function normalizeInPlace(vector: Float32Array): Float32Array {
  let norm = 0;
  for (let i = 0; i < vector.length; i++) norm += vector[i] * vector[i];
  if (norm > 0 && Math.abs(norm - 1) > 1e-6) {
    const scale = 1 / Math.sqrt(norm);
    for (let i = 0; i < vector.length; i++) vector[i] *= scale;
  }
  return vector;
}
