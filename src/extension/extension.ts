import * as vscode from 'vscode';
import { AnswerSession } from '../engine/session/answerSession';
import { registerChatParticipant } from './chatParticipant';
import { registerCommands } from './commands';
import { FileWatcher } from './fileWatcher';
import { reindex } from './indexJobs';
import { OpenAIKey } from './openaiKey';
import { PANEL_VIEW_ID, PanelProvider } from './panelProvider';
import { readSettings, SECTION, sessionConfig } from './settings';
import { registerSearchTool } from './searchTool';
import { IndexStatusBar } from './statusBar';

/** What the extension exposes to its own extension-host tests. */
export interface WorkspaceRagApi {
  session: AnswerSession;
  /** Stores (or, with undefined, removes) the OpenAI key, as the Set OpenAI API Key command does. */
  setApiKey(key: string | undefined): Promise<void>;
  /** Where the indexes are stored (the extension's workspace storage). */
  storagePath: string;
}

/** A thin adapter: VS Code's settings, secrets and folders into the answer session; its events out to Chat, the panel and the status bar. */
export async function activate(context: vscode.ExtensionContext): Promise<WorkspaceRagApi> {
  const log = vscode.window.createOutputChannel('Workspace RAG', { log: true });
  context.subscriptions.push(log);
  log.info('Workspace RAG activated');

  // Per-workspace storage: the index is never written into the user's folder.
  const storage = context.storageUri ?? context.globalStorageUri;
  const sessionLog = { info: (message: string) => log.info(message), warn: (message: string) => log.warn(message) };
  let openaiKey: OpenAIKey | undefined;
  const currentConfig = async () => sessionConfig(readSettings(), await openaiKey?.get(), storage, sessionLog);
  openaiKey = new OpenAIKey(context.secrets, () => refresh());
  const session = new AnswerSession(await currentConfig());
  const panel = new PanelProvider(context.extensionUri, session, log, context.workspaceState);

  /** Settings, folders or the key changed: the session takes them; if its indexes reopened, they catch up in the background. */
  async function refresh(): Promise<void> {
    if (await session.configure(await currentConfig())) void session.reindex().catch(() => undefined);
    panel.modelChanged();
  }
  const refreshQuietly = () => refresh().catch((err: unknown) => log.error(`Applying the new settings failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`));

  context.subscriptions.push(
    panel,
    vscode.window.registerWebviewViewProvider(PANEL_VIEW_ID, panel),
    new IndexStatusBar(session),
    new FileWatcher(session, log),
    { dispose: () => void session.close() },
    { dispose: notifyWarnings(session) },
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(SECTION) || event.affectsConfiguration('files.exclude')) void refreshQuietly();
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => void refreshQuietly()),
    context.secrets.onDidChange(() => void refreshQuietly()),
  );
  registerChatParticipant(context, session);
  context.subscriptions.push(registerSearchTool(session));
  registerCommands(context, { session, openaiKey, panel, log });

  if (readSettings().indexOnStartup && session.state.folders.length > 0) {
    // A first index shows a notification; later ones, usually a few changed files, only the status bar.
    void session.isEmpty().then((empty) => reindex(session, empty)).catch(() => undefined);
  }
  return { session, setApiKey: (key) => openaiKey!.set(key), storagePath: storage.fsPath };
}

/** Shows each new index warning (a damaged part repaired, a rebuild) once, besides the log. */
function notifyWarnings(session: AnswerSession): () => void {
  let shown = session.state.warnings.at(-1)?.seq ?? 0;
  return session.onStateChange((state) => {
    for (const warning of state.warnings.filter((w) => w.seq > shown)) void vscode.window.showWarningMessage(`Workspace RAG: ${warning.message}`);
    shown = Math.max(shown, state.warnings.at(-1)?.seq ?? 0);
  });
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
