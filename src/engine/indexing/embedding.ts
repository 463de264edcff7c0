/** Turning prepared chunks, and questions, into unit vectors. */
import { CancelledError, RagError } from '../errors';
import type { CollectionStats } from '../retrieval/bm25';
import type { FileChange } from '../store/shard';
import { normalizeInPlace, type Embedder } from './embedder';
import type { PreparedChange } from './filePreparation';
import type { FileReport } from './fileReport';

/** Chunks embedded per call: large enough for remote batching, small enough for prompt cancellation. */
export const EMBED_BATCH = 256;

/** Embeds the prepared files' chunks in batches; vectors of another size than the index's fail the job. */
export async function embedChanges(embedder: Embedder, changes: PreparedChange[], dimensions: number, signal?: AbortSignal,
  report?: FileReport): Promise<FileChange[]> {
  const all = changes.flatMap((c) => c.pending);
  const vectors: Float32Array[] = [];
  const embedded = report?.active ? embeddedFiles(changes, report) : undefined;
  embedded?.(0);
  for (let i = 0; i < all.length; i += EMBED_BATCH) {
    if (signal?.aborted) throw new CancelledError();
    const slice = all.slice(i, i + EMBED_BATCH);
    const batch = embedder.embedTerms?.(slice) ?? await embedder.embed(slice.map((p) => p.text), { signal });
    if (batch.length !== Math.min(EMBED_BATCH, all.length - i) || batch.some((v) => v.length !== dimensions)) {
      throw new RagError('embedding_mismatch', `The ${embedder.id} embedder returned vectors of another size than the index (${dimensions}). Clear the index and index again.`, 'indexing');
    }
    for (const vector of batch) vectors.push(normalizeInPlace(vector));
    embedded?.(vectors.length);
  }
  let next = 0;
  return changes.map(({ pending, ...change }) => ({
    ...change,
    chunks: pending.map((p) => ({ record: p.record, vector: vectors[next++], terms: p.terms })),
  }));
}

/** Reports each file as embedded once the vectors of all its chunks are there (`done`: vectors so far). */
function embeddedFiles(changes: readonly PreparedChange[], report: FileReport): (done: number) => void {
  let next = 0;
  let end = 0;
  return (done) => {
    while (next < changes.length && end + changes[next].pending.length <= done) {
      const change = changes[next++];
      end += change.pending.length;
      if (change.entry && !change.touchOnly) report.stage(change.path, 'embedded', change.pending.length);
    }
  };
}

/** The question's unit vector; undefined when the embedder fails, so the lexical ranking alone answers. */
export async function embedQuery(embedder: Embedder, query: string, stats: CollectionStats, signal: AbortSignal | undefined, warn: (message: string) => void): Promise<Float32Array | undefined> {
  try {
    return normalizeInPlace(embedder.embedQuestion?.(query, stats) ?? (await embedder.embed([query], { signal }))[0]);
  } catch (err) {
    if (signal?.aborted) throw err;
    warn(`Searching by words only: the ${embedder.id} embedder failed (${err instanceof Error ? err.message : String(err)}).`);
    return undefined;
  }
}
