import DOMPurify from 'dompurify';
import { Marked, type Tokens } from 'marked';

/**
 * Markdown for answers, safely: HTML written in the answer (or quoted from a file) is shown as text,
 * never parsed; links keep only http(s); and DOMPurify cleans the result again in case anything slipped
 * through. `[n]` citations become buttons the panel wires to their source cards.
 */
const marked = new Marked({ gfm: true, async: false });

marked.use({
  renderer: {
    html({ text }: Tokens.HTML | Tokens.Tag): string {
      return escapeHtml(text);
    },
  },
  extensions: [{
    name: 'citation',
    level: 'inline',
    start: (src: string) => src.match(/\[\d/)?.index,
    tokenizer(src: string) {
      const match = /^\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\](?!\()/.exec(src);
      if (!match) return undefined;
      return { type: 'citation', raw: match[0], numbers: match[1].split(',').map((n) => Number(n.trim())) };
    },
    renderer(token) {
      return (token.numbers as number[])
        .map((n) => `<button type="button" class="cite" data-cite="${n}" title="Source ${n}">${n}</button>`)
        .join('');
    },
  }],
});

const ALLOWED_TAGS = ['p', 'br', 'strong', 'em', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'hr', 'button', 'span'];

export function renderMarkdown(text: string): string {
  const html = marked.parse(text) as string;
  return DOMPurify.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR: ['href', 'title', 'class', 'type', 'data-cite'],
    ALLOWED_URI_REGEXP: /^https?:/i,
  });
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
