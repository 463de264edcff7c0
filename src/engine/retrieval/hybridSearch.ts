import picomatch from 'picomatch';
import type { Source } from '../../protocol/events';
import type { Candidate, RankingMode, SearchFilter } from '../../protocol/indexing';
import type { Shard } from '../store/shard';
import type { ChunkMeta } from '../store/vectraShard';
import type { PoolView } from './rerank';
import { scoreBm25, type CollectionStats } from './bm25';
import { asksHowItWorks, asksHowTo } from './questionIntent';
import { analyseQuery, lookupTerms } from './queryTerms';
import { RERANK, rerankLexical, rerankVector } from './rerank';
import { askedKinds } from './supportingFiles';

/** Candidates taken from each ranking before fusing: deep enough that a chunk ranked well by one side is seen. */
export const CANDIDATES = 50;
/** BM25's pool for reranking, per candidate kept: room for a file's other chunks and for what the signals lift. */
const POOL_FACTOR = 4;

/**
 * Vector candidates below this cosine similarity are noise, not neighbours: unrelated texts hash to
 * near-orthogonal vectors, and showing them as sources would only bury the real ones.
 */
const MIN_SIMILARITY = 0.1;

/**
 * The weight of each ranking in the fusion: the offline vectors are the weaker signal, good at
 * breaking ties and catching word forms, so they must not outvote an exact-term match.
 */
export const FUSION_WEIGHTS = { lexical: 1, vector: 0.4 };

/** A chunk found in a shard, before its text is unpacked. */
export interface Hit {
  id: string;
  shard: Shard;
  doc: number;
  record: ChunkMeta;
  score: number;
}

/** Each ranking's best chunks, best first. */
export interface Rankings<T> {
  lexical: T[];
  vector: T[];
}

export interface RankingQuery {
  question: string;
  /** The question's unit vector; without one only the lexical ranking runs. */
  vector: Float32Array | undefined;
  /** Collection statistics for BM25: these shards' own, or those of every index searched together. */
  stats: CollectionStats;
  /** Candidates per ranking. */
  limit: number;
  filter?: SearchFilter;
  mode?: RankingMode;
  /** Put before each path when matching `filter.paths`. */
  pathPrefix?: string;
}

/**
 * BM25 over the shards' postings and cosine similarity over their vectors, each ranking on its own;
 * BM25's deeper pool is reranked (see rerank.ts) before its best are kept.
 */
export function rankShards(shards: readonly Shard[], query: RankingQuery): Rankings<Hit> {
  const allow = compileFilter(query.filter, query.pathPrefix ?? '');
  const mode = query.mode ?? 'fused';
  const asked = askedKinds(query.question);
  const howItWorks = asksHowItWorks(query.question);
  const howTo = asksHowTo(query.question);
  let lexical: Hit[] = [];
  if (mode !== 'vector') {
    const analysed = analyseQuery(query.question);
    // Other words for the question's words count less than its own, and the common ones not at all.
    const related = new Set(analysed.related.filter((t) => query.stats.documentFrequency(t) <= RERANK.relatedMaxShare * query.stats.documents));
    const terms = { ...analysed, related: [...related] };
    const weightOf = (term: string) => (related.has(term) ? RERANK.relatedWeight : 1);
    const pool = lexicalTop(shards, lookupTerms(terms), query.stats, query.limit * POOL_FACTOR, allow, weightOf);
    const idf = (term: string) => idfOf(query.stats, term);
    lexical = rerankLexical(pool, { terms, asked, howItWorks, howTo, idf }, HIT_VIEW, query.limit);
  }
  const vector = mode === 'lexical' || !query.vector ? [] : rerankVector(vectorTop(shards, query.vector, query.limit, allow), { asked, howItWorks, howTo }, (hit) => hit.record.path);
  return { lexical, vector };
}

/** A hit as the reranking sees it: its path, heading, and which terms its postings hold. */
const HIT_VIEW: PoolView<Hit> = {
  path: (hit) => hit.record.path,
  context: (hit) => hit.record.context,
  has: (hit, term) => hit.shard.postings.frequency(term, hit.doc) > 0,
};

function idfOf(stats: CollectionStats, term: string): number {
  const df = stats.documentFrequency(term);
  return df === 0 ? 0 : Math.log(1 + (stats.documents - df + 0.5) / (df + 0.5));
}

/** The final ranking: both rankings fused by their normalised scores, or one alone (for the evaluation). */
export function combineRankings<T extends { id: string; score: number }>(rankings: Rankings<T>, mode: RankingMode = 'fused'): T[] {
  if (mode === 'lexical') return rankings.lexical;
  if (mode === 'vector') return rankings.vector;
  return fuse([{ ranked: rankings.lexical, weight: FUSION_WEIGHTS.lexical }, { ranked: rankings.vector, weight: FUSION_WEIGHTS.vector }]);
}

