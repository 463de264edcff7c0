import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { RagError } from '../errors';
import { ignoredBecause } from '../indexing/scanner';

/** A workspace folder, as far as finding a file in it goes. */
export interface WorkspaceFolder {
  name: string;
  root: string;
}

/** A file inside one of the workspace's folders: where it is, and the path every surface shows. */
export interface WorkspaceFile {
  absolute: string;
  /** Forward slashes, relative to its folder; the folder's name first when there are several (as in sources). */
  display: string;
}

/**
 * Finds the file a user named: an absolute path, a path relative to a folder, or (with several folders)
 * one that starts with a folder's name. The file's real path (links followed) must be inside that folder's
 * real path, so neither `..` nor a symbolic link reaches anything outside the workspace. Secret files
 * (`.env`, keys: the ones indexing leaves out) are refused too: a summary could send them to a model.
 */
export async function resolveWorkspaceFile(folders: readonly WorkspaceFolder[], requested: string): Promise<WorkspaceFile> {
  const wanted = requested.trim();
  if (!wanted) throw new RagError('path_not_allowed', 'Name a file to summarise (a path relative to the workspace folder).', 'retrieval');
  let missing = false;
  for (const candidate of candidates(folders, wanted)) {
    const root = await fs.realpath(candidate.folder.root).catch(() => undefined);
    if (!root) continue;
    const lexical = path.relative(path.resolve(candidate.folder.root), candidate.absolute);
    const real = await fs.realpath(candidate.absolute).catch(() => undefined);
    if (!inside(lexical) && !(real && inside(path.relative(root, real)))) continue;
    if (!real) {
      missing = true;
      continue;
    }
    const relative = path.relative(root, real);
    if (!inside(relative)) throw outside(wanted);
    const posix = relative.split(path.sep).join('/');
    if (await ignoredBecause(root, posix) === 'secret') {
      throw new RagError('path_not_allowed', `${posix} is a secret file (like .env or a key), which is never indexed or summarised: its values could reach a model.`, 'retrieval');
    }
    return { absolute: real, display: folders.length > 1 ? `${candidate.folder.name}/${posix}` : posix };
  }
  if (missing) throw new RagError('file_unreadable', `There is no file ${JSON.stringify(wanted)} in the workspace. Check the path (relative to the workspace folder).`, 'retrieval');
  throw outside(wanted);
}

/** Where the path may be: in the folder its first segment names, else in each folder in turn. */
function candidates(folders: readonly WorkspaceFolder[], wanted: string): { folder: WorkspaceFolder; absolute: string }[] {
  if (path.isAbsolute(wanted)) return folders.map((folder) => ({ folder, absolute: path.resolve(wanted) }));
  const normal = wanted.replace(/\\/g, '/');
  const [first, ...rest] = normal.split('/');
  const named = folders.length > 1 ? folders.find((f) => f.name === first) : undefined;
  const list = named && rest.length > 0 ? [{ folder: named, absolute: path.resolve(named.root, rest.join('/')) }] : [];
  return [...list, ...folders.map((folder) => ({ folder, absolute: path.resolve(folder.root, normal) }))];
}

function inside(relative: string): boolean {
  return relative !== '' && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

function outside(wanted: string): RagError {
  return new RagError('path_not_allowed', `${JSON.stringify(wanted)} is outside the workspace folders; only files inside them can be summarised.`, 'retrieval');
}
