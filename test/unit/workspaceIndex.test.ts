import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { Embedder } from '../../src/engine/indexing/embedder';
import { WorkspaceIndex, type IndexOptions } from '../../src/engine/indexing/workspaceIndex';
import { embedText } from '../../src/engine/indexing/offlineEmbedder';
import { writeFileAtomic } from '../../src/engine/store/atomicFile';
import { readManifest } from '../../src/engine/store/manifest';
import { savedShardDirs } from '../../src/engine/store/shardFolders';
import { makeWorkspace, tempDir, writeFiles, SAMPLE_PROJECT } from '../helpers/workspace';

/** A deterministic embedder whose model and dimension a test can change. */
class FakeEmbedder implements Embedder {
  readonly id = 'fake';
  calls = 0;
  constructor(readonly model: string, readonly dimensions: number) {}
  async embed(texts: string[]): Promise<Float32Array[]> {
    this.calls++;
    return texts.map((text) => embedText(text, this.dimensions));
  }
}

async function openIndex(root: string, indexDir: string, extra: Partial<IndexOptions> = {}) {
  const warnings: string[] = [];
  const index = await WorkspaceIndex.open({ root, indexDir, shards: 4, onWarning: (w) => warnings.push(w), ...extra });
  return { index, warnings };
}

async function paths(index: WorkspaceIndex, query: string): Promise<string[]> {
  return (await index.search(query, { k: 5 })).map((s) => s.path);
}

/** A later mtime than the file has, so a rewrite is seen even within one clock tick. */
async function rewrite(root: string, rel: string, content: string): Promise<void> {
  const file = path.join(root, rel);
  const before = await fs.stat(file).catch(() => undefined);
  await fs.writeFile(file, content);
  if (before) await fs.utimes(file, new Date(), new Date(before.mtimeMs + 2000));
}

describe('WorkspaceIndex: incremental indexing', () => {
  it('indexes a workspace, then re-embeds only what changed: edits, additions, deletions, renames', async () => {
    const root = await makeWorkspace(SAMPLE_PROJECT);
    const { index } = await openIndex(root, await tempDir());
    const first = await index.sync();
    assert.equal(first.indexedFiles, 4);
    assert.equal(first.files, 4);
    assert.equal(first.embedder, 'offline');
    assert.equal(first.dimensions, 256);
    assert.equal((await index.sync()).indexedFiles, 0, 'an unchanged workspace re-embeds nothing');

    await rewrite(root, 'src/db/pool.ts', '// The pool recycles idle connections after IDLE_TIMEOUT_MS.\nexport const IDLE_TIMEOUT_MS = 30_000;\n');
    const edited = await index.sync();
    assert.deepEqual([edited.indexedFiles, edited.removedFiles], [1, 0]);
    assert.equal((await paths(index, 'idle connections recycled'))[0], 'src/db/pool.ts');

    await writeFiles(root, { 'src/billing/invoice.ts': 'export function computeInvoiceTotal(lines: Line[]) { return lines.reduce(sum, 0); }\n' });
    const added = await index.sync();
    assert.deepEqual([added.indexedFiles, added.removedFiles, added.files], [1, 0, 5]);
    assert.equal((await paths(index, 'invoice total'))[0], 'src/billing/invoice.ts');

    await fs.rm(path.join(root, 'docs/architecture.md'));
    const removed = await index.sync();
    assert.deepEqual([removed.indexedFiles, removed.removedFiles, removed.files], [0, 1, 4]);
    assert.ok(!(await paths(index, 'rate limiting requests per minute')).includes('docs/architecture.md'));

    await fs.rename(path.join(root, 'src/billing/invoice.ts'), path.join(root, 'src/billing/invoices.ts'));
    const renamed = await index.sync();
    assert.deepEqual([renamed.indexedFiles, renamed.removedFiles], [1, 1]);
    const found = await paths(index, 'invoice total');
    assert.equal(found[0], 'src/billing/invoices.ts');
    assert.ok(!found.includes('src/billing/invoice.ts'), 'the old name is gone');
  });

  it('does not re-embed a file whose time changed but whose content did not', async () => {
    const root = await makeWorkspace(SAMPLE_PROJECT);
    const embedder = new FakeEmbedder('m', 64);
    const { index } = await openIndex(root, await tempDir(), { embedder });
    await index.sync();
    const file = path.join(root, 'src/auth/session.ts');
    await fs.utimes(file, new Date(), new Date(Date.now() + 5000));
    const calls = embedder.calls;
    const touched = await index.sync();
    assert.equal(touched.indexedFiles, 0);
    assert.equal(embedder.calls, calls, 'nothing embedded');
    assert.equal((await paths(index, 'authenticate password hash'))[0], 'src/auth/session.ts', 'its chunks are still there');
    assert.equal((await index.sync()).indexedFiles, 0, 'and the new time was recorded');
  });

  it('keeps the index on disk: a reopened index answers the same without re-reading files', async () => {
    const root = await makeWorkspace(SAMPLE_PROJECT);
    const indexDir = await tempDir();
    const { index } = await openIndex(root, indexDir);
    await index.sync();
    const before = await index.search('session token expiry', { k: 5 });
    const { index: reopened, warnings } = await openIndex(root, indexDir);
    assert.deepEqual(warnings, []);
    assert.equal(reopened.chunkCount, index.chunkCount);
    assert.deepEqual(await reopened.search('session token expiry', { k: 5 }), before);
    assert.equal((await reopened.sync()).indexedFiles, 0);
  });

  it('empties a shard completely and fills it again across reopenings', async () => {
    const root = await makeWorkspace({ 'only.ts': 'export const alpha = 1;\n' });
    const indexDir = await tempDir();
    await (await openIndex(root, indexDir, { shards: 1 })).index.sync();
    await fs.rm(path.join(root, 'only.ts'));
    const emptied = await openIndex(root, indexDir, { shards: 1 });
    assert.equal((await emptied.index.sync()).files, 0);
    await writeFiles(root, { 'again.ts': 'export const beta = 2;\n' });
    const refilled = await openIndex(root, indexDir, { shards: 1 });
    assert.deepEqual(refilled.warnings, []);
    assert.equal((await refilled.index.sync()).files, 1);
    assert.equal((await paths(refilled.index, 'beta'))[0], 'again.ts');
  });

  it('remembers binary and minified files so unchanged ones are not read again, and counts them each run', async () => {
    const root = await makeWorkspace({ 'a.ts': 'export const a = 1;', 'data.ts': 'x\u0000y', 'bundle.ts': 'var a=1;'.repeat(1000) });
    const { index } = await openIndex(root, await tempDir());
    const first = await index.sync();
    assert.deepEqual([first.skipped.binary, first.skipped.minified, first.files], [1, 1, 1]);
    const second = await index.sync();
    assert.deepEqual([second.skipped.binary, second.skipped.minified, second.indexedFiles], [1, 1, 0]);
  });
});

