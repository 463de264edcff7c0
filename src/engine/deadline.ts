import { CancelledError, RagError } from './errors';

/** Why a signal aborted, as the error the stream should end with. */
export function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof RagError ? signal.reason : new CancelledError();
}

/**
 * Settles with `work`, or rejects with `timeoutError()` after `ms`, or with the abort reason when
 * `signal` aborts, whichever comes first. The losing promise is silenced: a provider that rejects
 * after we stopped listening must not crash the host with an unhandled rejection.
 */
export function raceDeadline<T>(work: Promise<T>, ms: number, signal: AbortSignal, timeoutError: () => Error): Promise<T> {
  work.catch(() => undefined);
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) {
      reject(abortReason(signal));
      return;
    }
    const cleanup = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      cleanup();
      reject(abortReason(signal));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(timeoutError());
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => { cleanup(); resolve(value); },
      (err) => { cleanup(); reject(err); },
    );
  });
}

/** Waits `ms`, or rejects as soon as `signal` (if any) aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
