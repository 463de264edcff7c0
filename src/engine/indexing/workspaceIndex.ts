import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CancelledError, RagError } from '../errors';
import type { Source } from '../../protocol/events';
import { mergeAdjacent, rankChunks } from '../retrieval/hybridSearch';
import type { RunOptions, SearchIndex, SearchOptions } from './searchIndex';
import { acquireIndexLock } from '../store/indexLock';
import { INDEX_FORMAT_VERSION, readManifest, rebuildReason, writeManifest, type Manifest } from '../store/manifest';
import { Shard, type FileChange } from '../store/shard';
import { shardDir, type ChunkRecord } from '../store/vectraShard';
import { fnv1a } from '../text/hash';
import { terms } from '../text/terms';
import { chunkFile, embeddingText, type ChunkOptions } from './chunker';
import { normalizeInPlace, type Embedder } from './embedder';
import { classifyContent } from './fileContent';
import { isBinaryPath } from './languages';
import { OfflineEmbedder, headerOf } from './offlineEmbedder';
import { DEFAULT_MAX_FILE_BYTES, PathFilter, ignoredBecause, scanWorkspace, type ScanOptions, type ScannedFile } from './scanner';
import { redactSecrets } from './redact';
import { emptySkipCounts, type IndexProgress, type IndexState, type IndexSummary, type SkipCounts } from '../../protocol/indexing';

export type { IndexProgress, IndexSummary };

export interface IndexOptions {
  /** The workspace folder. */
  root: string;
  /** Where the index lives: never inside the user's folder unless they ask for it. */
  indexDir: string;
  scan?: Omit<ScanOptions, 'signal'>;
  /** Defaults to the built-in offline embedder. */
  embedder?: Embedder;
  chunking?: ChunkOptions;
  /** Shards the index is split into; a one-file update rewrites one shard. */
  shards?: number;
  /** Warnings worth showing a user: repaired shards, rebuilds. */
  onWarning?: (message: string) => void;
}

/**
 * 32 shards keep each shard near 1,500 chunks at 50,000, so a one-file update rewrites about 1/32 of
 * the index, while a small workspace does not scatter into hundreds of tiny files.
 */
export const DEFAULT_SHARDS = 32;
/** Chunks embedded per call: large enough for remote batching, small enough for prompt cancellation. */
const EMBED_BATCH = 256;
/**
 * Work is saved after this many new chunks: an interrupted first index keeps most of what it did, and
 * chunks waiting to be saved (text, terms, vectors) stay a small part of memory.
 */
const COMMIT_CHUNKS = 10_000;
/** How long a run waits for another process writing the same index before giving up with a clear message. */
const LOCK_TIMEOUT_MS = 10 * 60_000;
/** Files read at once: enough to hide disk latency without exhausting file handles. */
const READ_CONCURRENCY = 32;

interface PendingChunk {
  record: ChunkRecord;
  text: string;
  terms: string[];
  headerTerms: string[];
}

/**
 * The workspace's search index: sharded Vectra files with inline chunk metadata, BM25 postings and a
 * catalog of file sizes, times and hashes beside each shard. Runs re-embed only new and changed files;
 * one job runs at a time and a second request joins it; questions use the last saved state meanwhile.
 */
export class WorkspaceIndex implements SearchIndex {
  private shards: Shard[] = [];
  private manifest: Manifest | undefined;
  /** The vectors' dimension, once known (remote embedders tell it with their first answer). */
  private dimensions: number | undefined;
  private job: Promise<unknown> = Promise.resolve();
  private runningSync: Promise<IndexSummary> | undefined;
  private updatedAt: number | undefined;
  /** Secret files the last full scan left out; unknown until one has run. */
  private secretFilesSkipped: number | undefined;
  private readonly embedder: Embedder;
  private readonly shardCount: number;

  private constructor(private readonly options: IndexOptions) {
    this.embedder = options.embedder ?? new OfflineEmbedder();
    this.shardCount = options.shards ?? DEFAULT_SHARDS;
  }

  /** Opens the index in `indexDir`, repairing damaged shards; an index built differently is set aside for a rebuild. */
  static async open(options: IndexOptions): Promise<WorkspaceIndex> {
    const index = new WorkspaceIndex(options);
    await index.load(index.embedder.dimensions);
    return index;
  }

  get fileCount(): number {
    return this.shards.reduce((sum, s) => sum + s.files.size, 0);
  }

  get chunkCount(): number {
    return this.shards.reduce((sum, s) => sum + s.size, 0);
  }

