import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from './atomicFile';
import { ChunkRecords } from './chunkRecords';
import { PackedVectors } from './packed';
import { ItemSpans, SPAN_STRIDE } from './shardItems';

/**
 * Beside a shard's `index.pb`, everything opening needs of it, as the shard holds it in memory: the
 * chunk records as columns, where each item, text and vector lies in `index.pb`, and the vectors at a
 * byte per dimension. Opening reads this file alone: `index.pb` holds the texts (read by offset when a
 * chunk is returned) and the float vectors Vectra reads, most of the index's size (843 MB at 347,000
 * chunks, against 115 MB of these files), and quantizing its vectors took about a second at that size.
 *
 * The file names the `index.pb` it was written with (size and modification time): when that file is not
 * as saved (torn, edited, copied without its times), this one is not used and the shard is decoded from
 * `index.pb`, which checks every item. Optional for the same reason: without it the shard opens the slow way.
 *
 * Layout: eight little-endian 32-bit numbers (format, chunk count, byte size of `index.pb`, dimensions,
 * bytes of JSON, 0, then `index.pb`'s modification time in ms as a float64), then per chunk the spans
 * (`SPAN_STRIDE` numbers), then the columns path, language and heading (one number a chunk each), lines
 * and key ends (two a chunk), the vectors' scales (float32, one a chunk) and codes (a byte per dimension
 * a chunk, dimension by dimension), then the JSON `{ shared, keys }` (distinct strings; ids and hashes
 * back to back).
 */
export const RECORDS_FILE = 'records.bin';
const FORMAT = 0x52430002;
const HEADER = 8;

/** The `index.pb` a records file goes with. */
export interface IndexFileIdentity {
  size: number;
  mtimeMs: number;
}

/** What opening a shard needs, read from its records file. */
export interface KnownShard {
  records: ChunkRecords;
  spans: ItemSpans;
  vectors: PackedVectors;
  dimensions: number;
}

export async function writeRecordsFile(dir: string, shard: Omit<KnownShard, 'dimensions'>, index: IndexFileIdentity): Promise<void> {
  const { shared, keys, pathOf, languageOf, contextOf, lines, ends } = shard.records.toParts();
  const { codes, scales } = shard.vectors.toParts();
  const json = Buffer.from(JSON.stringify({ shared, keys }), 'utf8');
  const columns = [shard.spans.offsets, pathOf, languageOf, contextOf, lines, ends];
  const numbers = new Uint32Array(HEADER + columns.reduce((sum, c) => sum + c.length, 0));
  numbers.set([FORMAT, shard.records.length, index.size, shard.vectors.dimensions, json.length, 0]);
  new Float64Array(numbers.buffer, 6 * 4, 1)[0] = index.mtimeMs;
  let at = HEADER;
  for (const column of columns) {
    numbers.set(column, at);
    at += column.length;
  }
  const parts = [numbers, scales, codes, json].map((part) => new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  await writeFileAtomic(path.join(dir, RECORDS_FILE), out);
}

/** The shard from its records file; undefined when that is missing, damaged, of an older format, or not of this `index.pb`. */
export async function readRecordsFile(dir: string, index: IndexFileIdentity): Promise<KnownShard | undefined> {
  let file: Buffer;
  try {
    file = await fs.readFile(path.join(dir, RECORDS_FILE));
  } catch {
    return undefined;
  }
  try {
    // Typed views need aligned offsets.
    const aligned = file.byteOffset % 8 === 0 ? file : Buffer.from(file);
    if (aligned.length < HEADER * 4) return undefined;
    const [format, count, indexBytes, dimensions, jsonBytes] = new Uint32Array(aligned.buffer, aligned.byteOffset, HEADER);
    const mtimeMs = new Float64Array(aligned.buffer, aligned.byteOffset + 6 * 4, 1)[0];
    const numberCount = HEADER + count * (SPAN_STRIDE + 7);
    const vectorsAt = numberCount * 4;
    const jsonAt = vectorsAt + count * 4 + count * dimensions;
    if (format !== FORMAT || indexBytes !== index.size || mtimeMs !== index.mtimeMs || aligned.length !== jsonAt + jsonBytes) return undefined;
    const numbers = new Uint32Array(aligned.buffer, aligned.byteOffset, numberCount);
    let at = HEADER;
    const take = (length: number) => numbers.slice(at, (at += length)); // copies: the file's buffer is dropped
    const spans = new ItemSpans(take(count * SPAN_STRIDE));
    const [pathOf, languageOf, contextOf, lines, ends] = [take(count), take(count), take(count), take(count * 2), take(count * 2)];
    const scales = new Float32Array(aligned.buffer, aligned.byteOffset + vectorsAt, count).slice();
    const codes = new Int8Array(aligned.buffer, aligned.byteOffset + vectorsAt + count * 4, count * dimensions).slice();
    const { shared, keys } = JSON.parse(aligned.toString('utf8', jsonAt)) as { shared: string[]; keys: string };
    const records = ChunkRecords.fromParts({ shared, keys, pathOf, languageOf, contextOf, lines, ends });
    return { records, spans, vectors: PackedVectors.fromParts(dimensions, codes, scales), dimensions };
  } catch {
    return undefined;
  }
}
