import type { Source } from '../../protocol/events';
import type { SearchIndex, SearchOptions } from '../indexing/searchIndex';

/**
 * Searches several folders' indexes as one; with more than one folder, paths start with the folder's name.
 * (Scores are each index's own for now: see the multi-folder ranking work.)
 */
export async function searchIndexes(folders: { name: string; index: SearchIndex }[], query: string, options: SearchOptions = {}): Promise<Source[]> {
  if (folders.length === 1) return folders[0].index.search(query, options);
  const results = await Promise.all(folders.map(async ({ name, index }) =>
    (await index.search(query, options)).map((s) => ({ ...s, path: `${name}/${s.path}` }))));
  return results.flat().sort((a, b) => b.score - a.score).slice(0, options.k);
}
