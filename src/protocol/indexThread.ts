/**
 * The messages between an index and the thread it runs on. Plain data only (they are structured-cloned),
 * and each request is paired with the type of its reply, so a client's calls return typed values.
 */
import type { ErrorCode } from './errorCodes';
import type { FileEvent, Source, Stage } from './events';
import type {
  CandidateParams, Candidates, EmbedderConfig, IndexProgress, IndexState, IndexSummary, SearchParams, TermStats,
} from './indexing';

/** Which files an index reads. */
export interface ScanSettings {
  /** Globs a file must match to be indexed; empty means every file. */
  include?: readonly string[];
  /** Globs never indexed: the user's exclude setting and VS Code's `files.exclude`. */
  exclude?: readonly string[];
  maxFileBytes?: number;
}

/** How files are cut into chunks. */
export interface ChunkSettings {
  /** Hard cap per chunk, counted with gpt-tokenizer: fits every embedding model's input. */
  maxTokens?: number;
  /** Preferred chunk size in characters; chunks end at a boundary near it. */
  targetChars?: number;
}

/** What an index is opened with, besides its embedder. */
export interface IndexSettings {
  /** The workspace folder. */
  root: string;
  /** Where the index lives: never inside the user's folder unless they ask for it. */
  indexDir: string;
  scan?: ScanSettings;
  chunking?: ChunkSettings;
  /** Shards the index is split into; a one-file update rewrites one shard. */
  shards?: number;
}

/** Everything the thread needs to open the index (its `workerData`). */
export interface IndexThreadSetup {
  settings: IndexSettings;
  embedder: EmbedderConfig;
}

type NoParams = Record<never, never>;

/** Each call the thread answers: what the request carries and what its reply holds. */
export interface IndexCalls {
  sync: { params: NoParams; reply: IndexSummary };
  update: { params: { changed: string[]; deleted: string[] }; reply: IndexSummary };
  search: { params: { query: string; options: SearchParams }; reply: Source[] };
  termStats: { params: { query: string }; reply: TermStats };
  candidates: { params: { query: string; options: CandidateParams }; reply: Candidates };
  clear: { params: NoParams; reply: null };
}

export type IndexCall = keyof IndexCalls;

/** Client → thread: a call. Its reply carries the same id. */
export interface IndexRequest<K extends IndexCall = IndexCall> {
  type: 'call';
  id: number;
  call: K;
  params: IndexCalls[K]['params'];
  /** Whether the caller wants the job's file events (`files` messages). */
  files?: boolean;
}

/** Client → thread: stop the call with id `target` (its reply is then a `cancelled` error). */
export interface CancelRequest {
  type: 'cancel';
  target: number;
}

export type ToIndexThread = IndexRequest | CancelRequest;

/** Thread → client: a call's value. */
export interface IndexReply<K extends IndexCall = IndexCall> {
  type: 'result';
  id: number;
  call: K;
  value: IndexCalls[K]['reply'];
}

/** An error as it crosses the thread boundary. */
export interface SerializedError {
  name: string;
  message: string;
  /** Set for the engine's own errors (`RagError`). */
  code?: ErrorCode;
  stage?: Stage;
}

/** Thread → client. */
export type FromIndexThread =
  | { type: 'ready'; state: IndexState }
  | { type: 'state'; state: IndexState }
  | { type: 'progress'; id: number; progress: IndexProgress }
  /** File events of call `id`, batched: one message per file and stage would flood the boundary at 50,000 chunks. */
  | { type: 'files'; id: number; events: FileEvent[] }
  | { type: 'warning'; message: string }
  | IndexReply
  /** A call failed; `id` null: the index could not be opened. */
  | { type: 'error'; id: number | null; error: SerializedError };

/** Whether a reply answers a call of type `call` (a reply to another call means the two sides disagree). */
export function isReplyTo<K extends IndexCall>(reply: IndexReply, call: K): reply is IndexReply<K> {
  return reply.call === call;
}
