// Hardening: damaged index files, killed and concurrent processes, failing embedders. Rows of
// docs/reliability.md point here.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { IndexClient } from '../../src/engine/indexing/worker/indexClient';
import { WorkspaceIndex } from '../../src/engine/indexing/workspaceIndex';
import { INDEX_FORMAT_VERSION } from '../../src/engine/store/manifest';
import { ItemSpans } from '../../src/engine/store/shardItems';
import { writeVectraShard } from '../../src/engine/store/vectraShard';
import { startOllamaFake, type OllamaFake } from '../helpers/ollamaFake';
import { makeWorkspace, tempDir, SAMPLE_PROJECT } from '../helpers/workspace';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const workerScript = path.resolve(__dirname, '../../dist/indexWorker.js');

function runCli(args: string[]): { done: Promise<{ code: number | null; stdout: string; stderr: string }>; kill: (signal: NodeJS.Signals) => void } {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1', OPENAI_API_KEY: '', OLLAMA_HOST: 'http://127.0.0.1:9' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  return { done: new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr }))), kill: (signal) => child.kill(signal) };
}

const smallFiles = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`src/f${i}.ts`, `export const item${i} = 'value ${i}';\n`]));

async function openWith(root: string, indexDir: string) {
  const warnings: string[] = [];
  const index = await WorkspaceIndex.open({ root, indexDir, shards: 4, onWarning: (w) => warnings.push(w) });
  return { index, warnings };
}

describe('damaged index files are detected on open and rebuilt with a warning', () => {
  it('a manifest of another format version: rebuilt, and said so', async () => {
    const root = await makeWorkspace(SAMPLE_PROJECT);
    const indexDir = await tempDir();
    await (await openWith(root, indexDir)).index.sync();
    const manifestFile = path.join(indexDir, 'manifest.json');
    await fs.writeFile(manifestFile, JSON.stringify({ ...JSON.parse(await fs.readFile(manifestFile, 'utf8')), formatVersion: 0 }));
    const { index, warnings } = await openWith(root, indexDir);
    assert.deepEqual(warnings, [`Rebuilding the index: the index format changed (0 → ${INDEX_FORMAT_VERSION}).`]);
    assert.equal((await index.sync()).indexedFiles, 4);
  });

  it('a shard of garbage, or with vectors of the wrong dimension: repaired, while the other shards keep answering', async () => {
    const root = await makeWorkspace(SAMPLE_PROJECT);
    const indexDir = await tempDir();
    const { index: original } = await openWith(root, indexDir);
    await original.sync();
    const shards = (await fs.readdir(path.join(indexDir, 'shards'))).map((d) => path.join(indexDir, 'shards', d));
    const withFiles = shards.filter((d) => existsSync(path.join(d, 'index.pb')));
    assert.ok(withFiles.length >= 2, 'the sample spreads over several shards');
    await fs.writeFile(path.join(withFiles[0], 'index.pb'), Buffer.from('this is not a protobuf file, just garbage \x00\xff'));
    await writeVectraShard(withFiles[1], { bytes: new Uint8Array(0), spans: ItemSpans.empty() }, new Int32Array(0), [{
      record: { id: 'x', path: 'src/ghost.ts', startLine: 1, endLine: 1, language: 'typescript', hash: 'h', context: '', text: 'ghost' },
      vector: new Float32Array(128),
    }]);
    const { index, warnings } = await openWith(root, indexDir);
    assert.equal(warnings.length, 2, warnings.join('\n'));
    assert.ok(warnings.every((w) => /was damaged and has been repaired/.test(w)));
    assert.ok(index.chunkCount > 0 && index.chunkCount < original.chunkCount, 'the intact shards still answer');
    assert.ok((await index.search('rate limiting requests', { k: 8 })).length > 0);
    await index.sync();
    assert.equal(index.chunkCount, original.chunkCount);
    assert.deepEqual(await index.search('connection pool', { k: 3 }), await original.search('connection pool', { k: 3 }));
  });
});

