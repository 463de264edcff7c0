import { bestSnippetLines } from '../engine/passages/snippet';

/** Lines of a snippet listed under a source by `@rag /search`: the best one or two. */
export const SNIPPET_LINES_SHOWN = 2;

/** Characters Markdown could read as markup; escaped so file text stays text. */
const MARKDOWN_SPECIAL = /[\\`*_{}[\]()<>#+\-.!|~&]/g;

/**
 * The snippet's best lines (those with the question's words) as Chat Markdown: file text escaped, so a
 * backtick, a link or a tag in a file stays as written, and the matched words in bold.
 */
export function snippetMarkdown(snippet: string, matches: readonly [number, number][]): string[] {
  return bestSnippetLines(snippet, matches, SNIPPET_LINES_SHOWN).map(({ text, matches: marks }) => {
    let out = '';
    let at = 0;
    for (const [start, end] of marks) {
      out += escape(text.slice(at, start)) + `**${escape(text.slice(start, end))}**`;
      at = end;
    }
    return out + escape(text.slice(at));
  });
}

function escape(text: string): string {
  return text.replace(MARKDOWN_SPECIAL, (c) => `\\${c}`);
}
