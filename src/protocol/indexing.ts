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
  /** Recent problems the index ran into (damaged parts repaired, rebuilds, a failing embedder), oldest first. */
  warnings?: string[];
  /** What was kept out of the index: secret files left out by the last full run, secret values redacted in the stored text. */
  secrets?: { skippedFiles: number; redactedValues: number };
}

/** How an index builds its embedder: plain data, since functions cannot cross into a thread. */
export type EmbedderConfig =
  | { kind: 'offline' }
  | { kind: 'ollama'; host?: string; model?: string }
  | { kind: 'openai'; baseURL?: string; apiKey?: string; model?: string; keyHint?: string };

/** Narrows a search to some files: path globs (VS Code syntax) and/or language ids. */
export interface SearchFilter {
  paths?: string[];
  languages?: string[];
}

/** Which rankings to use; both by default. Single rankings exist for the evaluation. */
export type RankingMode = 'fused' | 'lexical' | 'vector';

/** A search's settings, as plain data. */
export interface SearchParams {
  /** Chunks to return before adjacent ones are merged. */
  k?: number;
  filter?: SearchFilter;
  mode?: RankingMode;
}

/**
 * The collection numbers BM25 needs for a question's terms. Each index gives its own; summed, they let
 * several indexes score as if they were one.
 */
export interface TermStats {
  /** Chunks in the index. */
  documents: number;
  /** Their lengths in terms, added up. */
  totalLength: number;
  /** For each of the question's terms, the chunks that contain it. */
  documentFrequencies: Record<string, number>;
}

/** What one index is asked for when several rank together. */
export interface CandidateParams {
  /** Every index's term statistics added up: the lexical scores are then comparable across indexes. */
  stats: TermStats;
  /** Candidates per ranking. */
  limit: number;
  filter?: SearchFilter;
  mode?: RankingMode;
  /** What the caller puts before this index's paths (`folder/`): `filter.paths` globs match the whole path. */
  pathPrefix?: string;
}

/** A chunk one ranking found, with its score in that ranking (BM25, or cosine similarity). */
export interface Candidate {
  /** Unique within its index. */
  id: string;
  path: string;
  startLine: number;
  endLine: number;
  text: string;
  score: number;
}

/** One index's best chunks by each ranking, best first. */
export interface Candidates {
  lexical: Candidate[];
  vector: Candidate[];
}
