import * as vscode from 'vscode';
import { CancelledError } from '../engine/errors';
import { checkOllama } from '../engine/providers/ollamaProvider';
import type { AnswerSession } from '../engine/session/answerSession';
import { OPEN_SOURCE_COMMAND } from './chatParticipant';
import { reindex } from './indexJobs';
import type { OpenAIKey } from './openaiKey';
import { openSource } from './openSource';
import type { PanelProvider } from './panelProvider';
import { readSettings, SECTION } from './settings';

interface Services {
  session: AnswerSession;
  openaiKey: OpenAIKey;
  panel: PanelProvider;
  log: vscode.LogOutputChannel;
}

/** The palette's "Workspace RAG: …" commands. */
export function registerCommands(context: vscode.ExtensionContext, s: Services): void {
  const register = (id: string, run: (...args: unknown[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, run));

  register('workspaceRag.reindex', async () => {
    try {
      const summaries = await reindex(s.session, true);
      const files = summaries.reduce((n, x) => n + x.files, 0);
      const chunks = summaries.reduce((n, x) => n + x.chunks, 0);
      const indexed = summaries.reduce((n, x) => n + x.indexedFiles, 0);
      void vscode.window.showInformationMessage(`Workspace RAG: indexed ${files.toLocaleString()} files, ${chunks.toLocaleString()} chunks (${indexed.toLocaleString()} new or changed).`);
      return summaries;
    } catch (err) {
      if (err instanceof CancelledError) return undefined;
      void vscode.window.showErrorMessage(`Workspace RAG: indexing failed. ${err instanceof Error ? err.message : String(err)}`, 'Show Logs')
        .then((choice) => { if (choice) s.log.show(); });
      return undefined;
    }
  });

  register('workspaceRag.clearIndex', async () => {
    const confirm = await vscode.window.showWarningMessage('Delete the Workspace RAG index of this workspace? It is rebuilt on the next reindex.', { modal: true }, 'Clear Index');
    if (confirm !== 'Clear Index') return false;
    await s.session.clear();
    const next = await vscode.window.showInformationMessage('Workspace RAG: the index was cleared.', 'Reindex Now');
    if (next) await vscode.commands.executeCommand('workspaceRag.reindex');
    return true;
  });

  register('workspaceRag.ask', async (question?: unknown) => {
    const text = typeof question === 'string' ? question : await vscode.window.showInputBox({ prompt: 'Ask a question about this workspace', placeHolder: 'How does authentication work?' });
    if (text?.trim()) await s.panel.ask(text.trim());
  });

  // From the explorer's or the editor's context menu VS Code passes the file's URI; from the palette, nothing.
  register('workspaceRag.summarizeFile', (uri?: unknown) => s.panel.summarize(uri instanceof vscode.Uri ? uri : undefined));

  register('workspaceRag.stop', () => s.panel.stop());

  register('workspaceRag.setOpenAIKey', async () => {
    const key = await vscode.window.showInputBox({
      prompt: 'OpenAI API key (kept in VS Code\'s secret storage; leave empty to remove it)',
      password: true,
      ignoreFocusOut: true,
      placeHolder: 'sk-…',
    });
    if (key === undefined) return;
    await s.openaiKey.set(key.trim() || undefined);
    s.log.info(key.trim() ? 'OpenAI API key stored in secret storage.' : 'OpenAI API key removed.');
    void vscode.window.showInformationMessage(key.trim() ? 'Workspace RAG: OpenAI API key saved.' : 'Workspace RAG: OpenAI API key removed.');
  });

  register('workspaceRag.selectProvider', () => selectProvider(s));

  register('workspaceRag.showLogs', () => s.log.show());

  register('workspaceRag.showStats', () => {
    const stats = s.session.stats;
    const state = s.session.state;
    const text = `Answers: ${stats.totalStreams} (${stats.totalErrors} failed), ${stats.totalTokens.toLocaleString()} tokens, average ${stats.avgLatencyMs} ms. `
      + `Index: ${state.files.toLocaleString()} files, ${state.chunks.toLocaleString()} chunks, ${state.folders[0]?.embedder?.id ?? 'offline'} embeddings.`;
    s.log.info(`Statistics: ${JSON.stringify({ ...stats, files: state.files, chunks: state.chunks })}`);
    void vscode.window.showInformationMessage(`Workspace RAG — ${text}`);
    return { ...stats, files: state.files, chunks: state.chunks };
  });

  register(OPEN_SOURCE_COMMAND, (path: unknown, startLine: unknown, endLine: unknown) =>
    openSource(String(path), Number(startLine), Number(endLine ?? startLine), s.log));
}

interface ProviderPick extends vscode.QuickPickItem {
  apply?: () => Promise<void>;
}

/** One list of everything that can answer: Ollama's installed models, the OpenAI-compatible server, VS Code's models, offline. */
async function selectProvider(s: Services): Promise<void> {
  const settings = readSettings();
  const config = vscode.workspace.getConfiguration(SECTION);
  const set = async (values: Record<string, string>) => {
    for (const [key, value] of Object.entries(values)) await config.update(key, value, vscode.ConfigurationTarget.Global);
  };
  const picks: ProviderPick[] = [{ label: 'Automatic', description: 'Ollama, then OpenAI-compatible, then VS Code\'s model, else offline', apply: () => set({ provider: 'auto' }) }];

  const ollama = await checkOllama({ host: settings.ollamaHost, timeoutMs: 1500 });
  picks.push({ label: 'Ollama', kind: vscode.QuickPickItemKind.Separator });
  if (ollama.ok && ollama.models.length > 0) {
    for (const model of ollama.models) picks.push({ label: `$(server) ${model}`, description: 'Ollama', apply: () => set({ provider: 'ollama', 'ollama.chatModel': model.replace(/:latest$/, '') }) });
  } else {
    picks.push({ label: '$(warning) Ollama is not available', detail: ollama.ok ? 'It runs but has no models: `ollama pull llama3.2`' : ollama.error.message });
  }

  picks.push({ label: 'OpenAI or compatible', kind: vscode.QuickPickItemKind.Separator });
  const hasKey = Boolean(await s.openaiKey.get());
  picks.push({
    label: `$(cloud) ${settings.openaiBaseUrl || 'OpenAI'} · ${settings.openaiChatModel}`,
    description: hasKey || settings.openaiBaseUrl ? '' : 'needs an API key',
    apply: async () => {
      const model = await vscode.window.showInputBox({ prompt: 'Model name on the OpenAI-compatible server', value: settings.openaiChatModel });
      if (model === undefined) return;
      await set({ provider: 'openai', 'openai.chatModel': model.trim() || settings.openaiChatModel });
      if (!hasKey && !settings.openaiBaseUrl) await vscode.commands.executeCommand('workspaceRag.setOpenAIKey');
    },
  });

  const models = await vscode.lm.selectChatModels();
  picks.push({ label: 'VS Code chat models', kind: vscode.QuickPickItemKind.Separator });
  for (const model of models) picks.push({ label: `$(copilot) ${model.name}`, description: `${model.vendor} · ${model.family}`, apply: () => set({ provider: 'vscode', 'vscode.model': model.id }) });
  if (models.length === 0) picks.push({ label: '$(info) No VS Code chat model is available' });

  picks.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
  picks.push({ label: '$(circle-slash) Offline', description: 'quote the most relevant lines, no model', apply: () => set({ provider: 'offline' }) });

  const choice = await vscode.window.showQuickPick(picks, { title: 'Workspace RAG: who answers?', placeHolder: `Now: ${s.session.providerLabel}` });
  await choice?.apply?.();
}
