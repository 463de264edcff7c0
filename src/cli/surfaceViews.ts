/** What the servers (MCP, HTTP) show of a session, in the same words. */
import { CancelledError, RagError, describeError } from '../engine/errors';
import { actionsFor } from '../protocol/errorCodes';
import type { Source } from '../protocol/events';
import type { Passage } from '../protocol/httpApi';
import type { IndexProgress } from '../protocol/indexing';
import type { SessionState } from '../protocol/session';

export interface StatusView {
  files: number;
  chunks: number;
  /** ISO time of the last save, if any. */
  lastUpdated: string | null;
  indexing: boolean;
  progress: IndexProgress | null;
  error: { code: string; message: string } | null;
  warnings: string[];
  folders: { name: string; root: string; files: number; chunks: number; lastUpdated: string | null }[];
}

/** The index state as plain JSON for agents: times as ISO strings, nothing undefined. */
export function statusView(state: SessionState): StatusView {
  const iso = (t: number | undefined) => (t === undefined ? null : new Date(t).toISOString());
  return {
    files: state.files,
    chunks: state.chunks,
    lastUpdated: iso(state.lastUpdated),
    indexing: state.indexing,
    progress: state.progress ?? null,
    error: state.error ?? null,
    warnings: state.warnings.map((w) => w.message),
    folders: state.folders.map((f) => ({ name: f.name, root: f.root, files: f.files, chunks: f.chunks, lastUpdated: iso(f.lastUpdated) })),
  };
}

/** A search result as the servers send it: the source's fields in a fixed order, the score to four decimals. */
export function passageView({ path, startLine, endLine, score, text }: Source): Passage {
  return { path, startLine, endLine, score: Math.round(score * 10_000) / 10_000, text };
}

/** A failure's code: the engine's when it has one. */
export function failureCode(err: unknown): string {
  return err instanceof RagError ? err.code : 'internal_error';
}

/**
 * A failure in words that say what to do. The engine's messages already do; where the fix is to rebuild
 * the index, `reindexHint` says how on this surface (a tool to call, an endpoint).
 */
export function failureText(err: unknown, reindexHint: string): string {
  if (err instanceof CancelledError) return 'Cancelled.';
  const message = describeError(err);
  if (!(err instanceof RagError)) return `${message} (an unexpected failure; the server's stderr has details).`;
  return actionsFor(err.code).some((a) => a.id === 'reindex') ? `${message} ${reindexHint}` : message;
}
