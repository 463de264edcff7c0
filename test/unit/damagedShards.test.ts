import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { WorkspaceIndex } from '../../src/engine/indexing/workspaceIndex';
import { INDEX_FORMAT_VERSION } from '../../src/engine/store/manifest';
import { makeWorkspace, tempDir, SAMPLE_PROJECT } from '../helpers/workspace';

async function openIndex(root: string, indexDir: string) {
  const warnings: string[] = [];
  const index = await WorkspaceIndex.open({ root, indexDir, shards: 4, onWarning: (w) => warnings.push(w) });
  return { index, warnings };
}

/** The fullest shard folder of an index. */
async function fullestShard(indexDir: string): Promise<string> {
  const dirs = (await fs.readdir(path.join(indexDir, 'shards'))).map((d) => path.join(indexDir, 'shards', d));
  const sizes = await Promise.all(dirs.map(async (d) => (await fs.stat(path.join(d, 'index.pb')).catch(() => ({ size: 0 }))).size));
  return dirs[sizes.indexOf(Math.max(...sizes))];
}

const damages: { name: string; damage: (shard: string) => Promise<void>; why: RegExp }[] = [
  {
    name: 'a Vectra file of garbage beside a torn shard file',
    damage: async (shard) => {
      await fs.writeFile(path.join(shard, 'index.pb'), Buffer.from('not a protobuf file \x00\xff\x13'));
      await fs.writeFile(path.join(shard, 'shard.json'), '{"version":1,"idsH');
    },
    why: /its Vectra file \(index\.pb\) cannot be read \(.+\); its chunks were dropped/,
  },
  {
    name: 'a missing Vectra file beside a torn shard file',
    damage: async (shard) => {
      await fs.rm(path.join(shard, 'index.pb'));
      await fs.writeFile(path.join(shard, 'shard.json'), '{"version":1,"idsH');
    },
    why: /its Vectra file \(index\.pb\) is missing; its chunks were dropped/,
  },
  {
    name: 'a shard file listing other chunks',
    damage: async (shard) => {
      const file = path.join(shard, 'shard.json');
      await fs.writeFile(file, JSON.stringify({ ...JSON.parse(await fs.readFile(file, 'utf8')), idsHash: 'feed' }));
    },
    why: /its shard\.json lists other chunks than its Vectra file \(ids differ\); its catalog was emptied/,
  },
  {
    name: 'torn postings',
    damage: async (shard) => {
      const file = path.join(shard, 'postings.bin');
      await fs.writeFile(file, (await fs.readFile(file)).subarray(0, 100));
    },
    why: /its postings\.bin is damaged \(truncated postings\); its search terms were rebuilt from the chunks/,
  },
];

describe('a damaged shard is reported, never silently emptied', () => {
  for (const { name, damage, why } of damages) {
    it(`${name}: a warning names the part and why, the index state keeps it, and the next sync restores the files`, async () => {
      const root = await makeWorkspace(SAMPLE_PROJECT);
      const indexDir = await tempDir();
      const { index: original } = await openIndex(root, indexDir);
      await original.sync();
      const answer = await original.search('connection pool', { k: 3 }); // before the damage: texts are read from the files
      const shard = await fullestShard(indexDir);
      await damage(shard);

      const { index, warnings } = await openIndex(root, indexDir);
      assert.equal(warnings.length, 1, warnings.join('\n'));
      const part = path.basename(shard);
      assert.match(warnings[0], new RegExp(`^Part ${parseInt(part, 16) + 1} of 4 of the index \\(shards/${part}\\) was damaged and has been repaired: `));
      assert.match(warnings[0], why);
      assert.match(warnings[0], /Its files are re-indexed on the next run\.$/);
      assert.deepEqual(index.state.warnings, warnings);

      const summary = await index.sync();
      assert.ok(summary.indexedFiles >= 1, 'the lost files are indexed again');
      assert.equal(index.chunkCount, original.chunkCount);
      assert.deepEqual(await index.search('connection pool', { k: 3 }), answer);
      assert.ok(existsSync(path.join(await fullestShard(indexDir), 'shard.json')));
      assert.ok(!existsSync(shard), 'the damaged folder is gone once a new one replaced it');
    });
  }

  it('keeps the recent warnings bounded, each once, the latest last', async () => {
    const root = await makeWorkspace(SAMPLE_PROJECT);
    const indexDir = await tempDir();
    await (await openIndex(root, indexDir)).index.sync();
    const manifestFile = path.join(indexDir, 'manifest.json');
    const { index } = await openIndex(root, indexDir);
    for (let i = 0; i < 30; i++) {
      // Another process's save with another format makes this index reload (and rebuild) before its next job.
      await fs.writeFile(manifestFile, JSON.stringify({ ...JSON.parse(await fs.readFile(manifestFile, 'utf8')), formatVersion: 100 + (i % 25), generation: 1000 + i }));
      await index.sync();
    }
    const warnings = index.state.warnings ?? [];
    assert.equal(warnings.length, 20);
    assert.equal(new Set(warnings).size, 20, 'no repeats');
    assert.match(warnings.at(-1)!, new RegExp(`format changed \\(104 → ${INDEX_FORMAT_VERSION}\\)`));
  });
});
