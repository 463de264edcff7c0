import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Source } from '../../protocol/events';
import type { Candidates, IndexState, IndexSummary, TermStats } from '../../protocol/indexing';
import type { IndexSettings } from '../../protocol/indexThread';
import { collectionStats, statsFromTermStats, termStatsOf, type CollectionStats } from '../retrieval/bm25';
import { CANDIDATES, candidateOf, combineRankings, mergeAdjacent, rankShards } from '../retrieval/hybridSearch';
import { dropCopiedHits } from '../retrieval/copies';
import { queryTerms } from '../retrieval/queryTerms';
import type { IndexLock } from '../store/indexLock';
import { readManifest } from '../store/manifest';
import { removeUnnamedShardDirs } from '../store/shardFolders';
import type { StoredIndex } from '../store/storedIndex';
import type { Embedder } from './embedder';
import { embedQuery } from './embedding';
import { runUpdate } from './fileUpdates';
import { runSync } from './fullSync';
import { loadIndex } from './indexLoader';
import { MemoryBudget } from './memoryBudget';
import type { IndexJob } from './indexJob';
import { OfflineEmbedder } from './offlineEmbedder';
import { DEFAULT_SOURCES, type CandidateOptions, type RunOptions, type SearchIndex, type SearchOptions } from './searchIndex';
import { WriteQueue } from './writeQueue';

export interface IndexOptions extends IndexSettings {
  /** Defaults to the built-in offline embedder. */
  embedder?: Embedder;
  /** Warnings worth showing a user: repaired shards, rebuilds. */
  onWarning?: (message: string) => void;
  /**
   * The preparation thread's script (the index thread passes it): a sync of more than one batch reads and
   * chunks the next batch there while this thread embeds and saves. Without it, files are prepared inline.
   */
  preparationScript?: string;
}

/**
 * 32 shards keep each shard near 1,500 chunks at 50,000, so a one-file update rewrites about 1/32 of
 * the index, while a small workspace does not scatter into hundreds of tiny files.
 */
export const DEFAULT_SHARDS = 32;
/** Warnings kept in the index's state: enough to see what went wrong lately, never a growing log. */
const MAX_WARNINGS = 20;

/**
 * The workspace's search index: sharded Vectra files with inline chunk metadata, BM25 postings and a
 * catalog of file sizes, times and hashes beside each shard. Runs re-embed only new and changed files;
 * one job runs at a time and a second request joins it; questions use the last saved state meanwhile.
 */
export class WorkspaceIndex implements SearchIndex {
  private stored!: StoredIndex;
  private readonly queue: WriteQueue;
  private runningSync: Promise<IndexSummary> | undefined;
  /** Secret files the last full scan left out; unknown until one has run. */
  private secretFilesSkipped: number | undefined;
  private readonly warnings: string[] = [];
  private readonly embedder: Embedder;
  private readonly shardCount: number;
  private readonly budget: MemoryBudget | undefined;

  private constructor(private readonly options: IndexOptions) {
    this.embedder = options.embedder ?? new OfflineEmbedder();
    this.shardCount = options.shards ?? DEFAULT_SHARDS;
    this.queue = new WriteQueue(options.indexDir);
    this.budget = options.memoryLimitMb ? new MemoryBudget(options.memoryLimitMb) : undefined;
  }

  /** Opens the index in `indexDir`, repairing damaged shards; an index built differently is set aside for a rebuild. */
  static async open(options: IndexOptions): Promise<WorkspaceIndex> {
    const index = new WorkspaceIndex(options);
    await index.load(index.embedder.dimensions);
    return index;
  }

  get fileCount(): number {
    return this.stored.fileCount;
  }

  get chunkCount(): number {
    return this.stored.chunkCount;
  }

  get state(): IndexState {
    const { id, model } = this.embedder;
    return {
      files: this.fileCount, chunks: this.chunkCount, lastUpdated: this.stored.updatedAt, embedder: { id, model, dimensions: this.stored.dimensions },
      ...(this.warnings.length > 0 ? { warnings: [...this.warnings] } : {}),
      ...(this.secretFilesSkipped !== undefined ? { secrets: { skippedFiles: this.secretFilesSkipped, redactedValues: this.redactedValues() } } : {}),
    };
  }

  /** Secret values redacted in the stored text, from the catalog. */
  private redactedValues(): number {
    let total = 0;
    for (const shard of this.stored.shards) for (const entry of shard.files.values()) total += entry.redacted ?? 0;
    return total;
  }

  /** Waits for the queued jobs, then lets go of the shards' files (kept open to read chunk texts). */
  async close(): Promise<void> {
    await this.queue.idle();
    this.stored.close();
  }

