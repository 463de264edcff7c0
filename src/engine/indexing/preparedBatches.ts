/** A sync's files in batches, read and chunked on two threads when there is more than one batch. */
import type { SkipCounts } from '../../protocol/indexing';
import type { ChunkSettings } from '../../protocol/indexThread';
import { EMBED_BATCH } from './embedding';
import { prepareFiles, type CatalogLookup, type PreparationReport, type PreparedChange } from './filePreparation';
import type { ScannedFile } from './scanner';
import { PreparationThread } from './worker/preparationThread';

/**
 * Batches sent to the preparation thread before they are needed: two, so it starts the next as soon as
 * it finishes one, instead of waiting for this thread to ask.
 */
const AHEAD = 2;

/** What preparing a batch needs, and where its counts and file events go. */
export interface Preparation {
  catalog: CatalogLookup;
  skipped: SkipCounts;
  chunking?: ChunkSettings;
  report: PreparationReport;
  /** The preparation thread's script; without it every batch is prepared inline. */
  script?: string;
}

interface Ahead {
  files: ScannedFile[];
  prepared: Promise<PreparedChange[]>;
  ready: boolean;
}

/**
 * Hands out the files to read in batches, prepared. With a preparation thread, that thread prepares
 * batches ahead while this one embeds and saves; when the thread's next batch is not ready yet, this
 * thread prepares the following one itself instead of waiting, so both cores stay busy whichever side
 * is slower. Batches come out nearly in order (within `AHEAD + 1`), which keeps saves shard by shard.
 */
export class PreparedBatches {
  private start = 0;
  private readonly ahead: Ahead[] = [];
  private readonly thread: PreparationThread | undefined;

  /** `maxBytes`: the most file bytes a batch holds (see `nextFiles`). */
  constructor(private readonly read: readonly ScannedFile[], private readonly maxBytes: number, private readonly preparation: Preparation) {
    // One batch gains nothing from a second thread and would pay for starting it.
    const several = nextFiles(read, 0, maxBytes).length < read.length;
    this.thread = preparation.script && several ? new PreparationThread(preparation.script, preparation.chunking) : undefined;
  }

  get done(): boolean {
    return this.start >= this.read.length && this.ahead.length === 0;
  }

  /** The next batch's files and their prepared changes. */
  async next(): Promise<{ files: ScannedFile[]; prepared: PreparedChange[] }> {
    this.sendAhead();
    const first = this.ahead[0];
    if (first && (first.ready || this.start >= this.read.length)) {
      this.ahead.shift();
      return { files: first.files, prepared: await first.prepared };
    }
    const files = this.claim();
    const { catalog, skipped, chunking, report } = this.preparation;
    return { files, prepared: await prepareFiles(catalog, files, skipped, chunking, report) };
  }

  /** Stops the preparation thread; batches prepared ahead and not taken are dropped. */
  async close(): Promise<void> {
    this.ahead.length = 0;
    await this.thread?.close();
  }

  private sendAhead(): void {
    const thread = this.thread;
    if (!thread) return;
    while (this.ahead.length < AHEAD && this.start < this.read.length) {
      const files = this.claim();
      const { catalog, skipped, report } = this.preparation;
      const ahead: Ahead = { files, prepared: thread.prepare(catalog, files, skipped, report), ready: false };
      // Marked when done; a failure surfaces when the batch is taken (or never, if the sync stops first).
      ahead.prepared.then(() => { ahead.ready = true; }, () => { ahead.ready = true; });
      this.ahead.push(ahead);
    }
  }

  private claim(): ScannedFile[] {
    const files = nextFiles(this.read, this.start, this.maxBytes);
    this.start += files.length;
    return files;
  }
}

/**
 * The files read in one step from `start`: up to `EMBED_BATCH` of them, fewer when they hold more
 * than `maxBytes` (a step's texts, chunks and terms are all in memory at once), at least one.
 */
function nextFiles(read: readonly ScannedFile[], start: number, maxBytes: number): ScannedFile[] {
  let end = start;
  let bytes = 0;
  while (end < read.length && end - start < EMBED_BATCH && (end === start || bytes + read[end].size <= maxBytes)) bytes += read[end++].size;
  return read.slice(start, end);
}
