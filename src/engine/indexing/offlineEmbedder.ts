import { fnv1a } from '../text/hash';
import { terms } from '../text/terms';
import type { CollectionStats } from '../retrieval/bm25';
import { analyseQuery } from '../retrieval/queryTerms';
import { relatedTerms } from '../retrieval/thesaurus';
import type { Embedder, TermsOfText } from './embedder';

/**
 * 256 dimensions keep 50,000 chunks at 13 MB of vectors in memory (one byte per dimension) and a
 * brute-force search under 10 ms, while collisions between a chunk's few hundred distinct features stay rare.
 */
export const OFFLINE_DIMENSIONS = 256;

/** Words every file of a language repeats: they would make every code chunk look alike. */
const CODE_NOISE = new Set((
  'const let var function return if else for while do switch case break continue import export from default '
  + 'new this self class public private protected static void null undefined true false none nil async await '
  + 'string number boolean int str bool type interface extends implements def end try catch finally throw '
  + 'require module exports of in is as get set'
).split(' '));

/** Character trigrams of longer words let `tokenizer` meet `tokenization` and `authn` meet `authentication`. */
const TRIGRAM_MIN_LENGTH = 4;
const TRIGRAM_WEIGHT = 0.7;
/**
 * The first two lines of an embedded chunk say where it lives (its path, then its heading or
 * declaration): their words count this many extra times, so a question naming a component finds it.
 */
const HEADER_LINES = 2;
const HEADER_BOOST = 4;

/**
 * A question's rare words (in at most `rareShare` of the chunks: a specific term, where the answering file
 * may well say it otherwise) bring their other words from the thesaurus into the question's vector, at
 * `weight` of its own words: hashed vectors know no synonyms. Common words do not: their other words are
 * common too, and pull the vector towards every file. Chosen by leave-one-package-out (BENCHMARKS.md).
 */
export const QUESTION_BRIDGE = { rareShare: 0.005, weight: 0.5 };

/**
 * A built-in embedder that needs no server, key or download: each text becomes a signed feature-hashing
 * vector of its stemmed words and identifier parts (weighted by log term frequency, words of the header
 * lines boosted) plus their character trigrams, L2-normalised. It knows no synonyms, but it matches word
 * forms and partial identifiers that exact-term search misses, and it embeds thousands of chunks per second.
 * Its settings were chosen with `npm run eval` (see BENCHMARKS.md).
 */
export class OfflineEmbedder implements Embedder {
  readonly id = 'offline';
  readonly model = 'hashed-terms-v1';
  readonly dimensions = OFFLINE_DIMENSIONS;

  async embed(texts: string[]): Promise<Float32Array[]> {
    return texts.map((text) => embedText(text, this.dimensions));
  }

  embedTerms(items: readonly TermsOfText[]): Float32Array[] {
    return items.map((item) => vectorOf(item, this.dimensions));
  }

  embedQuestion(question: string, stats: CollectionStats): Float32Array {
    const { own, compounds, variants } = analyseQuery(question);
    const taken = new Set([...own, ...compounds, ...variants]);
    const rare = own.filter((term) => stats.documentFrequency(term) <= QUESTION_BRIDGE.rareShare * stats.documents);
    const others = rare.flatMap(relatedTerms).filter((term) => !taken.has(term));
    return vectorOf({ terms: terms(question), headerTerms: terms(headerOf(question)) }, this.dimensions, others);
  }
}

export function embedText(text: string, dimensions = OFFLINE_DIMENSIONS): Float32Array {
  return vectorOf({ terms: terms(text), headerTerms: terms(headerOf(text)) }, dimensions);
}

/** `others`: words the text does not have, added at QUESTION_BRIDGE.weight of its strongest word. */
function vectorOf({ terms: textTerms, headerTerms }: TermsOfText, dimensions: number, others: readonly string[] = []): Float32Array {
  const counts = new Map<string, number>();
  for (const term of textTerms) {
    if (!CODE_NOISE.has(term)) counts.set(term, (counts.get(term) ?? 0) + 1);
  }
  for (const term of new Set(headerTerms)) {
    if (!CODE_NOISE.has(term)) counts.set(term, (counts.get(term) ?? 0) + HEADER_BOOST);
  }
  const vector = new Float32Array(dimensions);
  let strongest = 0;
  for (const [term, count] of counts) {
    const weight = 1 + Math.log(count);
    strongest = Math.max(strongest, weight);
    addTerm(vector, term, weight);
  }
  for (const term of new Set(others)) {
    if (!counts.has(term) && !CODE_NOISE.has(term)) addTerm(vector, term, QUESTION_BRIDGE.weight * strongest);
  }
  let norm = 0;
  for (let i = 0; i < dimensions; i++) norm += vector[i] * vector[i];
  if (norm > 0) {
    const scale = 1 / Math.sqrt(norm);
    for (let i = 0; i < dimensions; i++) vector[i] *= scale;
  }
  return vector;
}

/** A term's own feature and those of its character trigrams. */
function addTerm(vector: Float32Array, term: string, weight: number): void {
  addFeature(vector, fnv1a(term), weight);
  if (term.length >= TRIGRAM_MIN_LENGTH) {
    const each = (TRIGRAM_WEIGHT * weight) / Math.sqrt(term.length);
    for (let i = -1; i + 2 <= term.length; i++) addFeature(vector, trigramHash(term, i), each);
  }
}

/** The first lines of a text, whose words are boosted. */
export function headerOf(text: string): string {
  let end = -1;
  for (let line = 0; line < HEADER_LINES; line++) {
    end = text.indexOf('\n', end + 1);
    if (end === -1) return text;
  }
  return text.slice(0, end);
}

/** The sign bit of the hash decides the sign: that halves the bias collisions add to cosine similarity. */
function addFeature(vector: Float32Array, hash: number, weight: number): void {
  vector[hash % vector.length] += hash & 0x80000000 ? -weight : weight;
}

/**
 * FNV-1a of `#` and the trigram of `^term$` starting at `start` (-1 is the `^`), computed from char codes
 * so that no string is built per trigram.
 */
function trigramHash(term: string, start: number): number {
  let hash = Math.imul(0x811c9dc5 ^ 35, 0x01000193); // '#'
  for (let i = start; i < start + 3; i++) {
    const code = i < 0 ? 94 : i >= term.length ? 36 : term.charCodeAt(i); // '^' and '$'
    hash = Math.imul(hash ^ code, 0x01000193);
  }
  return hash >>> 0;
}
