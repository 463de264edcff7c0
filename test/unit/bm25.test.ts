import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Postings, collectionStats, scoreBm25 } from '../../src/engine/retrieval/bm25';

const docs = [
  ['session', 'token', 'expir', 'token'],
  ['connect', 'pool', 'size'],
  ['rate', 'limit', 'request', 'minut'],
  ['session', 'cooki', 'secur'],
];

function scores(postings: Postings, query: string[]): [number, number][] {
  const found: [number, number][] = [];
  scoreBm25(postings, query, collectionStats([postings]), { threshold: -Infinity, offer: (doc, score) => found.push([doc, score]) });
  return found.sort((a, b) => a[0] - b[0]);
}

describe('BM25 postings', () => {
  it('ranks the document that repeats a rare query term first', () => {
    const postings = Postings.fromDocuments(docs);
    const ranked = scores(postings, ['session', 'token']).sort((a, b) => b[1] - a[1]);
    assert.deepEqual(ranked.map(([doc]) => doc), [0, 3]);
  });

  it('gives the same scores after dropping and appending documents as a fresh build of the result', () => {
    const postings = Postings.fromDocuments(docs);
    const keep = Int32Array.from([0, -1, 1, -1]);
    const added = [['pool', 'session', 'timeout'], ['token', 'refresh']];
    const remapped = postings.remap(keep, added);
    const fresh = Postings.fromDocuments([docs[0], docs[2], ...added]);
    for (const query of [['session'], ['token', 'pool'], ['limit'], ['connect'], ['refresh', 'rate']]) {
      assert.deepEqual(scores(remapped, query), scores(fresh, query), query.join(' '));
    }
    assert.equal(remapped.documentFrequency('connect'), 0, 'terms of dropped documents are gone');
  });

  it('survives serialisation, with 16-bit and 32-bit postings', () => {
    const small = Postings.fromDocuments(docs);
    assert.equal(new Uint32Array(small.toBinary().buffer)[1], 16, 'document numbers of 16 bits');
    assert.deepEqual(scores(Postings.fromBinary(small.toBinary()), ['session', 'rate']), scores(small, ['session', 'rate']));
    const many = Array.from({ length: 70_000 }, (_, i) => (i % 1000 === 0 ? ['needle', `w${i}`] : [`w${i}`]));
    const large = Postings.fromDocuments(many);
    assert.equal(new Uint32Array(large.toBinary().buffer)[1], 32, 'document numbers of 32 bits');
    const revived = Postings.fromBinary(large.toBinary());
    assert.deepEqual(scores(revived, ['needle']).map(([doc]) => doc), Array.from({ length: 70 }, (_, i) => i * 1000));
  });
});

describe('postings terms are found by binary search over the sorted list', () => {
  it('finds every term of a large vocabulary, after a save and reload, and no term that is absent', () => {
    // Terms of every shape the tokenizer makes: words, numbers, identifiers' parts, accented letters, __proto__.
    const vocabulary = Array.from({ length: 3000 }, (_, i) => [`w${(i * 7919) % 3001}`, `${i}`, `café${i % 50}`, i % 100 === 0 ? '__proto__' : `z${i % 13}`]).flat();
    const documents = Array.from({ length: 300 }, (_, d) => vocabulary.slice(d * 40, d * 40 + 40));
    const expected = new Map<string, number>();
    for (const doc of documents) for (const term of new Set(doc)) expected.set(term, (expected.get(term) ?? 0) + 1);
    const reloaded = Postings.fromBinary(Buffer.concat([Buffer.from([1]), Postings.fromDocuments(documents).toBinary()]).subarray(1));
    for (const [term, df] of expected) assert.equal(reloaded.documentFrequency(term), df, term);
    for (const absent of ['', 'w', 'w3002', 'café', 'caf', 'zz', '__proto', 'constructor', '99999']) assert.equal(reloaded.documentFrequency(absent), 0, absent);
    assert.equal(reloaded.postingsOf('__proto__').length / 2, expected.get('__proto__'));
  });
});
