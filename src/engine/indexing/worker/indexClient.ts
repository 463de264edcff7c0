import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Source } from '../../../protocol/events';
import type { Candidates, EmbedderConfig, IndexProgress, IndexState, IndexSummary, TermStats } from '../../../protocol/indexing';
import {
  isReplyTo, type FromIndexThread, type IndexCall, type IndexCalls, type IndexReply, type IndexThreadSetup, type SerializedError, type ToIndexThread,
} from '../../../protocol/indexThread';
import { CancelledError, RagError } from '../../errors';
import type { IndexOptions } from '../workspaceIndex';
import type { CandidateOptions, RunOptions, SearchIndex, SearchOptions } from '../searchIndex';

export interface IndexClientOptions extends Omit<IndexOptions, 'embedder'> {
  embedder?: EmbedderConfig;
  /**
   * Heap limit of the index thread. Besides bounding memory, a limit makes the collector work before
   * garbage piles up: indexing 36,000 chunks peaks near 400 MB instead of 600 MB.
   */
  memoryLimitMb?: number;
  /** The bundled worker script; defaults to `indexWorker.js` beside this bundle. */
  workerScript?: string;
}

/** Enough for 50,000 chunks of text, vectors and postings with room for a batch in flight. */
export const DEFAULT_MEMORY_LIMIT_MB = 384;

/**
 * Indexing allocates briefly-lived objects fast; a young generation of 16 MB collects them as often as
 * a larger one but keeps about 25 MB less resident (measured at 52,000 chunks: 456–467 MB against
 * 486–497 MB peak RSS, same speed).
 */
const YOUNG_GENERATION_MB = 16;

/** A call waiting for its reply. */
interface Pending {
  /** Settles the call with its reply (checked to answer this call). */
  accept: (reply: IndexReply) => void;
  reject: (err: Error) => void;
  onProgress?: (progress: IndexProgress) => void;
  onFile?: RunOptions['onFile'];
}

/**
 * The workspace index running on its own thread, with the same methods as `WorkspaceIndex`. If the
 * thread dies (out of memory, a crash), pending calls fail with a clear error and the next call starts
 * a fresh thread on the index saved on disk.
 */
export class IndexClient implements SearchIndex {
  private worker: Worker | undefined;
  private ready: Promise<void> | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private current: IndexState | undefined;

  private constructor(private readonly options: IndexClientOptions) {}

  static async open(options: IndexClientOptions): Promise<IndexClient> {
    const client = new IndexClient(options);
    await client.start();
    return client;
  }

  get state(): IndexState {
    return this.current ?? { files: 0, chunks: 0, lastUpdated: undefined, embedder: { id: this.options.embedder?.kind ?? 'offline', model: '', dimensions: undefined } };
  }

  sync(options: RunOptions = {}): Promise<IndexSummary> {
    return this.call('sync', {}, options);
  }

  updateFiles(changed: readonly string[], deleted: readonly string[], options: RunOptions = {}): Promise<IndexSummary> {
    return this.call('update', { changed: [...changed], deleted: [...deleted] }, options);
  }

  search(query: string, options: SearchOptions = {}): Promise<Source[]> {
    const { signal, ...rest } = options;
    return this.call('search', { query, options: rest }, { signal });
  }

  termStats(query: string, options: { signal?: AbortSignal } = {}): Promise<TermStats> {
    return this.call('termStats', { query }, options);
  }

  candidates(query: string, options: CandidateOptions): Promise<Candidates> {
    const { signal, ...rest } = options;
    return this.call('candidates', { query, options: rest }, { signal });
  }

  async clear(): Promise<void> {
    await this.call('clear', {}, {});
  }

