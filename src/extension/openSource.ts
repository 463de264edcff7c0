import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

/**
 * The file a source or citation names, if it is inside an open workspace folder: paths that climb out
 * (`../`), absolute paths and symbolic links leading outside are refused. In a multi-root workspace,
 * source paths start with the folder's name.
 */
export async function resolveWorkspaceFile(relativePath: string): Promise<vscode.Uri | undefined> {
  if (typeof relativePath !== 'string' || relativePath === '' || path.isAbsolute(relativePath) || /^[a-zA-Z]:/.test(relativePath)) return undefined;
  const folders = vscode.workspace.workspaceFolders ?? [];
  const segments = relativePath.split(/[\\/]+/);
  if (segments.some((s) => s === '..')) return undefined;
  const [folder, rest] = folders.length > 1
    ? [folders.find((f) => f.name === segments[0]), segments.slice(1)]
    : [folders[0], segments];
  if (!folder || folder.uri.scheme !== 'file' || rest.length === 0) return undefined;
  const root = await fs.realpath(folder.uri.fsPath).catch(() => undefined);
  const target = await fs.realpath(path.join(folder.uri.fsPath, ...rest)).catch(() => undefined);
  if (!root || !target) return undefined;
  const inside = path.relative(root, target);
  if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) return undefined;
  return vscode.Uri.file(target);
}

/** Opens a source at its lines, selected; says so instead when the path is refused or gone. */
export async function openSource(relativePath: string, startLine: number, endLine: number, log: vscode.LogOutputChannel): Promise<boolean> {
  const uri = await resolveWorkspaceFile(relativePath);
  if (!uri) {
    log.warn(`Refused to open "${relativePath}": not a file inside the workspace.`);
    void vscode.window.showWarningMessage(`Workspace RAG: "${relativePath}" is not a file inside this workspace.`);
    return false;
  }
  let document: vscode.TextDocument;
  try {
    document = await vscode.workspace.openTextDocument(uri);
  } catch (err) {
    log.warn(`Could not open "${relativePath}": ${err instanceof Error ? err.message : String(err)}`);
    void vscode.window.showWarningMessage(`Workspace RAG: "${relativePath}" cannot be opened as text.`);
    return false;
  }
  const last = Math.max(0, document.lineCount - 1);
  const start = clamp(Math.floor(startLine) - 1, 0, last);
  const end = clamp(Math.floor(endLine) - 1, start, last);
  const range = new vscode.Range(start, 0, end, document.lineAt(end).text.length);
  await vscode.window.showTextDocument(document, { selection: new vscode.Range(range.start, range.start), preview: true });
  const editor = vscode.window.activeTextEditor;
  if (editor?.document === document) {
    editor.selection = new vscode.Selection(range.end, range.start); // the cursor sits on the first line
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }
  return true;
}

function clamp(value: number, min: number, max: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : min;
}