  /** Brings the whole index up to date with the workspace. A call while a sync runs joins that sync. */
  sync(options: RunOptions = {}): Promise<IndexSummary> {
    if (this.runningSync) return this.runningSync;
    const run = this.write(options, async (lock) => {
      const summary = await runSync(await this.job(lock, options.signal), options);
      this.secretFilesSkipped = summary.skipped.secret;
      return summary;
    });
    this.runningSync = run;
    const clear = () => { if (this.runningSync === run) this.runningSync = undefined; };
    run.then(clear, clear);
    return run;
  }

  /** Re-indexes the given files and drops the deleted ones (paths absolute or workspace-relative): the file watcher's entry. */
  updateFiles(changed: readonly string[], deleted: readonly string[], options: RunOptions = {}): Promise<IndexSummary> {
    return this.write(options, async (lock) => runUpdate(await this.job(lock, options.signal), changed, deleted, options));
  }

  /** The chunks that best answer a question, adjacent ones merged, best first. */
  async search(query: string, options: SearchOptions = {}): Promise<Source[]> {
    const stats = collectionStats(this.stored.postings);
    const vector = await this.queryVector(query, stats, options);
    const { filter, mode } = options;
    const rankings = rankShards(this.stored.shards, { question: query, vector, stats, limit: CANDIDATES, filter, mode });
    return mergeAdjacent(dropCopiedHits(combineRankings(rankings, mode)).slice(0, options.k ?? DEFAULT_SOURCES).map(candidateOf));
  }

  async termStats(query: string): Promise<TermStats> {
    return termStatsOf(this.stored.postings, queryTerms(query));
  }

  async candidates(query: string, options: CandidateOptions): Promise<Candidates> {
    const { limit, filter, mode, pathPrefix } = options;
    const stats = statsFromTermStats(options.stats);
    const vector = await this.queryVector(query, stats, options);
    const rankings = rankShards(this.stored.shards, { question: query, vector, stats, limit, filter, mode, pathPrefix });
    return { lexical: rankings.lexical.map(candidateOf), vector: rankings.vector.map(candidateOf) };
  }

  /** Deletes everything the index stored; the next sync starts from scratch. */
  clear(): Promise<void> {
    return this.write({}, async (lock) => {
      await lock.verify();
      await fs.rm(path.join(this.options.indexDir, 'manifest.json'), { force: true });
      this.stored.close(); // its files are open to read texts: Windows deletes no open file
      await removeUnnamedShardDirs(this.options.indexDir, undefined);
      await this.load(this.embedder.dimensions);
    });
  }

  /** The question's vector, unless only words are asked for or there is nothing to compare it with. */
  private async queryVector(query: string, stats: CollectionStats, options: SearchOptions): Promise<Float32Array | undefined> {
    if (options.mode === 'lexical' || this.chunkCount === 0) return undefined;
    return embedQuery(this.embedder, query, stats, options.signal, (message) => this.warn(message));
  }

  /**
   * Runs a job that writes, in the write queue and under the lock. If another process saved the index
   * meanwhile, it is reloaded first.
   */
  private write<T>(options: RunOptions, work: (lock: IndexLock) => Promise<T>): Promise<T> {
    const onWait = () => options.onProgress?.({ phase: 'waiting', filesDone: 0, filesTotal: 0, chunks: this.chunkCount });
    return this.queue.run({ ...options, onWait }, async (lock) => {
      const onDisk = await readManifest(this.options.indexDir);
      if ((onDisk?.generation ?? 0) !== (this.stored.manifest?.generation ?? 0)) await this.load(this.stored.dimensions);
      return work(lock);
    });
  }

  /** A job's context; a remote embedder is asked its vectors' dimension first (a change rebuilds the index). */
  private async job(lock: IndexLock, signal?: AbortSignal): Promise<IndexJob> {
    let dimensions = this.stored.dimensions;
    if (this.embedder.dimensions === undefined || dimensions === undefined) {
      const [probe] = await this.embedder.embed(['dimension probe'], { signal });
      if (probe.length !== dimensions) {
        await lock.verify(); // a new dimension rebuilds: the old shards are deleted
        await this.load(probe.length);
      }
      dimensions = probe.length;
    }
    const { embedder, options } = this;
    const { stored } = this;
    return { settings: options, stored, embedder, dimensions, lock, preparationScript: options.preparationScript, warn: (message) => this.warn(message), checkMemory: () => this.budget?.check(stored) };
  }

  private async load(dimensions: number | undefined): Promise<void> {
    this.stored?.close();
    this.stored = await loadIndex({
      indexDir: this.options.indexDir, embedder: this.embedder, shards: this.shardCount, dimensions, warn: (message) => this.warn(message),
    });
    this.budget?.check(this.stored); // an index saved under a higher limit says so instead of growing past this one
  }

  /** Keeps a warning in the state (once, as the latest) and passes it on. */
  private warn(message: string): void {
    const seen = this.warnings.indexOf(message);
    if (seen >= 0) this.warnings.splice(seen, 1);
    this.warnings.push(message);
    if (this.warnings.length > MAX_WARNINGS) this.warnings.shift();
    this.options.onWarning?.(message);
  }
}
