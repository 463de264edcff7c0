import type { Candidate } from '../../protocol/indexing';
import type { Hit } from './hybridSearch';
import { supportingKind } from './supportingFiles';

/** What tells two ranked chunks apart as copies: their text (or its content hash) and where each lies. */
export interface CopyView<T> {
  /** Equal for chunks of the same text. */
  key: (item: T) => string;
  path: (item: T) => string;
}

/**
 * The ranking with each passage once: a chunk whose text is also a better-ranked chunk's (a README copied to
 * docs/index.md, a vendored or versioned copy of a file, a pasted option table) is dropped, so a copy does
 * not take a result slot from another file. The copy that stays is the better-ranked one; of copies with the
 * same score, the one not in a supporting file (tests, examples, generated…), then the shorter path, then
 * the first path in order, so the choice does not depend on the order shards are searched in.
 */
export function dropCopies<T extends { score: number }>(ranked: readonly T[], view: CopyView<T>): T[] {
  const kept = new Map<string, T>();
  for (const [i, item] of ranked.entries()) {
    // A chunk without a hash (never written by this version) is its own passage.
    const key = view.key(item) || `#${i}`;
    const other = kept.get(key);
    if (!other || isBetterCopy(item, other, view.path)) kept.set(key, item);
  }
  if (kept.size === ranked.length) return [...ranked];
  const winners = new Set(kept.values());
  return ranked.filter((item) => winners.has(item));
}

/** An index's hits: copies share the content hash recorded for each chunk, so no text is read. */
export function dropCopiedHits(hits: readonly Hit[]): Hit[] {
  return dropCopies(hits, { key: (hit) => hit.record.hash, path: (hit) => hit.record.path });
}

/** Several indexes' candidates, texts unpacked: copies have the same text (the same file in two folders as well). */
export function dropCopiedCandidates(candidates: readonly Candidate[]): Candidate[] {
  return dropCopies(candidates, { key: (candidate) => candidate.text, path: (candidate) => candidate.path });
}

function isBetterCopy<T extends { score: number }>(a: T, b: T, pathOf: (item: T) => string): boolean {
  if (a.score !== b.score) return a.score > b.score;
  const pathA = pathOf(a);
  const pathB = pathOf(b);
  const supportingA = supportingKind(pathA) !== undefined;
  const supportingB = supportingKind(pathB) !== undefined;
  if (supportingA !== supportingB) return supportingB;
  if (pathA.length !== pathB.length) return pathA.length < pathB.length;
  return pathA < pathB;
}
