/** A full sync: scan the folder, plan what to read and what to remove, then read, embed and save in batches. */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { IndexSummary, SkipCounts } from '../../protocol/indexing';
import { CancelledError } from '../errors';
import type { StoredIndex } from '../store/storedIndex';
import { ChangeBatch } from './commit';
import { embedChanges } from './embedding';
import { FileReport, reportStored } from './fileReport';
import { jobSummary, type IndexJob } from './indexJob';
import { PreparedBatches } from './preparedBatches';
import { scanWorkspace, type ScannedFile } from './scanner';
import type { RunOptions } from './searchIndex';

/**
 * Work is saved after this many new chunks: an interrupted first index keeps most of what it did, and
 * chunks waiting to be saved (text, terms, vectors) stay a small part of memory.
 */
const COMMIT_CHUNKS = 10_000;
/**
 * Or once the waiting texts' length (characters: about their bytes in memory) reaches this share of
 * the memory limit: texts live on disk once saved, so an index whose texts are larger than the limit
 * fits, as long as those waiting for a save do not fill it.
 */
const COMMIT_TEXT_SHARE = 1 / 16;
/** The limit assumed when none is set (an in-process index; the index thread always has one). */
const DEFAULT_LIMIT_MB = 384;

/** What a sync must do: files to drop from the index, and files to read (new, or changed in size or time). */
export interface SyncPlan {
  remove: string[];
  /** Indexed files among `remove` (the rest were skipped files or leftovers). */
  removedFiles: number;
  read: ScannedFile[];
}

/**
 * Compares the scan with the catalog. Files remembered as skipped and still unchanged are counted in
 * `skipped` without being read again.
 */
export function planSync(stored: StoredIndex, scanned: readonly ScannedFile[], skipped: SkipCounts): SyncPlan {
  const present = new Set(scanned.map((f) => f.path));
  const remove: string[] = [];
  let removedFiles = 0;
  for (const shard of stored.shards) {
    for (const p of [...shard.files.keys(), ...shard.skipped.keys()]) {
      if (present.has(p)) continue;
      if (shard.files.has(p)) removedFiles++;
      remove.push(p);
    }
    // Chunks without a catalog entry, left by an interrupted run: drop them if their file is gone (a present file is re-read).
    for (const p of shard.records.paths()) {
      if (!shard.files.has(p) && !present.has(p)) remove.push(p);
    }
  }
  const read: { file: ScannedFile; shard: number }[] = [];
  for (const file of scanned) {
    const position = stored.shardIndexOf(file.path);
    const shard = stored.shards[position];
    const known = shard.files.get(file.path) ?? shard.skipped.get(file.path);
    if (!known || known.size !== file.size || known.mtimeMs !== file.mtimeMs) read.push({ file, shard: position });
    else if (!shard.files.has(file.path)) skipped[shard.skipped.get(file.path)!.reason]++;
  }
  // Shard by shard (in scan order within one): a save rewrites each shard it changes whole, so a batch
  // that spans a few shards instead of all of them keeps a first index's saves in proportion to its size.
  read.sort((a, b) => a.shard - b.shard);
  return { remove, removedFiles, read: read.map((r) => r.file) };
}

/** Brings the whole index up to date with the folder. A cancelled sync saves what it finished. */
export async function runSync(job: IndexJob, options: RunOptions): Promise<IndexSummary> {
  const started = performance.now();
  const { stored } = job;
  const report = options.onProgress ?? (() => undefined);
  report({ phase: 'scanning', filesDone: 0, filesTotal: 0, chunks: stored.chunkCount });
  const scan = await scanWorkspace(job.settings.root, { ...job.settings.scan, signal: options.signal });
  for (const warning of scan.warnings) job.warn(warning);
  const { skipped } = scan;
  const plan = planSync(stored, scan.files, skipped);
  const batch = new ChangeBatch(job);
  for (const p of plan.remove) batch.add({ path: p, chunks: [] });
  const fileReport = new FileReport(options.onFile);
  const commit = async () => reportStored(fileReport, await batch.commit());

  const commitTextLength = (job.settings.memoryLimitMb ?? DEFAULT_LIMIT_MB) * 2 ** 20 * COMMIT_TEXT_SHARE;
  const batches = new PreparedBatches(plan.read, commitTextLength / 4, {
    catalog: (p) => stored.fileEntry(p), skipped, chunking: job.settings.chunking, report: fileReport, script: job.preparationScript,
  });
  let indexedFiles = 0;
  let redacted = 0;
  let filesDone = scan.files.length - plan.read.length;
  const filesTotal = scan.files.length;
  try {
    while (!batches.done) {
      // A batch prepared ahead is there without waiting for anything: one turn of the event loop lets a
      // cancellation sent to this thread arrive before the next batch, as reading files inline did.
      await nextTurn();
      if (options.signal?.aborted) throw new CancelledError();
      if (job.lock.lost) throw job.lock.lost; // no use embedding what cannot be saved
      const { files, prepared } = await batches.next();
      for (const change of await embedChanges(job.embedder, prepared, job.dimensions, options.signal, fileReport)) {
        if (change.entry && !change.touchOnly) {
          indexedFiles++;
          redacted += change.entry.redacted ?? 0;
        }
        batch.add(change);
      }
      filesDone += files.length;
      report({ phase: 'indexing', filesDone, filesTotal, chunks: stored.chunkCount + batch.pendingChunks });
      job.checkMemory(); // before saving: a batch that does not fit is dropped, what was saved stays
      if (batch.pendingChunks >= COMMIT_CHUNKS || batch.pendingTextLength >= commitTextLength) await commit();
    }
  } catch (err) {
    if (err instanceof CancelledError) await commit(); // what is done stays done
    throw err;
  } finally {
    await batches.close();
  }
  report({ phase: 'saving', filesDone, filesTotal, chunks: stored.chunkCount + batch.pendingChunks });
  await commit();
  report({ phase: 'done', filesDone, filesTotal, chunks: stored.chunkCount });
  return jobSummary(job, started, { indexedFiles, removedFiles: plan.removedFiles, skipped, redacted });
}
