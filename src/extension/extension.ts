import * as vscode from 'vscode';
import { AnswerService } from './answerService';
import { registerChatParticipant } from './chatParticipant';
import { registerCommands } from './commands';
import { FileWatcher } from './fileWatcher';
import { IndexManager } from './indexManager';
import { PANEL_VIEW_ID, PanelProvider } from './panelProvider';
import { ProviderManager } from './providerManager';
import { INDEX_SETTINGS, readSettings, SECTION } from './settings';
import { IndexStatusBar } from './statusBar';

/** What the extension exposes to its own extension-host tests. */
export interface WorkspaceRagApi {
  index: IndexManager;
  answers: AnswerService;
  providers: ProviderManager;
  /** Where the indexes are stored (the extension's workspace storage). */
  storagePath: string;
}

/** A thin adapter: VS Code's surfaces over the engine (index on its own thread, streaming answers). */
export async function activate(context: vscode.ExtensionContext): Promise<WorkspaceRagApi> {
  const log = vscode.window.createOutputChannel('Workspace RAG', { log: true });
  context.subscriptions.push(log);
  log.info('Workspace RAG activated');

  const providers = new ProviderManager(context.secrets);
  const settings = readSettings();
  // Per-workspace storage: the index is never written into the user's folder.
  const storage = context.storageUri ?? context.globalStorageUri;
  const index = new IndexManager(storage, settings, await providers.embedderConfig(settings), log);
  const answers = new AnswerService(index, providers, log);
  const panel = new PanelProvider(context.extensionUri, answers, index, log);
  context.subscriptions.push(
    index,
    answers,
    panel,
    vscode.window.registerWebviewViewProvider(PANEL_VIEW_ID, panel),
    new IndexStatusBar(index),
    new FileWatcher(index, log),
  );
  registerChatParticipant(context, answers, index);
  registerCommands(context, { index, answers, providers, panel, log });

  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration(async (event) => {
    if (!event.affectsConfiguration(SECTION)) return;
    answers.settingsChanged();
    if (INDEX_SETTINGS.some((key) => event.affectsConfiguration(key))) {
      const next = readSettings();
      log.info('Index settings changed: reopening the index.');
      await index.reconfigure(next, await providers.embedderConfig(next));
      void index.reindex({ visible: false }).catch(() => undefined);
    }
  }));

  if (settings.indexOnStartup && (vscode.workspace.workspaceFolders?.length ?? 0) > 0) {
    // A first index shows a notification; later ones, usually a few changed files, only the status bar.
    void index.isEmpty().then((empty) => index.reindex({ visible: empty })).catch(() => undefined);
  }
  return { index, answers, providers, storagePath: storage.fsPath };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
