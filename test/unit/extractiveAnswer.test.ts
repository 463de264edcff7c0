import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_SUPPORTING, extractiveAnswer } from '../../src/engine/offline/extractiveAnswer';
import { CitationScanner } from '../../src/engine/citations';
import type { Source } from '../../src/protocol/events';
import { source } from '../helpers/engineFakes';

/** A source as retrieval returns it, with its score. */
function ranked(path: string, lines: string[], score: number, startLine = 1): Source {
  return { ...source(path, lines.join('\n'), startLine), score };
}

/** The passages of an answer: the source each cites, and the lines quoted under it (quote and fence marks removed). */
function passages(answer: string): { n: number; path: string; range: string; lines: string[] }[] {
  const found: { n: number; path: string; range: string; lines: string[] }[] = [];
  for (const line of answer.split('\n')) {
    const head = /^\*\*(.+)\*\* \((lines? [\d-]+)\) \[(\d+)\]:$/.exec(line);
    if (head) found.push({ path: head[1], range: head[2], n: Number(head[3]), lines: [] });
    else if (found.length > 0 && line.trim() !== '' && line !== 'Also relevant:' && !/^`{3,}\w*$/.test(line) && line !== '>') {
      found[found.length - 1].lines.push(line.replace(/^> (\*\*(.*)\*\*)?/, '$2'));
    }
  }
  return found;
}

function citations(answer: string): number[] {
  const scanner = new CitationScanner();
  return [...scanner.push(answer).marks, ...scanner.flush().marks].flatMap((m) => m.numbers);
}

// The sources the issue describes for "How do I hide sensitive fields such as authorization headers from
// the logs?": the answering doc ranked last, after unrelated docs and tests that share a word or a stem.
const AUTH_QUESTION = 'How do I hide sensitive fields such as authorization headers from the logs?';
const AUTH_SOURCES = [
  ranked('docs/Reference/Server.md', [
    '> ⚠️ Security:',
    '> These values are derived from socket/forwarding metadata and must be treated',
    '> as untrusted input unless your proxy chain is explicitly trusted and',
    '> validated. Do not use them directly for authorization or other',
    '> security-sensitive decisions without explicit validation. Custom trust',
    '> functions must validate the `address` argument; hop-count-only checks such as',
    '> `hop < 1` are unsafe when the Fastify origin can be reached directly.',
    '',
    '```js',
    "fastify.get('/', (request, reply) => {",
    '  console.log(request.ip)',
    '  console.log(request.host)',
    '})',
    '```',
    '',
    '> ℹ️ Note:',
    '> If a request contains multiple `x-forwarded-host` or `x-forwarded-proto`',
    '> headers, it is only the last one that is used to derive `request.hostname`.',
  ], 0.71, 667),
  ranked('types/request.d.ts', [
    "  headers: RawRequest['headers'] & RequestType['headers']; // this enables the developer to extend the existing http(s|2) headers list",
    '  log: Logger;',
    '  server: FastifyInstance;',
    '  /**',
    '   * Derived from request socket metadata or forwarding headers.',
    '   * Treat as untrusted input and validate before security-sensitive use.',
    '   */',
    '  readonly ip: string;',
  ], 0.61, 62),
  ranked('test/http-methods/proppatch.test.js', [
    'const bodySample = `<?xml version="1.0" encoding="utf-8" ?>',
    '  <D:propertyupdate xmlns:D="DAV:" xmlns:Z="http://ns.fastify.test/standards/z39.50/">',
    '    <D:set>',
    '      <D:prop>',
    '        <Z:Authors>',
    '          <Z:Author>Jim Whitehead</Z:Author>',
    '          <Z:Author>Roy Fielding</Z:Author>',
    '        </Z:Authors>',
    '      </D:prop>',
    '    </D:set>',
  ], 0.54, 1),
  ranked('test/internals/request.test.js', [
    "test('Regular request - hostname from authority', t => {",
    '  const headers = {',
    "    ':authority': 'authority'",
    '  }',
    "test('Regular request - host header has precedence over authority', t => {",
  ], 0.52, 129),
  ranked('docs/Reference/Logging.md', [
    '### Log Redaction',
    '',
    '[Pino](https://getpino.io) supports low-overhead log redaction for masking',
    'values of specific properties in recorded logs. For example, log all HTTP',
    'headers except the `Authorization` header for security:',
    '',
    '```js',
    'const fastify = Fastify({',
    '  logger: {',
    '    stream: stream,',
    "    redact: ['req.headers.authorization'],",
    "    level: 'info',",
    '  }',
    '})',
    '```',
  ], 0.48, 247),
];

