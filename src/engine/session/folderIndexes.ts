import * as path from 'node:path';
import { CancelledError, RagError, describeError } from '../errors';
import type { FileEvent, Source } from '../../protocol/events';
import type { EmbedderConfig, IndexProgress, IndexSummary } from '../../protocol/indexing';
import type { SearchIndex, SearchOptions } from '../indexing/searchIndex';
import { IndexClient } from '../indexing/worker/indexClient';
import { searchIndexes } from '../retrieval/multiIndexSearch';
import type { FolderState, IndexWarning, SessionState } from '../../protocol/session';
import { FileActivity } from './fileActivity';

/** One folder of the workspace and where its index lives (never inside the folder unless asked). */
export interface FolderConfig {
  /** Shown before paths when there are several folders. */
  name: string;
  root: string;
  indexDir: string;
  /** Globs excluded in this folder only (VS Code's `files.exclude`). */
  exclude?: string[];
}

/** How every folder is indexed. */
export interface IndexSettings {
  include?: string[];
  exclude?: string[];
  maxFileBytes?: number;
  embedder?: EmbedderConfig;
  /** The index thread's heap limit. */
  memoryLimitMb?: number;
}

/** Opens one folder's index: the seam for another backend; by default the Vectra index on its own thread. */
export type OpenIndex = (folder: FolderConfig, settings: IndexSettings, onWarning: (message: string) => void) => Promise<SearchIndex>;

/** Opens folders' indexes on their own threads; `workerScript` is the bundled index thread (beside this bundle by default). */
export function threadIndexes(workerScript?: string): OpenIndex {
  return (folder, settings, onWarning) => IndexClient.open({
    root: folder.root,
    indexDir: folder.indexDir,
    scan: { include: settings.include, exclude: [...settings.exclude ?? [], ...folder.exclude ?? []], maxFileBytes: settings.maxFileBytes },
    embedder: settings.embedder,
    memoryLimitMb: settings.memoryLimitMb,
    workerScript,
    onWarning,
  });
}

/** Warnings kept for the index state: the latest few, enough to explain what happened. */
const MAX_WARNINGS = 5;
/** File events change the state many times a second: listeners hear of it at most this often. */
const ACTIVITY_NOTIFY_MS = 100;

interface Opened {
  folder: FolderConfig;
  ready: Promise<SearchIndex>;
  /** Set once open, for synchronous reads of the state. */
  index?: SearchIndex;
}

/**
 * The indexes of a session's folders: opened on first use, one job at a time (a reindex asked for while
 * one runs joins it), progress and failures kept as state for every surface. Questions use the last
 * saved index while a job runs.
 */
export class FolderIndexes {
  private opened: Opened[] = [];
  private running: Promise<IndexSummary[]> | undefined;
  private progress: IndexProgress | undefined;
  private error: { code: string; message: string } | undefined;
  private warnings: IndexWarning[] = [];
  private warningCount = 0;
  private synced = false;
  private readonly activity = new FileActivity();
  private activityTimer: NodeJS.Timeout | undefined;

  constructor(
    private folders: FolderConfig[],
    private settings: IndexSettings,
    private readonly open: OpenIndex,
    private readonly changed: () => void,
    private readonly onWarning: (message: string) => void,
    /** Every job's file events, paths prefixed with the folder's name when there are several folders. */
    private readonly onFile: (event: FileEvent) => void = () => undefined,
  ) {}

  get state(): SessionState {
    const folders: FolderState[] = this.folders.map((folder) => {
      const state = this.opened.find((o) => o.folder === folder)?.index?.state;
      return { name: folder.name, root: folder.root, files: state?.files ?? 0, chunks: state?.chunks ?? 0, lastUpdated: state?.lastUpdated, embedder: state?.embedder };
    });
    const updates = folders.map((f) => f.lastUpdated).filter((t): t is number => t !== undefined);
    return {
      folders,
      files: folders.reduce((n, f) => n + f.files, 0),
      chunks: folders.reduce((n, f) => n + f.chunks, 0),
      lastUpdated: updates.length > 0 ? Math.max(...updates) : undefined,
      progress: this.progress,
      error: this.error,
      warnings: [...this.warnings],
      activity: this.activity.state,
      indexing: this.running !== undefined,
    };
  }

  /** Whether a job runs now. */
  get busy(): boolean {
    return this.running !== undefined;
  }

  /** Takes new folders or index settings: the open indexes close (a running job ends as cancelled) and reopen on next use. */
  async reconfigure(folders: FolderConfig[], settings: IndexSettings): Promise<void> {
    this.folders = folders;
    this.settings = settings;
    this.synced = false;
    await this.closeAll();
    this.changed();
  }

  /** Brings every folder's index up to date; a call while a job runs joins it. */
  reindex(options: { signal?: AbortSignal; onProgress?: (progress: IndexProgress) => void } = {}): Promise<IndexSummary[]> {
    if (this.running) return this.running;
    const run = this.syncAll(options);
    this.running = run;
    const done = () => {
      this.running = undefined;
      this.progress = undefined;
      this.changed();
    };
    run.then(done, done);
    this.changed();
    return run;
  }

