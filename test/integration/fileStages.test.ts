import assert from 'node:assert/strict';
import { mkdirSync, promises as fs, rmSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { IndexClient } from '../../src/engine/indexing/worker/indexClient';
import { WorkspaceIndex } from '../../src/engine/indexing/workspaceIndex';
import { AnswerSession } from '../../src/engine/session/answerSession';
import type { FileEvent, FileStageEvent } from '../../src/protocol/events';
import { makeWorkspace, tempDir, SAMPLE_PROJECT } from '../helpers/workspace';

const workerScript = path.resolve(__dirname, '../../dist/indexWorker.js');
const STAGES = ['read', 'chunked', 'embedded', 'stored'];

/** Each file's stages in the order they came. */
function stagesByFile(events: FileEvent[]): Map<string, FileStageEvent[]> {
  const byFile = new Map<string, FileStageEvent[]>();
  for (const e of events) if (e.type === 'file_stage') byFile.set(e.path, [...byFile.get(e.path) ?? [], e]);
  return byFile;
}

function assertFullWay(byFile: Map<string, FileStageEvent[]>, file: string): void {
  const stages = byFile.get(file);
  assert.ok(stages, `no events for ${file}: ${[...byFile.keys()].join(', ')}`);
  assert.deepEqual(stages.map((s) => s.stage), STAGES, file);
  const chunks = stages.slice(1).map((s) => s.chunks);
  assert.ok(chunks[0] > 0 && chunks.every((c) => c === chunks[0]), `${file}: chunks ${chunks.join(',')}`);
  const ms = stages.map((s) => s.ms);
  assert.ok(ms.every((m, i) => m >= 0 && (i === 0 || m >= ms[i - 1])), `${file}: ms ${ms.join(',')} must not go back`);
}

const many = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`src/m${String(i).padStart(3, '0')}.ts`, `export const value${i} = ${i};\n`]));

describe('live ingestion status: each file\'s stages', () => {
  it('a small folder: every indexed file goes read → chunked → embedded → stored; a second run re-reads only the changed file', async () => {
    const root = await makeWorkspace(SAMPLE_PROJECT);
    const index = await WorkspaceIndex.open({ root, indexDir: await tempDir() });
    const events: FileEvent[] = [];
    const summary = await index.sync({ onFile: (e) => events.push(e) });
    const byFile = stagesByFile(events);
    assert.equal(byFile.size, summary.indexedFiles);
    for (const file of byFile.keys()) assertFullWay(byFile, file);
    assert.ok(!byFile.has('node_modules/lib/index.js') && ![...byFile.keys()].some((p) => p.endsWith('.log')), 'ignored files have no events');
    const chunksStored = [...byFile.values()].reduce((n, s) => n + s.at(-1)!.chunks, 0);
    assert.equal(chunksStored, summary.chunks);

    await fs.appendFile(path.join(root, 'README.md'), '\nThe deployment runbook lives in docs/ops.md.\n');
    const again: FileEvent[] = [];
    await index.sync({ onFile: (e) => again.push(e) });
    assert.deepEqual([...stagesByFile(again).keys()], ['README.md'], 'unchanged files are not reported');
    assertFullWay(stagesByFile(again), 'README.md');
  });

  it('a file that cannot be read gives file_error with a reason; the rest is indexed and searchable', async () => {
    // More files than one read batch (256), so some are read after the first batch and can change between the scan and their reading.
    const root = await makeWorkspace(many(300));
    const index = await WorkspaceIndex.open({ root, indexDir: await tempDir() });
    const events: FileEvent[] = [];
    let unread: string[] = [];
    const summary = await index.sync({
      onFile: (e) => events.push(e),
      onProgress: (p) => {
        if (unread.length > 0 || p.phase !== 'indexing') return;
        // After the first batch: of the files not read yet, one is deleted and one becomes a folder.
        const seen = new Set(events.map((e) => e.path));
        unread = Object.keys(many(300)).filter((file) => !seen.has(file));
        rmSync(path.join(root, unread.at(-2)!));
        rmSync(path.join(root, unread.at(-1)!));
        mkdirSync(path.join(root, unread.at(-1)!));
      },
    });
    const [deleted, folder] = unread.slice(-2);
    const errors = events.filter((e) => e.type === 'file_error');
    assert.deepEqual(errors.map((e) => e.path).sort(), [deleted, folder].sort());
    assert.match(errors.find((e) => e.path === deleted)!.reason, /deleted/);
    assert.match(errors.find((e) => e.path === folder)!.reason, /folder/);
    assert.equal(summary.files, 298);
    const byFile = stagesByFile(events);
    assert.equal(byFile.size, 298);
    const later = unread[0]; // read after the first batch, like the two
    assertFullWay(byFile, later);
    assert.equal((await index.search(`value${Number(later.slice('src/m'.length, -'.ts'.length))}`, { k: 1 }))[0].path, later);
  });

  it('crosses the index thread in batches, every event before the call returns; the session keeps the files it stored lately', async () => {
    const root = await makeWorkspace(SAMPLE_PROJECT);
    const indexDir = await tempDir();
    const session = new AnswerSession({
      folders: [{ name: 'ws', root, indexDir }],
      providers: { choice: 'offline' },
      openIndex: (folder) => IndexClient.open({ root: folder.root, indexDir: folder.indexDir, workerScript }),
    });
    try {
      const events: FileEvent[] = [];
      session.onFileEvent((e) => events.push(e));
      const [summary] = await session.reindex();
      const byFile = stagesByFile(events);
      assert.equal(byFile.size, summary.indexedFiles, 'every file\'s events arrived before reindex resolved');
      for (const file of byFile.keys()) assertFullWay(byFile, file);
      const stored = session.state.activity.stored.map((f) => f.path).sort();
      assert.deepEqual(stored, [...byFile.keys()].sort());

      // The watcher's entry: one changed file.
      events.length = 0;
      await fs.writeFile(path.join(root, 'src/auth/session.ts'), 'export const SESSION_TTL_MS = 30 * 60 * 1000; // half an hour\n');
      await session.updateFiles([path.join(root, 'src/auth/session.ts')], []);
      assert.deepEqual(stagesByFile(events).get('src/auth/session.ts')?.map((s) => s.stage), STAGES);
      assert.equal(session.state.activity.stored.at(-1)!.path, 'src/auth/session.ts');
    } finally {
      await session.close();
    }
  });
});