describe('extractiveAnswer', () => {
  it('leads with the passage that answers, as one contiguous excerpt with its citation, even from a lower-ranked source', () => {
    const answer = extractiveAnswer(AUTH_QUESTION, AUTH_SOURCES, 'NOTICE');
    assert.equal(answer.split('\n')[0], 'NOTICE');
    const [lead] = passages(answer);
    assert.equal(lead.path, 'docs/Reference/Logging.md');
    assert.equal(citations(answer)[0], 5, 'the first citation is the lead\'s');
    assert.ok(lead.lines.some((l) => l.includes("redact: ['req.headers.authorization'],")), answer);
    assert.match(answer, /```javascript\n|```js\n/, 'code from a Markdown fence is quoted as code');
    assert.equal(lead.range, 'lines 250-257', 'from the sentence that introduces the code to the line that answers');
  });

  it('never quotes a line that matches the question only by a shared stem or a common word', () => {
    const answer = extractiveAnswer(AUTH_QUESTION, AUTH_SOURCES, 'N');
    assert.doesNotMatch(answer, /Roy Fielding|Jim Whitehead/, '"Author" shares a stem with "authorization", not its meaning');
    assert.doesNotMatch(answer, /:authority/);
    const such = extractiveAnswer('such limits as the rate of requests per client', [
      ranked('docs/limits.md', ['Each client may send 100 requests per minute; the rate limit resets every minute.'], 1),
      ranked('docs/other.md', ['Such options are rare.', 'Nothing else here.'], 0.9),
    ], 'N');
    assert.deepEqual(passages(such).map((p) => p.path), ['docs/limits.md']);
  });

  it('never leads with a line that only repeats the question (a README showing it as an example)', () => {
    const readme = ranked('README.md', ['# Quick start', '', '```sh', 'npm run ask -- "what happens when the model stops sending tokens?"', '```'], 1);
    const engine = ranked('src/engine/streamingRag.ts', [
      '// When the model stops sending tokens for generationTimeout, the stream ends with generation_timeout.',
      'throw new RagError(\'generation_timeout\', `The model stopped sending tokens for ${seconds}.`);',
    ], 0.6, 150);
    const answer = extractiveAnswer('what happens when the model stops sending tokens?', [readme, engine], 'N');
    const [lead] = passages(answer);
    assert.equal(lead.path, 'src/engine/streamingRag.ts', answer);
    assert.ok(!answer.includes('npm run ask'), 'the echo is not quoted');
  });

  it('adds at most two supporting passages, best first, and none far below the lead', () => {
    const many = Array.from({ length: 6 }, (_, i) => ranked(`docs/cache${i}.md`, [`The cache size limit is set by maxEntries in part ${i}.`], 1 - i * 0.05));
    const answer = extractiveAnswer('cache size limit', many, 'N');
    const quoted = passages(answer);
    assert.equal(quoted.length, 1 + MAX_SUPPORTING);
    assert.deepEqual(quoted.map((p) => p.n), [1, 2, 3], 'equal passages keep the search\'s order');
    assert.match(answer, /\n\nAlso relevant:\n\n/);

    const weak = extractiveAnswer('cache size limit eviction policy', [
      ranked('docs/cache.md', ['The cache evicts the least recently used entry when the size limit is reached: the eviction policy is LRU.'], 1),
      ranked('docs/misc.md', ['A size is given in bytes.', 'The cache is optional.'], 1),
    ], 'N');
    assert.deepEqual(passages(weak).map((p) => p.path), ['docs/cache.md'], 'a passage under half the lead\'s score is left out');
  });

  it('counts a test file\'s passage at half weight, unless the question asks about tests', () => {
    const sources = [
      ranked('test/pool.test.ts', ["it('closes idle connections after idleTimeout', async () => {", '  pool.idleTimeout = 10;'], 1),
      ranked('src/pool.ts', ['/** Idle connections are closed after idleTimeout milliseconds. */', 'idleTimeout = 30_000;'], 0.8),
    ];
    assert.equal(passages(extractiveAnswer('when are idle connections closed?', sources, 'N'))[0].path, 'src/pool.ts');
    assert.equal(passages(extractiveAnswer('which test covers closing idle connections?', sources, 'N'))[0].path, 'test/pool.test.ts');
  });

  it('counts a changelog\'s passage at half weight too, unless the question asks what changed', () => {
    const sources = [
      ranked('CHANGELOG.md', ['## 3.0.0', '- Idle connections are now closed after idleTimeout (was: never closed).'], 1),
      ranked('src/pool.ts', ['/** Idle connections are closed after idleTimeout milliseconds. */', 'idleTimeout = 30_000;'], 0.8),
    ];
    assert.equal(passages(extractiveAnswer('when are idle connections closed?', sources, 'N'))[0].path, 'src/pool.ts');
    assert.equal(passages(extractiveAnswer('what changed about closing idle connections?', sources, 'N'))[0].path, 'CHANGELOG.md');
  });

  it('quotes only lines of the sources, each under the citation of its own source', () => {
    const answer = extractiveAnswer(AUTH_QUESTION, AUTH_SOURCES, 'N');
    for (const p of passages(answer)) {
      const text = AUTH_SOURCES[p.n - 1].text;
      assert.equal(AUTH_SOURCES[p.n - 1].path, p.path);
      for (const line of p.lines) assert.ok(text.includes(line.trim()), `"${line}" is in ${p.path}`);
    }
    assert.ok(citations(answer).every((n) => n >= 1 && n <= AUTH_SOURCES.length));
  });

  it('keeps a bracketed number in quoted prose from reading as a citation, and fences code with backticks in it', () => {
    const prose = extractiveAnswer('how do retries back off?', [ranked('docs/retry.md', ['Retries back off exponentially, as described in [2].'], 1)], 'N');
    assert.match(prose, /> Retries back off exponentially, as described in \\\[2\]\./);
    assert.deepEqual(citations(prose), [1]);
    const code = extractiveAnswer('retry template', [ranked('src/retry.ts', ['const retryTemplate = `backoff ${ms} ms`; // ``` inside'], 1)], 'N');
    assert.match(code, /\n````typescript\nconst retryTemplate = `backoff \$\{ms\} ms`; \/\/ ``` inside\n````\n/);
  });

  it('says so when nothing is worth quoting, points at the closest source, and is never empty', () => {
    const weak = extractiveAnswer('kubernetes helm chart values rollout', [ranked('deploy.md', ['Values go in a file.'], 1)], 'N');
    assert.match(weak, /^N\n\nNone of the passages I found says enough about this question to quote it as an answer; the closest is \*\*deploy\.md\*\* \(line 1\) \[1\]\./);
    const none = extractiveAnswer('kubernetes helm chart', [ranked('a.ts', ['const a = 1;'], 1)], 'N');
    assert.match(none, /None of the lines I found mention the words of the question/);
    assert.match(extractiveAnswer('anything', [], 'N'), /I found nothing in the indexed files/);
  });
});
