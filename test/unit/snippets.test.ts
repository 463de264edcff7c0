import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SNIPPET_LINES, SNIPPET_LINE_CHARS, sourceSnippets, type SourceSnippet } from '../../src/engine/passages/snippet';
import { StreamingRag } from '../../src/engine/streamingRag';
import { stripMarkdownNoise } from '../../src/engine/text/markdownNoise';
import { fixedRetriever, scriptedLlm, source } from '../helpers/engineFakes';

/** The marked words of a snippet, as a surface shows them. */
function marked(snippet: SourceSnippet): string[] {
  return snippet.snippetMatches.map(([start, end]) => snippet.snippet.slice(start, end));
}

const gate = source('src/auth/gate.ts', [
  'import { parse } from "./headers";',
  '',
  'export class Gate {',
  '  check(request: Request): boolean {',
  '    if (!request.authorization) return false;',
  '    return getUserName(request) !== "";',
  '  }',
  '}',
].join('\n'), 40);

describe('source snippets', () => {
  it('shows the lines that best match the question, not the first ones, with their file line', () => {
    const [snippet] = sourceSnippets('how do I authorize a user by name?', [gate]);
    assert.equal(snippet.snippet, 'if (!request.authorization) return false;\nreturn getUserName(request) !== "";');
    assert.equal(snippet.snippetLine, 44);
  });

  it('marks words that share a stem or are parts of an identifier, and nothing else', () => {
    const [snippet] = sourceSnippets('how do I authorize a user by name?', [gate]);
    assert.deepEqual(marked(snippet), ['authorization', 'UserName'], 'authorize ≈ authorization; user name ≈ getUserName');
    const [reverse] = sourceSnippets('where is getUserName called?', [source('a.md', 'We look up the user name first.')]);
    assert.deepEqual(marked(reverse), ['user', 'name'], 'the parts of an identifier match the words');
  });

  it('never marks the question\'s common words', () => {
    const [snippet] = sourceSnippets('such limits as the rate', [source('a.md', 'Limits such as these apply to the rate of requests.')]);
    assert.deepEqual(marked(snippet), ['Limits', 'rate']);
  });

  it('strips anchors, centred headings, badges, links and heading markers from Markdown', () => {
    const readme = source('README.md', [
      '<a id="top"></a>',
      '<h1 align="center">Fastify</h1>',
      '[![npm](https://img.shields.io/npm/v/fastify.svg)](https://npm.im/fastify) ![CI](https://x/ci.svg)',
      '',
      '##### .id',
      'The request id is read from the header set by [requestIdHeader](./Server.md#requestidheader).',
    ].join('\n'));
    const [snippet] = sourceSnippets('which header sets the request id?', [readme]);
    assert.equal(snippet.snippet, '.id\nThe request id is read from the header set by requestIdHeader.');
    assert.equal(snippet.snippetLine, 5);
    assert.doesNotMatch(snippet.snippet, /<a |<h1|!\[|#####|\]\(/);
    assert.deepEqual(marked(snippet), ['id', 'request', 'id', 'header', 'set', 'requestIdHeader'], '"sets" ≈ "set"');
    const [title] = sourceSnippets('fastify', [readme]);
    assert.equal(title.snippet, 'Fastify', 'a centred heading keeps its text');
  });

  it('keeps code as written inside Markdown fences, and leaves out the fence lines', () => {
    const doc = source('docs/Logging.md', ['### Log Redaction', '', '```js', 'const app = Fastify({', "  logger: { redact: ['req.headers.authorization'] }", '})', '```'].join('\n'));
    const [snippet] = sourceSnippets('redact the authorization header', [doc]);
    assert.doesNotMatch(snippet.snippet, /```/);
    assert.match(snippet.snippet, /logger: \{ redact: \['req\.headers\.authorization'\] \}/);
    assert.deepEqual(marked(snippet), ['Redaction', 'redact', 'headers', 'authorization']);
  });

  it('dedents code and keeps every range on the words it marks', () => {
    const nested = source('a.ts', '      if (cacheSize > limit) {\n        evictOldest(cache);\n      }');
    const [snippet] = sourceSnippets('cache size limit evict', [nested]);
    assert.equal(snippet.snippet, 'if (cacheSize > limit) {\n  evictOldest(cache);');
    assert.deepEqual(marked(snippet), ['cacheSize', 'limit', 'evict', 'cache']);
  });

  it('cuts a long line around its first match, between words, and moves the ranges with it', () => {
    const long = `${'filler words here '.repeat(20)}the connection pool size is set here ${'more text after '.repeat(20)}`;
    const [snippet] = sourceSnippets('connection pool size', [source('notes.md', long)]);
    assert.ok(snippet.snippet.length <= SNIPPET_LINE_CHARS + 2, `${snippet.snippet.length} characters`);
    assert.match(snippet.snippet, /^… ?\S/);
    assert.match(snippet.snippet, /…$/);
    assert.deepEqual(marked(snippet), ['connection', 'pool', 'size']);
  });

  it('shows at most a few lines, and the first lines when none match', () => {
    const text = Array.from({ length: 30 }, (_, i) => `line ${i} mentions the cache`).join('\n');
    const [many] = sourceSnippets('cache', [source('a.txt', text)]);
    assert.ok(many.snippet.split('\n').length <= SNIPPET_LINES);
    const [none] = sourceSnippets('kubernetes', [source('b.ts', '\n\nconst a = 1;\nconst b = 2;\nconst c = 3;\nconst d = 4;', 7)]);
    assert.equal(none.snippet, 'const a = 1;\nconst b = 2;\nconst c = 3;');
    assert.equal(none.snippetLine, 9);
    assert.deepEqual(none.snippetMatches, []);
  });

  it('are what the engine sends in every source event', async () => {
    const rag = new StreamingRag({ retriever: fixedRetriever([gate]), llm: scriptedLlm(['ok']) });
    const { events } = await rag.query('how do I authorize a user by name?');
    const event = events.find((e) => e.type === 'source');
    assert.ok(event?.type === 'source');
    const [expected] = sourceSnippets('how do I authorize a user by name?', [gate]);
    assert.deepEqual([event.snippet, event.snippetLine, event.snippetMatches], [expected.snippet, expected.snippetLine, expected.snippetMatches]);
  });
});

describe('stripMarkdownNoise', () => {
  const cases: [string, string][] = [
    ['<a name="install"></a>', ''],
    ['## Install <!-- keep short -->', 'Install'],
    ['<p align="center"><img src="logo.png" width="200"></p>', ''],
    ['[![Build](https://ci/badge.svg)][ci] [![npm][npm-badge]][npm]', ''],
    ['[docs]: https://example.com/docs', ''],
    ['See the [guide](guide.md) and [API][api] for **more**.', 'See the guide and API for more.'],
    ['> Note: quoted', 'Note: quoted'],
    ['<script>alert(1)</script> stays visible', '<script>alert(1)</script> stays visible'],
  ];
  for (const [line, expected] of cases) {
    it(`${JSON.stringify(line)} → ${JSON.stringify(expected)}`, () => assert.equal(stripMarkdownNoise(line), expected));
  }
});
