import * as vscode from 'vscode';
import type { AnswerSession } from '../engine/session/answerSession';
import { ChangeBatcher } from '../engine/session/changeBatcher';
const IGNORE_FILES = /(^|\/)\.(gitignore|ragignore)$/;

/**
 * Re-indexes saved, created and deleted files of every workspace folder through a ChangeBatcher
 * (debounced; the engine applies the ignore rules to each path, exactly as a full scan does); a changed
 * ignore file or set of folders triggers a full sync.
 */
export class FileWatcher implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changes: ChangeBatcher;

  constructor(session: AnswerSession, log: vscode.LogOutputChannel) {
    this.changes = new ChangeBatcher(session, { warn: (m) => log.warn(m), info: (m) => log.debug(m), isFolder });
    const watcher = vscode.workspace.createFileSystemWatcher('**/*');
    this.disposables.push(
      watcher,
      watcher.onDidCreate((uri) => this.queue(uri, false)),
      watcher.onDidChange((uri) => this.queue(uri, false)),
      watcher.onDidDelete((uri) => this.queue(uri, true)),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.changes.fullSync()),
    );
  }

  dispose(): void {
    this.changes.close();
    for (const d of this.disposables) d.dispose();
  }

  private queue(uri: vscode.Uri, deleted: boolean): void {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder || uri.scheme !== 'file') return;
    if (IGNORE_FILES.test(vscode.workspace.asRelativePath(uri, false))) this.changes.fullSync();
    else this.changes.queue(uri.fsPath, deleted);
  }
}

async function isFolder(path: string): Promise<boolean> {
  return Promise.resolve(vscode.workspace.fs.stat(vscode.Uri.file(path))).then((stat) => (stat.type & vscode.FileType.Directory) !== 0, () => false);
}
