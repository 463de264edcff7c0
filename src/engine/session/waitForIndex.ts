import type { IndexProgress } from '../../protocol/indexing';
import { describeProgress } from '../../protocol/webview';
import { CancelledError } from '../errors';
import type { AnswerSession } from './answerSession';

/**
 * Longest a search from a program (MCP, HTTP) waits for an indexing job before answering from what is
 * indexed: long enough for the incremental sync at start-up, short enough for an agent waiting on it.
 */
export const SEARCH_INDEX_WAIT_MS = 10_000;

export interface IndexWait {
  /** False when the bound passed with the job still running: searches see only what was indexed so far. */
  complete: boolean;
  /** The running job's progress when the wait ended, if it still runs. */
  progress: IndexProgress | undefined;
}

/**
 * Waits for the session's indexing job, if one runs, for at most `maxMs`, reporting its progress; an
 * index that was never built is started first. Used by the surfaces that search for agents (the
 * language model tool, MCP), which would rather wait a little than answer from nothing, but never long.
 */
export async function waitForIndex(session: AnswerSession, options: { maxMs: number; signal?: AbortSignal; onProgress?: (progress: IndexProgress) => void }): Promise<IndexWait> {
  const { signal, onProgress } = options;
  if (signal?.aborted) throw new CancelledError();
  if (!session.indexing && await session.isEmpty()) void session.reindex().catch(() => undefined);
  if (!session.indexing) return { complete: true, progress: undefined };
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const unsubscribe = session.onStateChange((state) => {
    if (state.progress) onProgress?.(state.progress);
  });
  try {
    if (session.state.progress) onProgress?.(session.state.progress);
    await Promise.race([
      session.reindex().catch(() => undefined), // joins the running job; its failure shows in the state
      new Promise<void>((resolve) => { timer = setTimeout(resolve, options.maxMs); }),
      new Promise<never>((_, reject) => {
        onAbort = () => reject(new CancelledError());
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    unsubscribe();
  }
  return { complete: !session.indexing, progress: session.indexing ? session.state.progress : undefined };
}

/** What a search surface says when it answered from an index still being built. */
export function partialIndexNotice(wait: IndexWait): string | undefined {
  if (wait.complete) return undefined;
  const where = wait.progress ? ` (${describeProgress(wait.progress)})` : '';
  return `The workspace index is still being built${where}: these results come from the files indexed so far. Search again in a minute for complete results.`;
}
