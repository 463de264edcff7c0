import * as path from 'node:path';
import { readJsonFile, writeFileAtomic } from './atomicFile';

/**
 * Bumped whenever the on-disk layout, the chunking or the meaning of the stored text changes: an index
 * of another version is rebuilt. 2: stored text has its secret values redacted (an index of version 1
 * may hold them in clear). 3: each save writes its shards to new folders named by generation and then
 * switches the manifest, so a failed run leaves the last saved index as it was; postings' terms are
 * stored sorted and looked up by binary search.
 */
export const INDEX_FORMAT_VERSION = 3;

/** What an index was built with. Vectors from another embedder, model or dimension are not comparable. */
export interface Manifest {
  formatVersion: number;
  embedder: string;
  model: string;
  dimensions: number;
  shards: number;
  createdAt: string;
  /** Counts saves: a process that loaded an older generation reloads before writing. */
  generation: number;
  /**
   * For each shard, the save (generation) whose folder holds it; 0 for a shard never written. Shards are
   * written to new folders and this list switches them all at once when the manifest is replaced.
   */
  shardGenerations: number[];
}

/** What a manifest must say for its index to be reused. */
export type ManifestBasis = Omit<Manifest, 'createdAt' | 'generation' | 'shardGenerations'>;

const MANIFEST_FILE = 'manifest.json';

export async function readManifest(indexDir: string): Promise<Manifest | undefined> {
  try {
    const manifest = await readJsonFile<Manifest>(path.join(indexDir, MANIFEST_FILE));
    // Older formats lack the fields below; their version alone tells that the index is rebuilt.
    return manifest && { ...manifest, generation: manifest.generation ?? 0, shardGenerations: manifest.shardGenerations ?? [] };
  } catch {
    return undefined; // a torn manifest means an index we cannot trust: rebuilt like a missing one
  }
}

export async function writeManifest(indexDir: string, manifest: Manifest): Promise<void> {
  await writeFileAtomic(path.join(indexDir, MANIFEST_FILE), JSON.stringify(manifest, null, 2));
}

/** Why an existing index cannot be reused with this configuration, or undefined when it can. */
export function rebuildReason(existing: Manifest | undefined, wanted: ManifestBasis): string | undefined {
  if (!existing) return undefined;
  if (existing.formatVersion !== wanted.formatVersion) return `the index format changed (${existing.formatVersion} → ${wanted.formatVersion})`;
  if (existing.embedder !== wanted.embedder || existing.model !== wanted.model) {
    return `the embedding model changed (${existing.embedder}/${existing.model} → ${wanted.embedder}/${wanted.model})`;
  }
  if (existing.dimensions !== wanted.dimensions) return `the embedding dimension changed (${existing.dimensions} → ${wanted.dimensions})`;
  if (existing.shards !== wanted.shards) return `the shard count changed (${existing.shards} → ${wanted.shards})`;
  return undefined;
}
