import picomatch from 'picomatch';
import type { Source } from '../../protocol/events';
import type { RankingMode, SearchFilter } from '../indexing/searchIndex';
import type { Shard } from '../store/shard';
import type { ChunkMeta, ChunkRecord } from '../store/vectraShard';
import { collectionStats, scoreBm25 } from './bm25';

export interface RankedChunk {
  record: ChunkRecord;
  score: number;
}

/**
 * Reciprocal rank fusion's constant. The textbook 60 suits rankings of equal quality; ours are not, and
 * a small constant lets the top of each ranking count (chosen with `npm run eval`, see BENCHMARKS.md).
 */
const RRF_K = 5;
/** Candidates taken from each ranking before fusing: deep enough that a chunk ranked well by one side is seen. */
const CANDIDATES = 50;

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

/**
 * Ranks chunks for a question: BM25 over the shards' postings and cosine similarity over their vectors,
 * fused by weighted reciprocal rank fusion. Returns the `k` best distinct chunks, best first.
 */
export function rankChunks(shards: readonly Shard[], queryTerms: readonly string[], queryVector: Float32Array | undefined,
  k: number, options: { filter?: SearchFilter; mode?: RankingMode } = {}): RankedChunk[] {
  const allow = compileFilter(options.filter);
  const mode = options.mode ?? 'fused';
  const lexical = mode === 'vector' ? [] : lexicalTop(shards, queryTerms, CANDIDATES, allow);
  const vector = mode === 'lexical' || !queryVector ? [] : vectorTop(shards, queryVector, CANDIDATES, allow);
  const ranked = mode === 'lexical' ? lexical : mode === 'vector' ? vector
    : fuse([{ ranked: lexical, weight: FUSION_WEIGHTS.lexical }, { ranked: vector, weight: FUSION_WEIGHTS.vector }]);
  // Texts are unpacked only for the few chunks that are returned.
  return ranked.slice(0, k).map((hit) => ({ record: { ...hit.record, text: hit.shard.textOf(hit.doc) }, score: hit.score }));
}

/** A candidate before its text is unpacked. */
interface Hit {
  shard: Shard;
  doc: number;
  record: ChunkMeta;
  score: number;
}

function lexicalTop(shards: readonly Shard[], queryTerms: readonly string[], limit: number, allow?: (r: ChunkMeta) => boolean): Hit[] {
  if (queryTerms.length === 0) return [];
  const stats = collectionStats(shards.map((s) => s.postings));
  const top = new TopList(limit, allow);
  for (const shard of shards) {
    top.shard = shard;
    for (const [doc, score] of scoreBm25(shard.postings, queryTerms, stats)) top.offer(doc, score);
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

/** Weighted reciprocal rank fusion; scores are scaled so a chunk ranked first by every ranking scores 1. */
export function fuse<T extends { record: { id: string }; score: number }>(rankings: { ranked: T[]; weight: number }[]): T[] {
  const fused = new Map<string, T>();
  const best = rankings.reduce((sum, r) => sum + (r.ranked.length > 0 ? r.weight : 0), 0) / (RRF_K + 1);
  for (const { ranked, weight } of rankings) {
    ranked.forEach((chunk, rank) => {
      const add = weight / (RRF_K + rank + 1) / best;
      const existing = fused.get(chunk.record.id);
      if (existing) existing.score += add;
      else fused.set(chunk.record.id, { ...chunk, score: add });
    });
  }
  return [...fused.values()].sort((a, b) => b.score - a.score);
}

/**
 * Joins chunks that are next to each other in one file into a single source, so the reader and the
 * model see one passage instead of two halves. The merged source keeps the better score and rank.
 */
export function mergeAdjacent(chunks: readonly RankedChunk[]): Source[] {
  const byPath = new Map<string, RankedChunk[]>();
  for (const chunk of chunks) {
    const list = byPath.get(chunk.record.path);
    if (list) list.push(chunk);
    else byPath.set(chunk.record.path, [chunk]);
  }
  const merged: Source[] = [];
  for (const [path, list] of byPath) {
    list.sort((a, b) => a.record.startLine - b.record.startLine);
    let current: Source | undefined;
    for (const { record, score } of list) {
      if (current && record.startLine <= current.endLine + 1) {
        current.text += '\n' + record.text;
        current.endLine = Math.max(current.endLine, record.endLine);
        current.score = Math.max(current.score, score);
      } else {
        if (current) merged.push(current);
        current = { path, startLine: record.startLine, endLine: record.endLine, score, text: record.text };
      }
    }
    if (current) merged.push(current);
  }
  return merged.sort((a, b) => b.score - a.score);
}

function compileFilter(filter?: SearchFilter): ((record: ChunkMeta) => boolean) | undefined {
  if (!filter) return undefined;
  const paths = filter.paths?.length ? picomatch(filter.paths, { dot: true }) : undefined;
  const languages = filter.languages?.length ? new Set(filter.languages) : undefined;
  if (!paths && !languages) return undefined;
  return (record) => (!paths || paths(record.path)) && (!languages || languages.has(record.language));
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
    const record = shard.records[doc];
    if (this.allow && !this.allow(record)) return;
    let i = this.items.length;
    while (i > 0 && this.items[i - 1].score < score) i--;
    this.items.splice(i, 0, { shard, doc, record, score });
    if (this.items.length > this.limit) this.items.pop();
    if (this.items.length >= this.limit) this.threshold = this.items[this.items.length - 1].score;
  }

  sorted(): Hit[] {
    return this.items;
  }
}
