import type { PassageLine } from './passageLines';

/**
 * The few contiguous lines of a source that best match a question: what its snippet shows and what
 * the offline answer quotes. A passage is measured by how many of the question's distinct terms it
 * has, a term counting fully when a line has the question's own word and half when only a word of
 * the same stem.
 *
 * The terms are not weighed by how rare they are among the sources: the sources were found because
 * they share the question's central words, so those would count least. (Weighing by rarity among the
 * sources' lines did no better on `npm run eval` and led the issue's example with a passage on a side
 * word.) Words that say nothing are dropped from the question beforehand (`questionTerms`).
 */

/** Weight of a match by stem only (`Author` for "authorization"): half the evidence of the word as written. */
export const STEM_MATCH_WEIGHT = 0.5;

/** A contiguous run of a source's lines: `lines[first..last]` of its `passageLines`. */
export interface Excerpt {
  first: number;
  last: number;
  /** Share of the question's terms the excerpt has (each at its best match), 0 to 1. */
  coverage: number;
  /** Share of the question's terms its best line has on its own: words said together, not scattered. */
  lineCoverage: number;
}

/**
 * How excerpts that cover as much of the question are told apart: `dense` takes the one with the most
 * matches (repeated words count here only), to show a reader every place the words are; `tight` the
 * one with the fewest lines, to quote just what answers.
 */
export type ExcerptPreference = 'dense' | 'tight';

/**
 * The best excerpt of at most `maxLines` lines: the most of the question covered, then as `prefer`
 * says; it starts and ends on a matching line, then goes on past a line that introduces what follows
 * (a heading, or a sentence ending in a colon) while `maxLines` allow. A Markdown heading may open an
 * excerpt but never sits inside one: a passage stays in its section. Undefined when no line matches.
 * `questionTerms` is how many terms the question has.
 */
export function bestExcerpt(lines: readonly PassageLine[], questionTerms: number, maxLines: number,
  prefer: ExcerptPreference): Excerpt | undefined {
  let best: { first: number; last: number; covered: number; density: number } | undefined;
  for (let first = 0; first < lines.length; first++) {
    if (lines[first].matches.length === 0) continue;
    const covered = new Map<string, number>();
    let density = 0;
    for (let last = first; last < lines.length && last - first < maxLines; last++) {
      if (last > first && lines[last].heading) break;
      if (lines[last].matches.length === 0) continue;
      density += addMatches(covered, lines[last]);
      const sum = total(covered);
      const candidate = { first, last, covered: sum, density };
      if (!best || sum > best.covered || (sum === best.covered && better(candidate, best, prefer))) best = candidate;
    }
  }
  if (!best || questionTerms === 0) return undefined;
  for (let lead = introduction(lines[best.last]); lead > 0 && best.last - best.first + 1 < maxLines; lead--) {
    if (best.last + 1 >= lines.length || lines[best.last + 1].heading) break;
    best.last++;
    lead = Math.max(lead, introduction(lines[best.last]));
  }
  let bestLine = 0;
  for (let i = best.first; i <= best.last; i++) bestLine = Math.max(bestLine, total(lineTerms(lines[i])));
  return { first: best.first, last: best.last, coverage: best.covered / questionTerms, lineCoverage: bestLine / questionTerms };
}

function better(a: { first: number; last: number; density: number }, b: { first: number; last: number; density: number },
  prefer: ExcerptPreference): boolean {
  const [shorter, denser] = [a.last - a.first < b.last - b.first, a.density > b.density];
  const [sameLength, sameDensity] = [a.last - a.first === b.last - b.first, a.density === b.density];
  return prefer === 'dense' ? denser || (sameDensity && shorter) : shorter || (sameLength && denser);
}

/**
 * How many lines after this one it introduces: a heading, its section's opening line; prose ending in a
 * colon, the list or code it leads into (as much as fits); any other line, none.
 */
function introduction(line: PassageLine): number {
  if (line.heading) return 1;
  return !line.code && /:\s*$/.test(line.text) ? Infinity : 0;
}

/** Adds a line's matches to the best weight seen per term; returns the line's own weight (its distinct terms). */
function addMatches(covered: Map<string, number>, line: PassageLine): number {
  const own = lineTerms(line);
  for (const [term, weight] of own) covered.set(term, Math.max(covered.get(term) ?? 0, weight));
  return total(own);
}

function lineTerms(line: PassageLine): Map<string, number> {
  const terms = new Map<string, number>();
  for (const match of line.matches) terms.set(match.term, Math.max(terms.get(match.term) ?? 0, match.exact ? 1 : STEM_MATCH_WEIGHT));
  return terms;
}

function total(weights: Map<string, number>): number {
  let sum = 0;
  for (const weight of weights.values()) sum += weight;
  return sum;
}