/** A hit with its text unpacked: only the few chunks returned pay for it. */
export function candidateOf(hit: Hit): Candidate {
  const { record } = hit;
  return { id: record.id, path: record.path, startLine: record.startLine, endLine: record.endLine, text: hit.shard.textOf(hit.doc), score: hit.score };
}

function lexicalTop(shards: readonly Shard[], queryTerms: readonly string[], stats: CollectionStats, limit: number, allow?: (r: ChunkMeta) => boolean, weightOf?: (term: string) => number): Hit[] {
  if (queryTerms.length === 0) return [];
  const top = new TopList(limit, allow);
  for (const shard of shards) {
    top.shard = shard;
    scoreBm25(shard.postings, queryTerms, stats, top, weightOf);
  }
  return top.sorted();
}

function vectorTop(shards: readonly Shard[], query: Float32Array, limit: number, allow?: (r: ChunkMeta) => boolean): Hit[] {
  const top = new TopList(limit, allow);
  top.threshold = MIN_SIMILARITY;
  for (const shard of shards) {
    top.shard = shard;
    shard.vectors.scan(query, top);
  }
  return top.sorted();
}

/**
 * Weighted score fusion (CombSUM): each ranking's scores divided by its best, weighted and added, so a
 * chunk far ahead in one ranking stays ahead, which ranks alone (RRF) would hide; scaled so a chunk
 * first in every ranking scores 1.
 */
export function fuse<T extends { id: string; score: number }>(rankings: { ranked: T[]; weight: number }[]): T[] {
  const fused = new Map<string, T>();
  const best = rankings.reduce((sum, r) => sum + (r.ranked.length > 0 ? r.weight : 0), 0);
  for (const { ranked, weight } of rankings) {
    const top = Math.max(0, ...ranked.map((chunk) => chunk.score));
    if (top <= 0) continue;
    ranked.forEach((chunk) => {
      const add = (weight * chunk.score) / top / best;
      const existing = fused.get(chunk.id);
      if (existing) existing.score += add;
      else fused.set(chunk.id, { ...chunk, score: add });
    });
  }
  return [...fused.values()].sort((a, b) => b.score - a.score);
}

/**
 * Joins chunks that are next to each other in one file into a single source, so the reader and the
 * model see one passage instead of two halves. The merged source keeps the better score and rank.
 */
export function mergeAdjacent(chunks: readonly Candidate[]): Source[] {
  const byPath = new Map<string, Candidate[]>();
  for (const chunk of chunks) {
    const list = byPath.get(chunk.path);
    if (list) list.push(chunk);
    else byPath.set(chunk.path, [chunk]);
  }
  const merged: Source[] = [];
  for (const [path, list] of byPath) {
    list.sort((a, b) => a.startLine - b.startLine);
    let current: Source | undefined;
    for (const chunk of list) {
      if (current && chunk.startLine <= current.endLine + 1) {
        current.text += '\n' + chunk.text;
        current.endLine = Math.max(current.endLine, chunk.endLine);
        current.score = Math.max(current.score, chunk.score);
      } else {
        if (current) merged.push(current);
        current = { path, startLine: chunk.startLine, endLine: chunk.endLine, score: chunk.score, text: chunk.text };
      }
    }
    if (current) merged.push(current);
  }
  return merged.sort((a, b) => b.score - a.score);
}

function compileFilter(filter: SearchFilter | undefined, pathPrefix: string): ((record: ChunkMeta) => boolean) | undefined {
  if (!filter) return undefined;
  const paths = filter.paths?.length ? picomatch(filter.paths, { dot: true }) : undefined;
  const languages = filter.languages?.length ? new Set(filter.languages) : undefined;
  if (!paths && !languages) return undefined;
  return (record) => (!paths || paths(pathPrefix + record.path)) && (!languages || languages.has(record.language));
}

/**
 * The best `limit` candidates seen so far, kept sorted. Rankings set `shard` before offering its
 * documents; `threshold` lets them skip hopeless candidates without a call.
 */
class TopList {
  private readonly items: Hit[] = [];
  /** Scores at or below this are not kept: the current worst of a full list, or a caller's floor. */
  threshold = -Infinity;
  shard: Shard | undefined;

  constructor(private readonly limit: number, private readonly allow?: (record: ChunkMeta) => boolean) {}

  offer(doc: number, score: number): void {
    if (score <= this.threshold) return;
    const shard = this.shard!;
    const record = shard.records.get(doc);
    if (this.allow && !this.allow(record)) return;
    let i = this.items.length;
    while (i > 0 && this.items[i - 1].score < score) i--;
    this.items.splice(i, 0, { id: record.id, shard, doc, record, score });
    if (this.items.length > this.limit) this.items.pop();
    if (this.items.length >= this.limit) this.threshold = this.items[this.items.length - 1].score;
  }

  sorted(): Hit[] {
    return this.items;
  }
}
