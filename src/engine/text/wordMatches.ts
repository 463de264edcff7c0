import { stopwords } from '@orama/stopwords/english';
import { terms } from './terms';

/**
 * Where a question's words occur in a line, found with the engine's own terms (stems, identifier parts),
 * so what a snippet marks and what the offline answer quotes agree with what the search matched.
 */

/** The question as matching needs it: its terms, and the words as written (lowercased) for telling exact matches apart. */
export interface QuestionTerms {
  terms: Set<string>;
  words: Set<string>;
  /** The question's words in order, lowercased and space-separated: how a line that repeats the question is recognised. */
  echo: string;
}

/** One matched word, or one matched part of an identifier: `[start, end)` in the line. */
export interface WordMatch {
  start: number;
  end: number;
  term: string;
  /**
   * The line has the question's word as written (any case), not only a word of the same stem: `Author`
   * shares a stem with "authorization" but says far less about a question that asks for it.
   */
  exact: boolean;
}

/** Word characters as `terms` sees them: letters and digits of any script, `_` and `$`. */
const WORD = /[\p{L}\p{N}_$]+/gu;
/** Identifier parts as `terms` splits them: `getUserName` → get, User, Name; `HTTPServer` → HTTP, Server. */
const PART = /[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+|[^\sA-Za-z0-9_$]+/g;
/** `terms` ignores longer runs: hashes, base64 and minified blobs. */
const MAX_WORD_CHARS = 64;

/**
 * English words too common to show where an answer is ("such", "same", "other"), beyond the few the
 * index drops: matching a line for one of them is how an answer ends up quoting noise.
 */
const COMMON_WORDS = new Set(stopwords);

/** The question's terms, less those only its common words give. */
export function questionTerms(question: string): QuestionTerms {
  const words = new Set<string>();
  const wanted = new Set<string>();
  for (const [word] of question.matchAll(WORD)) {
    if (COMMON_WORDS.has(word.toLowerCase())) continue;
    words.add(word.toLowerCase());
    for (const part of parts(word)) words.add(part.text.toLowerCase());
    for (const term of terms(word)) wanted.add(term);
  }
  return { terms: wanted, words, echo: normalized(question) };
}

/**
 * A question of this many words or more, found word for word in a line, is being shown, not answered
 * there; a shorter one ("cache size limit") is a phrase an answering line naturally contains.
 */
const MIN_ECHO_WORDS = 5;

/**
 * Whether `line` repeats the whole question (a README that shows the question as an example, a test
 * that asks it): such a line holds every word of the question and answers none of it.
 */
export function repeatsQuestion(line: string, question: QuestionTerms): boolean {
  return question.echo.split(' ').length >= MIN_ECHO_WORDS && normalized(line).includes(question.echo);
}

function normalized(text: string): string {
  return [...text.matchAll(WORD)].map(([word]) => word.toLowerCase()).join(' ');
}

/** The matches of the question's terms in one line, in order, not overlapping. */
export function matchWords(line: string, question: QuestionTerms): WordMatch[] {
  const matches: WordMatch[] = [];
  if (question.terms.size === 0) return matches;
  for (const found of line.matchAll(WORD)) {
    const word = found[0];
    if (word.length > MAX_WORD_CHARS) continue;
    const start = found.index!;
    const whole = terms(word).find((term) => question.terms.has(term));
    const pieces = parts(word);
    if (pieces.length <= 1 || (whole !== undefined && whole === wholeTerm(word))) {
      if (whole !== undefined) matches.push({ start, end: start + word.length, term: whole, exact: question.words.has(word.toLowerCase()) });
      continue;
    }
    // An identifier: the parts that match (`get[User][Name]`).
    for (const piece of pieces) {
      const term = terms(piece.text).find((t) => question.terms.has(t));
      if (term === undefined) continue;
      const at = start + piece.start;
      matches.push({ start: at, end: at + piece.text.length, term, exact: question.words.has(piece.text.toLowerCase()) });
    }
  }
  return matches;
}

/** The term `terms` gives a whole identifier besides its parts. */
function wholeTerm(word: string): string {
  return word.toLowerCase().replace(/[_$]/g, '');
}

function parts(word: string): { text: string; start: number }[] {
  const out: { text: string; start: number }[] = [];
  for (const piece of word.matchAll(/[^_$]+/g)) {
    for (const part of piece[0].matchAll(PART)) out.push({ text: part[0], start: piece.index! + part.index! });
  }
  return out;
}