  /** When the index was last saved (ms since the epoch), if ever. */
  get lastUpdated(): number | undefined {
    return this.updatedAt;
  }

  get embedderInfo(): { id: string; model: string; dimensions: number | undefined } {
    return { id: this.embedder.id, model: this.embedder.model, dimensions: this.dimensions };
  }

  get state(): IndexState {
    const secrets = this.secretFilesSkipped === undefined ? undefined : { skippedFiles: this.secretFilesSkipped, redactedValues: this.redactedValues };
    return { files: this.fileCount, chunks: this.chunkCount, lastUpdated: this.updatedAt, embedder: this.embedderInfo, secrets };
  }

  /** Secret values redacted in the stored text, from the catalog. */
  get redactedValues(): number {
    let total = 0;
    for (const shard of this.shards) for (const entry of shard.files.values()) total += entry.redacted ?? 0;
    return total;
  }

  /** Waits for the queued jobs; nothing else is held open in-process. */
  async close(): Promise<void> {
    await this.job;
  }

  /** Brings the whole index up to date with the workspace. A call while a sync runs joins that sync. */
  sync(options: RunOptions = {}): Promise<IndexSummary> {
    if (this.runningSync) return this.runningSync;
    const run = this.enqueueWrite(options, () => this.runSync(options));
    this.runningSync = run;
    const clear = () => { if (this.runningSync === run) this.runningSync = undefined; };
    run.then(clear, clear);
    return run;
  }

  /** Re-indexes the given files and drops the deleted ones (paths absolute or workspace-relative): the file watcher's entry. */
  updateFiles(changed: readonly string[], deleted: readonly string[], options: RunOptions = {}): Promise<IndexSummary> {
    return this.enqueueWrite(options, () => this.runUpdate(changed, deleted, options));
  }

  /** The chunks that best answer a question, adjacent ones merged, best first. */
  async search(query: string, options: SearchOptions = {}): Promise<Source[]> {
    const k = options.k ?? 8;
    let vector: Float32Array | undefined;
    if (options.mode !== 'lexical' && this.chunkCount > 0) {
      try {
        vector = normalizeInPlace((await this.embedder.embed([query], { signal: options.signal }))[0]);
      } catch (err) {
        if (options.signal?.aborted) throw err;
        // Without the question's vector the lexical ranking alone still answers.
        this.options.onWarning?.(`Searching by words only: the ${this.embedder.id} embedder failed (${err instanceof Error ? err.message : String(err)}).`);
      }
    }
    return mergeAdjacent(rankChunks(this.shards, terms(query), vector, k, { filter: options.filter, mode: options.mode }));
  }

  /** Deletes everything the index stored; the next sync starts from scratch. */
  clear(): Promise<void> {
    return this.enqueueWrite({}, async () => {
      await fs.rm(path.join(this.options.indexDir, 'manifest.json'), { force: true });
      await this.load(this.embedder.dimensions);
    });
  }

  /**
   * Runs a job that writes: after the ones already queued in this process, and while holding the index
   * folder's lock against other processes. If another process saved the index meanwhile, it is reloaded first.
   */
  private enqueueWrite<T>(options: RunOptions, work: () => Promise<T>): Promise<T> {
    const locked = async () => {
      const release = await acquireIndexLock(this.options.indexDir, {
        timeoutMs: LOCK_TIMEOUT_MS,
        signal: options.signal,
        onWait: () => options.onProgress?.({ phase: 'waiting', filesDone: 0, filesTotal: 0, chunks: this.chunkCount }),
      });
      try {
        const onDisk = await readManifest(this.options.indexDir);
        if ((onDisk?.generation ?? 0) !== (this.manifest?.generation ?? 0)) await this.load(this.dimensions);
        return await work();
      } finally {
        await release();
      }
    };
    const run = this.job.then(locked, locked);
    this.job = run.catch(() => undefined);
    return run;
  }

  private wanted(dimensions: number): Omit<Manifest, 'createdAt' | 'generation'> {
    return { formatVersion: INDEX_FORMAT_VERSION, embedder: this.embedder.id, model: this.embedder.model, dimensions, shards: this.shardCount };
  }

