import type { EmbedderConfig, IndexProgress, IndexSummary } from '../protocol/indexing';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CancelledError } from '../engine/errors';
import type { Source } from '../protocol/events';
import { IndexClient } from '../engine/indexing/worker/indexClient';


import type { Searchable } from '../engine/workspaceRag';
import { filesExclude, type Settings } from './settings';

/** What the status bar and the panel show about the index. */
export interface IndexState {
  files: number;
  chunks: number;
  lastUpdated: number | undefined;
  /** Set while a job runs. */
  progress: IndexProgress | undefined;
  /** The last failure, until the next success. */
  error: string | undefined;
  embedder: string;
}

interface FolderIndex {
  ready: Promise<IndexClient>;
  /** Set once `ready` resolves, for synchronous reads of the counts. */
  client?: IndexClient;
}

/**
 * The indexes of the open workspace folders (one per folder, each on its own thread, stored in the
 * extension's workspace storage, never in the user's folder). One job at a time: a reindex requested
 * while one runs joins it. Questions use the last saved index meanwhile.
 */
export class IndexManager implements Searchable, vscode.Disposable {
  private folders = new Map<string, FolderIndex>();
  private running: Promise<IndexSummary[]> | undefined;
  private progress: IndexProgress | undefined;
  private error: string | undefined;
  private readonly changed = new vscode.EventEmitter<IndexState>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly storage: vscode.Uri,
    private settings: Settings,
    private embedder: EmbedderConfig,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get state(): IndexState {
    return { ...this.counts, progress: this.progress, error: this.error, embedder: this.embedder.kind };
  }

  /** Whether an index job runs now. */
  get busy(): boolean {
    return this.running !== undefined;
  }

  /** Applies new settings: an embedder or scope change reopens the indexes (the engine rebuilds what it must). */
  async reconfigure(settings: Settings, embedder: EmbedderConfig): Promise<void> {
    this.settings = settings;
    this.embedder = embedder;
    await this.closeAll();
  }

