/**
 * The textbook baseline: BM25 (k1 = 1.2, b = 0.75, Lucene's idf) over fixed 60-line chunks of each file,
 * with plain lowercase word tokens. Nothing of ours (chunker, tokenizer, fields, fusion) is in it.
 */
import { plainWords, type TextFile } from './packageFiles';

/** Lines per chunk: a common fixed window for code search baselines, about one screen. */
const CHUNK_LINES = 60;
const K1 = 1.2;
const B = 0.75;

interface Chunk {
  path: string;
  length: number;
  termFrequency: Map<string, number>;
}

export class PlainBm25 {
  private readonly chunks: Chunk[] = [];
  private readonly postings = new Map<string, number[]>();
  private readonly averageLength: number;

  constructor(files: readonly TextFile[]) {
    let totalLength = 0;
    for (const file of files) {
      const lines = file.text.split('\n');
      for (let start = 0; start < lines.length; start += CHUNK_LINES) {
        const words = plainWords(lines.slice(start, start + CHUNK_LINES).join('\n'));
        const termFrequency = new Map<string, number>();
        for (const word of words) termFrequency.set(word, (termFrequency.get(word) ?? 0) + 1);
        const id = this.chunks.length;
        for (const term of termFrequency.keys()) {
          const list = this.postings.get(term);
          if (list) list.push(id);
          else this.postings.set(term, [id]);
        }
        this.chunks.push({ path: file.path, length: words.length, termFrequency });
        totalLength += words.length;
      }
    }
    this.averageLength = totalLength / Math.max(1, this.chunks.length);
  }

  /** Paths of the best `k` chunks, best first. */
  search(question: string, k: number): string[] {
    const scores = new Map<number, number>();
    const n = this.chunks.length;
    for (const term of new Set(plainWords(question))) {
      const list = this.postings.get(term);
      if (!list) continue;
      const idf = Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5));
      for (const id of list) {
        const chunk = this.chunks[id];
        const tf = chunk.termFrequency.get(term)!;
        const norm = tf + K1 * (1 - B + (B * chunk.length) / this.averageLength);
        scores.set(id, (scores.get(id) ?? 0) + (idf * tf * (K1 + 1)) / norm);
      }
    }
    return [...scores].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, k).map(([id]) => this.chunks[id].path);
  }
}
