/** BM25's usual constants: term-frequency saturation and length normalisation. */
const K1 = 1.2;
const B = 0.75;

/**
 * Postings of one group of documents (one shard): for each term, the documents that contain it and
 * how often, packed as `[doc, tf, doc, tf, …]`. Rebuilt only for the group that changed.
 */
export class Postings {
  readonly terms: Map<string, Uint32Array>;
  readonly lengths: Uint32Array;
  readonly totalLength: number;

  private constructor(lengths: Uint32Array, terms: Map<string, Uint32Array>) {
    this.lengths = lengths;
    this.terms = terms;
    this.totalLength = lengths.reduce((sum, n) => sum + n, 0);
  }

  /** Builds postings from each document's terms (in document order). */
  static fromDocuments(documents: readonly (readonly string[])[]): Postings {
    const lists = new Map<string, number[]>();
    const lengths = new Uint32Array(documents.length);
    documents.forEach((terms, doc) => {
      lengths[doc] = terms.length;
      const counts = new Map<string, number>();
      for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
      for (const [term, tf] of counts) {
        let list = lists.get(term);
        if (!list) lists.set(term, (list = []));
        list.push(doc, tf);
      }
    });
    const packed = new Map<string, Uint32Array>();
    for (const [term, list] of lists) packed.set(term, Uint32Array.from(list));
    return new Postings(lengths, packed);
  }

  /** Rebuilds from the serialised form written by `toJSON`. */
  static fromJSON(data: SerializedPostings): Postings {
    const terms = new Map<string, Uint32Array>();
    for (const [term, list] of Object.entries(data.terms)) terms.set(term, Uint32Array.from(list));
    return new Postings(Uint32Array.from(data.lengths), terms);
  }

  toJSON(): SerializedPostings {
    const terms: Record<string, number[]> = {};
    for (const [term, list] of this.terms) terms[term] = Array.from(list);
    return { lengths: Array.from(this.lengths), terms };
  }

  get size(): number {
    return this.lengths.length;
  }

  documentFrequency(term: string): number {
    const list = this.terms.get(term);
    return list ? list.length / 2 : 0;
  }
}

export interface SerializedPostings {
  lengths: number[];
  terms: Record<string, number[]>;
}

/** Collection-wide numbers BM25 needs, summed over every group. */
export interface CollectionStats {
  documents: number;
  averageLength: number;
  documentFrequency(term: string): number;
}

export function collectionStats(groups: readonly Postings[]): CollectionStats {
  const documents = groups.reduce((sum, g) => sum + g.size, 0);
  const totalLength = groups.reduce((sum, g) => sum + g.totalLength, 0);
  const cache = new Map<string, number>();
  return {
    documents,
    averageLength: documents === 0 ? 0 : totalLength / documents,
    documentFrequency(term) {
      let df = cache.get(term);
      if (df === undefined) {
        df = groups.reduce((sum, g) => sum + g.documentFrequency(term), 0);
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
    const list = group.terms.get(term);
    if (!list) continue;
    const df = stats.documentFrequency(term);
    const idf = Math.log(1 + (stats.documents - df + 0.5) / (df + 0.5));
    for (let i = 0; i < list.length; i += 2) {
      const doc = list[i];
      const tf = list[i + 1];
      const norm = K1 * (1 - B + (B * group.lengths[doc]) / stats.averageLength);
      scores.set(doc, (scores.get(doc) ?? 0) + (idf * tf * (K1 + 1)) / (tf + norm));
    }
  }
  return scores;
}