  /** Stops the thread; pending calls fail at once (as cancelled) instead of waiting forever. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    for (const [id, pending] of this.pending) {
      this.pending.delete(id);
      pending.reject(new CancelledError());
    }
    if (worker) await worker.terminate();
  }

  private start(): Promise<void> {
    if (this.ready) return this.ready;
    const { embedder, memoryLimitMb, workerScript, onWarning, ...settings } = this.options;
    const setup: IndexThreadSetup = { settings, embedder: embedder ?? { kind: 'offline' } };
    const worker = new Worker(workerScript ?? path.join(__dirname, 'indexWorker.js'), {
      workerData: setup,
      resourceLimits: { maxOldGenerationSizeMb: memoryLimitMb ?? DEFAULT_MEMORY_LIMIT_MB, maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    });
    this.worker = worker;
    this.ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (message: FromIndexThread) => {
        switch (message.type) {
          case 'ready':
            this.current = message.state;
            resolve();
            break;
          case 'state':
            this.current = message.state;
            break;
          case 'warning':
            onWarning?.(message.message);
            break;
          case 'progress':
            this.pending.get(message.id)?.onProgress?.(message.progress);
            break;
          case 'files': {
            const onFile = this.pending.get(message.id)?.onFile;
            if (onFile) for (const event of message.events) onFile(event);
            break;
          }
          case 'result':
            this.settle(message.id, (p) => p.accept(message));
            break;
          case 'error':
            if (message.id === null) reject(revive(message.error));
            else this.settle(message.id, (p) => p.reject(revive(message.error)));
            break;
        }
      });
      const died = (err: Error) => {
        if (this.worker !== worker) return;
        this.worker = undefined;
        this.ready = undefined;
        const failure = describeDeath(err, memoryLimitMb ?? DEFAULT_MEMORY_LIMIT_MB);
        reject(failure);
        for (const [id, p] of this.pending) {
          this.pending.delete(id);
          p.reject(failure);
        }
      };
      worker.on('error', died);
      worker.on('exit', (code) => died(new Error(`the index thread exited with code ${code}`)));
    });
    return this.ready;
  }

  /** Sends a call to the thread; its reply (by id) settles the returned promise with the call's type. */
  private async call<K extends IndexCall>(call: K, params: IndexCalls[K]['params'], options: RunOptions): Promise<IndexCalls[K]['reply']> {
    if (options.signal?.aborted) throw new CancelledError();
    await this.start();
    const worker = this.worker;
    if (!worker) throw new CancelledError(); // closed while starting
    const id = this.nextId++;
    const post = (message: ToIndexThread) => worker.postMessage(message);
    return new Promise((resolve, reject) => {
      const onAbort = () => post({ type: 'cancel', target: id });
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => options.signal?.removeEventListener('abort', onAbort);
      this.pending.set(id, {
        accept: (reply) => {
          done();
          if (isReplyTo(reply, call)) resolve(reply.value);
          else reject(new RagError('index_crashed', `The index thread answered a ${call} call with a ${reply.call} reply.`, 'indexing'));
        },
        reject: (err) => { done(); reject(err); },
        onProgress: options.onProgress,
        onFile: options.onFile,
      });
      post({ type: 'call', id, call, params, ...(options.onFile ? { files: true } : {}) });
    });
  }

  private settle(id: number, action: (pending: Pending) => void): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    action(pending);
  }
}

function revive(error: SerializedError): Error {
  if (error.name === 'CancelledError' || error.code === 'cancelled') return new CancelledError();
  if (error.code) return new RagError(error.code, error.message, error.stage);
  const revived = new Error(error.message);
  revived.name = error.name;
  return revived;
}

function describeDeath(err: Error, limitMb: number): RagError {
  if ((err as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return new RagError('index_out_of_memory',
      `Indexing needed more than its ${limitMb} MB memory limit. Exclude large generated or vendored folders (a .ragignore file or the exclude setting), or raise the index memory limit.`,
      'indexing');
  }
  return new RagError('index_crashed', `The index stopped unexpectedly (${err.message}). It restarts on the next question; reindex if answers look stale.`, 'indexing');
}
