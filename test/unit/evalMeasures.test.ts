import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GrepFiles } from '../../eval/baselines/grepFiles';
import { PlainBm25 } from '../../eval/baselines/plainBm25';
import { firstAnswerRank, score } from '../../eval/metrics';
import { OfflineAnswers } from '../../eval/offlineAnswer';
import type { SearchIndex } from '../../src/engine/indexing/searchIndex';
import type { Source } from '../../src/protocol/events';

const files = [
  { path: 'docs/logging.md', text: 'Redaction hides secrets.\nSet redact to the paths of the keys to hide.' },
  { path: 'lib/server.js', text: 'function listen (port) {\n  // the server listens on localhost by default\n}' },
  { path: 'lib/redaction.js', text: 'const CENSOR = "[Redacted]"\nfunction redaction (paths, censor) {}' },
];

describe('the evaluation baselines', () => {
  it('plain BM25 ranks the chunk holding the rarest question word first, and splits long files into 60-line chunks', () => {
    const long = { path: 'big.md', text: [...Array(59).fill('filler'), 'censor appears on line sixty', ...Array(70).fill('filler')].join('\n') };
    const bm25 = new PlainBm25([...files, long]);
    assert.deepEqual(bm25.search('which port does the server listen on', 1), ['lib/server.js']);
    // Lines 1-60 and 61-120 are separate chunks: only the first one holds "censor".
    assert.deepEqual(bm25.search('censor', 10).sort(), ['big.md', 'lib/redaction.js']);
  });

  it('grep ranks files by the distinct question words they contain, substrings included, ignoring stop words', () => {
    const grep = new GrepFiles(files);
    assert.deepEqual(GrepFiles.words('How do I hide the secret keys?'), ['hide', 'secret', 'keys']);
    // "secret" matches inside "secrets"; the docs page holds all three words, the others none.
    assert.deepEqual(grep.search('How do I hide the secret keys?', 20), ['docs/logging.md']);
    assert.deepEqual(grep.search('redaction censor', 20), ['lib/redaction.js', 'docs/logging.md']);
  });
});

describe('the evaluation scores', () => {
  it('ranks files, not chunks: a file returned twice counts once', () => {
    assert.equal(firstAnswerRank(['a.ts', 'a.ts', 'b.ts', 'c.md'], ['c.md', 'b.ts']), 2);
    assert.equal(firstAnswerRank(['a.ts'], ['z.md']), null);
  });

  it('computes hit@1, hit@5 and MRR, a miss counting zero', () => {
    const s = score([1, 2, 6, null]);
    assert.equal(s.hit1, 0.25);
    assert.equal(s.hit5, 0.5);
    assert.equal(s.mrr, (1 + 1 / 2 + 1 / 6) / 4);
  });
});

describe("the offline answer's first quote", () => {
  const source = (path: string, text: string): Source => ({ path, startLine: 1, endLine: text.split('\n').length, score: 1, text });
  /** An index that is already built and returns these sources for any question. */
  const indexOf = (sources: Source[]) => ({ state: { chunks: sources.length }, search: async () => sources, close: async () => undefined }) as unknown as SearchIndex;

  it('is the file of the first citation in the answer, not of a bracketed number quoted from a file', async () => {
    const offline = new OfflineAnswers(indexOf([
      source('docs/retries.md', 'The retry limit [2] is three attempts.'),
      source('lib/other.js', 'const unrelated = 1'),
    ]));
    assert.deepEqual(await offline.firstQuote('What is the retry limit?'), { firstQuotedPath: 'docs/retries.md' });
  });

  it('is null when the answer quotes nothing', async () => {
    const offline = new OfflineAnswers(indexOf([source('lib/other.js', 'const unrelated = 1')]));
    assert.deepEqual(await offline.firstQuote('What is the retry limit?'), { firstQuotedPath: null });
  });
});
