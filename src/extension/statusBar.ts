import * as vscode from 'vscode';
import type { AnswerSession } from '../engine/session/answerSession';
import type { SessionState } from '../protocol/session';

/** One status bar item: the index's size, or its progress, or that it failed; a click opens the panel. */
export class IndexStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('workspaceRag.status', vscode.StatusBarAlignment.Left, 50);
  private readonly unsubscribe: () => void;

  constructor(session: AnswerSession) {
    this.item.name = 'Workspace RAG';
    this.item.command = 'workspaceRag.panel.focus';
    this.unsubscribe = session.onStateChange((state) => this.render(state));
    this.render(session.state);
    this.item.show();
  }

  dispose(): void {
    this.unsubscribe();
    this.item.dispose();
  }

  private render(state: SessionState): void {
    if (state.progress && state.progress.phase !== 'done') {
      const { filesDone, filesTotal } = state.progress;
      const percent = filesTotal > 0 ? ` ${Math.floor((filesDone / filesTotal) * 100)}%` : '';
      this.item.text = `$(sync~spin) RAG${percent}`;
      this.item.tooltip = `Workspace RAG: indexing ${filesDone.toLocaleString()} of ${filesTotal.toLocaleString()} files`;
      this.item.backgroundColor = undefined;
    } else if (state.error) {
      this.item.text = '$(warning) RAG';
      this.item.tooltip = `Workspace RAG: ${state.error.message}`;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    } else {
      this.item.text = `$(database) RAG ${state.chunks.toLocaleString()}`;
      const updated = state.lastUpdated ? `, updated ${new Date(state.lastUpdated).toLocaleTimeString()}` : '';
      this.item.tooltip = `Workspace RAG: ${state.files.toLocaleString()} files, ${state.chunks.toLocaleString()} chunks${updated}`;
      this.item.backgroundColor = undefined;
    }
  }
}
