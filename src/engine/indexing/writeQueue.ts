import { acquireIndexLock, type IndexLock } from '../store/indexLock';
import type { RunOptions } from './searchIndex';

/** How long a run waits for another process writing the same index before giving up with a clear message. */
const LOCK_TIMEOUT_MS = 10 * 60_000;

/**
 * Runs the jobs that write an index one after another in this process, each while holding the index
 * folder's lock against other processes. A job gets the lock, to check before each save that it still
 * holds it.
 */
export class WriteQueue {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly indexDir: string) {}

  /** Runs `work` after the jobs already queued; `onWait` is called if another process holds the lock. */
  run<T>(options: RunOptions & { onWait?: () => void }, work: (lock: IndexLock) => Promise<T>): Promise<T> {
    const locked = async () => {
      const lock = await acquireIndexLock(this.indexDir, { timeoutMs: LOCK_TIMEOUT_MS, signal: options.signal, onWait: options.onWait });
      try {
        return await work(lock);
      } finally {
        await lock.release();
      }
    };
    const run = this.tail.then(locked, locked);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Resolves when every queued job has finished. */
  async idle(): Promise<void> {
    await this.tail;
  }
}
