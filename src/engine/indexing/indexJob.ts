import type { IndexSummary, SkipCounts } from '../../protocol/indexing';
import type { IndexSettings } from '../../protocol/indexThread';
import type { IndexLock } from '../store/indexLock';
import type { StoredIndex } from '../store/storedIndex';
import type { Embedder } from './embedder';

/** What a job that changes the index works with. */
export interface IndexJob {
  settings: IndexSettings;
  stored: StoredIndex;
  embedder: Embedder;
  /** The vectors' dimension, known once the job has started. */
  dimensions: number;
  /** Checked before each save: a job that lost the lock stops writing. */
  lock: IndexLock;
  warn: (message: string) => void;
  /** The preparation thread's script, if this job may use one (see `IndexOptions`). */
  preparationScript?: string;
  /** Throws `index_out_of_memory` when the index holds more than its memory limit (see `MemoryBudget`). */
  checkMemory: () => void;
}

/** A job's result, with the index's counts after it. */
export function jobSummary(job: IndexJob, started: number, done: { indexedFiles: number; removedFiles: number; skipped: SkipCounts; redacted: number }): IndexSummary {
  return {
    files: job.stored.fileCount, chunks: job.stored.chunkCount, indexedFiles: done.indexedFiles, removedFiles: done.removedFiles,
    skipped: done.skipped, redacted: done.redacted, ms: Math.round(performance.now() - started), embedder: job.embedder.id, dimensions: job.dimensions,
  };
}
