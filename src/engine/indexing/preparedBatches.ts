/** A sync's files in batches, read and chunked on a second thread when there is more than one batch. */
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

/**
 * Hands out the files to read in batches, prepared, in order. With a preparation thread, that thread
 * reads and chunks the next batches while this one embeds and saves the current one.
 */
export class PreparedBatches {
  private start = 0;
  private readonly ahead: { files: ScannedFile[]; prepared: Promise<PreparedChange[]> }[] = [];
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
    const { catalog, skipped, chunking, report } = this.preparation;
    const thread = this.thread;
    while (thread && this.ahead.length < AHEAD && this.start < this.read.length) {
      const files = this.claim();
      const prepared = thread.prepare(catalog, files, skipped, report);
      prepared.catch(() => undefined); // a failure surfaces when the batch is taken (or never, if the sync stops first)
      this.ahead.push({ files, prepared });
    }
    const first = this.ahead.shift();
    if (first) return { files: first.files, prepared: await first.prepared };
    const files = this.claim();
    return { files, prepared: await prepareFiles(catalog, files, skipped, chunking, report) };
  }

  /** Stops the preparation thread; batches prepared ahead and not taken are dropped. */
  async close(): Promise<void> {
    this.ahead.length = 0;
    await this.thread?.close();
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
