import { bestSnippetLines } from '../engine/passages/snippet';
import type { Styler } from './terminal';

/** Lines of a snippet printed under a source: the best one or two, enough to see why it is there. */
export const SNIPPET_LINES_SHOWN = 2;

/**
 * The snippet's best lines (those with the question's words), dim, with the matched words bold: on a
 * colour terminal the eye finds them, in a pipe they are plain text.
 */
export function snippetLines(snippet: string, matches: readonly [number, number][], style: Styler): string[] {
  return bestSnippetLines(snippet, matches, SNIPPET_LINES_SHOWN).map(({ text, matches: marks }) => {
    let out = '';
    let at = 0;
    for (const [start, end] of marks) {
      if (start > at) out += style.dim(text.slice(at, start));
      out += style.bold(text.slice(start, end));
      at = end;
    }
    return at < text.length ? out + style.dim(text.slice(at)) : out;
  });
}
