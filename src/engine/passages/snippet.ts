import type { Source } from '../../protocol/events';
import { questionTerms } from '../text/wordMatches';
import { cutLine } from './cutLine';
import { bestExcerpt } from './excerpt';
import { passageLines, type PassageLine } from './passageLines';

/** What a source card shows: the lines that best match the question, and where its words are in them (the `source` event's fields). */
export interface SourceSnippet {
  snippet: string;
  /** 1-based file line of the snippet's first line. */
  snippetLine: number;
  /** The question's words in `snippet`: `[start, end)` offsets, ascending, not overlapping. */
  snippetMatches: [number, number][];
}

/** A card shows about three lines: enough to see why the source is there, few enough to scan a list of them. */
export const SNIPPET_LINES = 3;
/** A longer line is cut around its first match, so a long paragraph or minified code still shows the words. */
export const SNIPPET_LINE_CHARS = 120;

/** The snippet of each source: the lines that best match the question, or its first lines when none match. */
export function sourceSnippets(question: string, sources: readonly Source[]): SourceSnippet[] {
  const terms = questionTerms(question);
  const lines = sources.map((source) => passageLines(source, terms));
  return sources.map((source, i) => {
    const excerpt = bestExcerpt(lines[i], terms.terms.size, SNIPPET_LINES, 'dense');
    const shown = excerpt ? lines[i].slice(excerpt.first, excerpt.last + 1) : lines[i].slice(0, SNIPPET_LINES);
    return shown.length > 0 ? render(shown) : { snippet: '', snippetLine: source.startLine, snippetMatches: [] };
  });
}

/** Joins the lines, code dedented together, each cut to its width around its first match, with the ranges moved along. */
function render(shown: PassageLine[]): SourceSnippet {
  const indent = Math.min(...shown.filter((l) => l.code).map((l) => /^\s*/.exec(l.text)![0].length));
  let snippet = '';
  const matches: [number, number][] = [];
  for (const line of shown) {
    if (snippet) snippet += '\n';
    const dedent = line.code && Number.isFinite(indent) ? indent : 0;
    const { text, from, kept } = cutLine(line.text.slice(dedent), (line.matches[0]?.start ?? 0) - dedent, SNIPPET_LINE_CHARS);
    const base = snippet.length;
    for (const match of line.matches) {
      const start = Math.max(kept[0], match.start - dedent - from);
      const end = Math.min(kept[1], match.end - dedent - from);
      if (end > start) addRange(matches, base + start, base + end);
    }
    snippet += text;
  }
  return { snippet, snippetLine: shown[0].lineNumber, snippetMatches: matches };
}

/** One line of a snippet with the ranges of its matched words, offsets into `text`. */
export interface MarkedLine {
  text: string;
  matches: [number, number][];
}

/**
 * The first `max` lines of a snippet, trimmed, each with its own ranges: what a one-line surface (a
 * terminal, a chat list) shows of a source. A snippet starts on a line with the question's words
 * whenever it has any, and goes on with what best matches or what that line introduces.
 */
export function bestSnippetLines(snippet: string, matches: readonly [number, number][], max: number): MarkedLine[] {
  const lines: MarkedLine[] = [];
  let start = 0;
  for (const line of snippet.split('\n')) {
    const from = start + line.length - line.trimStart().length;
    const to = start + line.trimEnd().length;
    start += line.length + 1;
    if (to <= from) continue;
    const marks = matches.filter(([a, b]) => a < to && b > from).map(([a, b]): [number, number] => [Math.max(a, from) - from, Math.min(b, to) - from]);
    lines.push({ text: snippet.slice(from, to), matches: marks });
    if (lines.length === max) break;
  }
  return lines;
}

/** Adds a range, joining it to the previous one when they touch (`get[User][Name]` → one mark). */
function addRange(ranges: [number, number][], start: number, end: number): void {
  const last = ranges[ranges.length - 1];
  if (last && start <= last[1]) last[1] = Math.max(last[1], end);
  else ranges.push([start, end]);
}