  /** Loads the shards, or starts empty (deleting the old files) when the index was built differently. */
  private async load(knownDimensions: number | undefined): Promise<void> {
    const existing = await readManifest(this.options.indexDir);
    const sameModel = existing?.embedder === this.embedder.id && existing.model === this.embedder.model;
    const dimensions = knownDimensions ?? (sameModel ? existing!.dimensions : undefined);
    const reason = !existing ? undefined
      : dimensions === undefined ? 'the embedding model changed' : rebuildReason(existing, this.wanted(dimensions));
    this.dimensions = dimensions;
    this.manifest = undefined;
    this.updatedAt = undefined;
    this.shards = Array.from({ length: this.shardCount }, (_, i) => Shard.empty(shardDir(this.options.indexDir, i), dimensions ?? 0));
    if (reason) this.options.onWarning?.(`Rebuilding the index: ${reason}.`);
    if (!existing || reason) {
      // Shards without a trustworthy manifest (never written, torn, or of another model) are not reused.
      await fs.rm(path.join(this.options.indexDir, 'shards'), { recursive: true, force: true });
      return;
    }
    this.manifest = existing;
    this.updatedAt = (await fs.stat(path.join(this.options.indexDir, 'manifest.json')).catch(() => undefined))?.mtimeMs;
    // One shard at a time: decoding allocates several times a shard's size, and peaks must not add up.
    for (let i = 0; i < this.shards.length; i++) {
      const { shard, repaired } = await Shard.load(this.shards[i].dir, existing.dimensions, termsOfRecord);
      if (repaired) this.options.onWarning?.(`Part ${i + 1} of ${this.shardCount} of the index was damaged and has been repaired; its files are re-indexed on the next run.`);
      this.shards[i] = shard;
    }
  }

  /** The dimension of this embedder's vectors; a remote embedder is asked once per run, and a change rebuilds the index. */
  private async ensureDimensions(signal?: AbortSignal): Promise<number> {
    if (this.embedder.dimensions !== undefined && this.dimensions !== undefined) return this.dimensions;
    const [probe] = await this.embedder.embed(['dimension probe'], { signal });
    if (probe.length !== this.dimensions) await this.load(probe.length);
    return probe.length;
  }

  private shardOf(relPath: string): Shard {
    return this.shards[fnv1a(relPath) % this.shardCount];
  }

  private newBatch(dimensions: number): ChangeBatch {
    return new ChangeBatch((p) => this.shardOf(p), (changes) => this.commit(changes, dimensions));
  }

  private async runSync(options: RunOptions): Promise<IndexSummary> {
    const started = performance.now();
    const report = options.onProgress ?? (() => undefined);
    report({ phase: 'scanning', filesDone: 0, filesTotal: 0, chunks: this.chunkCount });
    const dimensions = await this.ensureDimensions(options.signal);
    const scan = await scanWorkspace(this.options.root, { ...this.options.scan, signal: options.signal });
    for (const warning of scan.warnings) this.options.onWarning?.(warning);
    this.secretFilesSkipped = scan.skipped.secret;
    const present = new Set(scan.files.map((f) => f.path));
    const skipped = scan.skipped;
    const batch = this.newBatch(dimensions);

    let removedFiles = 0;
    for (const shard of this.shards) {
      for (const p of [...shard.files.keys(), ...shard.skipped.keys()]) {
        if (present.has(p)) continue;
        if (shard.files.has(p)) removedFiles++;
        batch.add({ path: p, chunks: [] });
      }
      // Chunks without a catalog entry, left by an interrupted run: drop them if their file is gone (a present file is re-read below).
      for (const p of new Set(shard.records.map((r) => r.path))) {
        if (!shard.files.has(p) && !present.has(p)) batch.add({ path: p, chunks: [] });
      }
    }

    const toRead: ScannedFile[] = [];
    for (const file of scan.files) {
      const shard = this.shardOf(file.path);
      const known = shard.files.get(file.path) ?? shard.skipped.get(file.path);
      if (!known || known.size !== file.size || known.mtimeMs !== file.mtimeMs) toRead.push(file);
      else if (!shard.files.has(file.path)) skipped[shard.skipped.get(file.path)!.reason]++;
    }

    let indexedFiles = 0;
    const tally = { redacted: 0 };
    let filesDone = scan.files.length - toRead.length;
    try {
      for (let i = 0; i < toRead.length; i += EMBED_BATCH) {
        if (options.signal?.aborted) throw new CancelledError();
        const files = toRead.slice(i, i + EMBED_BATCH);
        for (const change of await this.embedChanges(await this.prepareFiles(files, skipped, tally), dimensions, options.signal)) {
          if (change.entry && !change.touchOnly) indexedFiles++;
          batch.add(change);
        }
        filesDone += files.length;
        report({ phase: 'indexing', filesDone, filesTotal: scan.files.length, chunks: this.chunkCount + batch.pendingChunks });
        if (batch.pendingChunks >= COMMIT_CHUNKS) await batch.commit();
      }
    } catch (err) {
      if (err instanceof CancelledError) await batch.commit(); // what is done stays done
      throw err;
    }
    report({ phase: 'saving', filesDone, filesTotal: scan.files.length, chunks: this.chunkCount + batch.pendingChunks });
    await batch.commit();
    report({ phase: 'done', filesDone, filesTotal: scan.files.length, chunks: this.chunkCount });
    return this.summary(started, indexedFiles, removedFiles, skipped, tally.redacted, dimensions);
  }

