import { terms } from '../text/terms';
import { relatedTerms } from './thesaurus';

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
  /** Other spellings developers use for the question's words (`config` for "configuration"). */
  variants: string[];
  /** Other words for the same thing (thesaurus.ts): looked up at a lower weight than the others. */
  related: string[];
}

/**
 * Words developers write both in full and abbreviated, in names and in prose alike (`config` and
 * "configuration", `env` and "environment", `i18n` and "locale"); any one of a group finds the others.
 * General vocabulary only, never one package's. Abbreviations that are mostly local variable names
 * (`err`, `req`, `res`, `msg`, `ws`, `obj`, `str`, `fn`, `ctx`, `opts`) are left out: code has them on
 * every other line, so they find nothing in particular (measured: BENCHMARKS.md, "Retrieval quality").
 */
const VOCABULARY = [
  'config configuration configure', 'auth authentication authenticate', 'init initialize initialise initialization',
  'env environment', 'dir directory', 'impl implementation', 'repo repository',
  'i18n locale translation internationalization', 'db database', 'max maximum', 'min minimum',
  'async asynchronous', 'sync synchronous', 'perf performance', 'dep dependency',
  'regex regexp regular_expression', 'cli command_line',
];
let equivalents: Map<string, string[]> | undefined;

/** Term → the other terms of its group; built on first use (stemming at load would slow every import). */
function equivalentsOf(term: string): readonly string[] {
  if (!equivalents) {
    equivalents = new Map();
    for (const line of VOCABULARY) {
      // A two-word phrase is matched as the question's joined pair (`regularexpression`), as compounds are.
      const group = [...new Set(line.split(' ').map((word) => (word.includes('_') ? word.replace('_', '') : terms(word)[0])))];
      for (const t of group) equivalents.set(t, group.filter((other) => other !== t));
    }
  }
  return equivalents.get(term) ?? [];
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
  // Looked up like the question's own words: a variant found nowhere costs nothing, and weighing
  // them down measured no better (BENCHMARKS.md).
  const variants = new Set([...own, ...compounds].flatMap(equivalentsOf).filter((t) => !known.has(t) && !compounds.has(t)));
  const related = new Set([...own, ...compounds].flatMap(relatedTerms).filter((t) => !known.has(t) && !compounds.has(t) && !variants.has(t)));
  return { own, compounds: [...compounds], variants: [...variants], related: [...related] };
}

/** Every term to look up for a question: its own, then the joined forms, other spellings and other words. */
export function queryTerms(question: string): string[] {
  return lookupTerms(analyseQuery(question));
}

/** The terms of an analysed question that are looked up in the postings. */
export function lookupTerms({ own, compounds, variants, related }: QueryTerms): string[] {
  return [...own, ...compounds, ...variants, ...related];
}
