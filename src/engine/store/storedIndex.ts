import type { Postings } from '../retrieval/bm25';
import { fnv1a } from '../text/hash';
import type { Manifest } from './manifest';
import { Shard, type FileEntry } from './shard';

/**
 * The index as it is on disk and in memory: its shards (a file belongs to the shard its path hashes to),
 * the manifest they were saved under, and the vectors' dimension. Jobs change it; searches read it.
 */
export class StoredIndex {
  /** When the index was last saved (ms since the epoch), if ever. */
  updatedAt: number | undefined;

  constructor(
    readonly indexDir: string,
    readonly shards: Shard[],
    /** Undefined until the first save, and for an index that is being rebuilt. */
    public manifest: Manifest | undefined,
    /** Unknown until a remote embedder has answered once. */
    readonly dimensions: number | undefined,
  ) {}

  /** Empty shards, nothing on disk yet. */
  static empty(indexDir: string, shardCount: number, dimensions: number | undefined): StoredIndex {
    const shards = Array.from({ length: shardCount }, () => Shard.empty(dimensions ?? 0));
    return new StoredIndex(indexDir, shards, undefined, dimensions);
  }

  get fileCount(): number {
    return this.shards.reduce((sum, s) => sum + s.files.size, 0);
  }

  get chunkCount(): number {
    return this.shards.reduce((sum, s) => sum + s.size, 0);
  }

  /** Bytes of vectors, postings and text locations held outside the JavaScript heap (texts are on disk). */
  get packedBytes(): number {
    return this.shards.reduce((sum, s) => sum + s.texts.byteLength + s.vectors.byteLength + s.postings.byteLength, 0);
  }

  /** Lets go of the shards' files: the index is being replaced or closed. */
  close(): void {
    for (const shard of this.shards) shard.close();
  }

  get postings(): Postings[] {
    return this.shards.map((s) => s.postings);
  }

  /** What the catalog remembers of a file (hash, size, time), if it is indexed. */
  fileEntry(relPath: string): FileEntry | undefined {
    return this.shardOf(relPath).files.get(relPath);
  }

  shardOf(relPath: string): Shard {
    return this.shards[this.shardIndexOf(relPath)];
  }

  shardIndexOf(relPath: string): number {
    return fnv1a(relPath) % this.shards.length;
  }
}
