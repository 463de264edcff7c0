import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { IndexSummary } from '../../src/protocol/indexing';
import type { FileEvent } from '../../src/protocol/events';
import { loadIndex } from '../../src/engine/indexing/indexLoader';
import { OfflineEmbedder } from '../../src/engine/indexing/offlineEmbedder';
import { IndexClient } from '../../src/engine/indexing/worker/indexClient';
import { WorkspaceIndex } from '../../src/engine/indexing/workspaceIndex';
import { makeWorkspace, tempDir } from '../helpers/workspace';

/** The built worker (npm test builds before running integration tests); it starts itself again as the preparation thread. */
const workerScript = path.resolve(__dirname, '../../dist/indexWorker.js');

/**
 * 600 files: more than two read batches (256 files each), so the index thread prepares them on the
 * preparation thread. Some hold a secret, one is binary, one minified.
 */
function folder(): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < 600; i++) {
    const secret = i % 50 === 0 ? `const token = 'ghp_${'a1B2c3D4e5'.repeat(3)}abcdef';\n` : '';
    files[`src/m${String(i).padStart(3, '0')}.ts`] = `${secret}/** Module ${i}: parses record ${i}. */\nexport function parse${i}(line: string): string[] {\n  return line.split(',');\n}\n`
      + `\nexport const LIMIT_${i} = ${i * 7};\n`.repeat(1 + (i % 5));
  }
  files['dist/bundle.min.js'] = `var a=1;${'function f(){return a+1};'.repeat(400)}`;
  files['assets/data.txt'] = 'binary\u0000content';
  return files;
}

/** Every stored chunk (id, place, text hash, vector) and catalog entry, sorted: equal iff the indexes hold the same. */
async function contents(indexDir: string): Promise<string[]> {
  const stored = await loadIndex({ indexDir, embedder: new OfflineEmbedder(), shards: 32, dimensions: 256, warn: () => undefined });
  const lines: string[] = [];
  for (const shard of stored.shards) {
    for (let i = 0; i < shard.size; i++) {
      const r = shard.records.get(i);
      lines.push(`${r.id} ${r.path}:${r.startLine}-${r.endLine} ${r.hash} ${shard.textOf(i)} ${shard.postings.lengths[i]} ${Array.from(shard.vectors.get(i)).join(',')}`);
    }
    for (const [p, e] of shard.files) lines.push(`${p} ${e.hash} ${e.chunks} ${e.redacted ?? 0}`);
    for (const [p, e] of shard.skipped) lines.push(`${p} ${e.reason}`);
  }
  stored.close();
  return lines.sort();
}

function counts(summary: IndexSummary) {
  const { files, chunks, indexedFiles, skipped, redacted } = summary;
  return { files, chunks, indexedFiles, skipped, redacted };
}

describe('the preparation thread: a large sync reads and chunks on a second thread', () => {
  it('stores the same chunks, terms, vectors, redactions and skips as preparing inline, with each file\'s stages in order', async () => {
    const root = await makeWorkspace(folder());
    const inlineDir = await tempDir();
    const inline = await WorkspaceIndex.open({ root, indexDir: inlineDir });
    const expected = await inline.sync();
    await inline.close();

    const threadDir = await tempDir();
    const client = await IndexClient.open({ root, indexDir: threadDir, workerScript });
    const events: FileEvent[] = [];
    try {
      const summary = await client.sync({ onFile: (e) => events.push(e) });
      assert.deepEqual(counts(summary), counts(expected));
      assert.equal(summary.redacted, 12);
      assert.equal(summary.skipped.binary, 1, 'the file with a NUL byte, found by reading it');
      const [best] = await client.search('parse record 321', { k: 1 });
      assert.equal(best.path, 'src/m321.ts');
    } finally {
      await client.close();
    }
    assert.deepEqual(await contents(threadDir), await contents(inlineDir));
    assert.ok(!(await contents(threadDir)).some((line) => line.includes('ghp_')), 'no secret reaches the index');

    const stages = new Map<string, string[]>();
    for (const e of events) if (e.type === 'file_stage') stages.set(e.path, [...stages.get(e.path) ?? [], e.stage]);
    assert.equal(stages.size, expected.indexedFiles);
    for (const [file, seen] of stages) assert.deepEqual(seen, ['read', 'chunked', 'embedded', 'stored'], file);
  });

  it('prepares inline when the preparation thread cannot start: the sync still indexes everything', async () => {
    const root = await makeWorkspace(folder());
    const missing = path.join(await tempDir(), 'no-such-worker.js');
    const index = await WorkspaceIndex.open({ root, indexDir: await tempDir(), preparationScript: missing });
    try {
      const summary = await index.sync();
      assert.equal(summary.indexedFiles, 600);
      assert.equal(summary.redacted, 12);
      assert.equal((await index.search('parse record 77', { k: 1 }))[0].path, 'src/m077.ts');
    } finally {
      await index.close();
    }
    await assert.rejects(fs.access(missing)); // it really was missing
  });
});
