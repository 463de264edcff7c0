import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OfflineEmbedder, embedText, headerOf } from '../../src/engine/indexing/offlineEmbedder';
import type { CollectionStats } from '../../src/engine/retrieval/bm25';
import { terms } from '../../src/engine/text/terms';

const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * b[i], 0);

describe('OfflineEmbedder', () => {
  it('makes unit vectors of 256 dimensions, the same for the same text', async () => {
    const embedder = new OfflineEmbedder();
    const [a, b] = await embedder.embed(['src/auth.ts\nexport function login() {}', 'src/auth.ts\nexport function login() {}']);
    assert.equal(a.length, 256);
    assert.ok(Math.abs(dot(a, a) - 1) < 1e-5);
    assert.deepEqual(a, b);
  });

  it('gives the same vector from precomputed terms as from the text', () => {
    const text = 'src/db/pool.ts\nexport class ConnectionPool {\n  acquire() {}\n}';
    const [fromTerms] = new OfflineEmbedder().embedTerms([{ terms: terms(text), headerTerms: terms(headerOf(text)) }]);
    assert.deepEqual(fromTerms, embedText(text));
  });

  it('brings word forms and partial identifiers close: tokenizer ↔ tokenization', () => {
    const question = embedText('how does tokenization work');
    const related = embedText('src/tokenizer.ts\nexport class Tokenizer { tokenize(text) {} }');
    const unrelated = embedText('src/db/pool.ts\nexport class ConnectionPool { acquire() {} }');
    assert.ok(dot(question, related) > 0.15, `related ${dot(question, related)}`);
    assert.ok(dot(question, related) > dot(question, unrelated) + 0.1);
  });

  it('weights where a chunk lives: its path and heading', () => {
    const question = embedText('rate limiting');
    const byPath = embedText('src/middleware/rateLimiting.ts\nconst windowMs = 60000;\nconst max = 100;');
    const byBody = embedText('src/server.ts\nconst windowMs = 60000; // the rate\nconst max = 100;');
    assert.ok(dot(question, byPath) > dot(question, byBody));
  });

  it('brings the other words of a question\'s rare words into its vector, not those of its common words', () => {
    const embedder = new OfflineEmbedder();
    const question = 'How do I delete a row?';
    const page = embedText('docs/records.md\n# Removing records\nTo remove a record from its table, call destroy().');
    // `delet` and `row` in no chunk of a thousand, or in half of them.
    const stats = (df: number): CollectionStats => ({ documents: 1000, averageLength: 50, documentFrequency: () => df });
    const rare = embedder.embedQuestion(question, stats(0));
    const common = embedder.embedQuestion(question, stats(500));
    assert.deepEqual(common, embedText(question));
    assert.ok(dot(rare, page) > dot(common, page) + 0.1, `${dot(rare, page)} against ${dot(common, page)}`);
  });
});
