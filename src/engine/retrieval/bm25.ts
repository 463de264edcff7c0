import type { TermStats } from '../../protocol/indexing';

/** BM25's usual constants: term-frequency saturation and length normalisation. */
const K1 = 1.2;
const B = 0.75;

/**
 * Postings of one group of documents (one shard): for each term, the documents that contain it and
 * how often. Packed into two typed arrays (term `t` owns pairs `offsets[t]..offsets[t+1]` of `data`,
 * each pair `doc, tf`) because a typed array per term costs more than the postings it holds.
 */
export class Postings {
  private constructor(
    private readonly termIds: Map<string, number>,
    private readonly offsets: Uint32Array,
    private readonly data: PostingArray,
    readonly lengths: Uint32Array,
    readonly totalLength: number,
  ) {}

  /** Builds postings from each document's terms (in document order). */
  static fromDocuments(documents: readonly (readonly string[])[]): Postings {
    const none = new Postings(new Map(), Uint32Array.of(0), new Uint16Array(0), new Uint32Array(0), 0);
    return none.remap(new Int32Array(0), documents);
  }

  /** Rebuilds from the serialised form written by `toJSON`. */
  static fromJSON(data: SerializedPostings): Postings {
    const termIds = new Map<string, number>();
    if (data.terms !== '') data.terms.split('\n').forEach((term, id) => termIds.set(term, id));
    const lengths = decodeUint32(data.lengths);
    const postingData = data.dataBits === 16 ? new Uint16Array(decodeBytes(data.data).buffer) : decodeUint32(data.data);
    return new Postings(termIds, decodeUint32(data.offsets), postingData, lengths, sum(lengths));
  }

  toJSON(): SerializedPostings {
    return {
      terms: [...this.termIds.keys()].join('\n'), offsets: encodeArray(this.offsets), lengths: encodeArray(this.lengths),
      data: encodeArray(this.data), dataBits: this.data instanceof Uint16Array ? 16 : 32,
    };
  }

  get size(): number {
    return this.lengths.length;
  }

  documentFrequency(term: string): number {
    const id = this.termIds.get(term);
    return id === undefined ? 0 : (this.offsets[id + 1] - this.offsets[id]) / 2;
  }

  /** Calls `visit(doc, tf)` for each document containing `term`. */
  forEachPosting(term: string, visit: (doc: number, tf: number) => void): void {
    const id = this.termIds.get(term);
    if (id === undefined) return;
    for (let i = this.offsets[id]; i < this.offsets[id + 1]; i += 2) visit(this.data[i], this.data[i + 1]);
  }

  /**
   * The postings after dropping some documents and appending others, without re-reading any text:
   * `keep[old]` is a kept document's new number, or -1 (kept documents keep their order); `added` are
   * the new documents' terms, numbered after the kept ones.
   */
  remap(keep: Int32Array, added: readonly (readonly string[])[]): Postings {
    const keptCount = keep.reduce((n, v) => (v >= 0 ? n + 1 : n), 0);
    const lengths = new Uint32Array(keptCount + added.length);
    keep.forEach((target, old) => { if (target >= 0) lengths[target] = this.lengths[old]; });
    const termIds = new Map(this.termIds);
    // Each new document's term frequencies, by term id (new terms get the next ids).
    const addedCounts = added.map((terms, i) => {
      lengths[keptCount + i] = terms.length;
      const counts = new Map<number, number>();
      for (const term of terms) {
        let id = termIds.get(term);
        if (id === undefined) termIds.set(term, (id = termIds.size));
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      return counts;
    });
    const oldTerms = this.offsets.length - 1;
    const counts = new Uint32Array(termIds.size);
    for (let id = 0; id < oldTerms; id++) {
      for (let i = this.offsets[id]; i < this.offsets[id + 1]; i += 2) if (keep[this.data[i]] >= 0) counts[id]++;
    }
    for (const doc of addedCounts) for (const id of doc.keys()) counts[id]++;
    const { live, remapped, offsets } = layout(termIds, counts);
    const data = postingArray(offsets[live.size], lengths.length);
    const cursor = offsets.slice(0, live.size);
    for (let id = 0; id < oldTerms; id++) {
      const t = remapped[id];
      if (t < 0) continue;
      for (let i = this.offsets[id]; i < this.offsets[id + 1]; i += 2) {
        const target = keep[this.data[i]];
        if (target < 0) continue;
        data[cursor[t]++] = target;
        data[cursor[t]++] = Math.min(this.data[i + 1], MAX_TF);
      }
    }
    addedCounts.forEach((doc, i) => {
      for (const [id, tf] of doc) {
        const t = remapped[id];
        data[cursor[t]++] = keptCount + i;
        data[cursor[t]++] = Math.min(tf, MAX_TF);
      }
    });
    return new Postings(live, offsets, data, lengths, sum(lengths));
  }

  /**
   * How often `term` occurs in document `doc` (0: not at all). A term's postings are in document order,
   * so this is a binary search: the reranking asks it for a few candidates only.
   */
  frequency(term: string, doc: number): number {
    const id = this.termIds.get(term);
    if (id === undefined) return 0;
    let low = this.offsets[id] / 2;
    let high = this.offsets[id + 1] / 2 - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const found = this.data[mid * 2];
      if (found === doc) return this.data[mid * 2 + 1];
      if (found < doc) low = mid + 1;
      else high = mid - 1;
    }
    return 0;
  }
}

