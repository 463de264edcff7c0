import type { EmbedderInfo, IndexProgress } from './indexing';

/** One folder's index as the surfaces show it. */
export interface FolderState {
  name: string;
  root: string;
  files: number;
  chunks: number;
  lastUpdated: number | undefined;
  /** Unknown until the folder's index has opened. */
  embedder: EmbedderInfo | undefined;
}

/** What an answer session's indexes look like now: the status bar, the panel's header, `/v1/health`, MCP's `index_status`. */
export interface SessionState {
  folders: FolderState[];
  files: number;
  chunks: number;
  lastUpdated: number | undefined;
  /** Whether an indexing job runs now. */
  indexing: boolean;
  /** The running job's progress. */
  progress: IndexProgress | undefined;
  /** The last indexing failure, until the next success. */
  error: { code: string; message: string } | undefined;
  /** Recent problems worth a look (a damaged part of the index repaired, a rebuild), newest last. */
  warnings: IndexWarning[];
  /** The files indexing stored and could not read lately. */
  activity: FileActivityState;
}

/** The latest files indexing stored (newest last) and the files it could not read, until they are stored. */
export interface FileActivityState {
  stored: { path: string; chunks: number; ms: number }[];
  failed: { path: string; reason: string }[];
}

/** A problem the index reported; `seq` grows by one with each, so a surface shows each once. */
export interface IndexWarning {
  seq: number;
  message: string;
}
