/**
 * Where each chunk lies in a shard's Vectra file (`index.pb`), and writing that file by copying the
 * bytes of the chunks kept and encoding only the new ones. Texts stay in the file: a search reads the
 * text of the few chunks it returns, so the index's memory does not grow with its texts, and a save
 * neither decodes nor re-encodes what it keeps (Vectra's codec builds an array per vector and an object
 * per metadata value: most of a save's time at 50,000 chunks).
 */

/** Offsets kept per chunk. */
export const SPAN_STRIDE = 5;

/**
 * Per chunk, five byte offsets into the file: the item's body (start, end), its text string's (start,
 * end) and where its packed vector starts. 20 bytes a chunk, in place of the text itself.
 */
export class ItemSpans {
  constructor(readonly offsets: Uint32Array) {}

  static empty(): ItemSpans {
    return new ItemSpans(new Uint32Array(0));
  }

  get length(): number {
    return this.offsets.length / SPAN_STRIDE;
  }

  get byteLength(): number {
    return this.offsets.byteLength;
  }

  bodyStart(i: number): number {
    return this.offsets[i * SPAN_STRIDE];
  }

  bodyEnd(i: number): number {
    return this.offsets[i * SPAN_STRIDE + 1];
  }

  textStart(i: number): number {
    return this.offsets[i * SPAN_STRIDE + 2];
  }

  textLength(i: number): number {
    return this.offsets[i * SPAN_STRIDE + 3] - this.offsets[i * SPAN_STRIDE + 2];
  }

  vectorStart(i: number): number {
    return this.offsets[i * SPAN_STRIDE + 4];
  }
}

/** A new chunk to encode: its Vectra metadata (the text among it) and its vector. */
export interface NewItem {
  id: string;
  metadata: Record<string, string | number>;
  vector: Float32Array;
}

const ITEMS_FIELD = 3;
const LENGTH_DELIMITED = 2;
const FIXED64 = 1;
/** IndexData.version = 1, then an empty metadata_config: what Vectra's own codec writes first. */
const HEADER = Uint8Array.of((1 << 3) | 0, 1, (2 << 3) | LENGTH_DELIMITED, 0);
const ITEM_TAG = (ITEMS_FIELD << 3) | LENGTH_DELIMITED;

/**
 * The bytes of a shard's Vectra file holding the items of `old` kept (`keep[i] >= 0`, in order)
 * followed by `added`, and their spans. `oldBytes` is the previous file (empty for a new shard).
 */
export function writeItems(oldBytes: Uint8Array, old: ItemSpans, keep: Int32Array, added: readonly NewItem[]): { bytes: Uint8Array; spans: ItemSpans } {
  const encoded = added.map(encodeItem);
  let size = HEADER.length;
  let count = encoded.length;
  for (let i = 0; i < keep.length; i++) {
    if (keep[i] < 0) continue;
    size += framed(old.bodyEnd(i) - old.bodyStart(i));
    count++;
  }
  for (const item of encoded) size += framed(item.body.length);
  const bytes = new Uint8Array(size);
  const spans = new Uint32Array(count * SPAN_STRIDE);
  bytes.set(HEADER);
  let at = HEADER.length;
  let n = 0;
  // Offsets within the body, moved to where the body lands.
  const put = (body: Uint8Array, textStart: number, textEnd: number, vectorStart: number) => {
    bytes[at++] = ITEM_TAG;
    at = writeVarint(bytes, at, body.length);
    bytes.set(body, at);
    spans.set([at, at + body.length, at + textStart, at + textEnd, at + vectorStart], n++ * SPAN_STRIDE);
    at += body.length;
  };
  for (let i = 0; i < keep.length; i++) {
    if (keep[i] < 0) continue;
    const [start, end, textStart, textEnd, vectorStart] = old.offsets.subarray(i * SPAN_STRIDE, (i + 1) * SPAN_STRIDE);
    put(oldBytes.subarray(start, end), textStart - start, textEnd - start, vectorStart - start);
  }
  for (const item of encoded) put(item.body, item.textStart, item.textEnd, item.vectorStart);
  return { bytes, spans: new ItemSpans(spans) };
}

/** The spans of items decoded from a file: each item's body, its `text` string's bytes and its vector's start. */
export function spansOf(items: readonly { body: [number, number]; text: [number, number]; vectorStart: number }[]): ItemSpans {
  const offsets = new Uint32Array(items.length * SPAN_STRIDE);
  items.forEach(({ body, text, vectorStart }, i) => offsets.set([body[0], body[1], text[0], text[1], vectorStart], i * SPAN_STRIDE));
  return new ItemSpans(offsets);
}

function framed(length: number): number {
  return 1 + varintSize(length) + length;
}

/** An IndexItem { id, metadata map, packed vector, norm 1 } as protobuf, and where its text lies in it. */
function encodeItem(item: NewItem): { body: Uint8Array; textStart: number; textEnd: number; vectorStart: number } {
  // Sizes first, then one buffer written in place: a buffer per field made saving slower than embedding.
  const entries = Object.entries(item.metadata).map(([key, value]) => {
    const keySize = Buffer.byteLength(key);
    const valueSize = typeof value === 'number' ? 9 : Buffer.byteLength(value);
    const valueMessage = typeof value === 'number' ? 9 : framed(valueSize);
    const entry = framed(keySize) + framed(valueMessage);
    return { key, value, keySize, valueSize, valueMessage, entry };
  });
  const idSize = Buffer.byteLength(item.id);
  const vectorBytes = item.vector.byteLength;
  const size = framed(idSize) + entries.reduce((sum, e) => sum + framed(e.entry), 0) + framed(vectorBytes) + 9;
  const body = Buffer.allocUnsafe(size);
  let at = 0;
  let textStart = 0;
  let textEnd = 0;
  const head = (field: number, length: number) => {
    body[at++] = (field << 3) | LENGTH_DELIMITED;
    at = writeVarint(body, at, length);
  };
  const double = (field: number, value: number) => {
    body[at++] = (field << 3) | FIXED64;
    at = body.writeDoubleLE(value, at);
  };
  head(1, idSize);
  at += body.write(item.id, at, 'utf8');
  for (const e of entries) {
    head(2, e.entry);
    head(1, e.keySize);
    at += body.write(e.key, at, 'utf8');
    head(2, e.valueMessage);
    if (typeof e.value === 'number') {
      double(2, e.value);
      continue;
    }
    head(1, e.valueSize);
    if (e.key === 'text') [textStart, textEnd] = [at, at + e.valueSize];
    at += body.write(e.value, at, 'utf8');
  }
  head(3, vectorBytes);
  const vectorStart = at;
  // Little-endian floats, as protobuf's packed encoding wants (see the reader).
  body.set(new Uint8Array(item.vector.buffer, item.vector.byteOffset, vectorBytes), at);
  at += vectorBytes;
  double(4, 1);
  return { body, textStart, textEnd, vectorStart };
}

function varintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

function writeVarint(out: Uint8Array, at: number, value: number): number {
  while (value >= 0x80) {
    out[at++] = (value & 0x7f) | 0x80;
    value = Math.floor(value / 128);
  }
  out[at++] = value;
  return at;
}
