/** Opening an index: whether the stored one can be reused, and loading (and repairing) its shards. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { INDEX_FORMAT_VERSION, readManifest, rebuildReason, type ManifestBasis } from '../store/manifest';
import { Shard } from '../store/shard';
import { savedShardDirs } from '../store/shardFolders';
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
export function manifestBasis(embedder: Pick<Embedder, 'id' | 'model'>, dimensions: number, shards: number): ManifestBasis {
  return { formatVersion: INDEX_FORMAT_VERSION, embedder: embedder.id, model: embedder.model, dimensions, shards };
}

/**
 * Loads the shards the manifest names, or starts empty when the index was built differently (its
 * folders are deleted by the next save, under the write lock). If another process saved meanwhile and
 * replaced the folders being read, loading starts over from its manifest.
 */
export async function loadIndex(options: LoadOptions): Promise<StoredIndex> {
  for (let attempt = 1; ; attempt++) {
    const problems: string[] = [];
    const stored = await loadOnce(options, (message) => problems.push(message));
    const now = await readManifest(options.indexDir);
    if (problems.length === 0 || attempt >= 3 || (now?.generation ?? 0) === (stored.manifest?.generation ?? 0)) {
      problems.forEach(options.warn);
      return stored;
    }
    stored.close(); // read again from the newer save
  }
}

async function loadOnce(options: LoadOptions, warn: (message: string) => void): Promise<StoredIndex> {
  const { indexDir, embedder } = options;
  const existing = await readManifest(indexDir);
  const sameModel = existing?.embedder === embedder.id && existing.model === embedder.model;
  const dimensions = options.dimensions ?? (sameModel ? existing!.dimensions : undefined);
  const reason = !existing ? undefined
    : dimensions === undefined ? 'the embedding model changed' : rebuildReason(existing, manifestBasis(embedder, dimensions, options.shards));
  const stored = StoredIndex.empty(indexDir, options.shards, dimensions);
  if (reason) options.warn(`Rebuilding the index: ${reason}.`);
  if (!existing || reason) return stored;
  stored.manifest = existing;
  stored.updatedAt = (await fs.stat(path.join(indexDir, 'manifest.json')).catch(() => undefined))?.mtimeMs;
  // One shard at a time: decoding allocates several times a shard's size, and peaks must not add up.
  for (let i = 0; i < stored.shards.length; i++) await reloadShard(stored, i, warn);
  return stored;
}

/**
 * Reads shard `position` again from the folder the manifest names, in place of the in-memory one; a
 * damaged one is repaired in memory and said so.
 */
export async function reloadShard(stored: StoredIndex, position: number, warn: (message: string) => void): Promise<void> {
  const dimensions = stored.dimensions ?? 0;
  const dir = savedShardDirs(stored.indexDir, stored.manifest)[position];
  stored.shards[position].close();
  if (!dir) {
    stored.shards[position] = Shard.empty(dimensions);
    return;
  }
  const { shard, problem } = await Shard.load(dir, dimensions, termsOfRecord);
  if (problem) {
    const where = path.relative(stored.indexDir, dir).split(path.sep).join('/');
    warn(`Part ${position + 1} of ${stored.shards.length} of the index (${where}) was damaged and has been repaired: ${problem}. Its files are re-indexed on the next run.`);
  }
  stored.shards[position] = shard;
}

/** A stored chunk's search terms, computed as when it was indexed. */
function termsOfRecord(record: ChunkRecord): string[] {
  return terms(embeddingText(record));
}
