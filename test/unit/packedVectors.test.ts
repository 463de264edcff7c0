import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { embedText } from '../../src/engine/indexing/offlineEmbedder';
import { PackedVectors } from '../../src/engine/store/packed';

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function unitVectors(count: number, dimensions: number, seed: number): Float32Array[] {
  const next = random(seed);
  return Array.from({ length: count }, () => {
    const v = Float32Array.from({ length: dimensions }, () => next() * 2 - 1);
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
}

function pack(vectors: Float32Array[], dimensions: number): PackedVectors {
  const floats = new Float32Array(vectors.length * dimensions);
  vectors.forEach((v, i) => floats.set(v, i * dimensions));
  return PackedVectors.fromFloats(floats, dimensions);
}

const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * b[i], 0);

/** Every vector the scan offers with its similarity, best first (a sink that keeps all). */
function scanAll(vectors: PackedVectors, query: Float32Array, threshold = -Infinity): [number, number][] {
  const found: [number, number][] = [];
  vectors.scan(query, { threshold, offer: (i, similarity) => found.push([i, similarity]) });
  return found.sort((a, b) => b[1] - a[1]);
}

function exactRanking(vectors: Float32Array[], query: Float32Array): [number, number][] {
  return vectors.map((v, i): [number, number] => [i, dot(v, query)]).sort((a, b) => b[1] - a[1]);
}

describe('PackedVectors (one byte per dimension)', () => {
  for (const dimensions of [3, 7, 256, 1536]) {
    it(`ranks like exact cosine similarity at ${dimensions} dimensions`, () => {
      const vectors = unitVectors(300, dimensions, dimensions);
      const [query] = unitVectors(1, dimensions, 99);
      const scanned = scanAll(pack(vectors, dimensions), query);
      const exact = exactRanking(vectors, query);
      assert.equal(scanned.length, vectors.length);
      const exactScore = new Map(exact);
      for (const [i, similarity] of scanned) assert.ok(Math.abs(similarity - exactScore.get(i)!) < 0.01, `vector ${i}: ${similarity} against ${exactScore.get(i)}`);
      // The best ones in the same order, whenever exact scores are not near-ties.
      for (let rank = 0; rank < 10; rank++) {
        if (exact[rank][1] - exact[rank + 1][1] > 0.01) assert.equal(scanned[rank][0], exact[rank][0], `rank ${rank}`);
      }
    });
  }

  it('finds the chunk a question is about among offline-embedded texts (a sparse question)', () => {
    const texts = ['export function debounce(fn, wait) { clearTimeout(timer) }', 'parse a date from an ISO string', 'render shadow maps in WebGL', 'retry a failed HTTP request with backoff'];
    const vectors = pack(texts.map((t) => embedText(t)), 256);
    const query = embedText('how do I debounce a function');
    assert.equal(scanAll(vectors, query)[0][0], 0);
    assert.equal(scanAll(vectors, embedText('retry failed requests'))[0][0], 3);
  });

  it('offers only what beats the sink threshold, and lets the threshold rise while scanning', () => {
    const vectors = unitVectors(100, 16, 5);
    const packed = pack(vectors, 16);
    const query = vectors[42];
    assert.deepEqual(scanAll(packed, query, 0.99).map(([i]) => i), [42]);
    const offered: number[] = [];
    const sink = { threshold: -Infinity, offer(i: number, similarity: number) { offered.push(i); this.threshold = similarity; } };
    packed.scan(query, sink);
    assert.equal(offered.at(-1), 42, 'the last offer is the best: each offer beats the ones before');
  });

  it('an empty set of vectors offers nothing', () => {
    assert.deepEqual(scanAll(PackedVectors.empty(256), embedText('anything')), []);
    assert.deepEqual(scanAll(PackedVectors.fromFloats(new Float32Array(0), 8), new Float32Array(8).fill(0.3)), []);
  });

  it('a zero vector is stored and scores 0', () => {
    const packed = pack([new Float32Array(8), unitVectors(1, 8, 3)[0]], 8);
    assert.deepEqual(Array.from(packed.get(0)), new Array(8).fill(0));
    assert.equal(scanAll(packed, unitVectors(1, 8, 4)[0]).find(([i]) => i === 0)![1], 0);
  });

  it('remap keeps vectors in order and appends the added ones; saving again does not drift them', () => {
    const vectors = unitVectors(5, 24, 11);
    const packed = pack(vectors, 24);
    const added = unitVectors(2, 24, 12);
    const remapped = packed.remap(Int32Array.of(0, -1, 1, -1, 2), added);
    assert.equal(remapped.length, 5);
    assert.deepEqual([0, 1, 2].map((i) => remapped.get(i)), [0, 2, 4].map((i) => packed.get(i)));
    for (const [i, original] of [[3, added[0]], [4, added[1]]] as const) {
      assert.ok(remapped.get(i).every((x, d) => Math.abs(x - original[d]) < 0.01));
    }
    // What a save writes (`get`) and a load reads back quantizes to the same vectors.
    const reloaded = pack([0, 1, 2, 3, 4].map((i) => remapped.get(i)), 24);
    for (let i = 0; i < 5; i++) assert.deepEqual(reloaded.get(i), remapped.get(i));
    assert.ok(packed.byteLength < vectors.length * 24 * 4 / 2, 'well under half of float32');
  });
});
