import DOMPurify from 'dompurify';
import { Marked, type Tokens } from 'marked';
import type { CitationSpan, CitationSpans } from '../src/protocol/citationSpans';

/**
 * Markdown for answers, safely: HTML written in the answer (or quoted from a file) is shown as text,
 * never parsed; links keep only http(s); and DOMPurify cleans the result again in case anything slipped
 * through. Citations become chips exactly where the engine's citation events put them: this file has no
 * idea of its own about what a citation looks like.
 */
const marked = new Marked({ gfm: true, async: false });

marked.use({
  renderer: {
    html({ text }: Tokens.HTML | Tokens.Tag): string {
      return escapeHtml(text);
    },
  },
});

const ALLOWED_TAGS = ['p', 'br', 'strong', 'em', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'hr', 'button', 'span'];

/** Private-use characters around a citation's number in the text given to marked: nothing in Markdown touches them. */
const OPEN = '\uE000';
const CLOSE = '\uE001';
const PLACEHOLDER = new RegExp(`${OPEN}(\\d+)${CLOSE}`, 'g');

/** The answer as sanitised HTML, each citation of `citations` a chip (`purify` is DOMPurify bound to a window). */
export function renderAnswer(text: string, citations: CitationSpans, purify: typeof DOMPurify = DOMPurify): string {
  const marks: CitationSpan[] = [];
  const marked$ = citations.split(text)
    .map((part) => (typeof part === 'string' ? part.replace(/[\uE000\uE001]/g, '') : `${OPEN}${marks.push(part) - 1}${CLOSE}`)).join('');
  const html = (marked.parse(marked$) as string).replace(PLACEHOLDER, (_, i: string) => chips(marks[Number(i)]));
  return purify.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR: ['href', 'title', 'class', 'type', 'data-cite'],
    ALLOWED_URI_REGEXP: /^https?:/i,
  });
}

function chips(span: CitationSpan): string {
  return span.numbers.map((n, i) => (span.valid[i]
    ? `<button type="button" class="cite" data-cite="${n}" title="Source ${n}">${n}</button>`
    : `<button type="button" class="cite invalid" data-cite="${n}" title="No source has this number">${n}</button>`)).join('');
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
