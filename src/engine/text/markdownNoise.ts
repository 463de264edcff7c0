/**
 * Markdown and HTML that lays a page out but says nothing when a line is read on its own: anchors,
 * centred headings, logos and badges, heading markers, link targets. Stripped from the lines a snippet
 * or the offline answer shows, so the reader sees the words.
 */

/** Tags that only lay text out: removed, their text kept (`<h1 align="center">Fastify</h1>` → `Fastify`). */
const LAYOUT_TAG = /<\/?(?:a|abbr|b|big|br|center|code|details|div|em|font|h[1-6]|hr|i|img|kbd|p|picture|small|source|span|strong|sub|summary|sup|u)\b[^>]*>/gi;
const COMMENT = /<!--.*?(?:-->|$)/g;
/** Images and badges, inline or by reference: `![alt](src)`, `![alt][ref]`; a badge's link is left empty below. */
const IMAGE = /!\[[^\]]*\](?:\([^)]*\)|\[[^\]]*\])/g;
const EMPTY_LINK = /\[\s*\](?:\([^)]*\)|\[[^\]]*\])/g;
/** A link shows its text: `[the docs](https://…)` → `the docs`. */
const LINK = /\[([^\]]+)\](?:\([^)]*\)|\[[^\]]*\])/g;
const HEADING_MARKS = /^\s{0,3}#{1,6}(?:\s+|$)|\s+#+\s*$/g;
const QUOTE_MARKS = /^\s*(?:>\s?)+/;
const BOLD_MARKS = /\*\*/g;
/** A line that only defines a link target: `[docs]: https://…`. */
const LINK_DEFINITION = /^\s{0,3}\[[^\]]+\]:\s*\S+/;

/** The line as a reader wants it: layout removed, the text kept, spaces collapsed; empty when nothing is left. */
export function stripMarkdownNoise(line: string): string {
  if (LINK_DEFINITION.test(line)) return '';
  return line
    .replace(COMMENT, '')
    .replace(IMAGE, '')
    .replace(EMPTY_LINK, '')
    .replace(LINK, '$1')
    .replace(LAYOUT_TAG, '')
    .replace(HEADING_MARKS, '')
    .replace(QUOTE_MARKS, '')
    .replace(BOLD_MARKS, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Whether a Markdown line is a heading (`## Title`, or an HTML `<h2>`). */
export function isMarkdownHeading(line: string): boolean {
  return /^\s{0,3}#{1,6}\s/.test(line) || /^\s*<h[1-6]\b/i.test(line);
}