describe('processes', () => {
  it('killed with SIGKILL in the middle of indexing: the next run finds a consistent index and finishes the job', { timeout: 180_000 }, async () => {
    const root = await makeWorkspace(smallFiles(12_000));
    const indexDir = path.join(await tempDir(), 'index');
    const first = runCli(['index', '--workspace', root, '--index-dir', indexDir, '--json']);
    // The first save happens after 10,000 chunks: kill the process once it is done, mid-way through the rest.
    const saved = async () => {
      try {
        return (JSON.parse(await fs.readFile(path.join(indexDir, 'manifest.json'), 'utf8')).generation ?? 0) >= 1;
      } catch {
        return false;
      }
    };
    while (!(await saved())) await new Promise((r) => setTimeout(r, 20));
    first.kill('SIGKILL');
    const killed = await first.done;
    assert.equal(killed.code, null, 'the process was killed, not finished');
    const second = await runCli(['index', '--workspace', root, '--index-dir', indexDir, '--json']).done;
    assert.equal(second.code, 0, second.stderr);
    assert.doesNotMatch(second.stderr, /damaged|repaired/, 'what was saved before the kill is intact');
    const summary = JSON.parse(second.stdout);
    assert.equal(summary.files, 12_000);
    assert.ok(summary.indexedFiles > 0 && summary.indexedFiles < 12_000, `only what was not saved is redone: ${summary.indexedFiles}`);
    const third = JSON.parse((await runCli(['index', '--workspace', root, '--index-dir', indexDir, '--json']).done).stdout);
    assert.deepEqual([third.files, third.chunks, third.indexedFiles], [12_000, 12_000, 0]);
    const search = await runCli(['search', 'item11999', '--workspace', root, '--index-dir', indexDir, '--json', '--k', '1']).done;
    assert.equal(JSON.parse(search.stdout)[0].path, 'src/f11999.ts');
  });

  it('two index runs at once on one index folder: the second waits for the lock, both succeed, the index stays consistent', { timeout: 180_000 }, async () => {
    const root = await makeWorkspace(smallFiles(4000));
    const indexDir = path.join(await tempDir(), 'index');
    const [a, b] = await Promise.all([
      runCli(['index', '--workspace', root, '--index-dir', indexDir, '--json']).done,
      runCli(['index', '--workspace', root, '--index-dir', indexDir, '--json']).done,
    ]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.match(a.stderr + b.stderr, /Waiting for another workspace-rag process to finish updating this index/);
    const summaries = [JSON.parse(a.stdout), JSON.parse(b.stdout)];
    assert.deepEqual(summaries.map((s) => s.indexedFiles).sort((x, y) => x - y), [0, 4000], 'the one that waited found nothing left to do');
    const again = JSON.parse((await runCli(['index', '--workspace', root, '--index-dir', indexDir, '--json']).done).stdout);
    assert.deepEqual([again.files, again.chunks, again.indexedFiles], [4000, 4000, 0]);
    assert.equal(existsSync(path.join(indexDir, 'index.lock')), false, 'no lock left behind');
  });
});

describe('a provider failing during indexing leaves the index as it was', () => {
  let ollama: OllamaFake;
  before(async () => { ollama = await startOllamaFake(); });
  after(async () => { await ollama.close(); });

  it('embeddings failing mid-run: the run fails with the server\'s error, the last good index keeps answering, a later run completes', async () => {
    const root = await makeWorkspace(SAMPLE_PROJECT);
    const indexDir = await tempDir();
    const index = await IndexClient.open({ root, indexDir, workerScript, embedder: { kind: 'ollama', host: ollama.url, model: 'nomic-embed-text' } });
    try {
      await index.sync();
      const before = await index.search('session token', { k: 3 });
      await fs.writeFile(path.join(root, 'src/new.ts'), 'export const quasar = "a new file";\n');
      await fs.appendFile(path.join(root, 'src/db/pool.ts'), '\n// pool notes\n');
      ollama.embedReplies.push(...Array.from({ length: 12 }, () => ({ status: 500, body: { error: 'CUDA out of memory' } })));
      await assert.rejects(index.sync(), (err: Error & { code?: string }) => err.code === 'server_error');
      ollama.embedReplies.length = 0; // the server recovers
      assert.deepEqual(await index.search('session token', { k: 3 }), before, 'questions are answered from the last good index');
      const reopened = await IndexClient.open({ root, indexDir, workerScript, embedder: { kind: 'ollama', host: ollama.url, model: 'nomic-embed-text' } });
      try {
        assert.equal(reopened.state.files, 4, 'nothing half-written on disk');
        const summary = await reopened.sync();
        assert.deepEqual([summary.files, summary.indexedFiles], [5, 2]);
      } finally {
        await reopened.close();
      }
    } finally {
      await index.close();
    }
  });
});
