// The language model tool as agents reach it: vscode.lm.tools and vscode.lm.invokeTool, in the real extension host.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activate } from './helpers';
import { suite, suiteSetup, test } from './tdd';

const TOOL = 'workspaceRag_search';

async function invoke(input: object, token = new vscode.CancellationTokenSource().token): Promise<string> {
  const result = await vscode.lm.invokeTool(TOOL, { input, toolInvocationToken: undefined }, token);
  return result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
}

suite('Workspace RAG: the workspaceRag_search language model tool (extension host)', () => {
  suiteSetup(async () => {
    await activate();
  });

  test('vscode.lm.tools lists it with its input schema', () => {
    const tool = vscode.lm.tools.find((t) => t.name === TOOL);
    assert.ok(tool, `lm.tools has ${vscode.lm.tools.map((t) => t.name).join(', ')}`);
    const schema = tool.inputSchema as { required: string[]; properties: Record<string, { maximum?: number }> };
    assert.deepEqual(schema.required, ['query']);
    assert.equal(schema.properties.k.maximum, 20);
    assert.ok(schema.properties.paths);
    assert.match(tool.description, /passages that best answer a question/);
  });

  test('vscode.lm.invokeTool returns the fixture\'s passage, numbered with its path and lines', async () => {
    const text = await invoke({ query: 'how long does a session last before logging in again?', k: 3 });
    assert.match(text, /^(.*\n\n)?\[1\] src\/auth\/session\.ts:\d+-\d+\n```/);
    assert.match(text, /SESSION_TTL_MS = 60 \* 60 \* 1000/);
    assert.ok(!/\[4\] /.test(text), 'k: 3 gives at most three passages');
  });

  test('path globs narrow the search', async () => {
    const text = await invoke({ query: 'sessions last one hour', paths: ['docs/**'] });
    const paths = [...text.matchAll(/^\[\d+\] (\S+):\d+-\d+/gm)].map((m) => m[1]);
    assert.ok(paths.length > 0, text);
    assert.ok(paths.every((p) => p.startsWith('docs/')), JSON.stringify(paths));
  });

  test('a cancelled invocation ends with a cancellation', async () => {
    const source = new vscode.CancellationTokenSource();
    source.cancel();
    await assert.rejects(invoke({ query: 'session expiry' }, source.token), (err: Error) => err instanceof vscode.CancellationError || err.name === 'Canceled');
  });
});
