import { terms } from '../text/terms';
import { isProse } from './questionIntent';
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
 *   the question asks for them;
 * - docs count less when the question asks how something works inside, code when it asks how to do
 *   something (questionIntent.ts).
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
  /** Weight of docs and other prose when the question asks how something works inside. */
  howItWorksDocsWeight: 0.7,
  /** Weight of code (anything but prose) when the question asks how to do something. */
  howToCodeWeight: 0.8,
  /** BM25 weight of another word for a question's word (thesaurus.ts), relative to the question's own words. */
  relatedWeight: 0.25,
  /** Other words found in more than this share of the chunks are not looked up: common, they find nothing in particular. */
  relatedMaxShare: 0.03,
};

/** What reranking needs to know of the question. */
export interface RerankQuery {
  terms: QueryTerms;
  asked: ReadonlySet<SupportingKind>;
  /** The question asks how something works inside: the code that does it answers, more than docs. */
  howItWorks: boolean;
  /** The question asks how to do something: docs that say what to do answer, more than code. */
  howTo: boolean;
  /** Rarity of a term in the whole collection (BM25's idf); 0 for a term in no chunk. */
  idf(term: string): number;
}

/** How the reranking reads a pool item: its file, its heading or declaration, and whether it has a term. */
export interface PoolView<T> {
  path(item: T): string;
  context(item: T): string;
  has(item: T, term: string): boolean;
}

/** Per file of the pool: its best chunk's score, all its chunks' scores, and which question terms they have. */
interface FileFacts {
  best: number;
  sum: number;
  /** Bit i: the file's pooled chunks have the question's term i (the first 31 terms; more is rare). */
  covered: number;
}

const MASK_TERMS = 31;

/**
 * The pool reordered by the signals, best first: the first `limit` items, copied with their adjusted
 * scores. Cost: a few map lookups and a binary search per item and question term, no text read.
 */
export function rerankLexical<T extends { score: number }>(pool: readonly T[], query: RerankQuery, view: PoolView<T>, limit = pool.length): T[] {
  const own = query.terms.own.slice(0, MASK_TERMS);
  const weights = own.map((term) => query.idf(term));
  const total = weights.reduce((sum, w) => sum + w, 0);
  if (pool.length === 0 || total === 0) return pool.slice(0, limit);
  const scores = new Float64Array(pool.length);
  const paths: string[] = [];
  const files = new Map<string, FileFacts>();
  pool.forEach((item, i) => {
    const path = view.path(item);
    const pathTerms = termsOf(path);
    const contextTerms = termsOf(view.context(item));
    let file = files.get(path);
    if (!file) files.set(path, (file = { best: 0, sum: 0, covered: 0 }));
    let inFields = 0;
    for (let t = 0; t < own.length; t++) {
      if (weights[t] === 0) continue;
      if (pathTerms.has(own[t]) || contextTerms.has(own[t])) inFields += weights[t];
      if ((file.covered & (1 << t)) === 0 && view.has(item, own[t])) file.covered |= 1 << t;
    }
    const field = 1 + RERANK.fieldBoost * (inFields / total);
    const score = item.score * field * fileWeight(path, query);
    scores[i] = score;
    paths.push(path);
    file.best = Math.max(file.best, score);
    file.sum += score;
  });
  const factors = new Map<string, number>();
  for (const [path, facts] of files) factors.set(path, fileFactor(facts, weights, total));
  for (let i = 0; i < pool.length; i++) scores[i] *= factors.get(paths[i])!;
  const order = Array.from(pool.keys()).sort((a, b) => scores[b] - scores[a]);
  return order.slice(0, limit).map((i) => ({ ...pool[i], score: scores[i] }));
}

/** What a file's chunks are multiplied by for its other matching chunks and for the terms they cover. */
function fileFactor({ best, sum, covered }: FileFacts, weights: readonly number[], total: number): number {
  const evidence = best > 0 ? 1 + Math.min((RERANK.fileEvidence * (sum - best)) / best, RERANK.fileEvidenceCap) : 1;
  let got = 0;
  weights.forEach((weight, t) => { if (covered & (1 << t)) got += weight; });
  const coverage = RERANK.fileCoverageFloor + (1 - RERANK.fileCoverageFloor) * (got / total);
  return evidence * coverage;
}

/** Terms of paths and headings, kept across questions: the same files come back again and again. */
const FIELD_CACHE_LIMIT = 20_000;
const fieldCache = new Map<string, Set<string>>();

function termsOf(field: string): Set<string> {
  let set = fieldCache.get(field);
  if (!set) {
    if (fieldCache.size >= FIELD_CACHE_LIMIT) fieldCache.clear();
    fieldCache.set(field, (set = new Set(terms(field))));
  }
  return set;
}

type FileQuery = Pick<RerankQuery, 'asked' | 'howItWorks' | 'howTo'>;

/** What a file's chunks count for this question: less for a supporting file, docs or code it does not ask for. */
function fileWeight(path: string, { asked, howItWorks, howTo }: FileQuery): number {
  const supporting = isUnaskedSupporting(path, asked) ? RERANK.supportingWeight : 1;
  if (!howItWorks && !howTo) return supporting;
  const prose = isProse(path);
  if (howItWorks && prose) return supporting * RERANK.howItWorksDocsWeight;
  if (howTo && !prose) return supporting * RERANK.howToCodeWeight;
  return supporting;
}

/** Vector candidates get the same file weights, so both rankings agree on what comes last. */
export function rerankVector<T extends { score: number }>(hits: readonly T[], query: FileQuery, pathOf: (hit: T) => string): T[] {
  return hits
    .map((hit) => {
      const weight = fileWeight(pathOf(hit), query);
      return weight === 1 ? hit : { ...hit, score: hit.score * weight };
    })
    .sort((a, b) => b.score - a.score);
}
