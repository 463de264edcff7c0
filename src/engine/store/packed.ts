/**
 * Compact in-memory form of a shard's vectors. Tens of thousands of JavaScript arrays would live on the
 * garbage-collected heap, which the collector keeps scanning and lets grow well past what is live;
 * packed typed arrays stay out of its way. (Chunk texts are not held: see shardTexts.ts.)
 */

/**
 * Vectors back to back in one Float32Array. (One byte per dimension would take a quarter of the room,
 * but converting bytes back to floats makes every search about 70% slower: measured, see BENCHMARKS.md.)
 */
export class PackedVectors {
  private constructor(readonly dimensions: number, private readonly floats: Float32Array) {}

  static empty(dimensions: number): PackedVectors {
    return new PackedVectors(dimensions, new Float32Array(0));
  }

  /** Takes `floats` (vectors stored back to back) as they are. */
  static fromFloats(floats: Float32Array, dimensions: number): PackedVectors {
    return new PackedVectors(dimensions, floats);
  }

  get length(): number {
    return this.dimensions === 0 ? 0 : this.floats.length / this.dimensions;
  }

  /** Memory held, in bytes. */
  get byteLength(): number {
    return this.floats.byteLength;
  }

  /** Offers `sink` each vector whose dot product with `query` exceeds `sink.threshold` (which may rise as it fills). */
  scan(query: Float32Array, sink: { threshold: number; offer(i: number, similarity: number): void }): void {
    const floats = this.floats;
    const dims = this.dimensions;
    const count = this.length;
    // Four running sums let the CPU overlap the multiplications: about 40% faster than one.
    const unrolled = dims - (dims % 4);
    for (let i = 0, base = 0; i < count; i++, base += dims) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let j = 0; j < unrolled; j += 4) {
        s0 += query[j] * floats[base + j];
        s1 += query[j + 1] * floats[base + j + 1];
        s2 += query[j + 2] * floats[base + j + 2];
        s3 += query[j + 3] * floats[base + j + 3];
      }
      for (let j = unrolled; j < dims; j++) s0 += query[j] * floats[base + j];
      const similarity = s0 + s1 + s2 + s3;
      if (similarity > sink.threshold) sink.offer(i, similarity);
    }
  }

  /** Vector `i` (a view, not a copy). */
  get(i: number): Float32Array {
    return this.floats.subarray(i * this.dimensions, (i + 1) * this.dimensions);
  }

  /** The vectors kept (`keep[i] >= 0`, in order) followed by `added`. */
  remap(keep: Int32Array, added: readonly Float32Array[]): PackedVectors {
    let count = added.length;
    keep.forEach((target) => { if (target >= 0) count++; });
    const floats = new Float32Array(count * this.dimensions);
    let n = 0;
    keep.forEach((target, i) => { if (target >= 0) floats.set(this.get(i), n++ * this.dimensions); });
    for (const vector of added) floats.set(vector, n++ * this.dimensions);
    return new PackedVectors(this.dimensions, floats);
  }
}
