import { stemmer } from 'stemmer';

/** Words too common in English prose and questions to say anything about where an answer is. */
const STOPWORDS = new Set((
  'a an and are as at be been but by can could did do does for from had has have how i if in into is it its '
  + 'me my no not of on or our should so than that the their them then there these they this those to too '
  + 'was we were what when where which while who whom why will with would you your about does work works '
  + 'explain tell show find use used using'
).split(' '));

/** Stems are memoised: identifiers repeat endlessly in code, and stemming is the costly step. */
const STEM_CACHE_LIMIT = 200_000;
const stemCache = new Map<string, string>();

function stem(word: string): string {
  let stemmed = stemCache.get(word);
  if (stemmed === undefined) {
    stemmed = /^[a-z]+$/.test(word) ? stemmer(word) : word;
    if (stemCache.size >= STEM_CACHE_LIMIT) stemCache.clear();
    stemCache.set(word, stemmed);
  }
  return stemmed;
}

const WORD = /[\p{L}\p{N}_$]+/gu;
const CAMEL_PARTS = /[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+|[^\sA-Za-z0-9]+/g;

/**
 * Search terms of a text: words lowercased and stemmed, identifiers also split into their parts
 * (`getUserName` → `getusernam`, `get`, `user`, `name`), stopwords dropped. Used for the index
 * and for questions alike, so both sides meet on the same terms.
 */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(WORD)) {
    const word = match[0];
    if (word.length > 64) continue; // hashes, base64 and minified blobs carry no meaning
    const lower = word.toLowerCase();
    const parts = splitIdentifier(word);
    if (parts.length > 1) {
      out.push(lower.replace(/[_$]/g, ''));
      for (const part of parts) addTerm(out, part);
    } else {
      addTerm(out, lower);
    }
  }
  return out;
}

function addTerm(out: string[], word: string): void {
  const lower = word.toLowerCase();
  if (lower.length < 2 || STOPWORDS.has(lower)) return;
  out.push(stem(lower));
}

function splitIdentifier(word: string): string[] {
  const parts: string[] = [];
  for (const piece of word.split(/[_$]+/)) {
    if (piece) for (const m of piece.matchAll(CAMEL_PARTS)) parts.push(m[0]);
  }
  return parts;
}

/** Distinct terms, for matching a question against lines. */
export function termSet(text: string): Set<string> {
  return new Set(terms(text));
}
