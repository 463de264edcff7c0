import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activate, extension, extensionLogFile, fixtureUri, waitFor, workspaceRoot } from './helpers';
import { suite, test } from './tdd';

suite('Workspace RAG in the extension host', () => {
  test('is the copy installed from the built .vsix', () => {
    const ext = extension();
    assert.equal(ext.packageJSON.name, 'workspace-rag');
    assert.equal(path.resolve(ext.extensionPath), path.resolve(process.env.E2E_EXTENSION_PATH ?? ''));
    assert.equal(vscode.env.uiKind, vscode.UIKind.Web, 'runs in code-server');
  });

  test('activates without error', async () => {
    const ext = await activate();
    assert.equal(ext.isActive, true);
  });

  test('writes "Workspace RAG activated" to its log output channel', async () => {
    await activate();
    const file = await waitFor('the "Workspace RAG" log file', () => extensionLogFile());
    await waitFor(`"Workspace RAG activated" in ${file}`, () => fs.readFileSync(file, 'utf8').includes('Workspace RAG activated'));
  });

  test('has the fixture workspace open', async () => {
    assert.equal(path.basename(workspaceRoot().fsPath), 'sample-project');
    const doc = await vscode.workspace.openTextDocument(fixtureUri('src/auth/session.ts'));
    assert.match(doc.getText(), /SESSION_TTL_MS = 60 \* 60 \* 1000/);
  });
});
