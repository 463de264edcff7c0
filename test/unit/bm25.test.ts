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
  return [...scoreBm25(postings, query, collectionStats([postings]))].sort((a, b) => a[0] - b[0]);
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
    assert.equal(small.toJSON().dataBits, 16);
    assert.deepEqual(scores(Postings.fromJSON(JSON.parse(JSON.stringify(small.toJSON()))), ['session', 'rate']), scores(small, ['session', 'rate']));
    const many = Array.from({ length: 70_000 }, (_, i) => (i % 1000 === 0 ? ['needle', `w${i}`] : [`w${i}`]));
    const large = Postings.fromDocuments(many);
    assert.equal(large.toJSON().dataBits, 32);
    const revived = Postings.fromJSON(JSON.parse(JSON.stringify(large.toJSON())));
    assert.deepEqual(scores(revived, ['needle']).map(([doc]) => doc), Array.from({ length: 70 }, (_, i) => i * 1000));
  });
});