describe('WorkspaceIndex: the file watcher entry', () => {
  it('updateFiles re-indexes changed files, drops deleted ones and refuses ignored ones', async () => {
    const root = await makeWorkspace(SAMPLE_PROJECT);
    const { index } = await openIndex(root, await tempDir());
    await index.sync();
    await rewrite(root, 'src/db/pool.ts', 'export const SHARDING_STRATEGY = "consistent hashing";\n');
    await writeFiles(root, { 'secrets/new-key.txt': 'consistent hashing secret', 'notes.md': '# Notes\nConsistent hashing spreads keys.' });
    await fs.rm(path.join(root, 'docs/architecture.md'));
    const summary = await index.updateFiles([path.join(root, 'src/db/pool.ts'), 'secrets/new-key.txt', 'notes.md'], ['docs/architecture.md']);
    assert.deepEqual([summary.indexedFiles, summary.removedFiles, summary.skipped.ignored], [2, 1, 1]);
    const found = await paths(index, 'consistent hashing');
    assert.deepEqual(found.slice(0, 2).sort(), ['notes.md', 'src/db/pool.ts']);
    assert.ok(!found.some((p) => p.startsWith('secrets/') || p === 'docs/architecture.md'));
    assert.equal((await index.sync()).indexedFiles, 0, 'a full sync agrees with what the watcher did');
  });

  it('a deleted folder reported alone (without its files) takes its files out of the index', async () => {
    const root = await makeWorkspace({ ...SAMPLE_PROJECT, 'src/cache/lru.ts': 'export const LRU_EVICTION = "least recently used";\n', 'src/cache/notes/ttl.md': '# Cache TTL\nEntries expire after least recently used eviction.\n' });
    const { index } = await openIndex(root, await tempDir());
    await index.sync();
    assert.ok((await paths(index, 'least recently used eviction')).some((p) => p.startsWith('src/cache/')));
    await fs.rm(path.join(root, 'src/cache'), { recursive: true });
    const summary = await index.updateFiles([], [path.join(root, 'src/cache')]);
    assert.equal(summary.removedFiles, 2);
    assert.ok(!(await paths(index, 'least recently used eviction')).some((p) => p.startsWith('src/cache/')));
    assert.ok((await paths(index, 'connection pool')).includes('src/db/pool.ts'), 'files outside it stay');
    const again = await index.sync();
    assert.deepEqual([again.indexedFiles, again.removedFiles], [0, 0], 'a full sync agrees with what the watcher did');
  });
});

