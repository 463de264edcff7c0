import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QUESTION_BRIDGE } from '../../src/engine/indexing/offlineEmbedder';
import { WorkspaceIndex } from '../../src/engine/indexing/workspaceIndex';
import { asksHowItWorks, asksHowTo } from '../../src/engine/retrieval/questionIntent';
import { analyseQuery } from '../../src/engine/retrieval/queryTerms';
import { rerankLexical, type PoolView } from '../../src/engine/retrieval/rerank';
import { askedKinds, supportingKind } from '../../src/engine/retrieval/supportingFiles';
import { makeWorkspace, tempDir } from '../helpers/workspace';

async function firstFiles(files: Record<string, string>, questions: string[], mode: 'lexical' | 'vector' | 'fused' = 'fused'): Promise<string[]> {
  const index = await WorkspaceIndex.open({ root: await makeWorkspace(files), indexDir: await tempDir(), shards: 2 });
  await index.sync();
  const first: string[] = [];
  for (const q of questions) first.push((await index.search(q, { k: 5, mode }))[0]?.path);
  await index.close();
  return first;
}

/** A pool chunk with the given BM25 score and terms (its path and heading give their own). */
interface PoolChunk {
  path: string;
  context: string;
  score: number;
  terms: string[];
}

function chunk(path: string, score: number, terms: string[], context = ''): PoolChunk {
  return { path, context, score, terms };
}

const VIEW: PoolView<PoolChunk> = { path: (c) => c.path, context: (c) => c.context, has: (c, term) => c.terms.includes(term) };

const query = (question: string) => ({ terms: analyseQuery(question), asked: askedKinds(question), howItWorks: asksHowItWorks(question), howTo: asksHowTo(question), idf: () => 1 });

describe('ranking: supporting files', () => {
  const files = {
    'src/backoff.ts': [
      '/** Waits before the next retry: the delay doubles after each failed attempt, capped at maxDelay. */',
      'export function retryDelay(attempt: number, maxDelay: number): number {',
      '  return Math.min(maxDelay, 100 * 2 ** attempt);',
      '}',
    ].join('\n'),
    'test/backoff.test.ts': [
      "import { retryDelay } from '../src/backoff';",
      "it('doubles the retry delay after each failed attempt', () => expect(retryDelay(1, 1000)).toBe(200));",
      "it('caps the retry delay at maxDelay after many failed attempts', () => expect(retryDelay(10, 1000)).toBe(1000));",
      "it('starts the retry delay at 100 before the first failed attempt', () => expect(retryDelay(0, 1000)).toBe(100));",
    ].join('\n'),
    'CHANGELOG.md': '# Changelog\n\n## 2.0.0\n\n- The retry delay now doubles after each failed attempt (was: retry delay fixed).\n- Retry delay capped.\n',
  };

  it('ranks a test that repeats the question\'s words below the code it tests, unless the question asks about tests', async () => {
    const [plain, aboutTests] = await firstFiles(files, [
      'How long is the retry delay after a failed attempt?',
      'Which tests check the retry delay after a failed attempt?',
    ]);
    assert.equal(plain, 'src/backoff.ts');
    assert.equal(aboutTests, 'test/backoff.test.ts');
  });

  it('ranks the changelog below the code unless the question asks what changed', async () => {
    const [plain, changes] = await firstFiles(files, ['How is the retry delay capped?', 'Which changelog entry is about the retry delay?'], 'lexical');
    assert.equal(plain, 'src/backoff.ts');
    assert.equal(changes, 'CHANGELOG.md');
  });

  it('ranks an upgrade guide below the reference page unless the question asks about upgrading', async () => {
    const docs = {
      'docs/reference/blueprints.md': '# Blueprints\n\nThe list endpoint sends back at most `defaultLimit` records (30) when the request names no limit.\n',
      'docs/upgrading/To1.0.md': [
        '# Upgrading to 1.0',
        '',
        '- The list endpoint no longer sends back every record: it uses a limit of 30 records when the request names no limit.',
        '- The list endpoint limit of records is now `defaultLimit` (was: no limit on records).',
      ].join('\n'),
    };
    const [plain, upgrading] = await firstFiles(docs, [
      'How many records does the list endpoint send back when no limit is given?',
      'After upgrading, how many records does the list endpoint send back when no limit is given?',
    ], 'lexical');
    assert.equal(plain, 'docs/reference/blueprints.md');
    assert.equal(upgrading, 'docs/upgrading/To1.0.md');
  });

  it('knows tests, examples, changelogs, generated and declaration files by their paths, and code and docs as neither', () => {
    assert.deepEqual(
      ['src/a.test.ts', '__tests__/a.js', 'examples/basic/server.js', 'CHANGELOG.md', 'dist/index.min.js', 'types/index.d.ts', 'src/client.ts', 'docs/api.md', 'lib/testing.js'].map(supportingKind),
      ['test', 'test', 'example', 'changelog', 'generated', 'types', undefined, undefined, undefined],
    );
    assert.deepEqual(
      ['docs/Guides/Migration-Guide-V5.md', 'docs/upgrading/To1.0.md', 'docs/version-notes/0.9.x/0.9.x.md', 'docs/Changelog0.10x.md', 'db/migrations/001_users.js', 'docs/guides/database.md'].map(supportingKind),
      ['changelog', 'changelog', 'changelog', 'changelog', undefined, undefined],
    );
    assert.deepEqual([...askedKinds('Is there an example of typed routes in TypeScript?')].sort(), ['example', 'types']);
    assert.deepEqual([...askedKinds('How do I cap the retry delay?')], []);
  });
});

