import type { Source } from '../../protocol/events';
import type { FileListener } from './fileReport';
import type { CandidateParams, Candidates, IndexProgress, IndexState, IndexSummary, SearchParams, TermStats } from '../../protocol/indexing';

/** Passages retrieved per question unless a surface asks otherwise: room for several files, within a small model's window. */
export const DEFAULT_SOURCES = 8;

export interface RunOptions {
  signal?: AbortSignal;
  onProgress?: (progress: IndexProgress) => void;
  /** Each (re-)indexed file's stages and each file that could not be read. */
  onFile?: FileListener;
}

export interface SearchOptions extends SearchParams {
  signal?: AbortSignal;
}

export interface CandidateOptions extends CandidateParams {
  signal?: AbortSignal;
}

/**
 * One folder's index, as the answer session sees it: the seam where another backend (a team index on a
 * database server) fits beside the Vectra files. Implemented in-process (`WorkspaceIndex`) and on the
 * index's own thread (`IndexClient`).
 */
export interface SearchIndex {
  /** The state after the last job (counts, last save, embedder, recent warnings). */
  readonly state: IndexState;
  /** Brings the whole index up to date with the folder; a call while a sync runs joins it. */
  sync(options?: RunOptions): Promise<IndexSummary>;
  /** Re-indexes the given files and drops the deleted ones (absolute or folder-relative paths). */
  updateFiles(changed: readonly string[], deleted: readonly string[], options?: RunOptions): Promise<IndexSummary>;
  /** The passages that best answer a question, best first. */
  search(query: string, options?: SearchOptions): Promise<Source[]>;
  /** This index's BM25 statistics for a question's terms; several indexes add theirs up to rank as one. */
  termStats(query: string, options?: { signal?: AbortSignal }): Promise<TermStats>;
  /** The best chunks by each ranking, lexical ones scored with the given (summed) statistics. */
  candidates(query: string, options: CandidateOptions): Promise<Candidates>;
  /** Deletes what the index stored; the next sync starts from scratch. */
  clear(): Promise<void>;
  /** Releases the index (its thread, its files); pending calls fail as cancelled. */
  close(): Promise<void>;
}
