/** The file watcher's entry: re-index some changed files and drop deleted ones, without a scan. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { emptySkipCounts, type IndexSummary, type SkipCounts } from '../../protocol/indexing';
import type { IndexSettings } from '../../protocol/indexThread';
import type { StoredIndex } from '../store/storedIndex';
import { ChangeBatch } from './commit';
import { embedChanges } from './embedding';
import { prepareFiles } from './filePreparation';
import { FileReport, reportStored } from './fileReport';
import { jobSummary, type IndexJob } from './indexJob';
import { isBinaryPath } from './languages';
import { DEFAULT_MAX_FILE_BYTES, PathFilter, ignoredBecause, type ScannedFile } from './scanner';
import type { RunOptions } from './searchIndex';

/** Re-indexes the given files and drops the deleted ones (paths absolute or folder-relative). */
export async function runUpdate(job: IndexJob, changed: readonly string[], deleted: readonly string[], options: RunOptions): Promise<IndexSummary> {
  const started = performance.now();
  const skipped = emptySkipCounts();
  const plan = await planUpdate(job.settings, job.stored, changed, deleted, skipped, job.warn);
  const batch = new ChangeBatch(job);
  for (const p of plan.remove) batch.add({ path: p, chunks: [] });
  let indexedFiles = 0;
  let redacted = 0;
  const fileReport = new FileReport(options.onFile);
  const prepared = await prepareFiles((p) => job.stored.fileEntry(p), plan.read, skipped, job.settings.chunking, fileReport);
  for (const change of await embedChanges(job.embedder, prepared, job.dimensions, options.signal, fileReport)) {
    if (change.entry && !change.touchOnly) {
      indexedFiles++;
      redacted += change.entry.redacted ?? 0;
    }
    batch.add(change);
  }
  job.checkMemory();
  reportStored(fileReport, await batch.commit());
  return jobSummary(job, started, { indexedFiles, removedFiles: plan.removedFiles, skipped, redacted });
}

/**
 * Decides, file by file, as a full scan would: a file that is gone, not a regular file, ignored, binary
 * or too large is removed from the index; the others are read.
 */
async function planUpdate(settings: IndexSettings, stored: StoredIndex, changed: readonly string[], deleted: readonly string[], skipped: SkipCounts,
  warn: (message: string) => void) {
  const filter = new PathFilter(settings.scan ?? {});
  const maxBytes = settings.scan?.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const remove = new Set<string>();
  const read: ScannedFile[] = [];
  let removedFiles = 0;
  /** Paths gone that the index does not know as files: folders, whose files went with them. */
  const goneFolders = new Set<string>();
  const drop = (rel: string, gone = false) => {
    if (remove.has(rel)) return;
    const shard = stored.shardOf(rel);
    if (shard.files.has(rel)) removedFiles++;
    if (shard.files.has(rel) || shard.skipped.has(rel) || shard.records.hasPath(rel)) remove.add(rel);
    else if (gone) goneFolders.add(rel);
  };
  for (const rel of deleted.map((p) => relativePath(settings.root, p))) if (rel) drop(rel, true);
  for (const rel of new Set(changed.map((p) => relativePath(settings.root, p)))) {
    if (!rel) continue;
    const absPath = path.join(settings.root, rel);
    const stat = await fs.lstat(absPath).catch(() => undefined);
    if (!stat?.isFile()) {
      drop(rel, !stat); // gone, a folder, or a symbolic link: not indexed, as in a full scan
      continue;
    }
    const reason = filter.excluded(rel) || !filter.included(rel) ? 'ignored' : await ignoredBecause(settings.root, rel)
      ?? (isBinaryPath(rel) ? 'binary' : stat.size > maxBytes ? 'tooLarge' : undefined);
    if (reason) {
      skipped[reason]++;
      if (reason === 'unreadable') warn(`Left out ${rel}: an ignore file above it cannot be read.`);
      drop(rel);
    } else {
      read.push({ path: rel, absPath, size: stat.size, mtimeMs: stat.mtimeMs });
    }
  }
  // A deleted folder is often reported alone, without its files (a recursive delete, a branch switch).
  if (goneFolders.size > 0) {
    for (const rel of pathsUnder(stored, goneFolders)) drop(rel);
  }
  return { remove: [...remove], removedFiles, read };
}

/** The indexed or remembered paths inside any of `folders`: one pass over the catalogs, each path's folders looked up. */
function pathsUnder(stored: StoredIndex, folders: ReadonlySet<string>): Set<string> {
  const inside = new Set<string>();
  const isInside = (p: string) => {
    for (let slash = p.indexOf('/'); slash > 0; slash = p.indexOf('/', slash + 1)) if (folders.has(p.slice(0, slash))) return true;
    return false;
  };
  for (const shard of stored.shards) {
    for (const p of [...shard.files.keys(), ...shard.skipped.keys(), ...shard.records.paths()]) if (isInside(p)) inside.add(p);
  }
  return inside;
}

/** A path inside the folder, relative with forward slashes; undefined for one outside it. */
function relativePath(root: string, p: string): string | undefined {
  const rel = (path.isAbsolute(p) ? path.relative(root, p) : path.normalize(p)).split(path.sep).join('/');
  if (rel === '' || rel === '..' || rel.startsWith('../') || path.isAbsolute(rel)) return undefined;
  return rel;
}
