/**
 * The HTTP API of `workspace-rag serve`, as its clients see it: request bodies and JSON answers. The
 * answer stream itself is the event protocol (events.ts), one Server-Sent Event per event.
 */
import type { SessionState } from './session';

/** `POST /v1/ask`: the answer streams back as `text/event-stream`. */
export interface AskRequest {
  question: string;
  /** Passages to retrieve (1 to 20). */
  k?: number;
  /** `auto`, `offline`, `ollama` or `openai`; the server's own choice when absent. */
  provider?: string;
  /** The chat model of that provider. */
  model?: string;
  /** Earlier questions and answers of the conversation, oldest first. */
  history?: { question: string; answer: string }[];
}

/** `POST /v1/summarize`: the summary streams back as `text/event-stream` (summary_start … summary_done or error). */
export interface SummarizeRequest {
  /** A file of the workspace: relative to its folder, or absolute inside it. */
  path: string;
  provider?: string;
  model?: string;
}

/** `POST /v1/search`. */
export interface SearchRequest {
  query: string;
  k?: number;
  /** Globs that narrow the search to some files, e.g. `["src/**", "*.md"]`. */
  paths?: string[];
}

/** One passage of a search result: the fields of a `source` event, with the whole passage's text. */
export interface Passage {
  path: string;
  startLine: number;
  endLine: number;
  score: number;
  text: string;
}

export interface SearchResponse {
  query: string;
  results: Passage[];
  /** False while the index was still being built: the results come from the files indexed so far. */
  indexComplete: boolean;
}

/** `GET /v1/health`. */
export interface HealthResponse {
  ok: true;
  index: SessionState;
  /** Who answers a question asked now, and why others were passed over. */
  answers: { label: string; provider: string; model: string; notes: string[] };
}

/** The body of every 4xx and 5xx answer. */
export interface ApiError {
  error: { code: string; message: string };
}

/**
 * The progress events of `POST /v1/index`. Beside them come `file_stage` and `file_error` (events.ts, one per
 * file and stage), then the final `done` (its data: the summaries) or `error`.
 */
export const INDEX_PROGRESS_EVENT = 'progress';
