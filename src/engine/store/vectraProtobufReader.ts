/**
 * Reads a Vectra protobuf index file (its `index.proto`: IndexData → IndexItem { id, metadata map,
 * packed float vector, norm }) straight into a packed Float32Array and plain records. Vectra's own
 * codec builds a JavaScript number array per vector and an object per metadata value first: at 50,000
 * chunks that is most of the time and garbage of opening an index.
 */

export interface DecodedItem {
  id: string;
  metadata: Record<string, string | number | boolean>;
  /** The item's bytes in the file (its body, without the tag and length before it). */
  body: [number, number];
  /** Where its packed vector's floats start in the file. */
  vectorStart: number;
  /** String values of the keys asked for as raw UTF-8 byte ranges of the file, not decoded. */
  spans: Record<string, [number, number]>;
}

export interface DecodedIndex {
  items: DecodedItem[];
  /** items.length × dimensions floats, item i at i × dimensions. */
  vectors: Float32Array;
  dimensions: number;
}

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

class Reader {
  pos: number;
  constructor(readonly bytes: Uint8Array, start = 0, readonly end = bytes.length) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  varint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.end) throw new Error('truncated varint');
      const byte = this.bytes[this.pos++];
      result += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return result;
      shift += 7;
      if (shift > 63) throw new Error('malformed varint');
    }
  }

  /** A length-delimited field: [start, end) of its bytes. */
  span(): [number, number] {
    const length = this.varint();
    const start = this.pos;
    if (start + length > this.end) throw new Error('truncated field');
    this.pos += length;
    return [start, start + length];
  }

  skip(wireType: number): void {
    if (wireType === VARINT) this.varint();
    else if (wireType === FIXED64) this.pos += 8;
    else if (wireType === LENGTH_DELIMITED) this.span();
    else if (wireType === FIXED32) this.pos += 4;
    else throw new Error(`unsupported wire type ${wireType}`);
    if (this.pos > this.end) throw new Error('truncated field');
  }
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
// Buffer's own UTF-8 slice, called on any Uint8Array: a TextDecoder call and a subarray per short
// string were a third of an open's time at 52,000 chunks.
const utf8Slice = (Buffer.prototype as unknown as { utf8Slice(this: Uint8Array, start: number, end: number): string }).utf8Slice;

function text(bytes: Uint8Array, [start, end]: [number, number]): string {
  return utf8Slice.call(bytes, start, end);
}

/**
 * Decodes an index file; throws on a torn or malformed one, or vectors of differing lengths. String
 * metadata under `spanKeys` is returned as byte ranges, for callers that keep the bytes as they are.
 */
export function readVectraProtobuf(bytes: Uint8Array, spanKeys: ReadonlySet<string> = new Set()): DecodedIndex {
  const items: DecodedItem[] = [];
  const vectorSpans: [number, number][] = [];
  const top = new Reader(bytes);
  while (!top.done) {
    const key = top.varint();
    if (key >>> 3 !== 3 || (key & 7) !== LENGTH_DELIMITED) {
      top.skip(key & 7);
      continue;
    }
    const [start, end] = top.span();
    const item = new Reader(bytes, start, end);
    let vector: [number, number] = [start, start];
    const decoded: DecodedItem = { id: '', metadata: {}, body: [start, end], vectorStart: start, spans: {} };
    while (!item.done) {
      const field = item.varint();
      const number = field >>> 3;
      if (number === 1 && (field & 7) === LENGTH_DELIMITED) decoded.id = text(bytes, item.span());
      else if (number === 2 && (field & 7) === LENGTH_DELIMITED) readMetadataEntry(bytes, item.span(), decoded, spanKeys);
      else if (number === 3 && (field & 7) === LENGTH_DELIMITED) vector = item.span();
      else item.skip(field & 7);
    }
    decoded.vectorStart = vector[0];
    items.push(decoded);
    vectorSpans.push(vector);
  }
  const dimensions = vectorSpans.length === 0 ? 0 : (vectorSpans[0][1] - vectorSpans[0][0]) / 4;
  const vectors = new Float32Array(items.length * dimensions);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Packed floats are little-endian, as this machine's: each vector is one byte copy, not a call per float.
  const target = new Uint8Array(vectors.buffer);
  vectorSpans.forEach(([start, end], i) => {
    if (end - start !== dimensions * 4) throw new Error('vectors of different lengths');
    if (LITTLE_ENDIAN) target.set(bytes.subarray(start, end), i * dimensions * 4);
    else for (let j = 0; j < dimensions; j++) vectors[i * dimensions + j] = view.getFloat32(start + j * 4, true);
  });
  return { items, vectors, dimensions };
}

function readMetadataEntry(bytes: Uint8Array, [start, end]: [number, number], into: DecodedItem, spanKeys: ReadonlySet<string>): void {
  const entry = new Reader(bytes, start, end);
  let key = '';
  let valueSpan: [number, number] | undefined;
  while (!entry.done) {
    const field = entry.varint();
    if (field >>> 3 === 1 && (field & 7) === LENGTH_DELIMITED) key = text(bytes, entry.span());
    else if (field >>> 3 === 2 && (field & 7) === LENGTH_DELIMITED) valueSpan = entry.span();
    else entry.skip(field & 7);
  }
  if (!valueSpan) {
    into.metadata[key] = '';
  } else if (spanKeys.has(key)) {
    const span = stringSpan(bytes, valueSpan);
    if (span) into.spans[key] = span;
    else into.metadata[key] = readMetadataValue(bytes, valueSpan);
  } else {
    into.metadata[key] = readMetadataValue(bytes, valueSpan);
  }
}

/** The byte range of a MetadataValue's string, if it holds one. */
function stringSpan(bytes: Uint8Array, [start, end]: [number, number]): [number, number] | undefined {
  const reader = new Reader(bytes, start, end);
  let span: [number, number] | undefined;
  while (!reader.done) {
    const field = reader.varint();
    if (field >>> 3 === 1 && (field & 7) === LENGTH_DELIMITED) span = reader.span();
    else reader.skip(field & 7);
  }
  return span;
}

function readMetadataValue(bytes: Uint8Array, [start, end]: [number, number]): string | number | boolean {
  const reader = new Reader(bytes, start, end);
  let value: string | number | boolean = '';
  while (!reader.done) {
    const field = reader.varint();
    const number = field >>> 3;
    if (number === 1 && (field & 7) === LENGTH_DELIMITED) value = text(bytes, reader.span());
    else if (number === 2 && (field & 7) === FIXED64) {
      value = new DataView(bytes.buffer, bytes.byteOffset + reader.pos, 8).getFloat64(0, true);
      reader.pos += 8;
    } else if (number === 3 && (field & 7) === VARINT) value = reader.varint() !== 0;
    else reader.skip(field & 7);
  }
  return value;
}
