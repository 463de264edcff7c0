/**
 * What every surface can see of the index: its state, the progress of a job and a job's summary.
 * Plain data, so it crosses the index thread, the webview and the HTTP API unchanged.
 */

/** Files a scan or a run passed over, by reason. */
export interface SkipCounts {
  ignored: number;
  binary: number;
  tooLarge: number;
  minified: number;
  /** Folders and files that could not be read, including folders whose ignore file could not be (left out whole). */
  unreadable: number;
  /** Secret files (`.env`, keys, credentials) left out by default; a `.ragignore` `!pattern` re-includes one. */
  secret: number;
}

export function emptySkipCounts(): SkipCounts {
  return { ignored: 0, binary: 0, tooLarge: 0, minified: 0, unreadable: 0, secret: 0 };
}

/** What indexing reports while it runs, for progress lines, notifications and the panel. */
export interface IndexProgress {
  /** `waiting`: another process is writing this index; this run starts when it is done. */
  phase: 'waiting' | 'scanning' | 'indexing' | 'saving' | 'done';
  filesDone: number;
  filesTotal: number;
  chunks: number;
}

/** The result of one indexing run, as `workspace-rag index --json` prints it. */
export interface IndexSummary {
  files: number;
  chunks: number;
  /** Files (re-)embedded by this run. */
  indexedFiles: number;
  removedFiles: number;
  skipped: SkipCounts;
  /** Secret values replaced by `«redacted: KIND»` in the files this run indexed. */
  redacted: number;
  ms: number;
  embedder: string;
  dimensions: number;
}

/** The embedder an index uses, as recorded with it. */
export interface EmbedderInfo {
  id: string;
  model: string;
  /** Unknown until a remote embedder has answered once. */
  dimensions: number | undefined;
}

/** What one index looks like now. */
export interface IndexState {
  files: number;
  chunks: number;
  /** When the index was last saved (ms since the epoch), if ever. */
  lastUpdated: number | undefined;
  embedder: EmbedderInfo;
  /** What was kept out of the index: secret files left out by the last full run, secret values redacted in the stored text. */
  secrets?: { skippedFiles: number; redactedValues: number };
}

/** How an index builds its embedder: plain data, since functions cannot cross into a thread. */
export type EmbedderConfig =
  | { kind: 'offline' }
  | { kind: 'ollama'; host?: string; model?: string }
  | { kind: 'openai'; baseURL?: string; apiKey?: string; model?: string; keyHint?: string };