describe('WorkspaceIndex: rebuilds and recovery', () => {
  it('rebuilds cleanly when the embedding model or its dimension changes', async () => {
    const root = await makeWorkspace(SAMPLE_PROJECT);
    const indexDir = await tempDir();
    const { index } = await openIndex(root, indexDir, { embedder: new FakeEmbedder('model-a', 32) });
    await index.sync();
    for (const embedder of [new FakeEmbedder('model-b', 32), new FakeEmbedder('model-b', 48)]) {
      const { index: reopened, warnings } = await openIndex(root, indexDir, { embedder });
      assert.equal(warnings.length, 1);
      assert.match(warnings[0], /^Rebuilding the index: the embedding (model|dimension) changed/);
      assert.equal(reopened.chunkCount, 0, 'old vectors are never compared with new ones');
      const summary = await reopened.sync();
      assert.equal(summary.indexedFiles, 4);
      assert.equal(summary.dimensions, embedder.dimensions);
      assert.equal((await paths(reopened, 'connection pool'))[0], 'src/db/pool.ts');
    }
  });

  it('repairs a torn shard on open: questions keep working and the next run re-indexes its files', async () => {
    const root = await makeWorkspace(SAMPLE_PROJECT);
    const indexDir = await tempDir();
    const { index } = await openIndex(root, indexDir);
    await index.sync();
    const answer = await index.search('connection pool', { k: 3 }); // before the damage: texts are read from the files
    const shardDirs = (await fs.readdir(path.join(indexDir, 'shards'))).map((d) => path.join(indexDir, 'shards', d));
    const sizes = await Promise.all(shardDirs.map(async (d) => (await fs.stat(path.join(d, 'index.pb')).catch(() => ({ size: 0 }))).size));
    const victim = shardDirs[sizes.indexOf(Math.max(...sizes))];
    const file = path.join(victim, 'index.pb');
    const bytes = await fs.readFile(file);
    await fs.writeFile(file, bytes.subarray(0, Math.floor(bytes.length / 2)));

    const { index: reopened, warnings } = await openIndex(root, indexDir);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /was damaged and has been repaired/);
    assert.ok(reopened.chunkCount < index.chunkCount);
    const summary = await reopened.sync();
    assert.ok(summary.indexedFiles >= 1 && summary.indexedFiles < 4, `only the damaged shard's files: ${summary.indexedFiles}`);
    assert.equal(reopened.chunkCount, index.chunkCount);
    assert.deepEqual(await reopened.search('connection pool', { k: 3 }), answer);
  });

  it('opens to the same answers whether the records file beside each shard is there, missing or stale', async () => {
    const root = await makeWorkspace(SAMPLE_PROJECT);
    const indexDir = await tempDir();
    const { index } = await openIndex(root, indexDir);
    await index.sync();
    const questions = ['connection pool', 'how are sessions validated', 'rate limiting'];
    const answers = await Promise.all(questions.map((q) => index.search(q, { k: 4 })));
    const dirs = savedShardDirs(indexDir, await readManifest(indexDir)).filter((d) => d !== undefined) as string[];
    assert.ok(dirs.every((d) => existsSync(path.join(d, 'records.bin'))), 'each save writes one');
    const [first, second, ...rest] = dirs;
    await fs.rm(path.join(first, 'records.bin'));
    await fs.writeFile(path.join(second, 'records.bin'), Buffer.alloc(64, 7));
    // A records file of another shard: its sizes and offsets do not match this index.pb.
    if (rest.length > 1) await fs.copyFile(path.join(rest[0], 'records.bin'), path.join(rest.at(-1)!, 'records.bin'));
    // An index.pb not as it was saved (here only its time: copied, touched, edited): its records file is not trusted.
    if (rest.length > 2) await fs.utimes(path.join(rest[0], 'index.pb'), new Date(), new Date(Date.now() - 60_000));
    const { index: reopened, warnings } = await openIndex(root, indexDir);
    assert.deepEqual(warnings, []);
    assert.equal(reopened.chunkCount, index.chunkCount);
    assert.deepEqual(await Promise.all(questions.map((q) => reopened.search(q, { k: 4 }))), answers);
  });

  it('keeps answering by words when the shard file is garbage, and rebuilds its catalog by re-indexing', async () => {
    const root = await makeWorkspace(SAMPLE_PROJECT);
    const indexDir = await tempDir();
    const { index } = await openIndex(root, indexDir, { shards: 1 });
    await index.sync();
    const [shard] = savedShardDirs(indexDir, await readManifest(indexDir));
    await fs.writeFile(path.join(shard!, 'shard.json'), '{"version":1,"ids":[');
    const { index: reopened, warnings } = await openIndex(root, indexDir, { shards: 1 });
    assert.equal(warnings.length, 1);
    assert.equal(reopened.chunkCount, index.chunkCount, 'the chunks in Vectra stay usable');
    assert.deepEqual(await reopened.search('rate limiting', { k: 3, mode: 'lexical' }), await index.search('rate limiting', { k: 3, mode: 'lexical' }));
    assert.equal((await reopened.sync()).indexedFiles, 4, 'the lost catalog is rebuilt by re-indexing');
    assert.equal(reopened.chunkCount, index.chunkCount, 'without duplicating chunks');
  });

  it('starts over when the manifest is torn', async () => {
    const root = await makeWorkspace(SAMPLE_PROJECT);
    const indexDir = await tempDir();
    const { index } = await openIndex(root, indexDir);
    await index.sync();
    await fs.writeFile(path.join(indexDir, 'manifest.json'), '{"formatVers');
    const { index: reopened } = await openIndex(root, indexDir);
    assert.equal(reopened.chunkCount, 0);
    assert.equal((await reopened.sync()).indexedFiles, 4);
  });
});

