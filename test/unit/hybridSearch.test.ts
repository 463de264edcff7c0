import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Candidate } from '../../src/protocol/indexing';
import { FUSION_WEIGHTS, fuse, mergeAdjacent } from '../../src/engine/retrieval/hybridSearch';

function chunk(id: string, path = `${id}.ts`, startLine = 1, endLine = 10, score = 1): Candidate {
  return { id, path, startLine, endLine, text: `text ${id}`, score };
}

describe('score fusion', () => {
  it('ranks a chunk both rankings like above one only the lexical ranking puts first', () => {
    const lexical = [chunk('a', 'a.ts', 1, 10, 10), chunk('b', 'b.ts', 1, 10, 9), chunk('c', 'c.ts', 1, 10, 5)];
    const vector = [chunk('b', 'b.ts', 1, 10, 0.6), chunk('d', 'd.ts', 1, 10, 0.5)];
    const fused = fuse([{ ranked: lexical, weight: FUSION_WEIGHTS.lexical }, { ranked: vector, weight: FUSION_WEIGHTS.vector }]);
    assert.deepEqual(fused.map((c) => c.id).slice(0, 2), ['b', 'a']);
    assert.ok(fused.every((c) => c.score > 0 && c.score <= 1));
  });

  it('keeps a chunk far ahead in the lexical ranking ahead of a weak runner-up the vectors also find', () => {
    // By ranks alone (reciprocal rank fusion) b would win: second lexically and found by the vectors,
    // although its lexical score is a tenth of a's.
    const lexical = [chunk('a', 'a.ts', 1, 10, 10), chunk('b', 'b.ts', 1, 10, 1)];
    const vector = [chunk('b', 'b.ts', 1, 10, 0.6)];
    const fused = fuse([{ ranked: lexical, weight: FUSION_WEIGHTS.lexical }, { ranked: vector, weight: FUSION_WEIGHTS.vector }]);
    assert.deepEqual(fused.map((c) => c.id), ['a', 'b']);
  });

  it('lets an exact-term match outrank a chunk found by the vectors alone', () => {
    const fused = fuse([{ ranked: [chunk('exact')], weight: FUSION_WEIGHTS.lexical }, { ranked: [chunk('similar')], weight: FUSION_WEIGHTS.vector }]);
    assert.deepEqual(fused.map((c) => c.id), ['exact', 'similar']);
  });

  it('scores a chunk ranked first by every ranking as 1', () => {
    const [top] = fuse([{ ranked: [chunk('a')], weight: 1 }, { ranked: [chunk('a')], weight: 0.4 }]);
    assert.ok(Math.abs(top.score - 1) < 1e-9);
  });
});

describe('mergeAdjacent', () => {
  it('joins neighbouring chunks of one file into one source with the better score', () => {
    const merged = mergeAdjacent([chunk('a2', 'a.ts', 11, 20, 0.9), chunk('b', 'b.ts', 1, 5, 0.8), chunk('a1', 'a.ts', 1, 10, 0.5), chunk('a4', 'a.ts', 40, 50, 0.3)]);
    assert.deepEqual(merged.map((s) => [s.path, s.startLine, s.endLine, s.score]), [['a.ts', 1, 20, 0.9], ['b.ts', 1, 5, 0.8], ['a.ts', 40, 50, 0.3]]);
    assert.equal(merged[0].text, 'text a1\ntext a2');
  });
});
