/**
 * A second thread for a first index (or any sync of more than one batch): it reads, classifies, hashes,
 * redacts and chunks (the token cap: the costliest step) the next batches of files while the index
 * thread computes the search terms of the current one, embeds and saves it. The chunks are the same as
 * preparing inline: the same functions make them (`chunkFiles`, then `withTerms`).
 */
import { Worker } from 'node:worker_threads';
import type { SkipCounts } from '../../../protocol/indexing';
import type { ChunkSettings } from '../../../protocol/indexThread';
import type { FileEntry } from '../../store/shard';
import { prepareFiles, withTerms, type CatalogLookup, type ChunkedChange, type PreparationReport, type PreparedChange } from '../filePreparation';
import type { ScannedFile } from '../scanner';

/** One batch to prepare: its files, their catalog entries (if any), whether to record file events. */
export interface PrepareRequest {
  id: number;
  files: ScannedFile[];
  catalog: [string, FileEntry][];
  chunking?: ChunkSettings;
  report: boolean;
}

/**
 * A report call made while preparing, replayed on the index thread's report. Times are since the epoch
 * (`performance.timeOrigin` + now): each thread's `performance.now()` counts from its own start.
 */
export type RecordedEvent =
  | { kind: 'read'; path: string; since: number; at: number }
  | { kind: 'chunked'; path: string; chunks: number; at: number }
  | { kind: 'error'; path: string; reason: string };

export type PrepareReply =
  | { id: number; changes: ChunkedChange[]; skipped: SkipCounts; events: RecordedEvent[] }
  | { id: number; error: string };

/**
 * The preparation thread's heap limit, outside the index's memory limit: it holds the tokenizer's tables
 * (about 45 MB, which the index thread then does not load during the sync) and a batch of files and
 * their chunks, never the index. Over it the thread stops and the index thread prepares the rest
 * itself, under its own limit.
 */
const PREPARATION_HEAP_MB = 128;
/** As the index thread's (see `IndexClient`): indexing's short-lived objects are collected young. */
const YOUNG_GENERATION_MB = 16;

/** What the index thread's script is started with to serve as the preparation thread instead (see indexWorker.ts). */
export const PREPARATION_ROLE = { role: 'prepare' } as const;

export function isPreparationRole(data: unknown): boolean {
  return typeof data === 'object' && data !== null && (data as { role?: unknown }).role === PREPARATION_ROLE.role;
}

/**
 * Prepares batches on the preparation thread; if that thread cannot start or stops, inline (on the
 * calling thread) instead, so a sync never depends on it.
 */
export class PreparationThread {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, (reply: PrepareReply | undefined) => void>();

  /** `script`: the index thread's script (indexWorker.js), started in the preparation role. */
  constructor(script: string, private readonly chunking: ChunkSettings | undefined) {
    try {
      const worker = new Worker(script, { workerData: PREPARATION_ROLE, resourceLimits: { maxOldGenerationSizeMb: PREPARATION_HEAP_MB, maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
      worker.on('message', (reply: PrepareReply) => this.settle(reply.id, reply));
      const stopped = () => {
        if (this.worker !== worker) return;
        this.worker = undefined;
        for (const id of [...this.waiting.keys()]) this.settle(id, undefined);
      };
      worker.on('error', stopped);
      worker.on('exit', stopped);
      this.worker = worker;
    } catch {
      this.worker = undefined; // prepared inline
    }
  }

  /**
   * Prepares `files` as `prepareFiles` does: read and chunked on the thread when it runs, their terms
   * computed here. Counts and file events land in `skipped` and `report`.
   */
  async prepare(catalog: CatalogLookup, files: readonly ScannedFile[], skipped: SkipCounts, report: PreparationReport): Promise<PreparedChange[]> {
    const reply = this.worker ? await this.request(catalog, files, report.active) : undefined;
    if (!reply || 'error' in reply) return prepareFiles(catalog, files, skipped, this.chunking, report);
    for (const reason of Object.keys(reply.skipped) as (keyof SkipCounts)[]) skipped[reason] += reply.skipped[reason];
    const origin = performance.timeOrigin;
    for (const event of reply.events) {
      if (event.kind === 'read') report.read(event.path, event.since - origin, event.at - origin);
      else if (event.kind === 'chunked') report.stage(event.path, 'chunked', event.chunks, event.at - origin);
      else report.error(event.path, event.reason);
    }
    return reply.changes.map(withTerms);
  }

  /** Stops the thread (its tokenizer tables and heap are freed); a batch still being prepared is dropped, never prepared inline. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.waiting.clear();
    await worker?.terminate();
  }

  private request(catalog: CatalogLookup, files: readonly ScannedFile[], report: boolean): Promise<PrepareReply | undefined> {
    const id = this.nextId++;
    const entries: [string, FileEntry][] = [];
    for (const file of files) {
      const entry = catalog(file.path);
      if (entry) entries.push([file.path, entry]);
    }
    const request: PrepareRequest = { id, files: [...files], catalog: entries, chunking: this.chunking, report };
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.worker!.postMessage(request);
    });
  }

  private settle(id: number, reply: PrepareReply | undefined): void {
    const resolve = this.waiting.get(id);
    this.waiting.delete(id);
    resolve?.(reply);
  }
}
