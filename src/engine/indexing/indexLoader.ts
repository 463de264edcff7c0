/** Opening an index: whether the stored one can be reused, and loading (and repairing) its shards. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { INDEX_FORMAT_VERSION, readManifest, rebuildReason, type Manifest } from '../store/manifest';
import { Shard } from '../store/shard';
import { StoredIndex } from '../store/storedIndex';
import type { ChunkRecord } from '../store/vectraShard';
import { terms } from '../text/terms';
import { embeddingText } from './chunker';
import type { Embedder } from './embedder';

export interface LoadOptions {
  indexDir: string;
  embedder: Pick<Embedder, 'id' | 'model'>;
  shards: number;
  /** The vectors' dimension if known (a local embedder, or a remote one that answered). */
  dimensions: number | undefined;
  warn: (message: string) => void;
}

/** What a manifest must say for its index to be reused with this embedder and shard count. */
export function manifestBasis(embedder: Pick<Embedder, 'id' | 'model'>, dimensions: number, shards: number): Omit<Manifest, 'createdAt' | 'generation'> {
  return { formatVersion: INDEX_FORMAT_VERSION, embedder: embedder.id, model: embedder.model, dimensions, shards };
}

/** Loads the shards, or starts empty (deleting the old files) when the index was built differently. */
export async function loadIndex(options: LoadOptions): Promise<StoredIndex> {
  const { indexDir, embedder } = options;
  const existing = await readManifest(indexDir);
  const sameModel = existing?.embedder === embedder.id && existing.model === embedder.model;
  const dimensions = options.dimensions ?? (sameModel ? existing!.dimensions : undefined);
  const reason = !existing ? undefined
    : dimensions === undefined ? 'the embedding model changed' : rebuildReason(existing, manifestBasis(embedder, dimensions, options.shards));
  const stored = StoredIndex.empty(indexDir, options.shards, dimensions);
  if (reason) options.warn(`Rebuilding the index: ${reason}.`);
  if (!existing || reason) {
    // Shards without a trustworthy manifest (never written, torn, or of another model) are not reused.
    await fs.rm(path.join(indexDir, 'shards'), { recursive: true, force: true });
    return stored;
  }
  stored.manifest = existing;
  stored.updatedAt = (await fs.stat(path.join(indexDir, 'manifest.json')).catch(() => undefined))?.mtimeMs;
  // One shard at a time: decoding allocates several times a shard's size, and peaks must not add up.
  for (const shard of [...stored.shards]) await reloadShard(stored, shard, options.warn);
  return stored;
}

/** Reads a shard from disk again, in place of the in-memory one; a damaged one is repaired and said so. */
export async function reloadShard(stored: StoredIndex, shard: Shard, warn: (message: string) => void): Promise<void> {
  const { shard: fresh, problem } = await Shard.load(shard.dir, shard.dimensions, termsOfRecord);
  if (problem) {
    const i = stored.shards.indexOf(shard);
    const where = path.relative(stored.indexDir, shard.dir).split(path.sep).join('/');
    warn(`Part ${i + 1} of ${stored.shards.length} of the index (${where}) was damaged and has been repaired: ${problem}. Its files are re-indexed on the next run.`);
  }
  stored.replace(shard, fresh);
}

/** A stored chunk's search terms, computed as when it was indexed. */
function termsOfRecord(record: ChunkRecord): string[] {
  return terms(embeddingText(record));
}
