import * as vscode from 'vscode';
import type { ActionId, UserAction } from '../protocol/errorCodes';
import { SECTION } from './settings';

/** The command behind each action an error offers. */
const COMMANDS: Record<ActionId, string> = {
  selectProvider: 'workspaceRag.selectProvider',
  setOpenAIKey: 'workspaceRag.setOpenAIKey',
  reindex: 'workspaceRag.reindex',
  clearIndex: 'workspaceRag.clearIndex',
  showLogs: 'workspaceRag.showLogs',
  openSettings: 'workbench.action.openSettings',
};

/** The command and arguments that carry out `action` (a setting is opened by its full id). */
export function commandFor(action: UserAction): { command: string; arguments?: unknown[] } {
  if (action.id !== 'openSettings') return { command: COMMANDS[action.id] };
  return { command: COMMANDS.openSettings, arguments: [action.setting ? `${SECTION}.${action.setting}` : `@ext:workspace-rag.workspace-rag`] };
}

/**
 * Runs an action a webview asked for. Only the known actions, and settings of this extension, are ever
 * run: never a command or argument the page names.
 */
export async function runAction(action: unknown): Promise<void> {
  const candidate = action as Partial<UserAction> | undefined;
  if (!candidate || typeof candidate.id !== 'string' || !Object.hasOwn(COMMANDS, candidate.id)) return;
  const setting = typeof candidate.setting === 'string' && /^[\w.]*$/.test(candidate.setting) ? candidate.setting : undefined;
  const { command, arguments: args = [] } = commandFor({ id: candidate.id as ActionId, label: '', setting });
  await vscode.commands.executeCommand(command, ...args);
}
