import { emptySkipCounts, type SkipCounts } from '../../protocol/indexing';
import type { ScanSettings } from '../../protocol/indexThread';
import { promises as fs, statSync, type Stats } from 'node:fs';
import * as path from 'node:path';
import { IGNORE_FILES, defaultLayers, globMatcher, ignoreVerdict, makeLayer, type IgnoreLayer, type IgnoreVerdict } from './ignoreRules';
import { isBinaryPath } from './languages';

/** Files above this size are skipped by default: they are data or generated, and would flood the index. */
export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

export interface ScanOptions extends ScanSettings {
  signal?: AbortSignal;
}

export interface ScannedFile {
  /** Workspace-relative, forward slashes. */
  path: string;
  absPath: string;
  size: number;
  mtimeMs: number;
}

/** Why files were left out, counted; warnings a user should see (a folder left out because its ignore file cannot be read). */
export interface ScanResult {
  files: ScannedFile[];
  skipped: SkipCounts;
  warnings: string[];
}

/**
 * Lists the files worth indexing under `root`: honours nested `.gitignore` and `.ragignore` files,
 * the default excludes and secret files, include/exclude globs, binary extensions and the size cap.
 * Symbolic links are not followed (no loops, nothing outside the workspace); a folder that vanishes or
 * cannot be read mid-walk is counted and skipped, and so is a folder whose ignore file exists but cannot
 * be read: its rules might have kept secrets out.
 */
export async function scanWorkspace(root: string, options: ScanOptions = {}): Promise<ScanResult> {
  const filter = new PathFilter(options);
  const files: ScannedFile[] = [];
  const skipped = emptySkipCounts();
  const warnings: string[] = [];
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const pending: { dir: string; layers: IgnoreLayer[] }[] = [{ dir: '', layers: defaultLayers() }];

  while (pending.length > 0) {
    if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
    const { dir, layers: parentLayers } = pending.pop()!;
    const absDir = path.join(root, dir);
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(absDir, { withFileTypes: true });
    } catch {
      skipped.unreadable++;
      continue;
    }
    const layers = await withIgnoreFiles(parentLayers, absDir, dir, entries);
    if (typeof layers === 'string') {
      skipped.unreadable++;
      warnings.push(unreadableIgnoreWarning(dir + layers));
      continue;
    }
    for (const entry of entries) {
      const rel = dir + entry.name;
      if (entry.isDirectory()) {
        const verdict = ignoreVerdict(layers, rel + '/') ?? (filter.excluded(rel) ? 'ignored' : undefined);
        if (verdict) skipped[verdict]++;
        else pending.push({ dir: rel + '/', layers });
        continue;
      }
      if (!entry.isFile()) {
        skipped.ignored++; // symbolic links, sockets, devices
        continue;
      }
      const verdict = ignoreVerdict(layers, rel) ?? (filter.excluded(rel) || !filter.included(rel) ? 'ignored' : undefined);
      if (verdict) {
        skipped[verdict]++;
        continue;
      }
      if (isBinaryPath(rel)) {
        skipped.binary++;
        continue;
      }
      const absPath = path.join(absDir, entry.name);
      const stat = statQuietly(absPath);
      if (!stat) skipped.unreadable++;
      else if (stat.size > maxBytes) skipped.tooLarge++;
      else files.push({ path: rel, absPath, size: stat.size, mtimeMs: stat.mtimeMs });
    }
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, skipped, warnings };
}

/**
 * A file's size and time, or undefined when it vanished or cannot be read. Synchronous on purpose: a
 * stat from the file system's cache takes microseconds, and the promise form's round trip through the
 * thread pool made it 8× slower (77,802 files: 1.9 s against 0.24 s), most of an up-to-date check.
 */
function statQuietly(absPath: string): Stats | undefined {
  try {
    return statSync(absPath, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

function unreadableIgnoreWarning(ignoreFile: string): string {
  return `Left out the folder of ${ignoreFile}: the file cannot be read, and the files it ignores might hold secrets. Make it a readable file to index that folder.`;
}

/** The folder's layers, or the name of an ignore file that exists but cannot be read (a folder, a broken link, no permission). */
async function withIgnoreFiles(parent: IgnoreLayer[], absDir: string, dir: string, entries: import('node:fs').Dirent[]): Promise<IgnoreLayer[] | string> {
  const names = new Set(entries.map((e) => e.name));
  let layers = parent;
  for (const name of IGNORE_FILES) {
    if (!names.has(name)) continue;
    try {
      layers = [...layers, makeLayer(dir, await fs.readFile(path.join(absDir, name), 'utf8'), layerKind(name))];
    } catch {
      return name;
    }
  }
  return layers;
}

function layerKind(ignoreFile: string): IgnoreLayer['kind'] {
  return ignoreFile === '.ragignore' ? 'ragignore' : undefined;
}

/** The glob part of the rules, shared by the full scan and the watcher's single-file updates. */
export class PathFilter {
  private readonly includeMatch?: (rel: string) => boolean;
  private readonly excludeMatch?: (rel: string) => boolean;

  constructor(options: Pick<ScanOptions, 'include' | 'exclude'>) {
    this.includeMatch = globMatcher(options.include ?? []);
    this.excludeMatch = globMatcher(options.exclude ?? []);
  }

  excluded(rel: string): boolean {
    return this.excludeMatch?.(rel) ?? false;
  }

  included(rel: string): boolean {
    return this.includeMatch?.(rel) ?? true;
  }
}

/**
 * The ignore layers that apply to one workspace-relative file: the defaults, then every
 * `.gitignore`/`.ragignore` from the root down to its folder; or, as a string, an ignore file on the way
 * that exists but cannot be read (the file is then left out, as a full scan leaves out its folder).
 */
async function layersFor(root: string, relPath: string): Promise<IgnoreLayer[] | string> {
  const layers = defaultLayers();
  const segments = relPath.split('/').slice(0, -1);
  for (let depth = 0; depth <= segments.length; depth++) {
    const dir = segments.slice(0, depth).map((s) => s + '/').join('');
    for (const name of IGNORE_FILES) {
      try {
        layers.push(makeLayer(dir, await fs.readFile(path.join(root, dir, name), 'utf8'), layerKind(name)));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || await exists(path.join(root, dir, name))) return dir + name;
      }
    }
  }
  return layers;
}

async function exists(file: string): Promise<boolean> {
  return (await fs.lstat(file).catch(() => undefined)) !== undefined;
}

/**
 * Why one changed file is left out by the ignore rules, as a full scan would decide it: a secret file,
 * ignored, or `unreadable` when an ignore file above it exists but cannot be read.
 */
export async function ignoredBecause(root: string, relPath: string): Promise<IgnoreVerdict | 'unreadable'> {
  const layers = await layersFor(root, relPath);
  if (typeof layers === 'string') return 'unreadable';
  const segments = relPath.split('/');
  for (let i = 1; i < segments.length; i++) {
    const verdict = ignoreVerdict(layers, segments.slice(0, i).join('/') + '/');
    if (verdict) return verdict;
  }
  return ignoreVerdict(layers, relPath);
}
