import { emptySkipCounts, type SkipCounts } from '../../protocol/indexing';
import type { ScanSettings } from '../../protocol/indexThread';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_EXCLUDES, IGNORE_FILES, globMatcher, isIgnoredByLayers, makeLayer, type IgnoreLayer } from './ignoreRules';
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

/** Why files were left out, counted. */
export interface ScanResult {
  files: ScannedFile[];
  skipped: SkipCounts;
}

/**
 * Lists the files worth indexing under `root`: honours nested `.gitignore` and `.ragignore` files,
 * the default excludes, include/exclude globs, binary extensions and the size cap. Symbolic links are
 * not followed (no loops, nothing outside the workspace); a folder that vanishes or cannot be read
 * mid-walk is counted and skipped.
 */
export async function scanWorkspace(root: string, options: ScanOptions = {}): Promise<ScanResult> {
  const filter = new PathFilter(options);
  const files: ScannedFile[] = [];
  const skipped = emptySkipCounts();
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const pending: { dir: string; layers: IgnoreLayer[] }[] = [{ dir: '', layers: [makeLayer('', DEFAULT_EXCLUDES)] }];

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
    const statWork: Promise<void>[] = [];
    for (const entry of entries) {
      const rel = dir + entry.name;
      if (entry.isDirectory()) {
        if (isIgnoredByLayers(layers, rel + '/') || filter.excluded(rel)) skipped.ignored++;
        else pending.push({ dir: rel + '/', layers });
        continue;
      }
      if (!entry.isFile()) {
        skipped.ignored++; // symbolic links, sockets, devices
        continue;
      }
      if (isIgnoredByLayers(layers, rel) || filter.excluded(rel) || !filter.included(rel)) {
        skipped.ignored++;
        continue;
      }
      if (isBinaryPath(rel)) {
        skipped.binary++;
        continue;
      }
      const absPath = path.join(absDir, entry.name);
      statWork.push(fs.stat(absPath).then(
        (stat) => {
          if (stat.size > maxBytes) skipped.tooLarge++;
          else files.push({ path: rel, absPath, size: stat.size, mtimeMs: stat.mtimeMs });
        },
        () => { skipped.unreadable++; },
      ));
    }
    await Promise.all(statWork);
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, skipped };
}

async function withIgnoreFiles(parent: IgnoreLayer[], absDir: string, dir: string, entries: import('node:fs').Dirent[]): Promise<IgnoreLayer[]> {
  const names = new Set(entries.filter((e) => e.isFile()).map((e) => e.name));
  let layers = parent;
  for (const name of IGNORE_FILES) {
    if (!names.has(name)) continue;
    try {
      const content = await fs.readFile(path.join(absDir, name), 'utf8');
      layers = [...layers, makeLayer(dir, content)];
    } catch {
      // An unreadable ignore file ignores nothing; the walk goes on.
    }
  }
  return layers;
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
 * `.gitignore`/`.ragignore` from the root down to its folder. Used to check a single changed file.
 */
export async function layersFor(root: string, relPath: string): Promise<IgnoreLayer[]> {
  const layers = [makeLayer('', DEFAULT_EXCLUDES)];
  const segments = relPath.split('/').slice(0, -1);
  for (let depth = 0; depth <= segments.length; depth++) {
    const dir = segments.slice(0, depth).map((s) => s + '/').join('');
    for (const name of IGNORE_FILES) {
      try {
        layers.push(makeLayer(dir, await fs.readFile(path.join(root, dir, name), 'utf8')));
      } catch {
        // no ignore file at this level
      }
    }
  }
  return layers;
}

/** True when the file, or any folder above it, is ignored: the same answer a full scan gives. */
export function isPathIgnored(layers: readonly IgnoreLayer[], relPath: string): boolean {
  const segments = relPath.split('/');
  for (let i = 1; i < segments.length; i++) {
    if (isIgnoredByLayers(layers, segments.slice(0, i).join('/') + '/')) return true;
  }
  return isIgnoredByLayers(layers, relPath);
}