  /** Whether no folder's index holds anything yet (opens the indexes to find out). */
  async isEmpty(): Promise<boolean> {
    const indexes = await Promise.all(this.folders.map((f) => this.indexOf(f).catch(() => undefined)));
    return indexes.every((index) => !index || index.state.chunks === 0);
  }

  /** Indexes before the first question when nothing was ever indexed (indexing on start-up may be off). */
  async ensureIndexed(signal?: AbortSignal): Promise<void> {
    if (this.synced || this.running || !(await this.isEmpty())) return;
    await this.reindex({ signal }).catch((err) => {
      if (!(err instanceof CancelledError)) this.onWarning(`Indexing before the first question failed: ${describeError(err)}`);
    });
  }

  /** Re-indexes changed files and drops deleted ones (absolute paths), each in the folder that holds it. */
  async updateFiles(changed: readonly string[], deleted: readonly string[]): Promise<IndexSummary[]> {
    const summaries: IndexSummary[] = [];
    for (const folder of this.folders) {
      const mine = (paths: readonly string[]) => paths.filter((p) => isInside(folder.root, p));
      const [c, d] = [mine(changed), mine(deleted)];
      if (c.length === 0 && d.length === 0) continue;
      try {
        summaries.push(await (await this.indexOf(folder)).updateFiles(c, d, { onFile: this.fileListener(folder) }));
        this.error = undefined;
      } catch (err) {
        // Closed by a settings change: the reopened index's sync covers these files.
        if (!(err instanceof CancelledError)) this.fail(err);
      }
    }
    this.changed();
    return summaries;
  }

  /** The best passages over every folder, as one ranking; with several folders, paths start with the folder's name. */
  async search(query: string, options: SearchOptions = {}): Promise<Source[]> {
    const attempt = async () => searchIndexes(
      await Promise.all(this.folders.map(async (folder) => ({ name: folder.name, index: await this.indexOf(folder) }))), query, options);
    try {
      return await attempt();
    } catch (err) {
      // A settings change closed an index mid-search: ask the reopened one.
      if (err instanceof CancelledError && !options.signal?.aborted) return attempt();
      throw err;
    }
  }

  /** Deletes every folder's stored index. */
  async clear(): Promise<void> {
    for (const folder of this.folders) await (await this.indexOf(folder)).clear();
    this.synced = false;
    this.changed();
  }

  async close(): Promise<void> {
    clearTimeout(this.activityTimer);
    await this.closeAll();
  }

  private async syncAll(options: { signal?: AbortSignal; onProgress?: (progress: IndexProgress) => void }): Promise<IndexSummary[]> {
    const summaries: IndexSummary[] = [];
    try {
      for (const folder of this.folders) {
        const index = await this.indexOf(folder);
        summaries.push(await index.sync({
          signal: options.signal,
          onFile: this.fileListener(folder),
          onProgress: (p) => {
            this.progress = p;
            options.onProgress?.(p);
            this.changed();
          },
        }));
      }
      this.synced = true;
      this.error = undefined;
      return summaries;
    } catch (err) {
      if (!(err instanceof CancelledError)) this.fail(err);
      throw err;
    }
  }

  /** Passes a folder's file events on and keeps the latest in the state. */
  private fileListener(folder: FolderConfig): (event: FileEvent) => void {
    const prefix = this.folders.length > 1 ? `${folder.name}/` : '';
    return (event) => {
      const named = prefix ? { ...event, path: prefix + event.path } : event;
      this.activity.record(named);
      this.onFile(named);
      this.activityTimer ??= setTimeout(() => {
        this.activityTimer = undefined;
        this.changed();
      }, ACTIVITY_NOTIFY_MS);
    };
  }

  private indexOf(folder: FolderConfig): Promise<SearchIndex> {
    const existing = this.opened.find((o) => o.folder === folder);
    if (existing) return existing.ready;
    const entry: Opened = {
      folder,
      ready: this.open(folder, this.settings, (message) => this.warn(this.folders.length > 1 ? `${folder.name}: ${message}` : message)),
    };
    this.opened.push(entry);
    entry.ready.then((index) => {
      entry.index = index;
      this.changed();
    }, (err) => {
      this.opened = this.opened.filter((o) => o !== entry);
      this.fail(err);
      this.changed();
    });
    return entry.ready;
  }

  private warn(message: string): void {
    this.warnings = [...this.warnings, { seq: ++this.warningCount, message }].slice(-MAX_WARNINGS);
    this.onWarning(message);
    this.changed();
  }

  private fail(err: unknown): void {
    this.error = { code: err instanceof RagError ? err.code : 'index_failed', message: describeError(err) };
  }

  private async closeAll(): Promise<void> {
    const opened = this.opened;
    this.opened = [];
    await Promise.all(opened.map(async ({ ready }) => (await ready.catch(() => undefined))?.close()));
  }
}

function isInside(root: string, file: string): boolean {
  const rel = path.relative(root, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}
