import { terms } from '../text/terms';
import type { QueryTerms } from './queryTerms';
import { isUnaskedSupporting, type SupportingKind } from './supportingFiles';

/**
 * The second stage of the lexical ranking: BM25 finds a deep pool of chunks, and these signals, each
 * cheap on a pool of a few hundred, reorder it (chosen with `npm run eval`, see BENCHMARKS.md):
 *
 * - fields: the question's terms in the chunk's path or its heading/declaration say what the chunk is
 *   about, not merely what it mentions;
 * - file evidence: several matching chunks of one file make the file a better answer than one chunk
 *   elsewhere with the same score (bounded, so a long file does not win by length);
 * - file coverage: a file whose matching chunks have all of the question's terms between them beats one
 *   that repeats a few (terms weighed by rarity, so missing "how" costs nothing, missing "redact" much);
 * - supporting files (tests, examples, changelogs, generated and declaration files) count less unless
 *   the question asks for them.
 */
export const RERANK = {
  /** Extra weight when every term of the question is in the path or heading. */
  fieldBoost: 1,
  /** Share of a file's other chunks' scores added to its chunks, relative to its best… */
  fileEvidence: 0.25,
  /** …and at most this share of its best chunk's score. */
  fileEvidenceCap: 0.5,
  /** Share of the score a file keeps when its chunks have none of the question's terms' weight. */
  fileCoverageFloor: 0.5,
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

/** Per file of the pool: its best chunk's score, all its chunks' scores, and the weight of the terms they have. */
interface FileFacts {
  best: number;
  sum: number;
  covered: number;
}

/** The pool reordered, best first, with the adjusted scores. */
export function rerankLexical<T extends PoolChunk>(pool: readonly T[], query: RerankQuery): T[] {
  const own = query.terms.own;
  const weights = own.map((term) => query.idf(term));
  const total = weights.reduce((sum, w) => sum + w, 0);
  if (pool.length === 0 || total === 0) return [...pool];
  const fieldMemo = new Map<string, Set<string>>();
  const fileTerms = new Map<string, Set<number>>();
  const scored = pool.map((chunk) => {
    const fields = fieldTermsOf(chunk, fieldMemo);
    let seen = fileTerms.get(chunk.path);
    if (!seen) fileTerms.set(chunk.path, (seen = new Set()));
    let inFields = 0;
    own.forEach((term, i) => {
      if (weights[i] === 0) return;
      if (fields.has(term)) inFields += weights[i];
      if (!seen.has(i) && chunk.has(term)) seen.add(i);
    });
    const field = 1 + RERANK.fieldBoost * (inFields / total);
    const supporting = isUnaskedSupporting(chunk.path, query.asked) ? RERANK.supportingWeight : 1;
    return { chunk, score: chunk.score * field * supporting };
  });
  const files = new Map<string, FileFacts>();
  for (const { chunk, score } of scored) {
    const file = files.get(chunk.path);
    if (file) {
      file.best = Math.max(file.best, score);
      file.sum += score;
    } else {
      const covered = [...fileTerms.get(chunk.path)!].reduce((sum, i) => sum + weights[i], 0);
      files.set(chunk.path, { best: score, sum: score, covered });
    }
  }
  const factors = new Map([...files].map(([path, facts]) => [path, fileFactor(facts, total)]));
  return scored
    .map(({ chunk, score }) => ({ ...chunk, score: score * factors.get(chunk.path)! }))
    .sort((a, b) => b.score - a.score);
}

/** What a file's chunks are multiplied by for its other matching chunks and for the terms they cover. */
function fileFactor({ best, sum, covered }: FileFacts, total: number): number {
  const evidence = best > 0 ? 1 + Math.min((RERANK.fileEvidence * (sum - best)) / best, RERANK.fileEvidenceCap) : 1;
  const coverage = RERANK.fileCoverageFloor + (1 - RERANK.fileCoverageFloor) * (covered / total);
  return evidence * coverage;
}

/** The terms of a chunk's path and heading, memoised per pool (a file's chunks share a path). */
function fieldTermsOf(chunk: PoolChunk, memo: Map<string, Set<string>>): Set<string> {
  const key = `${chunk.path}\n${chunk.context}`;
  let set = memo.get(key);
  if (!set) memo.set(key, (set = new Set(terms(key))));
  return set;
}

/** Vector candidates get the supporting-file weight too, so both rankings agree on what comes last. */
export function rerankVector<T extends { score: number }>(hits: readonly T[], asked: ReadonlySet<SupportingKind>, pathOf: (hit: T) => string): T[] {
  return hits
    .map((hit) => (isUnaskedSupporting(pathOf(hit), asked) ? { ...hit, score: hit.score * RERANK.supportingWeight } : hit))
    .sort((a, b) => b.score - a.score);
}
