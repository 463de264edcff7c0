import * as vscode from 'vscode';
import type { AnswerSession } from '../engine/session/answerSession';
import { FULL_SYNC_THRESHOLD, SAVE_DEBOUNCE_MS } from '../engine/session/fileChanges';
const IGNORE_FILES = /(^|\/)\.(gitignore|ragignore)$/;

/**
 * Re-indexes saved, created and deleted files of every workspace folder, debounced. The engine applies
 * the ignore rules to each path, exactly as a full scan does; a changed ignore file triggers a full sync.
 */
export class FileWatcher implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new Set<string>();
  private readonly deleted = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private fullSync = false;

  constructor(private readonly session: AnswerSession, private readonly log: vscode.LogOutputChannel) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*');
    this.disposables.push(
      watcher,
      watcher.onDidCreate((uri) => this.queue(uri, false)),
      watcher.onDidChange((uri) => this.queue(uri, false)),
      watcher.onDidDelete((uri) => this.queue(uri, true)),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.scheduleFullSync()),
    );
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }

  private queue(uri: vscode.Uri, deleted: boolean): void {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder || uri.scheme !== 'file') return;
    const relative = vscode.workspace.asRelativePath(uri, false);
    if (IGNORE_FILES.test(relative)) {
      this.scheduleFullSync();
      return;
    }
    (deleted ? this.deleted : this.changed).add(uri.fsPath);
    (deleted ? this.changed : this.deleted).delete(uri.fsPath);
    this.schedule();
  }

  private scheduleFullSync(): void {
    this.fullSync = true;
    this.schedule();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), SAVE_DEBOUNCE_MS);
  }

  private async flush(): Promise<void> {
    if (this.session.indexing) {
      this.schedule(); // one job at a time: try again after the running one
      return;
    }
    const [changed, deleted] = [[...this.changed], [...this.deleted]];
    this.changed.clear();
    this.deleted.clear();
    // A folder that appears with files in it (a new folder saved into, a checkout, an unzip) may be reported
    // as the folder alone: its files are found by a sync.
    if (await anyFolder(changed)) this.fullSync = true;
    if (this.fullSync || changed.length + deleted.length > FULL_SYNC_THRESHOLD) {
      this.fullSync = false;
      this.log.info(`File watcher: ${changed.length + deleted.length} changes, running an incremental sync.`);
      await this.session.reindex().catch(() => undefined);
      return;
    }
    try {
      const summaries = await this.session.updateFiles(changed, deleted);
      for (const s of summaries) this.log.debug(`Updated ${s.indexedFiles} file(s), removed ${s.removedFiles} in ${s.ms} ms`);
    } catch (err) {
      // The changes must not be lost with the failed update: an incremental sync finds them again.
      this.log.warn(`File watcher: updating ${changed.length + deleted.length} file(s) failed (${err instanceof Error ? err.message : String(err)}); running an incremental sync instead.`);
      await this.session.reindex().catch(() => undefined);
    }
  }
}

async function anyFolder(paths: readonly string[]): Promise<boolean> {
  const types = await Promise.all(paths.map((p) => Promise.resolve(vscode.workspace.fs.stat(vscode.Uri.file(p))).then((stat) => stat.type, () => vscode.FileType.Unknown)));
  return types.some((type) => (type & vscode.FileType.Directory) !== 0);
}
