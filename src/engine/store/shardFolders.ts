import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Manifest } from './manifest';
import { shardDir } from './vectraShard';

/** The shard folders a manifest names (shards never written have none). */
export function savedShardDirs(indexDir: string, manifest: Manifest | undefined): (string | undefined)[] {
  return (manifest?.shardGenerations ?? []).map((generation, i) => (generation > 0 ? shardDir(indexDir, i, generation) : undefined));
}

/**
 * Deletes what is in the shards folder but not named by the manifest: folders of a run that failed
 * before switching the manifest, of saves since replaced, or of an older format. Only under the write
 * lock: another writer's new folders are unnamed until its manifest switch.
 */
export async function removeUnnamedShardDirs(indexDir: string, manifest: Manifest | undefined): Promise<void> {
  const root = path.join(indexDir, 'shards');
  const named = new Set(savedShardDirs(indexDir, manifest).filter((d) => d !== undefined).map((d) => path.basename(d!)));
  const entries = await fs.readdir(root).catch(() => [] as string[]);
  await Promise.all(entries.filter((e) => !named.has(e)).map((e) => fs.rm(path.join(root, e), { recursive: true, force: true })));
}
