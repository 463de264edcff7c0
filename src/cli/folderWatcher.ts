import * as path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { AnswerSession } from '../engine/session/answerSession';
import { DEFAULT_EXCLUDES, IGNORE_FILES } from '../engine/indexing/ignoreRules';
import { FULL_SYNC_THRESHOLD, SAVE_DEBOUNCE_MS } from '../engine/session/fileChanges';

/**
 * Folders never worth watching: the default excludes' folder names (.git, node_modules, build outputs).
 * Watching them would cost one inotify watch per folder of dependencies; files inside that a
 * `.ragignore` re-includes are still picked up by the next full sync.
 */
const UNWATCHED_DIRS = new Set(DEFAULT_EXCLUDES.filter((p) => p.endsWith('/')).map((p) => p.slice(0, -1)));

export interface FolderWatcher {
  /** Settles once the folders are being watched (the first walk of their folders is done). */
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Keeps a long-running session's index fresh (the MCP and HTTP servers): created, changed and deleted
 * files go to `session.updateFiles` in debounced batches, where the engine applies the ignore rules to
 * each path as a full scan does; a changed `.gitignore` or `.ragignore` brings a full sync.
 * Node 20's recursive `fs.watch` cannot skip folders (it would watch every folder of node_modules) and
 * does not say whether a path was created or deleted, hence chokidar.
 */
export function watchFolders(session: AnswerSession, roots: string[], options: { indexDirs: string[]; onError: (message: string) => void }): FolderWatcher {
  const changed = new Set<string>();
  const deleted = new Set<string>();
  let fullSync = false;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const indexDirs = options.indexDirs.map((d) => path.resolve(d));

  const ignored = (file: string) => UNWATCHED_DIRS.has(path.basename(file))
    || indexDirs.some((dir) => file === dir || file.startsWith(dir + path.sep));

  const flush = async () => {
    timer = undefined;
    if (closed) return;
    if (session.indexing) return schedule(); // one job at a time: try again after the running one
    const batch = { changed: [...changed], deleted: [...deleted] };
    changed.clear();
    deleted.clear();
    try {
      if (fullSync || batch.changed.length + batch.deleted.length > FULL_SYNC_THRESHOLD) {
        fullSync = false;
        await session.reindex();
      } else {
        await session.updateFiles(batch.changed, batch.deleted);
      }
    } catch (err) {
      options.onError(`Updating the index after file changes failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void flush(), SAVE_DEBOUNCE_MS);
  };
  const queue = (file: string, gone: boolean) => {
    if (IGNORE_FILES.includes(path.basename(file))) fullSync = true;
    (gone ? deleted : changed).add(file);
    (gone ? changed : deleted).delete(file);
    schedule();
  };

  const watcher: FSWatcher = watch(roots, { ignored, ignoreInitial: true, followSymlinks: false });
  watcher.on('add', (file) => queue(file, false));
  watcher.on('change', (file) => queue(file, false));
  watcher.on('unlink', (file) => queue(file, true));
  watcher.on('error', (err) => options.onError(`Watching the folder for changes failed: ${err instanceof Error ? err.message : String(err)}`));
  const ready = new Promise<void>((resolve) => watcher.once('ready', resolve));
  return {
    ready,
    async close() {
      closed = true;
      clearTimeout(timer);
      await watcher.close();
    },
  };
}
