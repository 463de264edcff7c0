import { stemmer } from 'stemmer';
import { detach } from './detach';

/** Words too common in English prose and questions to say anything about where an answer is. */
const STOPWORDS = new Set((
  'a an and are as at be been but by can could did do does for from had has have how i if in into is it its '
  + 'me my no not of on or our should so than that the their them then there these they this those to too '
  + 'was we were what when where which while who whom why will with would you your about does work works '
  + 'explain tell show find use used using'
).split(' '));

/** Stems are memoised: identifiers repeat endlessly in code, and stemming is the costly step. */
const STEM_CACHE_LIMIT = 50_000;
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

const CAMEL_PARTS = /[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+|[^\sA-Za-z0-9]+/g;
const NON_ASCII_WORD_CHAR = /[\p{L}\p{N}]/u;

/** A word's terms are memoised too: a codebase uses the same identifiers thousands of times. */
const WORD_CACHE_LIMIT = 50_000;
const wordCache = new Map<string, readonly string[]>();

/**
 * Search terms of a text: words lowercased and stemmed, identifiers also split into their parts
 * (`getUserName` → `getusernam`, `get`, `user`, `name`), stopwords dropped. Used for the index
 * and for questions alike, so both sides meet on the same terms.
 */
export function terms(text: string): string[] {
  const out: string[] = [];
  const length = text.length;
  let start = -1;
  for (let i = 0; i <= length; i++) {
    const code = i < length ? text.charCodeAt(i) : 32;
    if (isWordChar(code, text, i)) {
      if (start < 0) start = i;
      continue;
    }
    if (start < 0) continue;
    // Hashes, base64 and minified blobs (over 64 characters) carry no meaning.
    if (i - start <= 64) {
      const word = text.slice(start, i);
      let wordTerms = wordCache.get(word);
      if (wordTerms === undefined) {
        const own = detach(word); // cached words and their terms must not keep the whole text alive
        wordTerms = termsOfWord(own);
        if (wordCache.size >= WORD_CACHE_LIMIT) wordCache.clear();
        wordCache.set(own, wordTerms);
      }
      for (const term of wordTerms) out.push(term);
    }
    start = -1;
  }
  return out;
}

function isWordChar(code: number, text: string, i: number): boolean {
  if (code < 128) {
    return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95 || code === 36;
  }
  return NON_ASCII_WORD_CHAR.test(text[i]);
}

function termsOfWord(word: string): string[] {
  const out: string[] = [];
  const parts = splitIdentifier(word);
  if (parts.length > 1) {
    out.push(word.toLowerCase().replace(/[_$]/g, ''));
    for (const part of parts) addTerm(out, part);
  } else {
    addTerm(out, word);
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
