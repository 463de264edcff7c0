// What the agent surfaces (language model tool, MCP, HTTP) share: passages within a token budget, and a bounded
// wait for an index being built.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CancelledError } from '../../src/engine/errors';
import type { SearchIndex } from '../../src/engine/indexing/searchIndex';
import { formatPassages } from '../../src/engine/passages/agentPassages';
import { partialIndexNotice, waitForIndex } from '../../src/engine/session/waitForIndex';
import { countTokens } from '../../src/engine/tokens';
import type { IndexProgress, IndexSummary } from '../../src/protocol/indexing';
import { source } from '../helpers/engineFakes';
import { sessionOver } from '../helpers/session';

describe('formatPassages', () => {
  it('numbers each passage with its path and lines, its text in a code fence', () => {
    const { text, shown } = formatPassages([source('src/a.ts', 'export const a = 1;', 3), source('docs/b.md', '# B\n\nAbout b.', 10)]);
    assert.equal(shown, 2);
    assert.equal(text, '[1] src/a.ts:3-3\n```\nexport const a = 1;\n```\n\n[2] docs/b.md:10-12\n```\n# B\n\nAbout b.\n```');
  });

  it('uses a fence longer than any backtick run in the passage, so Markdown in files cannot end it', () => {
    const { text } = formatPassages([source('README.md', 'Run:\n```sh\nnpm test\n```')]);
    assert.match(text, /^\[1\] README\.md:1-4\n````\nRun:\n```sh\nnpm test\n```\n````$/);
  });

  it('stays within the token budget: cuts the passage that does not fit, leaves out the rest and says so', () => {
    const long = Array.from({ length: 400 }, (_, i) => `line ${i} of a long function body`).join('\n');
    const sources = [source('src/one.ts', 'short one'), source('src/two.ts', long), source('src/three.ts', 'short three')];
    const { text, shown } = formatPassages(sources, 300);
    assert.ok(countTokens(text) <= 300 + 40, `${countTokens(text)} tokens`);
    assert.equal(shown, 2);
    const [, end, body] = /\[2\] src\/two\.ts:1-(\d+) \(cut\)\n```\n([^`]*)\n```/.exec(text) ?? [];
    assert.ok(end && Number(end) < 400, text);
    assert.equal(body.split('\n').length, Number(end), 'the range names exactly the lines shown');
    assert.equal(body.split('\n').at(-1), `line ${Number(end) - 1} of a long function body`, 'cut at the end of a line');
    assert.doesNotMatch(text, /src\/three\.ts/);
    assert.match(text, /\(1 more passage left out to stay within 300 tokens; narrow the search/);
  });
});

/** An index whose sync runs until the test lets it finish, reporting progress meanwhile. */
function slowIndex(): SearchIndex & { finish(): void; progress(p: IndexProgress): void } {
  let finish!: () => void;
  let report: ((p: IndexProgress) => void) | undefined;
  const summary: IndexSummary = { files: 1, chunks: 1, indexedFiles: 1, removedFiles: 0, skipped: { ignored: 0, binary: 0, tooLarge: 0, minified: 0, unreadable: 0, secret: 0 }, redacted: 0, ms: 1, embedder: 'offline', dimensions: 256 };
  let chunks = 0;
  return {
    get state() { return { files: chunks, chunks, lastUpdated: undefined, embedder: { id: 'offline', model: 'offline', dimensions: 256 } }; },
    sync: (options) => new Promise<IndexSummary>((resolve) => {
      report = options?.onProgress;
      finish = () => { chunks = 1; resolve(summary); };
    }),
    updateFiles: async () => summary,
    search: async () => [],
    termStats: async () => ({ documents: chunks, totalLength: 0, documentFrequencies: {} }),
    candidates: async () => ({ lexical: [], vector: [] }),
    clear: async () => undefined,
    close: async () => undefined,
    finish: () => finish(),
    progress: (p) => report?.(p),
  };
}

describe('waitForIndex', () => {
  it('starts an index that was never built, reports its progress and returns when it is done', async () => {
    const index = slowIndex();
    const session = sessionOver(index, { choice: 'offline' });
    const seen: string[] = [];
    const waiting = waitForIndex(session, { maxMs: 5_000, onProgress: (p) => seen.push(`${p.phase} ${p.filesDone}/${p.filesTotal}`) });
    await new Promise((resolve) => setTimeout(resolve, 20));
    index.progress({ phase: 'indexing', filesDone: 1, filesTotal: 4, chunks: 2 });
    index.finish();
    const wait = await waiting;
    assert.deepEqual(wait, { complete: true, progress: undefined });
    assert.deepEqual(seen, ['indexing 1/4']);
    assert.equal(partialIndexNotice(wait), undefined);
  });

  it('gives up after its bound, saying how far the index got', async () => {
    const index = slowIndex();
    const session = sessionOver(index, { choice: 'offline' });
    const waiting = waitForIndex(session, { maxMs: 100 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    index.progress({ phase: 'indexing', filesDone: 120, filesTotal: 4000, chunks: 300 });
    const started = performance.now();
    const wait = await waiting;
    assert.ok(performance.now() - started < 1_000);
    assert.equal(wait.complete, false);
    assert.match(partialIndexNotice(wait)!, /still being built \(Indexing 120 of 4,000 files \(300 chunks\)\): these results come from the files indexed so far/);
    index.finish();
  });

  it('ends at once, as cancelled, when its caller stops', async () => {
    const index = slowIndex();
    const session = sessionOver(index, { choice: 'offline' });
    const controller = new AbortController();
    const waiting = waitForIndex(session, { maxMs: 10_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await assert.rejects(waiting, CancelledError);
    index.finish();
  });

  it('does not wait when the index is built and no job runs', async () => {
    const index = slowIndex();
    const session = sessionOver(index, { choice: 'offline' });
    const first = waitForIndex(session, { maxMs: 5_000 });
    await new Promise((resolve) => setTimeout(resolve, 10));
    index.finish();
    await first;
    const started = performance.now();
    assert.deepEqual(await waitForIndex(session, { maxMs: 5_000 }), { complete: true, progress: undefined });
    assert.ok(performance.now() - started < 100);
  });
});