  /**
   * Brings every folder's index up to date. `visible` shows a cancellable progress notification;
   * otherwise progress shows in the status bar only. A call while a job runs joins it.
   */
  reindex(options: { visible: boolean; token?: vscode.CancellationToken } = { visible: false }): Promise<IndexSummary[]> {
    if (this.running) return this.running;
    const run: Promise<IndexSummary[]> = options.visible
      ? Promise.resolve(vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Workspace RAG', cancellable: true },
        (progress, token) => this.syncAll(token, (p) => progress.report({ message: describeProgress(p) })),
      ))
      : this.syncAll(options.token);
    this.running = run;
    const done = () => { this.running = undefined; this.progress = undefined; this.emit(); };
    run.then(done, done);
    return run;
  }

  /** Whether no folder's index holds anything yet (opens the indexes to find out). */
  async isEmpty(): Promise<boolean> {
    const clients = await Promise.all((vscode.workspace.workspaceFolders ?? []).map((folder) => this.clientFor(folder).catch(() => undefined)));
    return clients.every((client) => !client || client.chunkCount === 0);
  }

  /** Re-indexes changed files and drops deleted ones, for the file watcher. */
  async update(folder: vscode.WorkspaceFolder, changed: string[], deleted: string[]): Promise<void> {
    const client = await this.clientFor(folder);
    try {
      const summary = await client.updateFiles(changed, deleted);
      this.log.debug(`${folder.name}: updated ${summary.indexedFiles} file(s), removed ${summary.removedFiles} in ${summary.ms} ms`);
      this.error = undefined;
    } catch (err) {
      // Closed by a settings change: the reopened index's sync covers these files.
      if (!(err instanceof CancelledError)) this.fail(err);
    }
    this.emit();
  }

  /** Searches every folder's index; with several folders, paths start with the folder's name. */
  async search(query: string, options: { k?: number; signal?: AbortSignal } = {}): Promise<Source[]> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const multiRoot = folders.length > 1;
    const searchFolder = async (folder: vscode.WorkspaceFolder): Promise<Source[]> => {
      try {
        return await (await this.clientFor(folder)).search(query, options);
      } catch (err) {
        // A settings change closed that index mid-search: ask the reopened one.
        if (err instanceof CancelledError && !options.signal?.aborted) return (await this.clientFor(folder)).search(query, options);
        throw err;
      }
    };
    const results = await Promise.all(folders.map(async (folder) => {
      const sources = await searchFolder(folder);
      return multiRoot ? sources.map((s) => ({ ...s, path: `${folder.name}/${s.path}` })) : sources;
    }));
    return results.flat().sort((a, b) => b.score - a.score).slice(0, options.k ?? 8);
  }

  /** Deletes every stored index; the next reindex starts from scratch. */
  async clear(): Promise<void> {
    for (const folder of vscode.workspace.workspaceFolders ?? []) await (await this.clientFor(folder)).clear();
    this.emit();
  }

  dispose(): void {
    void this.closeAll();
    this.changed.dispose();
  }

  private async syncAll(token?: vscode.CancellationToken, report?: (p: IndexProgress) => void): Promise<IndexSummary[]> {
    const controller = new AbortController();
    const subscription = token?.onCancellationRequested(() => controller.abort());
    const summaries: IndexSummary[] = [];
    try {
      for (const folder of vscode.workspace.workspaceFolders ?? []) {
        const client = await this.clientFor(folder);
        const summary = await client.sync({
          signal: controller.signal,
          onProgress: (p) => {
            this.progress = p;
            report?.(p);
            this.emit();
          },
        });
        this.log.info(`${folder.name}: ${summary.files} files, ${summary.chunks} chunks; ${summary.indexedFiles} indexed, ${summary.removedFiles} removed in ${summary.ms} ms; skipped ${JSON.stringify(summary.skipped)}`);
        summaries.push(summary);
      }
      this.error = undefined;
      return summaries;
    } catch (err) {
      if (err instanceof CancelledError) {
        this.log.info('Indexing cancelled; the index keeps what was done.');
        throw err;
      }
      this.fail(err);
      throw err;
    } finally {
      subscription?.dispose();
    }
  }

  private clientFor(folder: vscode.WorkspaceFolder): Promise<IndexClient> {
    const key = folder.uri.toString();
    let entry = this.folders.get(key);
    if (!entry) {
      const id = createHash('sha1').update(key).digest('hex').slice(0, 12);
      const client = IndexClient.open({
        root: folder.uri.fsPath,
        indexDir: path.join(this.storage.fsPath, 'index', `${folder.name.replace(/[^\w.-]+/g, '_')}-${id}`),
        scan: {
          include: this.settings.include,
          exclude: [...this.settings.exclude, ...filesExclude(folder)],
          maxFileBytes: this.settings.maxFileSizeKb * 1024,
        },
        embedder: this.embedder,
        memoryLimitMb: this.settings.indexMemoryLimitMb,
        onWarning: (message) => {
          this.log.warn(`${folder.name}: ${message}`);
          void vscode.window.showWarningMessage(`Workspace RAG: ${message}`);
        },
      });
      const created: FolderIndex = { ready: client };
      this.folders.set(key, created);
      client.then((opened) => {
        created.client = opened;
        this.emit();
      }, (err) => {
        this.folders.delete(key);
        this.fail(err);
        this.emit();
      });
      entry = created;
    }
    return entry.ready;
  }

  private get counts(): { files: number; chunks: number; lastUpdated: number | undefined } {
    let files = 0;
    let chunks = 0;
    let lastUpdated: number | undefined;
    for (const { client } of this.folders.values()) {
      if (!client) continue;
      files += client.fileCount;
      chunks += client.chunkCount;
      if (client.lastUpdated && (!lastUpdated || client.lastUpdated > lastUpdated)) lastUpdated = client.lastUpdated;
    }
    return { files, chunks, lastUpdated };
  }

  private fail(err: unknown): void {
    this.error = err instanceof Error ? err.message : String(err);
    this.log.error(`Indexing failed: ${this.error}`);
  }

  private emit(): void {
    this.changed.fire(this.state);
  }

  private async closeAll(): Promise<void> {
    const folders = [...this.folders.values()];
    this.folders.clear();
    await Promise.all(folders.map(async ({ ready }) => (await ready.catch(() => undefined))?.close()));
  }
}

export function describeProgress(p: IndexProgress): string {
  switch (p.phase) {
    case 'waiting': return 'Waiting for another window or process updating this index…';
    case 'scanning': return 'Scanning files…';
    case 'indexing': return `Indexing ${p.filesDone.toLocaleString()} of ${p.filesTotal.toLocaleString()} files (${p.chunks.toLocaleString()} chunks)`;
    case 'saving': return 'Saving the index…';
    default: return 'Done';
  }
}
