import type { ErrorCode } from '../protocol/errorCodes';
import type { Stage } from '../protocol/events';

/**
 * An error that already says what happened and what to do about it. Providers and the index throw these;
 * the engine turns them into `error` events unchanged. `code` is stable and machine-readable.
 */
export class RagError extends Error {
  constructor(readonly code: ErrorCode, message: string, readonly stage?: Stage, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RagError';
  }
}

/** Thrown when the caller's signal aborts: a normal end, not a failure. */
export class CancelledError extends RagError {
  constructor() {
    super('cancelled', 'Stopped.');
    this.name = 'CancelledError';
  }
}

export function isAbortError(err: unknown): boolean {
  return err instanceof CancelledError
    || (err instanceof Error && (err.name === 'AbortError' || (err as { code?: string }).code === 'ABORT_ERR'));
}

/** A one-line description of any thrown value, for messages. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}
