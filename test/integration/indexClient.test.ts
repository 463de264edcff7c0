import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { IndexClient } from '../../src/engine/indexing/worker/indexClient';
import { WorkspaceIndex } from '../../src/engine/indexing/workspaceIndex';
import { searchIndexes } from '../../src/engine/retrieval/multiIndexSearch';
import { startOllamaFake } from '../helpers/ollamaFake';
import { readManifest } from '../../src/engine/store/manifest';
import { savedShardDirs } from '../../src/engine/store/shardFolders';
import { makeWorkspace, tempDir, SAMPLE_PROJECT } from '../helpers/workspace';

/** The built worker (npm test builds before running integration tests). */
const workerScript = path.resolve(__dirname, '../../dist/indexWorker.js');

describe('IndexClient: the index on its own thread (built dist/indexWorker.js)', () => {
  it('indexes, reports progress and answers searches across the thread boundary', async () => {
    const root = await makeWorkspace(SAMPLE_PROJECT);
    const index = await IndexClient.open({ root, indexDir: await tempDir(), workerScript });
    try {
      const phases: string[] = [];
      const summary = await index.sync({ onProgress: (p) => phases.push(p.phase) });
      assert.equal(summary.indexedFiles, 4);
      assert.ok(phases.includes('scanning') && phases.at(-1) === 'done', phases.join(','));
      assert.equal(index.state.files, 4, 'the client sees the state after a job');
      assert.equal(index.state.embedder.id, 'offline');
      const [best] = await index.search('connection pool size', { k: 3 });
      assert.equal(best.path, 'src/db/pool.ts');
      assert.match(best.text, /class ConnectionPool/);
    } finally {
      await index.close();
    }
  });

  it('fails calls still waiting when it is closed, instead of leaving them hanging', async () => {
    const root = await makeWorkspace(SAMPLE_PROJECT);
    const index = await IndexClient.open({ root, indexDir: await tempDir(), workerScript });
    const failed = assert.rejects(index.sync(), (err: Error) => err.name === 'CancelledError');
    await index.close();
    await failed;
  });

  it('cancels a running sync and keeps serving searches', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 800; i++) files[`m${i}.ts`] = `export const value${i} = ${i}; // module ${i}\n`;
    const root = await makeWorkspace(files);
    const index = await IndexClient.open({ root, indexDir: await tempDir(), workerScript });
    try {
      const controller = new AbortController();
      const run = index.sync({ signal: controller.signal, onProgress: (p) => { if (p.phase === 'indexing') controller.abort(); } });
      await assert.rejects(run, (err: Error) => err.name === 'CancelledError');
      assert.ok((await index.search('module 1', { k: 1 })).length === 1);
      assert.equal((await index.sync()).files, 800);
    } finally {
      await index.close();
    }
  });

  it('turns an out-of-memory index thread into a clear error, again on the next call: never a hang', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 40; i++) files[`big${i}.md`] = Array.from({ length: 8000 }, (_, line) => `part ${i} line ${line} word${line * 7919 % 100003}`).join('\n');
    const root = await makeWorkspace(files);
    const indexDir = await tempDir();
    const index = await IndexClient.open({ root, indexDir, workerScript, memoryLimitMb: 40 });
    try {
      await assert.rejects(index.sync(), (err: Error & { code?: string }) => {
        assert.equal(err.code, 'index_out_of_memory');
        assert.match(err.message, /more than its 40 MB memory limit(\.|:).*(--memory-limit|Exclude large generated or vendored folders)/);
        return true;
      });
      // The next call starts a fresh thread, which meets the same limit and says so.
      await assert.rejects(index.sync(), (err: Error & { code?: string }) => err.code === 'index_out_of_memory');
    } finally {
      await index.close();
    }
  });

  it("carries the index's warnings in its state: a part found damaged on open, an embedder failing during a search", async () => {
    const ollama = await startOllamaFake();
    const root = await makeWorkspace(SAMPLE_PROJECT);
    const indexDir = await tempDir();
    const options = { root, indexDir, workerScript, shards: 2, embedder: { kind: 'ollama', host: ollama.url, model: 'nomic-embed-text' } as const };
    try {
      const first = await IndexClient.open(options);
      await first.sync();
      await first.close();
      const shard = savedShardDirs(indexDir, await readManifest(indexDir))[0]!;
      await fs.writeFile(path.join(shard, 'index.pb'), 'garbage');
      await fs.writeFile(path.join(shard, 'shard.json'), '{');
      const logged: string[] = [];
      const index = await IndexClient.open({ ...options, onWarning: (message) => logged.push(message) });
      try {
        assert.equal(logged.length, 1);
        assert.match(logged[0], /^Part 1 of 2 of the index \(shards\/00-\d+\) was damaged and has been repaired: its Vectra file \(index\.pb\) cannot be read/);
        assert.deepEqual(index.state.warnings, logged);
        await index.sync();
        ollama.embedReplies.push({ status: 404, body: { error: 'model "nomic-embed-text" not found, try pulling it first' } });
        const [best] = await index.search('connection pool size', { k: 3 });
        assert.equal(best.path, 'src/db/pool.ts', 'the words alone still answer');
        assert.equal(logged.length, 2);
        assert.match(logged[1], /^Searching by words only: the ollama embedder failed/);
        assert.deepEqual(index.state.warnings, logged);
      } finally {
        await index.close();
      }
    } finally {
      await ollama.close();
    }
  });

  it('ranks several folders on their own threads as in-process indexes do', async () => {
    const roots = [await makeWorkspace(SAMPLE_PROJECT), await makeWorkspace({ 'notes/pool.md': '# Pools\n\nThe connection pool size is set per service.\n' })];
    const threads = await Promise.all(roots.map(async (root) => IndexClient.open({ root, indexDir: await tempDir(), workerScript })));
    try {
      const local = await Promise.all(roots.map(async (root) => WorkspaceIndex.open({ root, indexDir: await tempDir() })));
      for (const index of [...threads, ...local]) await index.sync();
      const named = (indexes: (IndexClient | WorkspaceIndex)[]) => indexes.map((index, i) => ({ name: `folder${i}`, index }));
      for (const query of ['connection pool size', 'session token', 'rate limiting']) {
        const found = await searchIndexes(named(threads), query, { k: 5 });
        assert.ok(found.length > 0);
        assert.deepEqual(found, await searchIndexes(named(local), query, { k: 5 }));
      }
    } finally {
      await Promise.all(threads.map((index) => index.close()));
    }
  });
});
