import { promises as fs } from 'node:fs';
import { FULL_SYNC_THRESHOLD, SAVE_DEBOUNCE_MS } from './fileChanges';
import type { AnswerSession } from './answerSession';

export interface ChangeBatcherOptions {
  /** Whether a changed path is a folder (a folder reported alone, without its files); defaults to a stat. */
  isFolder?: (path: string) => Promise<boolean>;
  /** Told when an update failed and a sync runs instead, or when that sync failed too. */
  warn: (message: string) => void;
  /** Told of what each batch did. */
  info?: (message: string) => void;
}

/**
 * What every file watcher does with what it sees (the extension's, and the MCP and HTTP servers'):
 * changes are gathered until SAVE_DEBOUNCE_MS of quiet, then applied as one update, or as an
 * incremental sync when they are many, an ignore file changed, or a folder appeared. A failed update
 * is never the end of its changes: a sync finds them again.
 */
export class ChangeBatcher {
  private readonly changed = new Set<string>();
  private readonly deleted = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private syncAll = false;
  private closed = false;

  constructor(private readonly session: AnswerSession, private readonly options: ChangeBatcherOptions) {}

  /** A file was created or changed (`gone` false) or deleted (`gone` true). */
  queue(file: string, gone: boolean): void {
    (gone ? this.deleted : this.changed).add(file);
    (gone ? this.changed : this.deleted).delete(file);
    this.schedule();
  }

  /** Something only a sync can follow changed (an ignore file, the set of folders). */
  fullSync(): void {
    this.syncAll = true;
    this.schedule();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), SAVE_DEBOUNCE_MS);
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    if (this.closed) return;
    if (this.session.indexing) return this.schedule(); // one job at a time: try again after the running one
    const changed = [...this.changed];
    const deleted = [...this.deleted];
    this.changed.clear();
    this.deleted.clear();
    // A folder that appears with files in it (a new folder saved into, a checkout, an unzip) may be
    // reported as the folder alone: its files are found by a sync.
    const isFolder = this.options.isFolder ?? statIsFolder;
    if ((await Promise.all(changed.map(isFolder))).some(Boolean)) this.syncAll = true;
    if (this.syncAll || changed.length + deleted.length > FULL_SYNC_THRESHOLD) {
      this.syncAll = false;
      this.options.info?.(`File watcher: ${changed.length + deleted.length} changes, running an incremental sync.`);
      return this.sync();
    }
    try {
      const summaries = await this.session.updateFiles(changed, deleted);
      for (const s of summaries) this.options.info?.(`Updated ${s.indexedFiles} file(s), removed ${s.removedFiles} in ${s.ms} ms`);
    } catch (err) {
      this.options.warn(`Updating the index after ${changed.length + deleted.length} file change(s) failed (${messageOf(err)}); running an incremental sync instead.`);
      await this.sync();
    }
  }

  private async sync(): Promise<void> {
    if (this.closed) return;
    try {
      await this.session.reindex();
    } catch (err) {
      this.options.warn(`The incremental sync after file changes failed: ${messageOf(err)}`);
    }
  }
}

async function statIsFolder(file: string): Promise<boolean> {
  return fs.stat(file).then((stat) => stat.isDirectory(), () => false);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
