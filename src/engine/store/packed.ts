/**
 * Compact in-memory form of a shard's vectors. Tens of thousands of JavaScript arrays would live on the
 * garbage-collected heap, which the collector keeps scanning and lets grow well past what is live;
 * packed typed arrays stay out of its way. (Chunk texts are not held: see shardTexts.ts.)
 */

/**
 * Vectors as one byte per dimension, stored dimension by dimension (`codes[d * length + i]` is dimension
 * `d` of vector `i`), each vector with its own scale: a quarter of float32's memory. A search reads only
 * the dimensions where the question's vector is not zero (a question of a few words hashes to a few
 * dozen of the offline embedder's 256), each a contiguous run of bytes: measured about 5× faster than a
 * float32 dot product of every vector (BENCHMARKS.md, "Retrieval speed"). Any dimension works; a dense
 * question (a remote embedder's) reads every dimension, as the float scan did.
 */
export class PackedVectors {
  private constructor(
    readonly dimensions: number,
    readonly length: number,
    private readonly codes: Int8Array,
    /** Vector `i` is `codes(i) * scales[i]`. */
    private readonly scales: Float32Array,
  ) {}

  static empty(dimensions: number): PackedVectors {
    return new PackedVectors(dimensions, 0, new Int8Array(0), new Float32Array(0));
  }

  /** Quantizes `floats` (vectors stored back to back). */
  static fromFloats(floats: Float32Array, dimensions: number): PackedVectors {
    const count = dimensions === 0 ? 0 : floats.length / dimensions;
    const out = PackedVectors.allocate(dimensions, count);
    for (let i = 0; i < count; i++) out.quantize(i, floats.subarray(i * dimensions, (i + 1) * dimensions));
    return out;
  }

  /** The codes and scales as they are, for a file that stores them (see `recordsFile.ts`). */
  toParts(): { codes: Int8Array; scales: Float32Array } {
    return { codes: this.codes, scales: this.scales };
  }

  /** From parts `toParts` gave; throws when they do not fit together. */
  static fromParts(dimensions: number, codes: Int8Array, scales: Float32Array): PackedVectors {
    if (codes.length !== scales.length * dimensions) throw new Error('vectors that do not fit together');
    return new PackedVectors(dimensions, scales.length, codes, scales);
  }

  private static allocate(dimensions: number, count: number): PackedVectors {
    return new PackedVectors(dimensions, count, new Int8Array(count * dimensions), new Float32Array(count));
  }

  /** Memory held, in bytes. */
  get byteLength(): number {
    return this.codes.byteLength + this.scales.byteLength;
  }

  /**
   * Offers `sink` each vector whose dot product with `query` exceeds `sink.threshold` (which may rise as
   * it fills), in order. The products are those of the stored (quantized) vectors, computed exactly.
   */
  scan(query: Float32Array, sink: { threshold: number; offer(i: number, similarity: number): void }): void {
    const n = this.length;
    if (n === 0) return;
    const codes = this.codes;
    const sums = scratch(n);
    const used: number[] = [];
    for (let d = 0; d < this.dimensions; d++) if (query[d] !== 0) used.push(d);
    // Four dimensions a pass: each pass reads and writes the sums once (about 2× faster than one a pass).
    let k = 0;
    for (; k + 4 <= used.length; k += 4) {
      const w0 = query[used[k]], w1 = query[used[k + 1]], w2 = query[used[k + 2]], w3 = query[used[k + 3]];
      const b0 = used[k] * n, b1 = used[k + 1] * n, b2 = used[k + 2] * n, b3 = used[k + 3] * n;
      for (let i = 0; i < n; i++) sums[i] += w0 * codes[b0 + i] + w1 * codes[b1 + i] + w2 * codes[b2 + i] + w3 * codes[b3 + i];
    }
    for (; k < used.length; k++) {
      const w = query[used[k]];
      const b = used[k] * n;
      for (let i = 0; i < n; i++) sums[i] += w * codes[b + i];
    }
    const scales = this.scales;
    for (let i = 0; i < n; i++) {
      const similarity = sums[i] * scales[i];
      sums[i] = 0; // the scratch array is shared: leave it zeroed
      if (similarity > sink.threshold) sink.offer(i, similarity);
    }
  }

  /** Vector `i` as stored (a copy). */
  get(i: number): Float32Array {
    const out = new Float32Array(this.dimensions);
    const scale = this.scales[i];
    for (let d = 0; d < this.dimensions; d++) out[d] = this.codes[d * this.length + i] * scale;
    return out;
  }

  /** The vectors kept (`keep[i] >= 0`, in order) followed by `added`. */
  remap(keep: Int32Array, added: readonly Float32Array[]): PackedVectors {
    let count = added.length;
    keep.forEach((target) => { if (target >= 0) count++; });
    const out = PackedVectors.allocate(this.dimensions, count);
    let n = 0;
    keep.forEach((target, i) => {
      if (target < 0) return;
      for (let d = 0; d < this.dimensions; d++) out.codes[d * count + n] = this.codes[d * this.length + i];
      out.scales[n++] = this.scales[i];
    });
    for (const vector of added) out.quantize(n++, vector);
    return out;
  }

  /**
   * Stores `vector` as vector `i`: its largest component becomes ±127. Only memory holds this form: a
   * save copies the file's exact float vectors (shardItems.ts).
   */
  private quantize(i: number, vector: Float32Array): void {
    let max = 0;
    for (let d = 0; d < this.dimensions; d++) {
      const size = Math.abs(vector[d]);
      if (size > max) max = size;
    }
    this.scales[i] = max / 127;
    if (max === 0) return;
    const inverse = 127 / max;
    for (let d = 0; d < this.dimensions; d++) this.codes[d * this.length + i] = Math.round(vector[d] * inverse);
  }
}

let shared = new Float64Array(0);

/** A zeroed array of at least `size` sums, reused across scans (a scan is synchronous). */
function scratch(size: number): Float64Array {
  if (shared.length < size) shared = new Float64Array(size);
  return shared;
}
