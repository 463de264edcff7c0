import type { Source } from '../../protocol/events';
import type { IndexProgress, IndexState, IndexSummary } from '../../protocol/indexing';

/** Narrows a search to some files: path globs (VS Code syntax) and/or language ids. */
export interface SearchFilter {
  paths?: string[];
  languages?: string[];
}

/** Which rankings to use; both by default. Single rankings exist for the evaluation. */
export type RankingMode = 'fused' | 'lexical' | 'vector';

export interface RunOptions {
  signal?: AbortSignal;
  onProgress?: (progress: IndexProgress) => void;
}

export interface SearchOptions {
  k?: number;
  signal?: AbortSignal;
  filter?: SearchFilter;
  mode?: RankingMode;
}

/**
 * One folder's index, as the answer session sees it: the seam where another backend (a team index on a
 * database server) fits beside the Vectra files. Implemented in-process (`WorkspaceIndex`) and on the
 * index's own thread (`IndexClient`).
 */
export interface SearchIndex {
  /** The state after the last job (counts, last save, embedder). */
  readonly state: IndexState;
  /** Brings the whole index up to date with the folder; a call while a sync runs joins it. */
  sync(options?: RunOptions): Promise<IndexSummary>;
  /** Re-indexes the given files and drops the deleted ones (absolute or folder-relative paths). */
  updateFiles(changed: readonly string[], deleted: readonly string[], options?: RunOptions): Promise<IndexSummary>;
  /** The passages that best answer a question, best first. */
  search(query: string, options?: SearchOptions): Promise<Source[]>;
  /** Deletes what the index stored; the next sync starts from scratch. */
  clear(): Promise<void>;
  /** Releases the index (its thread, its files); pending calls fail as cancelled. */
  close(): Promise<void>;
}