describe('ranking: question words written as identifiers', () => {
  it('finds http2 for HTTP/2 and requestId for "request id"', async () => {
    const files = {
      'src/http2.ts': "import http2 from 'node:http2';\nexport const server = http2.createSecureServer(options);\n",
      'docs/server.md': '# HTTP server\n\nThe HTTP server listens on a port. Enable TLS with HTTP options; the HTTP server logs each HTTP request.\n',
      'src/ids.ts': "export function readId(headers) {\n  return headers[requestIdHeader];\n}\nconst requestIdHeader = 'x-trace';\n",
      'docs/requests.md': '# Requests\n\nEach request has headers. A request may carry an id in its headers; the id of the request is logged.\n',
    };
    const [http2, requestId] = await firstFiles(files, ['What enables HTTP/2?', 'Which header holds the request id?'], 'lexical');
    assert.equal(http2, 'src/http2.ts');
    assert.equal(requestId, 'src/ids.ts');
  });

  it('joins adjacent words as an identifier would, but not common words with each other', () => {
    const { compounds } = analyseQuery('How do I log in with a type provider over HTTP/2?');
    assert.ok(compounds.includes('login') && compounds.includes('typeprovider') && compounds.includes('http2'), compounds.join());
    assert.ok(!compounds.includes('howdo') && !compounds.includes('doi'));
  });
});

describe('ranking: abbreviations developers write', () => {
  it('finds the code that writes env, config and dir for a question about the environment, configuration and directory', async () => {
    const files = {
      'src/paths.ts': "/** The folder named by a variable, else the default. */\nexport function settingsFolder(): string {\n  return process.env.APP_CONFIG_DIR ?? '~/.app';\n}\n",
      'docs/install.md': '# Install\n\nPrepare your environment: install Node, then run the installer. The configuration is created on first run.\n',
      'docs/usage.md': '# Usage\n\nRun the app with a file name. Each variable of the template is filled in.\n',
    };
    const [first] = await firstFiles(files, ['Which environment variable sets the configuration directory?'], 'lexical');
    assert.equal(first, 'src/paths.ts');
  });

  it('looks up the other spellings of a group, phrases included, but not local-variable abbreviations', () => {
    assert.deepEqual(analyseQuery('Which directory holds the configuration?').variants.sort(), ['config', 'dir']);
    assert.ok(analyseQuery('Which regular expression splits the words?').variants.includes('regex'));
    assert.deepEqual(analyseQuery('How do I read the request error message of an object property?').variants, []);
  });
});

describe('ranking: other words for the same thing', () => {
  const WEIGHT = QUESTION_BRIDGE.weight;
  // Other words found in more than 3% of the chunks are not looked up: a workspace of some size.
  const filler = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`docs/topic${i}.md`, `# Topic ${i}\n\nThis page explains topic ${i} of the guide.\n`]));
  const files = {
    ...filler,
    'docs/records.md': '# Removing records\n\nTo remove a record from its table, call `destroy()` with the record\'s criteria. Removed records are gone for good.\n',
    'docs/models.md': '# Models\n\nA model describes the data your app keeps: its attributes, their types and the associations between models.\n',
  };

  it('finds the page that says "remove a record" for a question that says "delete a row"', async () => {
    assert.deepEqual(await firstFiles(files, ['How do I delete a row?'], 'lexical'), ['docs/records.md']);
  });

  it('still puts a file with the question\'s own words above one with other words for them', async () => {
    const exact = { ...files, 'docs/deleting.md': '# Deleting rows\n\nTo delete a row, call `destroy()`.\n' };
    assert.deepEqual(await firstFiles(exact, ['How do I delete a row?'], 'lexical'), ['docs/deleting.md']);
  });

  it('finds that page by the question\'s vector too: its rare words bring their other words', async () => {
    assert.deepEqual(await firstFiles(files, ['How do I delete a row?'], 'vector'), ['docs/records.md']);
    QUESTION_BRIDGE.weight = 0;
    try {
      assert.notDeepEqual(await firstFiles(files, ['How do I delete a row?'], 'vector'), ['docs/records.md']);
    } finally {
      QUESTION_BRIDGE.weight = WEIGHT;
    }
  });

  it('looks up the other words of a group, phrases included, apart from the question\'s own words', () => {
    assert.deepEqual(analyseQuery('How do I delete a row?').related.sort(), ['entri', 'eras', 'record', 'remov', 'unset']);
    assert.ok(analyseQuery('How do I shut down the server?').related.includes('stop'));
    assert.deepEqual(analyseQuery('Which HTTP verb or method?').related, []);
  });
});

