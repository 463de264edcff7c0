/** Saving a job's changes: grouped by shard, written shard by shard under the lock, then the manifest. */
import { writeManifest } from '../store/manifest';
import type { FileChange, Shard } from '../store/shard';
import { removeUnnamedShardDirs } from '../store/shardFolders';
import { shardDir } from '../store/vectraShard';
import { manifestBasis, reloadShard } from './indexLoader';
import type { IndexJob } from './indexJob';

/** Changes waiting to be saved, grouped by shard. */
export class ChangeBatch {
  private byShard = new Map<Shard, FileChange[]>();
  pendingChunks = 0;
  /** Length of the texts waiting (UTF-16 units): chunks can be large, so their count alone does not bound memory. */
  pendingTextLength = 0;

  constructor(private readonly job: IndexJob) {}

  add(change: FileChange): void {
    const shard = this.job.stored.shardOf(change.path);
    const list = this.byShard.get(shard);
    if (list) list.push(change);
    else this.byShard.set(shard, [change]);
    this.pendingChunks += change.chunks.length;
    for (const chunk of change.chunks) this.pendingTextLength += chunk.record.text.length;
  }

  /** Saves the changes added since the last commit and returns them. */
  async commit(): Promise<FileChange[]> {
    const pending = this.byShard;
    this.byShard = new Map();
    this.pendingChunks = 0;
    this.pendingTextLength = 0;
    await saveChanges(this.job, pending);
    return [...pending.values()].flat();
  }
}

/**
 * Saves changes: each changed shard to a new folder, then the manifest naming them, which switches the
 * saved index from the old folders to the new ones in one rename. Until then the old folders are the
 * saved index, so a run that fails here (an error, a full disk, a killed process) leaves it as it was;
 * in memory, the shards written so far go back to what the manifest names. The lock is checked before
 * each write; old folders are deleted once the switch is done.
 */
async function saveChanges(job: IndexJob, byShard: Map<Shard, FileChange[]>): Promise<void> {
  if (byShard.size === 0) return;
  const { stored, lock } = job;
  await lock.verify();
  if (!stored.manifest) {
    // Marks the folder as this index's before any shard is written, so a process opening it meanwhile does not discard it.
    const basis = manifestBasis(job.embedder, job.dimensions, stored.shards.length);
    stored.manifest = { ...basis, createdAt: new Date().toISOString(), generation: 0, shardGenerations: stored.shards.map(() => 0) };
    await writeManifest(stored.indexDir, stored.manifest);
  }
  const before = stored.manifest;
  await removeUnnamedShardDirs(stored.indexDir, before);
  const generation = before.generation + 1;
  const written: number[] = [];
  try {
    // One shard at a time: a shard's serialised form is its size again in memory.
    for (const [shard, changes] of byShard) {
      const position = stored.shards.indexOf(shard);
      written.push(position);
      await lock.verify();
      await shard.apply(changes, shardDir(stored.indexDir, position, generation));
    }
    await lock.verify();
    const shardGenerations = before.shardGenerations.map((g, i) => (written.includes(i) ? generation : g));
    await writeManifest(stored.indexDir, { ...before, generation, shardGenerations });
    stored.manifest = { ...before, generation, shardGenerations };
  } catch (err) {
    for (const position of written) await reloadShard(stored, position, job.warn);
    throw err;
  }
  stored.updatedAt = Date.now();
  await removeUnnamedShardDirs(stored.indexDir, stored.manifest).catch(() => undefined); // the old folders, now replaced
}
