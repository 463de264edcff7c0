import type { Source } from '../../../protocol/events';
import type { EmbedderConfig, IndexProgress, IndexState, IndexSummary } from '../../../protocol/indexing';
import type { IndexOptions } from '../workspaceIndex';
import type { SearchOptions } from '../searchIndex';

export type { EmbedderConfig, IndexState };

/** Everything the worker needs to open the index (`workerData`). */
export interface WorkerSetup {
  options: Omit<IndexOptions, 'embedder' | 'onWarning'>;
  embedder: EmbedderConfig;
}

/** Client → worker. Each request has an id; its answer carries the same id. */
export type WorkerRequest =
  | { id: number; type: 'sync' }
  | { id: number; type: 'update'; changed: string[]; deleted: string[] }
  | { id: number; type: 'search'; query: string; options: Omit<SearchOptions, 'signal'> }
  | { id: number; type: 'clear' }
  | { id: number; type: 'cancel'; target: number };

/** An error as it crosses the thread boundary. */
export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  stage?: string;
}

/** Worker → client. */
export type WorkerMessage =
  | { type: 'ready'; state: IndexState }
  | { type: 'state'; state: IndexState }
  | { type: 'progress'; id: number; progress: IndexProgress }
  | { type: 'warning'; message: string }
  | { type: 'result'; id: number; value: IndexSummary | Source[] | null }
  | { type: 'error'; id: number | null; error: SerializedError };
