import * as vscode from 'vscode';
import type { IndexSummary } from '../protocol/indexing';
import { describeProgress } from '../protocol/webview';
import type { AnswerSession } from '../engine/session/answerSession';

/**
 * Brings the index up to date. `visible` shows a cancellable progress notification (a first index,
 * an explicit Reindex); otherwise only the status bar shows progress. A call while a job runs joins it.
 */
export function reindex(session: AnswerSession, visible: boolean): Promise<IndexSummary[]> {
  if (!visible || session.indexing) return session.reindex();
  return Promise.resolve(vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Workspace RAG', cancellable: true },
    (progress, token) => {
      const controller = new AbortController();
      const subscription = token.onCancellationRequested(() => controller.abort());
      return session.reindex({ signal: controller.signal, onProgress: (p) => progress.report({ message: describeProgress(p) }) })
        .finally(() => subscription.dispose());
    },
  ));
}
