/** Saving a job's changes: grouped by shard, written shard by shard under the lock, then the manifest. */
import { writeManifest } from '../store/manifest';
import type { FileChange, Shard } from '../store/shard';
import { manifestBasis, reloadShard } from './indexLoader';
import type { IndexJob } from './indexJob';

/** Changes waiting to be saved, grouped by shard. */
export class ChangeBatch {
  private byShard = new Map<Shard, FileChange[]>();
  pendingChunks = 0;

  constructor(private readonly job: IndexJob) {}

  add(change: FileChange): void {
    const shard = this.job.stored.shardOf(change.path);
    const list = this.byShard.get(shard);
    if (list) list.push(change);
    else this.byShard.set(shard, [change]);
    this.pendingChunks += change.chunks.length;
  }

  /** Saves the changes added since the last commit and returns them. */
  async commit(): Promise<FileChange[]> {
    const pending = this.byShard;
    this.byShard = new Map();
    this.pendingChunks = 0;
    await saveChanges(this.job, pending);
    return [...pending.values()].flat();
  }
}

/**
 * Saves changes shard by shard, then the manifest, checking before each write that the job still holds
 * the lock. A shard that fails to save is reloaded from disk so memory matches it.
 */
async function saveChanges(job: IndexJob, byShard: Map<Shard, FileChange[]>): Promise<void> {
  if (byShard.size === 0) return;
  const { stored, lock } = job;
  if (!stored.manifest) {
    await lock.verify();
    stored.manifest = { ...manifestBasis(job.embedder, job.dimensions, stored.shards.length), createdAt: new Date().toISOString() };
    await writeManifest(stored.indexDir, stored.manifest);
  }
  // One shard at a time: a shard's serialised form is its size again in memory.
  for (const [shard, changes] of byShard) {
    await lock.verify();
    try {
      await shard.apply(changes);
    } catch (err) {
      await reloadShard(stored, shard, job.warn);
      throw err;
    }
  }
  await lock.verify();
  stored.manifest = { ...stored.manifest, generation: (stored.manifest.generation ?? 0) + 1 };
  await writeManifest(stored.indexDir, stored.manifest);
  stored.updatedAt = Date.now();
}
