import * as vscode from 'vscode';

/** Entry point of the extension; the surfaces arrive in their own modules. */
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Workspace RAG', { log: true });
  context.subscriptions.push(log);
  log.info('Workspace RAG activated');
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
