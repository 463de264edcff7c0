import type { Source } from '../../protocol/events';
import type { Candidate } from '../../protocol/indexing';
import { DEFAULT_SOURCES, type SearchIndex, type SearchOptions } from '../indexing/searchIndex';
import { addTermStats } from './bm25';
import { dropCopiedCandidates } from './copies';
import { CANDIDATES, combineRankings, mergeAdjacent } from './hybridSearch';

/** One folder of a multi-root workspace and its index. */
export interface FolderIndex {
  /** Shown before the folder's paths (`name/src/app.ts`); names should differ. */
  name: string;
  index: SearchIndex;
}

/**
 * Searches several folders' indexes with one ranking: the same as one index holding every folder's chunks.
 * Each index first gives its term statistics; BM25 then scores every index with their sum, each index's
 * best chunks by each ranking are merged by score, and the two rankings are fused once. (Fusing per
 * index and merging the results would put a poor folder's best above a good folder's second: each
 * index's fused scores are scaled so its own best is 1.)
 *
 * With one folder, its paths stay as they are; with several, each starts with the folder's name, and
 * `filter.paths` globs match those full paths.
 */
export async function searchIndexes(folders: readonly FolderIndex[], query: string, options: SearchOptions = {}): Promise<Source[]> {
  if (folders.length === 0) return [];
  if (folders.length === 1) return folders[0].index.search(query, options);
  const { signal, filter, mode } = options;
  const stats = addTermStats(await Promise.all(folders.map(({ index }) => index.termStats(query, { signal }))));
  const found = await Promise.all(folders.map(async ({ name, index }, i) => {
    const { lexical, vector } = await index.candidates(query, { stats, limit: CANDIDATES, filter, mode, pathPrefix: `${name}/`, signal });
    // Ids are unique within an index only; two folders may hold the same file.
    const named = (c: Candidate): Candidate => ({ ...c, id: `${i}:${c.id}`, path: `${name}/${c.path}` });
    return { lexical: lexical.map(named), vector: vector.map(named) };
  }));
  const rankings = { lexical: best(found.map((f) => f.lexical)), vector: best(found.map((f) => f.vector)) };
  return mergeAdjacent(dropCopiedCandidates(combineRankings(rankings, mode)).slice(0, options.k ?? DEFAULT_SOURCES));
}

/** The best candidates of one ranking across indexes, as one index would have kept them. */
function best(lists: Candidate[][]): Candidate[] {
  return lists.flat().sort((a, b) => b.score - a.score).slice(0, CANDIDATES);
}
