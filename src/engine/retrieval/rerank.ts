import { terms } from '../text/terms';
import type { QueryTerms } from './queryTerms';
import { isUnaskedSupporting, type SupportingKind } from './supportingFiles';

/**
 * The second stage of the lexical ranking: BM25 finds a deep pool of chunks, and these signals, each
 * cheap on a pool of a few hundred, reorder it (chosen with `npm run eval`, see BENCHMARKS.md):
 *
 * - coverage: a chunk that has all of the question's terms beats one that repeats a few of them
 *   (terms weighed by their rarity, so missing "how" costs nothing and missing "redact" costs much);
 * - fields: the question's terms in the chunk's path or its heading/declaration say what the chunk is
 *   about, not merely what it mentions;
 * - file evidence: several matching chunks of one file make the file a better answer than one chunk
 *   elsewhere with the same score (bounded, so a long file does not win by length);
 * - supporting files (tests, examples, changelogs, generated and declaration files) count less unless
 *   the question asks for them.
 */
export const RERANK = {
  /** Share of the score a chunk keeps with none of the question's rarer terms (it still matched some). */
  coverageFloor: 0.35,
  /** Extra weight when every term of the question is in the path or heading. */
  fieldBoost: 0.5,
  /** Share of a file's other chunks' scores added to its chunks, relative to its best… */
  fileEvidence: 0.25,
  /** …and at most this share of its best chunk's score. */
  fileEvidenceCap: 0.5,
  /** Weight of a supporting file the question does not ask for. */
  supportingWeight: 0.3,
};

/** What reranking needs to know of the question. */
export interface RerankQuery {
  terms: QueryTerms;
  asked: ReadonlySet<SupportingKind>;
  /** Rarity of a term in the whole collection (BM25's idf); 0 for a term in no chunk. */
  idf(term: string): number;
}

/** A chunk of the pool: where it is, how BM25 scored it, and whether it has a term. */
export interface PoolChunk {
  path: string;
  /** The heading or declaration the chunk is under. */
  context: string;
  score: number;
  has(term: string): boolean;
}

/** The pool reordered, best first, with the adjusted scores. */
export function rerankLexical<T extends PoolChunk>(pool: readonly T[], query: RerankQuery): T[] {
  const weights = query.terms.own.map((term) => query.idf(term));
  const total = weights.reduce((sum, w) => sum + w, 0);
  if (pool.length === 0 || total === 0) return [...pool];
  const fieldTerms = new Map<string, Set<string>>();
  const scored = pool.map((chunk) => {
    let covered = 0;
    let inFields = 0;
    const fields = fieldTermsOf(chunk, fieldTerms);
    query.terms.own.forEach((term, i) => {
      if (weights[i] === 0) return;
      if (chunk.has(term)) covered += weights[i];
      if (fields.has(term)) inFields += weights[i];
    });
    const coverage = RERANK.coverageFloor + (1 - RERANK.coverageFloor) * (covered / total);
    const field = 1 + RERANK.fieldBoost * (inFields / total);
    const supporting = isUnaskedSupporting(chunk.path, query.asked) ? RERANK.supportingWeight : 1;
    return { chunk, score: chunk.score * coverage * field * supporting };
  });
  const evidence = fileEvidence(scored);
  return scored
    .map(({ chunk, score }) => ({ ...chunk, score: score * evidence.get(chunk.path)! }))
    .sort((a, b) => b.score - a.score);
}

/** The terms of a chunk's path and heading, memoised per pool (a file's chunks share a path). */
function fieldTermsOf(chunk: PoolChunk, memo: Map<string, Set<string>>): Set<string> {
  const key = `${chunk.path}\n${chunk.context}`;
  let set = memo.get(key);
  if (!set) memo.set(key, (set = new Set(terms(key))));
  return set;
}

/** Per file, the factor its chunks' scores are multiplied by for the file's other matching chunks. */
function fileEvidence(scored: readonly { chunk: PoolChunk; score: number }[]): Map<string, number> {
  const files = new Map<string, { best: number; sum: number }>();
  for (const { chunk, score } of scored) {
    const file = files.get(chunk.path);
    if (file) {
      file.best = Math.max(file.best, score);
      file.sum += score;
    } else files.set(chunk.path, { best: score, sum: score });
  }
  const factors = new Map<string, number>();
  for (const [path, { best, sum }] of files) {
    factors.set(path, best > 0 ? 1 + Math.min(RERANK.fileEvidence * (sum - best) / best, RERANK.fileEvidenceCap) : 1);
  }
  return factors;
}

/** Vector candidates get the supporting-file weight too: they are reordered the same way. */
export function rerankVector<T extends { score: number }>(hits: readonly T[], asked: ReadonlySet<SupportingKind>, pathOf: (hit: T) => string): T[] {
  return hits
    .map((hit) => (isUnaskedSupporting(pathOf(hit), asked) ? { ...hit, score: hit.score * RERANK.supportingWeight } : hit))
    .sort((a, b) => b.score - a.score);
}
