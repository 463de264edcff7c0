// Helpers for extension-host tests. They run inside the real extension host (code-server's), with the
// environment run.mjs gave code-server.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'workspace-rag.workspace-rag';
export const FAKE_LM_VENDOR = 'fakelm';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The extension under test (asserts it is installed). */
export function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not loaded in this extension host`);
  return ext;
}

/** Activates the extension under test and returns it. */
export async function activate(): Promise<vscode.Extension<unknown>> {
  const ext = extension();
  await ext.activate();
  return ext;
}

/** Polls `probe` until it returns something other than undefined/false, or fails after `timeout` ms saying `what`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>,
  { timeout = 15_000, interval = 100 } = {}): Promise<T> {
  const deadline = Date.now() + timeout;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) { lastError = err; }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}${lastError ? `; last error: ${lastError}` : ''}`);
    await sleep(interval);
  }
}

/** The opened fixture workspace (a fresh copy of test/e2e/fixtures/sample-project). */
export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder is open');
  return folder.uri;
}

/** A file of the fixture workspace, e.g. fixtureUri('src/auth/session.ts'). */
export const fixtureUri = (relativePath: string): vscode.Uri => vscode.Uri.joinPath(workspaceRoot(), relativePath);

/** All registered command ids starting with `prefix`. */
export async function commandsStartingWith(prefix: string): Promise<string[]> {
  return (await vscode.commands.getCommands(true)).filter((id) => id.startsWith(prefix));
}

/** Sends `query` (e.g. '@rag how do sessions expire?') to the Chat view and returns the participant's result. */
export async function askChat(query: string): Promise<vscode.ChatResult | undefined> {
  await fakeModel(); // without a model the Chat view does not call participants
  return vscode.commands.executeCommand<vscode.ChatResult | undefined>('workbench.action.chat.open', { query, blockOnResponse: true });
}

/** The fake language model of test/e2e/fake-lm. */
export async function fakeModel(): Promise<vscode.LanguageModelChat> {
  return waitFor('the fake language model', async () => (await vscode.lm.selectChatModels({ vendor: FAKE_LM_VENDOR }))[0]);
}

export interface FakeLmRecord {
  event: 'request' | 'done' | 'cancelled' | 'failed';
  time: number;
  sources?: number; messages?: number; promptChars?: number; lastMessage?: string; partsSent?: number;
  /** Names of the tools the request offered; the query of the tool call the model made. */
  tools?: string[]; toolCall?: string;
}

/** What the fake model has received and how each answer ended, oldest first. */
export function fakeLmRecords(): FakeLmRecord[] {
  const file = process.env.E2E_FAKE_LM_LOG;
  if (!file || !fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as FakeLmRecord);
}

/** The newest log file of the extension's LogOutputChannel `channel` (VS Code writes one per window and channel). */
export function extensionLogFile(channel = 'Workspace RAG'): string | undefined {
  const logs = path.join(process.env.E2E_USER_DATA_DIR ?? '', 'logs');
  if (!fs.existsSync(logs)) return undefined;
  const wanted = path.join(EXTENSION_ID, `${channel}.log`);
  const files = (fs.readdirSync(logs, { recursive: true }) as string[]).filter((f) => f.endsWith(wanted)).map((f) => path.join(logs, f));
  return files.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
}
