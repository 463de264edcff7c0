import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, it, mock } from 'node:test';
import type { Embedder } from '../../src/engine/indexing/embedder';
import { embedText } from '../../src/engine/indexing/offlineEmbedder';
import { WorkspaceIndex } from '../../src/engine/indexing/workspaceIndex';
import { acquireIndexLock } from '../../src/engine/store/indexLock';
import { makeWorkspace, tempDir, SAMPLE_PROJECT } from '../helpers/workspace';

/** Embeds offline, and runs `during` the first time chunks are embedded: while a job holds the lock. */
class HookedEmbedder implements Embedder {
  readonly id = 'offline-hooked';
  readonly model = 'm';
  readonly dimensions = 64;
  constructor(private during?: () => Promise<void>) {}
  async embed(texts: string[]): Promise<Float32Array[]> {
    const hook = this.during;
    this.during = undefined;
    await hook?.();
    return texts.map((text) => embedText(text, this.dimensions));
  }
  hook(during: () => Promise<void>): void {
    this.during = during;
  }
}

const lockFile = (indexDir: string) => path.join(indexDir, 'index.lock');
const otherHolder = JSON.stringify({ pid: process.pid + 1, host: os.hostname(), token: 'someone-else' });

async function generation(indexDir: string): Promise<number | undefined> {
  try {
    return JSON.parse(await fs.readFile(path.join(indexDir, 'manifest.json'), 'utf8')).generation;
  } catch {
    return undefined;
  }
}

const lockLost = (err: Error & { code?: string }) => {
  assert.equal(err.code, 'index_lock_lost');
  assert.match(err.message, /stopped writing the index: .+ Nothing more was saved; reindex/);
  return true;
};

describe('a writer that lost the index lock stops writing', () => {
  afterEach(() => mock.timers.reset());

  it('taken over by another process mid-sync: the sync fails with index_lock_lost and saves nothing', async () => {
    const root = await makeWorkspace(SAMPLE_PROJECT);
    const indexDir = await tempDir();
    const embedder = new HookedEmbedder(async () => fs.writeFile(lockFile(indexDir), otherHolder));
    const index = await WorkspaceIndex.open({ root, indexDir, embedder, shards: 4 });
    await assert.rejects(index.sync(), lockLost);
    assert.equal(existsSync(path.join(indexDir, 'manifest.json')), false, 'no manifest written');
    assert.equal(existsSync(path.join(indexDir, 'shards')), false, 'no shard written');
    assert.equal(await fs.readFile(lockFile(indexDir), 'utf8'), otherHolder, "the other process's lock is left alone");
  });

  it('lock file removed during a watcher update: the update fails and the saved index stays as it was', async () => {
    const root = await makeWorkspace(SAMPLE_PROJECT);
    const indexDir = await tempDir();
    const embedder = new HookedEmbedder();
    const index = await WorkspaceIndex.open({ root, indexDir, embedder, shards: 4 });
    await index.sync();
    const saved = await generation(indexDir);
    await fs.appendFile(path.join(root, 'src/db/pool.ts'), '\n// pools drain on shutdown\n');
    embedder.hook(async () => fs.rm(lockFile(indexDir)));
    await assert.rejects(index.updateFiles(['src/db/pool.ts'], []), lockLost);
    assert.equal(await generation(indexDir), saved);
    const reopened = await WorkspaceIndex.open({ root, indexDir, embedder, shards: 4 });
    assert.equal((await reopened.sync()).indexedFiles, 1, 'the change was not saved, so the next run does it');
  });

  it('heartbeat late past the stale time on a busy machine, lock still ours: the job finishes and saves', async () => {
    const root = await makeWorkspace(SAMPLE_PROJECT);
    const indexDir = await tempDir();
    const embedder = new HookedEmbedder(async () => {
      mock.timers.enable({ apis: ['Date'], now: Date.now() });
      mock.timers.tick(11_000);
    });
    const index = await WorkspaceIndex.open({ root, indexDir, embedder, shards: 4 });
    const summary = await index.sync();
    assert.ok(summary.indexedFiles > 0);
    assert.ok((await generation(indexDir)) !== undefined, 'the manifest was written');
  });

  it('a live process on this host keeps its lock though its heartbeat is a minute late; a dead one, or one silent for 10 minutes, loses it', async () => {
    const indexDir = await tempDir();
    const old = new Date(Date.now() - 60_000);
    const holder = (pid: number) => JSON.stringify({ pid, host: os.hostname(), token: 'someone-else' });
    await fs.writeFile(lockFile(indexDir), holder(process.ppid)); // our parent: alive, and not us
    await fs.utimes(lockFile(indexDir), old, old);
    await assert.rejects(acquireIndexLock(indexDir, { timeoutMs: 300 }), (err: Error & { code?: string }) => err.code === 'index_locked');
    assert.equal(await fs.readFile(lockFile(indexDir), 'utf8'), holder(process.ppid), 'the live holder keeps its lock');

    await fs.writeFile(lockFile(indexDir), holder(2 ** 22 + 12_345)); // above Linux's pid_max: no such process
    const lock = await acquireIndexLock(indexDir, { timeoutMs: 300 });
    await lock.verify();
    await lock.release();

    const abandoned = new Date(Date.now() - 11 * 60_000); // its pid now another live process's, say
    await fs.writeFile(lockFile(indexDir), holder(process.ppid));
    await fs.utimes(lockFile(indexDir), abandoned, abandoned);
    const taken = await acquireIndexLock(indexDir, { timeoutMs: 300 });
    await taken.release();
  });

  it('the heartbeat notices a takeover by itself, and releasing leaves the new holder its lock', async () => {
    const indexDir = await tempDir();
    const lock = await acquireIndexLock(indexDir, { timeoutMs: 1000 });
    const lost = () => lock.lost;
    assert.equal(lost(), undefined);
    await fs.writeFile(lockFile(indexDir), otherHolder);
    const deadline = Date.now() + 5000;
    while (!lost() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(lost()?.code, 'index_lock_lost');
    assert.match(lost()!.message, /another process \(pid \d+\) took it over/);
    await lock.release();
    assert.equal(await fs.readFile(lockFile(indexDir), 'utf8'), otherHolder);
  });
});