  private async runUpdate(changed: readonly string[], deleted: readonly string[], options: RunOptions): Promise<IndexSummary> {
    const started = performance.now();
    const dimensions = await this.ensureDimensions(options.signal);
    const skipped = emptySkipCounts();
    const filter = new PathFilter(this.options.scan ?? {});
    const maxBytes = this.options.scan?.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    const batch = this.newBatch(dimensions);
    const files: ScannedFile[] = [];
    let removedFiles = 0;
    const remove = (rel: string) => {
      const shard = this.shardOf(rel);
      if (shard.files.has(rel)) removedFiles++;
      if (shard.files.has(rel) || shard.skipped.has(rel) || shard.records.some((r) => r.path === rel)) batch.add({ path: rel, chunks: [] });
    };
    for (const rel of deleted.map((p) => this.relative(p))) if (rel) remove(rel);
    for (const rel of new Set(changed.map((p) => this.relative(p)))) {
      if (!rel) continue;
      const absPath = path.join(this.options.root, rel);
      const stat = await fs.lstat(absPath).catch(() => undefined);
      if (!stat?.isFile()) {
        remove(rel); // gone, a folder, or a symbolic link: not indexed, as in a full scan
        continue;
      }
      const reason = filter.excluded(rel) || !filter.included(rel) ? 'ignored' : await ignoredBecause(this.options.root, rel)
        ?? (isBinaryPath(rel) ? 'binary' : stat.size > maxBytes ? 'tooLarge' : undefined);
      if (reason) {
        skipped[reason]++;
        if (reason === 'unreadable') this.options.onWarning?.(`Left out ${rel}: an ignore file above it cannot be read.`);
        remove(rel);
      } else {
        files.push({ path: rel, absPath, size: stat.size, mtimeMs: stat.mtimeMs });
      }
    }
    let indexedFiles = 0;
    const tally = { redacted: 0 };
    for (const change of await this.embedChanges(await this.prepareFiles(files, skipped, tally), dimensions, options.signal)) {
      if (change.entry && !change.touchOnly) indexedFiles++;
      batch.add(change);
    }
    await batch.commit();
    return this.summary(started, indexedFiles, removedFiles, skipped, tally.redacted, dimensions);
  }

  /** Reads and chunks files: unreadable ones are counted, binary and minified ones remembered as skipped, unchanged content only touched. */
  private async prepareFiles(files: readonly ScannedFile[], skipped: SkipCounts, tally: { redacted: number }): Promise<PreparedChange[]> {
    const results: PreparedChange[] = [];
    await forEachLimited(files, READ_CONCURRENCY, async (file) => {
      let bytes: Buffer;
      try {
        bytes = await fs.readFile(file.absPath);
      } catch {
        skipped.unreadable++;
        return; // vanished or unreadable since the scan: its old chunks, if any, stay until it can be read again
      }
      const verdict = classifyContent(bytes);
      if (verdict.kind !== 'text') {
        skipped[verdict.kind]++;
        results.push({ path: file.path, skipped: { size: file.size, mtimeMs: file.mtimeMs, reason: verdict.kind }, pending: [] });
        return;
      }
      const hash = createHash('sha1').update(bytes).digest('hex').slice(0, 20);
      const previous = this.shardOf(file.path).files.get(file.path);
      if (previous && previous.hash === hash) {
        results.push({ path: file.path, touchOnly: true, entry: { ...previous, size: file.size, mtimeMs: file.mtimeMs }, pending: [] });
        return;
      }
      const redacted = redactSecrets(file.path, verdict.text);
      tally.redacted += redacted.count;
      const chunks = chunkFile(file.path, redacted.text, this.options.chunking);
      const pending = chunks.map((chunk) => {
        const text = embeddingText(chunk);
        const { path: p, startLine, endLine, language, hash: chunkHash, text: body, context } = chunk;
        const record: ChunkRecord = { id: chunkId(p, startLine, chunkHash), path: p, startLine, endLine, language, hash: chunkHash, text: body, context };
        return { record, text, terms: terms(text), headerTerms: terms(headerOf(text)) };
      });
      results.push({ path: file.path, entry: { size: file.size, mtimeMs: file.mtimeMs, hash, chunks: chunks.length, redacted: redacted.count }, pending });
    });
    return results;
  }