describe('ranking: how something works inside', () => {
  const files = {
    'docs/retries.md': '# Retries\n\nSet `maxRetries` to change the number of retries. The retry delay is computed from the retry-after header when the server sends one, and grows after each retry.\n',
    'src/retry.ts': [
      '/** Milliseconds to wait before the next retry: the retry-after header, else a delay that doubles. */',
      'export function computeRetryDelay(retryAfter: string | null, attempt: number): number {',
      '  const seconds = Number(retryAfter);',
      '  if (retryAfter && !Number.isNaN(seconds)) return seconds * 1000;',
      '  return Math.min(8000, 500 * 2 ** attempt);',
      '}',
    ].join('\n'),
  };

  it('puts the code that computes something above the docs that mention it when the question asks how it is computed', async () => {
    const [inside, todo] = await firstFiles(files, ['How is the retry delay computed?', 'How do I change the number of retries?']);
    assert.equal(inside, 'src/retry.ts');
    assert.equal(todo, 'docs/retries.md');
  });

  it('tells questions about how something works inside from questions about what to do', () => {
    assert.ok(asksHowItWorks('How are dead WebSocket connections noticed and closed?'));
    assert.ok(asksHowItWorks('Where is the default English message written?'));
    assert.ok(!asksHowItWorks('How do I close a WebSocket connection?'));
    assert.ok(!asksHowItWorks('What is the default English message?'));
    assert.ok(!asksHowItWorks('How does routing work?'));
  });
});

describe('ranking: how to do something', () => {
  const files = {
    'docs/extending.md': '# Extending\n\nTo add your own response method, put a file in `api/responses`: every action can then call it on `res`.\n',
    'lib/responses.js': [
      '// Adds each response method (the defaults, then your own) to `res`, so that every action can call it.',
      'function addResponses(res, methods) {',
      '  for (const [name, method] of Object.entries(methods)) res[name] = method.bind(res);',
      '  // your own response method replaces a default response method of the same name',
      '}',
    ].join('\n'),
  };

  it('puts the docs that say what to do above the code that implements it when the question asks how to do it', async () => {
    const [todo, inside] = await firstFiles(files, ['How do I add my own response method that every action can call?', 'Which function adds each response method to res?'], 'lexical');
    assert.equal(todo, 'docs/extending.md');
    assert.equal(inside, 'lib/responses.js');
  });

  it('tells questions about how to do something from other questions', () => {
    assert.ok(asksHowTo('How do I add my own response method?'));
    assert.ok(asksHowTo('How can we answer both http2 and HTTP 1.1 clients?'));
    assert.ok(asksHowTo('Can I run a handwritten SQL statement?'));
    assert.ok(asksHowTo('Is there a way to cap the batch size?'));
    assert.ok(!asksHowTo('How is the retry delay computed?'));
    assert.ok(!asksHowTo('How does routing work?'));
    assert.ok(!asksHowTo('Which setting changes the port?'));
  });
});

describe('ranking: reranking signals', () => {
  it('puts a file with several matching chunks above a file with one slightly better chunk', () => {
    const ranked = rerankLexical([
      chunk('src/a.ts', 1.0, ['pool', 'size']),
      chunk('src/b.ts', 0.9, ['pool', 'size']), chunk('src/b.ts', 0.8, ['pool', 'size']), chunk('src/b.ts', 0.7, ['pool', 'size']),
    ], query('pool size'), VIEW);
    assert.equal(ranked[0].path, 'src/b.ts');
  });

  it('bounds that evidence: many weak chunks of a long file do not beat one strong chunk', () => {
    const weak = Array.from({ length: 30 }, () => chunk('src/long.ts', 0.5, ['pool', 'size']));
    const ranked = rerankLexical([chunk('src/a.ts', 1.0, ['pool', 'size']), ...weak], query('pool size'), VIEW);
    assert.equal(ranked[0].path, 'src/a.ts');
  });

  it('puts a file that has all of the question\'s terms above one that repeats some of them', () => {
    const ranked = rerankLexical([chunk('docs/a.md', 1.0, ['redact', 'log']), chunk('docs/b.md', 0.9, ['redact', 'log', 'censor'])], query('redact log censor'), VIEW);
    assert.equal(ranked[0].path, 'docs/b.md');
  });

  it('puts a chunk whose path or heading names the question\'s words above one that only mentions them', () => {
    const ranked = rerankLexical([chunk('docs/api.md', 1.0, ['redact'], '## Options'), chunk('docs/guide.md', 0.8, ['redact'], '## Redaction')], query('redaction'), VIEW);
    assert.equal(ranked[0].path, 'docs/guide.md');
  });
});
