import type { TermStats } from '../../protocol/indexing';
import { TermList } from './termList';

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
    /** Sorted: term `t` of the list owns pairs `offsets[t]..offsets[t+1]`. */
    private readonly terms: TermList,
    private readonly offsets: Uint32Array,
    private readonly data: PostingArray,
    readonly lengths: Uint32Array,
    readonly totalLength: number,
  ) {}

  /** Builds postings from each document's terms (in document order). */
  static fromDocuments(documents: readonly (readonly string[])[]): Postings {
    const none = new Postings(TermList.empty(), Uint32Array.of(0), new Uint16Array(0), new Uint32Array(0), 0);
    return none.remap(new Int32Array(0), documents);
  }

  /**
   * Reads the binary form written by `toBinary`: a header of six 32-bit numbers (format, data width,
   * bytes of terms, then the lengths of offsets, lengths and data), the sorted terms as UTF-8 joined by
   * newlines, then the arrays as they are in memory, each at a multiple of 4 bytes. Nothing is parsed:
   * the arrays are copied out as they are, so the file's bytes (a quarter of them the terms, held as a
   * string once decoded) are not kept. Throws on a file of another format or a torn one.
   */
  static fromBinary(file: Uint8Array): Postings {
    const bytes = file.byteOffset % 4 === 0 ? file : new Uint8Array(file); // a copy: typed-array views need aligned offsets
    if (bytes.byteLength < HEADER_BYTES) throw new Error('truncated postings');
    const [format, dataBits, termBytes, offsetCount, lengthCount, dataCount] = new Uint32Array(bytes.buffer, bytes.byteOffset, 6);
    if (format !== BINARY_FORMAT || (dataBits !== 16 && dataBits !== 32)) throw new Error(`postings of another format (${format})`);
    let at = bytes.byteOffset + HEADER_BYTES;
    const end = bytes.byteOffset + bytes.byteLength;
    const take = (size: number) => {
      const start = at;
      at += align4(size);
      if (at > end) throw new Error('truncated postings');
      return start;
    };
    const terms = TermList.fromJoined(utf8.decode(new Uint8Array(bytes.buffer, take(termBytes), termBytes)));
    const offsets = new Uint32Array(bytes.buffer, take(offsetCount * 4), offsetCount).slice();
    const lengths = new Uint32Array(bytes.buffer, take(lengthCount * 4), lengthCount).slice();
    const data = (dataBits === 16 ? new Uint16Array(bytes.buffer, take(dataCount * 2), dataCount) : new Uint32Array(bytes.buffer, take(dataCount * 4), dataCount)).slice();
    if (offsets.length !== terms.count + 1) throw new Error('postings whose terms and offsets disagree');
    return new Postings(terms, offsets, data, lengths, sum(lengths));
  }

  toBinary(): Uint8Array {
    const termBytes = Buffer.from(this.terms.text, 'utf8');
    const arrays = [termBytes, this.offsets, this.lengths, this.data];
    const out = new Uint8Array(HEADER_BYTES + arrays.reduce((total, a) => total + align4(a.byteLength), 0));
    out.set(new Uint8Array(Uint32Array.of(BINARY_FORMAT, this.data instanceof Uint16Array ? 16 : 32, termBytes.length,
      this.offsets.length, this.lengths.length, this.data.length).buffer));
    let at = HEADER_BYTES;
    for (const array of arrays) {
      out.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), at);
      at += align4(array.byteLength);
    }
    return out;
  }

  get size(): number {
    return this.lengths.length;
  }

  /** Memory held by the packed arrays, in bytes (the term map is on the heap). */
  get byteLength(): number {
    return this.offsets.byteLength + this.data.byteLength + this.lengths.byteLength;
  }

  documentFrequency(term: string): number {
    const id = this.terms.find(term);
    return id < 0 ? 0 : (this.offsets[id + 1] - this.offsets[id]) / 2;
  }

  /** The postings of `term`: pairs `doc, tf` in document order (a view, empty for an unknown term). */
  postingsOf(term: string): PostingArray {
    const id = this.terms.find(term);
    return id < 0 ? this.data.subarray(0, 0) : this.data.subarray(this.offsets[id], this.offsets[id + 1]);
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
    const termIds = this.terms.toMap();
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
    const data = postingArray(offsets[live.count], lengths.length);
    const cursor = offsets.slice(0, live.count);
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
    const id = this.terms.find(term);
    if (id < 0) return 0;
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

/**
 * Numbers the terms that still have postings (dropping the rest) in sorted order and computes where
 * each term's pairs start.
 */
function layout(termIds: Map<string, number>, counts: Uint32Array): { live: TermList; remapped: Int32Array; offsets: Uint32Array } {
  // The default sort orders strings by UTF-16 code units, as `TermList` searches them.
  const kept = [...termIds.keys()].filter((term) => counts[termIds.get(term)!] > 0).sort();
  const remapped = new Int32Array(termIds.size).fill(-1);
  kept.forEach((term, t) => { remapped[termIds.get(term)!] = t; });
  const offsets = new Uint32Array(kept.length + 1);
  for (let id = 0; id < termIds.size; id++) if (remapped[id] >= 0) offsets[remapped[id] + 1] = counts[id] * 2;
  for (let t = 0; t < kept.length; t++) offsets[t + 1] += offsets[t];
  return { live: TermList.fromSorted(kept), remapped, offsets };
}

/** Bumped when the binary layout changes. */
const BINARY_FORMAT = 1;
const HEADER_BYTES = 24;
const align4 = (n: number) => (n + 3) & ~3;
const utf8 = new TextDecoder('utf-8');

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

/** Where scored documents go: only those scoring above `threshold` (which may rise as it fills) are offered. */
export interface ScoreSink {
  threshold: number;
  offer(doc: number, score: number): void;
}

/**
 * Offers `sink` the BM25 score of each of one group's documents that has a query term, in the order the
 * terms' postings first reach them. Repeated query terms count once; `weightOf` scales a term's share (1 if omitted).
 */
export function scoreBm25(group: Postings, queryTerms: readonly string[], stats: CollectionStats, sink: ScoreSink, weightOf?: (term: string) => number): void {
  if (stats.documents === 0 || group.size === 0) return;
  // Summed in a typed array and offered from it: a map read and write per posting, or a map of the
  // results, cost most of a query's lexical time on common terms.
  const sums = scratch(group.size);
  const touched: number[] = [];
  const lengths = group.lengths;
  for (const term of new Set(queryTerms)) {
    const df = stats.documentFrequency(term);
    const weight = weightOf?.(term) ?? 1;
    if (df === 0 || weight <= 0) continue;
    const idf = Math.log(1 + (stats.documents - df + 0.5) / (df + 0.5)) * weight;
    const pairs = group.postingsOf(term);
    for (let i = 0; i < pairs.length; i += 2) {
      const doc = pairs[i];
      const tf = pairs[i + 1];
      const norm = K1 * (1 - B + (B * lengths[doc]) / stats.averageLength);
      if (sums[doc] === 0) touched.push(doc);
      sums[doc] += (idf * tf * (K1 + 1)) / (tf + norm);
    }
  }
  for (const doc of touched) {
    const score = sums[doc];
    sums[doc] = 0; // the scratch array is shared: leave it zeroed
    if (score > sink.threshold) sink.offer(doc, score);
  }
}

let shared = new Float64Array(0);

/** A zeroed array of at least `size` sums, reused across calls (scoring is synchronous). */
function scratch(size: number): Float64Array {
  if (shared.length < size) shared = new Float64Array(size);
  return shared;
}
