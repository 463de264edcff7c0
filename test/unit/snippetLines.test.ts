// The one-line surfaces of a snippet: the CLI's source lines and @rag /search's list show the snippet's best
// lines with the engine's matched words marked (bold on a terminal, bold in Chat Markdown), file text as text.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Marked } from 'marked';
import { snippetLines } from '../../src/cli/snippetLines';
import type { Styler } from '../../src/cli/terminal';
import { bestSnippetLines, sourceSnippets } from '../../src/engine/passages/snippet';
import { snippetMarkdown } from '../../src/extension/snippetMarkdown';
import { source } from '../helpers/engineFakes';

/** A colour terminal's styles, written out so the test can read them. */
const tags: Styler = {
  bold: (t) => `<b>${t}</b>`, dim: (t) => `<d>${t}</d>`, cyan: (t) => t, yellow: (t) => t, red: (t) => t, green: (t) => t,
};
const plain: Styler = { bold: (t) => t, dim: (t) => t, cyan: (t) => t, yellow: (t) => t, red: (t) => t, green: (t) => t };

const pool = source('src/db/pool.ts', [
  'export class Pool {',
  '  private readonly idle: Connection[] = [];',
  '  /** Connections idle for longer than idleTimeout are closed. */',
  '  constructor(private readonly idleTimeout = 30_000) {}',
].join('\n'));

describe('snippet lines', () => {
  it('are the snippet\'s first lines, from its best one, trimmed, with ranges of their own', () => {
    const [snippet] = sourceSnippets('when are idle connections closed?', [pool]);
    const lines = bestSnippetLines(snippet.snippet, snippet.snippetMatches, 2);
    assert.equal(lines.length, 2);
    assert.equal(lines[0].text, 'private readonly idle: Connection[] = [];');
    for (const line of lines) {
      for (const [a, b] of line.matches) assert.match(line.text.slice(a, b), /^(idle|Connection|Connections|closed)$/i);
    }
    assert.deepEqual(bestSnippetLines('  first\n\nsecond\nthird', [], 2).map((l) => l.text), ['first', 'second'], 'blank lines skipped, lines trimmed');
  });

  it('print dim on a colour terminal with the matched words bold, and as plain text in a pipe', () => {
    const [snippet] = sourceSnippets('when are idle connections closed?', [pool]);
    const [first] = snippetLines(snippet.snippet, snippet.snippetMatches, tags);
    assert.equal(first, '<d>private readonly </d><b>idle</b><d>: </d><b>Connection</b><d>[] = [];</d>');
    assert.deepEqual(snippetLines(snippet.snippet, snippet.snippetMatches, plain), bestSnippetLines(snippet.snippet, snippet.snippetMatches, 2).map((l) => l.text));
  });

  it('become Chat Markdown where file text stays text and only the matched words are bold', () => {
    const text = 'See [the docs](javascript:alert(1)) <img src=x onerror=alert(2)> for `token` limits_here';
    const [snippet] = sourceSnippets('token limits', [source('notes.ts', `// ${text}`)]);
    const [line] = snippetMarkdown(snippet.snippet, snippet.snippetMatches);
    const html = new Marked({ async: false }).parse(line) as string;
    assert.deepEqual([...html.matchAll(/<strong>(.*?)<\/strong>/g)].map((m) => m[1]), ['token', 'limits']);
    assert.doesNotMatch(html, /<a |<img|<code>/, 'no link, image or code span is made from the file');
    assert.match(html, /&lt;img src=x onerror=alert\(2\)&gt;/);
  });
});
