import { createHash } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';

/** The per-user cache folder: indexes are rebuildable, so they belong there and never in the workspace. */
function cacheRoot(): string {
  if (process.env.XDG_CACHE_HOME) return process.env.XDG_CACHE_HOME;
  if (process.platform === 'win32' && process.env.LOCALAPPDATA) return process.env.LOCALAPPDATA;
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Caches');
  return path.join(os.homedir(), '.cache');
}

/** One index folder per workspace path, named so a person can tell which is which. */
export function defaultIndexDir(workspace: string): string {
  const id = createHash('sha1').update(path.resolve(workspace)).digest('hex').slice(0, 12);
  const name = path.basename(path.resolve(workspace)).replace(/[^\w.-]+/g, '_') || 'root';
  return path.join(cacheRoot(), 'workspace-rag', `${name}-${id}`);
}