  private async embedChanges(changes: PreparedChange[], dimensions: number, signal?: AbortSignal): Promise<FileChange[]> {
    const all = changes.flatMap((c) => c.pending);
    const vectors: Float32Array[] = [];
    for (let i = 0; i < all.length; i += EMBED_BATCH) {
      if (signal?.aborted) throw new CancelledError();
      const slice = all.slice(i, i + EMBED_BATCH);
      const batch = this.embedder.embedTerms?.(slice) ?? await this.embedder.embed(slice.map((p) => p.text), { signal });
      if (batch.length !== Math.min(EMBED_BATCH, all.length - i) || batch.some((v) => v.length !== dimensions)) {
        throw new RagError('embedding_mismatch', `The ${this.embedder.id} embedder returned vectors of another size than the index (${dimensions}). Clear the index and index again.`, 'indexing');
      }
      for (const vector of batch) vectors.push(normalizeInPlace(vector));
    }
    let next = 0;
    return changes.map(({ pending, ...change }) => ({
      ...change,
      chunks: pending.map((p) => ({ record: p.record, vector: vectors[next++], terms: p.terms })),
    }));
  }

  /** Saves changes shard by shard, then the manifest; a shard that fails to save is reloaded from disk so memory matches it. */
  private async commit(byShard: Map<Shard, FileChange[]>, dimensions: number): Promise<void> {
    if (byShard.size === 0) return;
    if (!this.manifest) {
      this.manifest = { ...this.wanted(dimensions), createdAt: new Date().toISOString() };
      await writeManifest(this.options.indexDir, this.manifest);
    }
    await forEachLimited([...byShard], 1, async ([shard, changes]) => {
      try {
        await shard.apply(changes);
      } catch (err) {
        const { shard: reloaded } = await Shard.load(shard.dir, dimensions, termsOfRecord);
        const position = this.shards.indexOf(shard);
        if (position >= 0) this.shards[position] = reloaded;
        throw err;
      }
    });
    this.manifest = { ...this.manifest, generation: (this.manifest.generation ?? 0) + 1 };
    await writeManifest(this.options.indexDir, this.manifest);
    this.updatedAt = Date.now();
  }

  private summary(started: number, indexedFiles: number, removedFiles: number, skipped: SkipCounts, redacted: number, dimensions: number): IndexSummary {
    return {
      files: this.fileCount, chunks: this.chunkCount, indexedFiles, removedFiles, skipped, redacted,
      ms: Math.round(performance.now() - started), embedder: this.embedder.id, dimensions,
    };
  }

  private relative(p: string): string | undefined {
    const rel = (path.isAbsolute(p) ? path.relative(this.options.root, p) : path.normalize(p)).split(path.sep).join('/');
    if (rel === '' || rel === '..' || rel.startsWith('../') || path.isAbsolute(rel)) return undefined;
    return rel;
  }
}

type PreparedChange = Omit<FileChange, 'chunks'> & { pending: PendingChunk[] };

/** Changes waiting to be saved, grouped by shard. */
class ChangeBatch {
  private byShard = new Map<Shard, FileChange[]>();
  pendingChunks = 0;

  constructor(private readonly shardOf: (relPath: string) => Shard, private readonly save: (byShard: Map<Shard, FileChange[]>) => Promise<void>) {}

  add(change: FileChange): void {
    const shard = this.shardOf(change.path);
    const list = this.byShard.get(shard);
    if (list) list.push(change);
    else this.byShard.set(shard, [change]);
    this.pendingChunks += change.chunks.length;
  }

  async commit(): Promise<void> {
    const pending = this.byShard;
    this.byShard = new Map();
    this.pendingChunks = 0;
    await this.save(pending);
  }
}

function termsOfRecord(record: ChunkRecord): string[] {
  return terms(embeddingText(record));
}

function chunkId(relPath: string, startLine: number, hash: string): string {
  return createHash('sha1').update(`${relPath}\n${startLine}\n${hash}`).digest('hex').slice(0, 16);
}

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  });
  await Promise.all(workers);
}