/** Document numbers and term frequencies fit 16 bits in any shard of under 65,536 chunks: half the memory. */
type PostingArray = Uint16Array | Uint32Array;
const MAX_TF = 65_535;

function postingArray(length: number, documents: number): PostingArray {
  return documents <= 65_536 ? new Uint16Array(length) : new Uint32Array(length);
}

/** Numbers the terms that still have postings (dropping the rest) and computes where each term's pairs start. */
function layout(termIds: Map<string, number>, counts: Uint32Array): { live: Map<string, number>; remapped: Int32Array; offsets: Uint32Array } {
  const live = new Map<string, number>();
  const remapped = new Int32Array(termIds.size).fill(-1);
  for (const [term, id] of termIds) {
    if (counts[id] === 0) continue;
    remapped[id] = live.size;
    live.set(term, live.size);
  }
  const offsets = new Uint32Array(live.size + 1);
  for (let id = 0; id < termIds.size; id++) if (remapped[id] >= 0) offsets[remapped[id] + 1] = counts[id] * 2;
  for (let t = 0; t < live.size; t++) offsets[t + 1] += offsets[t];
  return { live, remapped, offsets };
}

/**
 * Postings as stored in a shard file: the terms joined by newlines (terms are word characters only),
 * and the arrays as base64; both parse several times faster than JSON arrays.
 */
export interface SerializedPostings {
  terms: string;
  offsets: string;
  data: string;
  /** Width of `data`'s numbers. */
  dataBits: 16 | 32;
  lengths: string;
}

function encodeArray(array: Uint32Array | Uint16Array): string {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
}

/** Base64 to bytes in a fresh, aligned buffer (Buffer.from may share an unaligned pool). */
function decodeBytes(base64: string): Uint8Array {
  const bytes = Buffer.from(base64, 'base64');
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return copy;
}

function decodeUint32(base64: string): Uint32Array {
  return new Uint32Array(decodeBytes(base64).buffer);
}

function sum(values: Uint32Array): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

/** Collection-wide numbers BM25 needs, summed over every group. */
export interface CollectionStats {
  documents: number;
  averageLength: number;
  documentFrequency(term: string): number;
}

/** One index's statistics for some terms, as plain data (see `TermStats`). */
export function termStatsOf(groups: readonly Postings[], terms: readonly string[]): TermStats {
  // Built with fromEntries: a term such as `__proto__` becomes a key like any other.
  const frequencies = [...new Set(terms)].map((term) => [term, groups.reduce((total, g) => total + g.documentFrequency(term), 0)] as const);
  return {
    documents: groups.reduce((total, g) => total + g.size, 0),
    totalLength: groups.reduce((total, g) => total + g.totalLength, 0),
    documentFrequencies: Object.fromEntries(frequencies),
  };
}

/** Several indexes' statistics added up: what one index holding all their chunks would have. */
export function addTermStats(all: readonly TermStats[]): TermStats {
  const frequencies = new Map<string, number>();
  for (const stats of all) {
    for (const [term, df] of Object.entries(stats.documentFrequencies)) frequencies.set(term, (frequencies.get(term) ?? 0) + df);
  }
  return {
    documents: all.reduce((total, s) => total + s.documents, 0),
    totalLength: all.reduce((total, s) => total + s.totalLength, 0),
    documentFrequencies: Object.fromEntries(frequencies),
  };
}

/** Statistics given as data, for scoring; a term they do not name is in no document. */
export function statsFromTermStats(stats: TermStats): CollectionStats {
  return {
    documents: stats.documents,
    averageLength: stats.documents === 0 ? 0 : stats.totalLength / stats.documents,
    documentFrequency: (term) => (Object.prototype.hasOwnProperty.call(stats.documentFrequencies, term) ? stats.documentFrequencies[term] : 0),
  };
}

export function collectionStats(groups: readonly Postings[]): CollectionStats {
  const documents = groups.reduce((total, g) => total + g.size, 0);
  const totalLength = groups.reduce((total, g) => total + g.totalLength, 0);
  const cache = new Map<string, number>();
  return {
    documents,
    averageLength: documents === 0 ? 0 : totalLength / documents,
    documentFrequency(term) {
      let df = cache.get(term);
      if (df === undefined) {
        df = groups.reduce((total, g) => total + g.documentFrequency(term), 0);
        cache.set(term, df);
      }
      return df;
    },
  };
}

/**
 * BM25 scores of one group's documents for the query terms; only documents with a positive score are
 * returned. Repeated query terms count once.
 */
export function scoreBm25(group: Postings, queryTerms: readonly string[], stats: CollectionStats): Map<number, number> {
  const scores = new Map<number, number>();
  if (stats.documents === 0) return scores;
  for (const term of new Set(queryTerms)) {
    const df = stats.documentFrequency(term);
    if (df === 0) continue;
    const idf = Math.log(1 + (stats.documents - df + 0.5) / (df + 0.5));
    group.forEachPosting(term, (doc, tf) => {
      const norm = K1 * (1 - B + (B * group.lengths[doc]) / stats.averageLength);
      scores.set(doc, (scores.get(doc) ?? 0) + (idf * tf * (K1 + 1)) / (tf + norm));
    });
  }
  return scores;
}
