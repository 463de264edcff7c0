import type { ErrorCode } from './errorCodes';

/**
 * The event protocol shared by every surface (chat participant, webview, CLI `--json`, tests).
 * Each event is a flat object: `type`, `t` (ms since the stream started, monotonic) and its payload.
 */

/** How the answer is produced: a native async stream, a bridged sync iterable, or a whole answer re-chunked. */
export type Strategy = 'async' | 'sync' | 'simulated';

/** Where a stream failed. */
export type Stage = 'retrieval' | 'generation' | 'indexing';

/** A retrieved passage: a line range of one workspace file. Lines are 1-based and inclusive. */
export interface Source {
  /** Workspace-relative path with forward slashes. */
  path: string;
  startLine: number;
  endLine: number;
  score: number;
  text: string;
}

/** The provider and model that produce an answer, shown to the user. */
export interface ModelInfo {
  provider: string;
  model: string;
}

export interface RetrievalStartEvent { type: 'retrieval_start'; t: number; query: string }
export interface SourceEvent {
  type: 'source'; t: number;
  /** 1-based: the number the answer cites as `[index]`. */
  index: number; path: string; startLine: number; endLine: number; score: number;
  /** The few lines of the passage that best match the question (Markdown layout stripped), or its first lines. */
  snippet: string;
  /** 1-based file line of the snippet's first line. */
  snippetLine: number;
  /**
   * Where the question's words are in `snippet` (stems and identifier parts included), for every surface to
   * mark the same words: `[start, end)` character offsets, ascending, not overlapping.
   */
  snippetMatches: [number, number][];
}
/** A source as every surface shows it: a `source` event's payload. */
export type SourceCardData = Omit<SourceEvent, 'type' | 't'>;
export interface RetrievalDoneEvent { type: 'retrieval_done'; t: number; numDocs: number; retrievalMs: number }
export interface GenerationStartEvent {
  type: 'generation_start'; t: number; strategy: Strategy; provider: string; model: string; promptTokens: number;
}
export interface TokenEvent { type: 'token'; t: number; text: string }
/**
 * One source number of a citation in the answer, sent just before the token that contains it. `offset` and
 * `length` locate the whole mark (`[1, 2]` sends two events with the same mark) in the answer's text.
 */
export interface CitationEvent { type: 'citation'; t: number; index: number; valid: boolean; offset: number; length: number }
export interface GenerationDoneEvent {
  type: 'generation_done'; t: number; totalMs: number;
  /** Time from the start of the stream to the first token; null when the answer was empty. */
  ttftMs: number | null;
  tokens: number;
  /** Valid source numbers the answer cited, ascending. */
  cited: number[];
  /** Source numbers the answer never cited, ascending. */
  uncited: number[];
}
/**
 * A further wave of sources: the model called the `search` tool (progressive context) and got these
 * passages. Wave 1 is the `source` events before the answer; waves 2 and up come during generation.
 * Their numbers follow the existing ones, so citations already written keep their meaning.
 */
export interface ContextUpdateEvent {
  type: 'context_update'; t: number;
  wave: number;
  /** What the model searched for. */
  query: string;
  /** The new passages only (none when the search found nothing not shown already), numbered on. */
  sources: SourceCardData[];
}
export interface ErrorEvent { type: 'error'; t: number; stage: Stage; message: string; code: ErrorCode }

/**
 * First event of a file's summary (`t = 0`), once the file has been measured: it is cut into `windows` that
 * each fit the model's context. The summary's text follows as `token` events; each window's lines are a
 * numbered `source` (offline: each quoted section or line), cited as `[n]` like an answer's sources.
 */
export interface SummaryStartEvent {
  type: 'summary_start'; t: number;
  /** Workspace-relative path with forward slashes (the folder's name first when there are several). */
  path: string;
  windows: number; characters: number; lines: number;
  /**
   * gpt-tokenizer's count of the whole file, which its windows fit; null offline, where windows are cut by
   * characters (there is no context to fit, and counting a 5 MB log takes seconds).
   */
  tokens: number | null;
  /** Who writes the summary (`offline` · `extractive` without a model). */
  provider: string; model: string;
}
/** A window starts: `window` of `windows` (1-based), its lines, and the share of the file done before it. */
export interface SummaryProgressEvent {
  type: 'summary_progress'; t: number; window: number; windows: number; percent: number; startLine: number; endLine: number;
}
/** Last event of a complete summary. */
export interface SummaryDoneEvent { type: 'summary_done'; t: number; totalMs: number; ttftMs: number | null; windows: number }

export type RagEvent =
  | RetrievalStartEvent | SourceEvent | RetrievalDoneEvent | GenerationStartEvent
  | TokenEvent | CitationEvent | ContextUpdateEvent | GenerationDoneEvent | ErrorEvent
  | SummaryStartEvent | SummaryProgressEvent | SummaryDoneEvent;

/** The events of a file's summary: `summary_start`, then `summary_progress`, `source`, `citation` and `token`, then `summary_done` or `error`. */
export type SummaryEvent =
  | SummaryStartEvent | SummaryProgressEvent | SourceEvent | TokenEvent | CitationEvent | SummaryDoneEvent | ErrorEvent;

export type RagEventType = RagEvent['type'];

/** Cumulative counters of one engine instance. */
export interface StreamStats {
  totalStreams: number;
  totalTokens: number;
  /** Streams that ended in an error other than a cancellation. */
  totalErrors: number;
  /** Mean `totalMs` of the streams that completed (reached `generation_done`). */
  avgLatencyMs: number;
}

/**
 * Indexing, file by file (`index --json --events`, `POST /v1/index`, the panel's index view). A file whose
 * content is (re-)indexed goes read → chunked → embedded → stored; one that cannot be read gets a
 * `file_error` and the rest of the run goes on. Unchanged, binary and ignored files are only counted.
 */
export type FileStage = 'read' | 'chunked' | 'embedded' | 'stored';
export interface FileStageEvent {
  type: 'file_stage';
  /** Folder-relative with forward slashes (prefixed with the folder's name when a session has several). */
  path: string;
  stage: FileStage;
  /** The file's chunks (0 at `read`). */
  chunks: number;
  /** Milliseconds since the file's reading started. */
  ms: number;
}
export interface FileErrorEvent { type: 'file_error'; path: string; reason: string }
export type FileEvent = FileStageEvent | FileErrorEvent;
