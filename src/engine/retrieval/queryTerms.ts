import { terms } from '../text/terms';

/**
 * A question's search terms. Questions write identifiers and names as separate words ("request id",
 * "type provider", "HTTP/2", "log in") where code and docs write them as one (`requestId`,
 * `TypeProvider`, `http2`, `login`); the index has such an identifier both whole and in parts, so two
 * adjacent words of the question are also looked up joined. A joined form found nowhere costs nothing.
 */
export interface QueryTerms {
  /** The question's own terms, distinct, in order: what a matching chunk should cover. */
  own: string[];
  /** Adjacent words joined, as the index writes an identifier made of them. */
  compounds: string[];
}

/** Words as `terms` sees them, with where they are. */
const WORD = /[\p{L}\p{N}_$]+/gu;
/** What may stand between two words that one identifier could write together. */
const JOINABLE = /^(?:\s|[/._-])?$/;
/** Short words that make one word with the one before (`login`, `setup`, `signout`), and version numbers (`http2`). */
const SECOND_PARTS = /^(?:in|up|out|on|off|[0-9]+)$/i;

export function analyseQuery(question: string): QueryTerms {
  const own = [...new Set(terms(question))];
  const known = new Set(own);
  const compounds = new Set<string>();
  let previous: { word: string; end: number; meaningful: boolean } | undefined;
  for (const match of question.matchAll(WORD)) {
    const word = match[0];
    const meaningful = terms(word).length > 0;
    const joinable = previous?.meaningful && (meaningful || SECOND_PARTS.test(word)) && JOINABLE.test(question.slice(previous.end, match.index));
    // Unstemmed, as the index writes an identifier made of several parts.
    const joined = joinable ? (previous!.word + word).toLowerCase() : '';
    if (joined && !known.has(joined)) compounds.add(joined);
    previous = { word, end: match.index + word.length, meaningful };
  }
  return { own, compounds: [...compounds] };
}

/** Every term to look up for a question: its own, then the joined forms. */
export function queryTerms(question: string): string[] {
  const { own, compounds } = analyseQuery(question);
  return [...own, ...compounds];
}