describe('WorkspaceIndex: jobs', () => {
  it('joins a second sync request to the running one', async () => {
    const root = await makeWorkspace(SAMPLE_PROJECT);
    const { index } = await openIndex(root, await tempDir());
    const first = index.sync();
    const second = index.sync();
    assert.equal(first, second);
    assert.equal((await first).indexedFiles, 4);
    assert.equal((await index.sync()).indexedFiles, 0, 'a later request runs anew');
  });

  it('answers questions during a sync from the last saved index', async () => {
    const root = await makeWorkspace(SAMPLE_PROJECT);
    const { index } = await openIndex(root, await tempDir());
    await index.sync();
    const before = await index.search('connection pool', { k: 3 });
    await writeFiles(root, Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`gen/m${i}.ts`, `export const g${i} = ${i};\n`])));
    let synced = false;
    const answers: Promise<{ results: unknown; whileSyncing: boolean }>[] = [];
    const run = index.sync({
      onProgress: (p) => {
        if (p.phase === 'indexing') answers.push(index.search('connection pool', { k: 3 }).then((results) => ({ results, whileSyncing: !synced })));
      },
    });
    await run;
    synced = true;
    assert.ok(answers.length > 0);
    for (const { results, whileSyncing } of await Promise.all(answers)) {
      assert.equal(whileSyncing, true, 'the question did not wait for the sync');
      assert.deepEqual(results, before);
    }
  });

  it('stops on cancellation between batches, keeps what was done, and finishes on the next run', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 600; i++) files[`src/module${i}.ts`] = `export function handler${i}() { return 'value ${i}'; }\n`;
    const root = await makeWorkspace(files);
    const { index } = await openIndex(root, await tempDir());
    const controller = new AbortController();
    const run = index.sync({ signal: controller.signal, onProgress: (p) => { if (p.phase === 'indexing') controller.abort(); } });
    await assert.rejects(run, (err: Error) => err.name === 'CancelledError');
    const kept = index.fileCount;
    assert.ok(kept > 0 && kept < 600, `the finished batch was saved: ${kept}`);
    assert.ok((await paths(index, 'handler0')).length > 0, 'questions work from what was saved');
    const resumed = await index.sync();
    assert.equal(resumed.indexedFiles, 600 - kept);
    assert.equal(index.fileCount, 600);
  });
});

describe('writeFileAtomic', () => {
  it('lets readers see the old or the new content, never a mix, and leaves no temporary files', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'index.pb');
    const versions = ['a', 'b', 'c', 'd'].map((c) => c.repeat(4 * 1024 * 1024));
    await writeFileAtomic(file, versions[0]);
    let reading = true;
    const seen = new Set<string>();
    const reader = (async () => {
      while (reading) {
        const text = await fs.readFile(file, 'utf8');
        assert.ok(versions.includes(text), `a torn read of ${text.length} characters`);
        seen.add(text[0]);
      }
    })();
    for (const version of versions.slice(1)) await writeFileAtomic(file, version);
    reading = false;
    await reader;
    assert.equal(await fs.readFile(file, 'utf8'), versions[3]);
    assert.deepEqual(await fs.readdir(dir), ['index.pb']);
  });

  it('keeps the old file and cleans up when the write cannot complete', async () => {
    const dir = await tempDir();
    const target = path.join(dir, 'is-a-folder');
    await fs.mkdir(target);
    await assert.rejects(writeFileAtomic(target, 'data'));
    assert.deepEqual(await fs.readdir(dir), ['is-a-folder']);
  });
});
