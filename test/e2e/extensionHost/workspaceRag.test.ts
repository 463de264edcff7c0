// The extension's behaviour inside the real extension host: commands, the index, settings, and @rag's result.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activate, askChat, commandsStartingWith, fakeLmRecords, fixtureUri, waitFor } from './helpers';
import { suite, suiteSetup, test } from './tdd';

interface Api {
  session: { state: { files: number; chunks: number }; search(q: string, o?: { k?: number }): Promise<{ path: string; startLine: number }[]>; clear(): Promise<void> };
}

interface RagResult extends vscode.ChatResult {
  metadata: { command?: string; sources: { index: number; path: string; startLine: number; endLine: number }[]; cited: number[]; provider?: string; model?: string; error?: string };
}

let api: Api;

suite('Workspace RAG: commands, index and @rag (extension host)', () => {
  suiteSetup(async () => {
    api = (await activate()).exports as Api;
  });

  test('contributes its commands to the palette', async () => {
    const ids = await commandsStartingWith('workspaceRag.');
    for (const id of ['ask', 'reindex', 'clearIndex', 'selectProvider', 'setOpenAIKey', 'showLogs', 'showStats', 'summarizeFile']) {
      assert.ok(ids.includes(`workspaceRag.${id}`), `workspaceRag.${id} is registered`);
    }
  });

  test('Reindex Workspace indexes the fixture and the index answers searches', async () => {
    const summaries = await vscode.commands.executeCommand<{ files: number; chunks: number }[]>('workspaceRag.reindex');
    assert.ok(summaries && summaries[0].files >= 6, JSON.stringify(summaries));
    assert.equal(api.session.state.chunks, summaries[0].chunks);
    const [best] = await api.session.search('how long does a session last', { k: 3 });
    assert.equal(best.path, 'src/auth/session.ts');
  });

  test('a reindex requested while one runs joins it', async () => {
    const uri = fixtureUri('src/joined.ts');
    await vscode.workspace.fs.writeFile(uri, Buffer.from('export const joined = true;\n'));
    try {
      const [a, b] = await Promise.all([
        vscode.commands.executeCommand<{ indexedFiles: number }[]>('workspaceRag.reindex'),
        vscode.commands.executeCommand<{ indexedFiles: number }[]>('workspaceRag.reindex'),
      ]);
      assert.ok(a && a[0].indexedFiles >= 1, JSON.stringify(a));
      assert.deepEqual(b, a, 'the second request got the running job\'s result, not a run of its own (which would index nothing)');
    } finally {
      await vscode.workspace.fs.delete(uri);
    }
  });

  test('re-indexes a saved file through the file watcher', async () => {
    const uri = fixtureUri('src/notes/watcher.ts');
    await vscode.workspace.fs.writeFile(uri, Buffer.from('// The quokka cache warms up at dawn.\nexport const QUOKKA_WARMUP = true;\n'));
    await waitFor('the new file in search results', async () => (await api.session.search('quokka warmup dawn', { k: 1 }))[0]?.path === 'src/notes/watcher.ts', { timeout: 20_000 });
    await vscode.workspace.fs.delete(uri);
    await waitFor('the deleted file gone from search results', async () => (await api.session.search('quokka warmup dawn', { k: 1 }))[0]?.path !== 'src/notes/watcher.ts', { timeout: 20_000 });
  });

  test('an exclude setting takes effect: the excluded folder leaves the index, and comes back', async () => {
    const config = vscode.workspace.getConfiguration('workspaceRag');
    const docsFound = async () => (await api.session.search('rendering notes inert markup', { k: 8 })).some((r) => r.path.startsWith('docs/'));
    await waitFor('docs/ in the index', docsFound, { timeout: 20_000 });
    await config.update('exclude', ['docs/**'], vscode.ConfigurationTarget.Workspace);
    try {
      await waitFor('the index without docs/', async () => !(await docsFound()), { timeout: 20_000 });
    } finally {
      await config.update('exclude', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await waitFor('docs/ back in the index', docsFound, { timeout: 20_000 });
  });

  test('an include setting typed as one string (not a list) is applied, not dropped', async () => {
    const config = vscode.workspace.getConfiguration('workspaceRag');
    const onlyAuth = async () => (await api.session.search('session token password docs', { k: 8 })).every((r) => r.path.startsWith('src/auth/'));
    await config.update('include', 'src/auth/**', vscode.ConfigurationTarget.Workspace);
    try {
      await waitFor('only src/auth in the index', onlyAuth, { timeout: 20_000 });
    } finally {
      await config.update('include', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await waitFor('the whole workspace back in the index', async () => !(await onlyAuth()), { timeout: 20_000 });
  });

  test('@rag answers with the chat request\'s model, sources referenced and cited', async () => {
    const result = await askChat('@rag how long does a session last?') as RagResult;
    assert.ok(result?.metadata, JSON.stringify(result));
    assert.equal(result.metadata.provider, 'vscode', 'with no other provider configured, request.model answers');
    assert.ok(result.metadata.sources.some((s) => s.path === 'src/auth/session.ts'), JSON.stringify(result.metadata.sources));
    assert.deepEqual(result.metadata.cited, [1]);
    const request = fakeLmRecords().filter((r) => r.event === 'request').at(-1);
    assert.equal(request?.sources, result.metadata.sources.length, 'the model received every source in its prompt');
  });

  test('@rag with a model that calls the search tool: its passages join the references, numbered on, and are cited', async () => {
    const result = await askChat('@rag how long does a session last? FAKE-LM-SEARCH') as RagResult;
    assert.ok(result?.metadata && !result.metadata.error, JSON.stringify(result));
    const numbers = result.metadata.sources.map((s) => s.index);
    assert.deepEqual(numbers, numbers.map((_, i) => i + 1), 'one list of references, numbered without gaps');
    assert.ok(result.metadata.sources.some((s) => s.path === 'src/cache/lru.ts'), JSON.stringify(result.metadata.sources));
    assert.ok(result.metadata.cited.includes(numbers.at(-1)!), `the newest source is cited: ${JSON.stringify(result.metadata.cited)}`);
    const [call, answer] = fakeLmRecords().filter((r) => r.event === 'request').slice(-2);
    assert.deepEqual(call.tools, ['search']);
    assert.equal(call.toolCall, 'least recently used cache eviction');
    assert.equal(answer.sources, numbers.length, 'the model received every wave\'s sources');
  });

  test('@rag /search lists sources without asking the model', async () => {
    const before = fakeLmRecords().length;
    const result = await askChat('@rag /search token signature') as RagResult;
    assert.equal(result.metadata.command, 'search');
    assert.ok(result.metadata.sources.some((s) => s.path === 'src/auth/tokens.ts'), JSON.stringify(result.metadata.sources));
    assert.equal(fakeLmRecords().length, before, 'no model request');
  });

  test('@rag reports a model failure with its stage and code', async () => {
    const result = await askChat('@rag FAKE-LM-FAIL explain sessions') as RagResult;
    assert.equal(result.metadata.error, 'generation_failed');
  });

  test('Show Statistics counts the answers given', async () => {
    const stats = await vscode.commands.executeCommand<{ totalStreams: number; chunks: number }>('workspaceRag.showStats');
    assert.ok(stats && stats.totalStreams >= 2 && stats.chunks > 0, JSON.stringify(stats));
  });

  test('opens sources inside the workspace only: paths that climb out are refused', async () => {
    assert.equal(await vscode.commands.executeCommand('workspaceRag.openSource', 'src/auth/session.ts', 4, 4), true);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, fixtureUri('src/auth/session.ts').fsPath);
    assert.equal(vscode.window.activeTextEditor?.selection.active.line, 3);
    for (const escape of ['../outside.txt', '/etc/passwd', 'src/../../outside.txt']) {
      assert.equal(await vscode.commands.executeCommand('workspaceRag.openSource', escape, 1, 1), false, escape);
    }
  });

  test('a source that cannot be opened as text is reported, not a failed command', async () => {
    const uri = fixtureUri('src/blob.bin');
    await vscode.workspace.fs.writeFile(uri, Buffer.from([0, 1, 2, 0, 255, 0, 7, 0]));
    try {
      assert.equal(await vscode.commands.executeCommand('workspaceRag.openSource', 'src/blob.bin', 1, 1), false);
    } finally {
      await vscode.workspace.fs.delete(uri);
    }
  });

  test('a first index of several batches (600 more files: the preparation thread\'s case) indexes and finds every file', async function () {
    this.timeout(180_000);
    // Over 256 files a sync prepares batches on the preparation thread (indexWorker.js of the .vsix in its second role).
    const folder = fixtureUri('bulk').fsPath;
    const files = api.session.state.files;
    fs.mkdirSync(folder, { recursive: true });
    for (let i = 0; i < 600; i++) {
      const extra = i === 537 ? 'The marmoset ledger reconciles its accounts at midnight.\n' : '';
      fs.writeFileSync(path.join(folder, `note${i}.md`), `# Bulk note ${i}\n\nNote number ${i} of the bulk folder.\n${extra}`);
    }
    try {
      const found = async () => (await api.session.search('marmoset ledger midnight', { k: 1 }))[0]?.path === 'bulk/note537.md';
      // The watcher indexes them first; once it is done, the index is cleared and built again from scratch.
      await waitFor('the watcher to index the new folder', async () => api.session.state.files >= files + 600 && await found(), { timeout: 60_000 });
      await api.session.clear();
      const summaries = await vscode.commands.executeCommand<{ files: number; indexedFiles: number }[]>('workspaceRag.reindex');
      assert.ok(summaries && summaries[0].indexedFiles >= files + 600, JSON.stringify({ files, summaries }));
      assert.ok(await found(), 'a file of the third batch is found after the first index');
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
    await waitFor('the folder gone from the index', async () => (await api.session.search('marmoset ledger midnight', { k: 1 }))[0]?.path !== 'bulk/note537.md', { timeout: 60_000 });
  });
});
