import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Candidate } from '../../src/protocol/indexing';
import { FUSION_WEIGHTS, fuse, mergeAdjacent } from '../../src/engine/retrieval/hybridSearch';

function chunk(id: string, path = `${id}.ts`, startLine = 1, endLine = 10, score = 1): Candidate {
  return { id, path, startLine, endLine, text: `text ${id}`, score };
}

describe('reciprocal rank fusion', () => {
  it('ranks a chunk both rankings like above one only the lexical ranking puts first', () => {
    const lexical = [chunk('a'), chunk('b'), chunk('c')];
    const vector = [chunk('b'), chunk('d')];
    const fused = fuse([{ ranked: lexical, weight: FUSION_WEIGHTS.lexical }, { ranked: vector, weight: FUSION_WEIGHTS.vector }]);
    assert.deepEqual(fused.map((c) => c.id).slice(0, 2), ['b', 'a']);
    assert.ok(fused.every((c) => c.score > 0 && c.score <= 1));
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
