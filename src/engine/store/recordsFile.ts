import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from './atomicFile';
import { ChunkRecords } from './chunkRecords';
import { ItemSpans, SPAN_STRIDE } from './shardItems';

/**
 * Beside a shard's `index.pb`, what opening needs of it without decoding the protobuf: the chunk
 * records as columns and where each item, text and vector lies in `index.pb`. Decoding every item's
 * metadata was most of an open (about 500 ms at 52,000 chunks under load); this file is read as typed
 * arrays and one small JSON. Optional: without it, or when it does not match `index.pb` (another size,
 * items not where it says), the shard is decoded from `index.pb` as before.
 *
 * Layout: six little-endian 32-bit numbers (format, chunk count, byte size of `index.pb`, dimensions,
 * bytes of JSON, 0), then per chunk the spans (`SPAN_STRIDE` numbers), then the columns path, language
 * and heading (one number a chunk each), lines and key ends (two a chunk), then the JSON
 * `{ shared, keys }` (distinct strings; ids and hashes back to back).
 */
export const RECORDS_FILE = 'records.bin';
const FORMAT = 0x52430001;
const HEADER = 6;

export async function writeRecordsFile(dir: string, records: ChunkRecords, spans: ItemSpans, indexBytes: number, dimensions: number): Promise<void> {
  const { shared, keys, pathOf, languageOf, contextOf, lines, ends } = records.toParts();
  const json = Buffer.from(JSON.stringify({ shared, keys }), 'utf8');
  const columns = [spans.offsets, pathOf, languageOf, contextOf, lines, ends];
  const numbers = new Uint32Array(HEADER + columns.reduce((sum, c) => sum + c.length, 0));
  numbers.set([FORMAT, records.length, indexBytes, dimensions, json.length, 0]);
  let at = HEADER;
  for (const column of columns) {
    numbers.set(column, at);
    at += column.length;
  }
  const out = new Uint8Array(numbers.byteLength + json.length);
  out.set(new Uint8Array(numbers.buffer));
  out.set(json, numbers.byteLength);
  await writeFileAtomic(path.join(dir, RECORDS_FILE), out);
}

/** The shard as `index.pb` (its `bytes`) holds it, from the records file; undefined when that is missing or does not match. */
export async function readRecordsFile(dir: string, bytes: Uint8Array): Promise<{ records: ChunkRecords; spans: ItemSpans; floats: Float32Array; dimensions: number } | undefined> {
  let file: Buffer;
  try {
    file = await fs.readFile(path.join(dir, RECORDS_FILE));
  } catch {
    return undefined;
  }
  try {
    const aligned = file.byteOffset % 4 === 0 ? file : Buffer.from(file);
    if (aligned.length < HEADER * 4) return undefined;
    const [format, count, indexBytes, dimensions, jsonBytes] = new Uint32Array(aligned.buffer, aligned.byteOffset, HEADER);
    const numberCount = HEADER + count * (SPAN_STRIDE + 7);
    if (format !== FORMAT || indexBytes !== bytes.length || aligned.length !== numberCount * 4 + jsonBytes) return undefined;
    const numbers = new Uint32Array(aligned.buffer, aligned.byteOffset, numberCount);
    let at = HEADER;
    const take = (length: number) => numbers.slice(at, (at += length)); // copies: the file's buffer is dropped
    const spans = new ItemSpans(take(count * SPAN_STRIDE));
    const [pathOf, languageOf, contextOf, lines, ends] = [take(count), take(count), take(count), take(count * 2), take(count * 2)];
    const { shared, keys } = JSON.parse(aligned.toString('utf8', numberCount * 4)) as { shared: string[]; keys: string };
    const records = ChunkRecords.fromParts({ shared, keys, pathOf, languageOf, contextOf, lines, ends });
    const floats = new Float32Array(count * dimensions);
    const target = new Uint8Array(floats.buffer);
    const vectorBytes = dimensions * 4;
    for (let i = 0; i < count; i++) {
      if (!framedAt(bytes, spans.bodyStart(i), spans.bodyEnd(i) - spans.bodyStart(i)) || !framedAt(bytes, spans.vectorStart(i), vectorBytes)) return undefined;
      if (spans.vectorStart(i) + vectorBytes > spans.bodyEnd(i)) return undefined;
      target.set(bytes.subarray(spans.vectorStart(i), spans.vectorStart(i) + vectorBytes), i * vectorBytes);
    }
    return { records, spans, floats, dimensions };
  } catch {
    return undefined;
  }
}

/** Whether a length-delimited field of `length` bytes (tag 3: an item, or a vector within one) starts at `start`. */
function framedAt(bytes: Uint8Array, start: number, length: number): boolean {
  const prefix = [0x1a];
  let value = length;
  const varint: number[] = [];
  do {
    varint.push((value & 0x7f) | (value >= 0x80 ? 0x80 : 0));
    value = Math.floor(value / 128);
  } while (value > 0);
  prefix.push(...varint);
  const from = start - prefix.length;
  if (from < 0) return false;
  return prefix.every((byte, i) => bytes[from + i] === byte);
}
