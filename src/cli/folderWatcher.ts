import * as path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { AnswerSession } from '../engine/session/answerSession';
import { DEFAULT_EXCLUDES, IGNORE_FILES } from '../engine/indexing/ignoreRules';
import { ChangeBatcher } from '../engine/session/changeBatcher';

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
 * files go to a ChangeBatcher (debounced updates, where the engine applies the ignore rules to each path
 * as a full scan does); a changed `.gitignore` or `.ragignore` brings a full sync.
 * Node 20's recursive `fs.watch` cannot skip folders (it would watch every folder of node_modules) and
 * does not say whether a path was created or deleted, hence chokidar.
 */
export function watchFolders(session: AnswerSession, roots: string[], options: { indexDirs: string[]; onError: (message: string) => void }): FolderWatcher {
  const changes = new ChangeBatcher(session, { warn: options.onError });
  const indexDirs = options.indexDirs.map((d) => path.resolve(d));
  const ignored = (file: string) => UNWATCHED_DIRS.has(path.basename(file))
    || indexDirs.some((dir) => file === dir || file.startsWith(dir + path.sep));
  const queue = (file: string, gone: boolean) => {
    if (IGNORE_FILES.includes(path.basename(file))) changes.fullSync();
    else changes.queue(file, gone);
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
      changes.close();
      await watcher.close();
    },
  };
}
