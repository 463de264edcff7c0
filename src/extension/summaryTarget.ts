import * as path from 'node:path';
import * as vscode from 'vscode';

/** The file a summary is asked for, as the session takes it (an absolute path, or as typed) and as shown. */
export interface SummaryTarget {
  path: string;
  label: string;
}

/**
 * Which file to summarise: a URI (from the explorer's or the editor's context menu), a path as typed, or
 * else the active editor's file. Whether it is inside the workspace, the session decides.
 */
export function summaryTarget(target?: vscode.Uri | string): SummaryTarget | undefined {
  if (typeof target === 'string') return { path: target, label: target };
  const uri = target instanceof vscode.Uri ? target : vscode.window.activeTextEditor?.document.uri;
  if (!uri || uri.scheme !== 'file') return undefined;
  return { path: uri.fsPath, label: vscode.workspace.asRelativePath(uri, vscode.workspace.workspaceFolders !== undefined && vscode.workspace.workspaceFolders.length > 1) || path.basename(uri.fsPath) };
}
