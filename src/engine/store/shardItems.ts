/**
 * Where each chunk lies in a shard's Vectra file (`index.pb`), and writing that file by copying the
 * bytes of the chunks kept and encoding only the new ones. Texts stay in the file: a search reads the
 * text of the few chunks it returns, so the index's memory does not grow with its texts, and a save
 * neither decodes nor re-encodes what it keeps (Vectra's codec builds an array per vector and an object
 * per metadata value: most of a save's time at 50,000 chunks).
 */

/**
 * Per chunk, four byte offsets into the file: the item's body (start, end) and its text string's
 * (start, end). 16 bytes a chunk, in place of the text itself.
 */
export class ItemSpans {
  constructor(readonly offsets: Uint32Array) {}

  static empty(): ItemSpans {
    return new ItemSpans(new Uint32Array(0));
  }

  get length(): number {
    return this.offsets.length / 4;
  }

  get byteLength(): number {
    return this.offsets.byteLength;
  }

  textStart(i: number): number {
    return this.offsets[i * 4 + 2];
  }

  textLength(i: number): number {
    return this.offsets[i * 4 + 3] - this.offsets[i * 4 + 2];
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
    size += framed(old.offsets[i * 4 + 1] - old.offsets[i * 4]);
    count++;
  }
  for (const item of encoded) size += framed(item.body.length);
  const bytes = new Uint8Array(size);
  const spans = new Uint32Array(count * 4);
  bytes.set(HEADER);
  let at = HEADER.length;
  let n = 0;
  const put = (body: Uint8Array, textStart: number, textEnd: number) => {
    bytes[at++] = ITEM_TAG;
    at = writeVarint(bytes, at, body.length);
    bytes.set(body, at);
    spans.set([at, at + body.length, at + textStart, at + textEnd], n++ * 4);
    at += body.length;
  };
  for (let i = 0; i < keep.length; i++) {
    if (keep[i] < 0) continue;
    const [start, end, textStart, textEnd] = old.offsets.subarray(i * 4, i * 4 + 4);
    put(oldBytes.subarray(start, end), textStart - start, textEnd - start);
  }
  for (const item of encoded) put(item.body, item.textStart, item.textEnd);
  return { bytes, spans: new ItemSpans(spans) };
}

/** The spans of items decoded from a file: each item's body and its `text` string's bytes. */
export function spansOf(items: readonly { body: [number, number]; text: [number, number] }[]): ItemSpans {
  const offsets = new Uint32Array(items.length * 4);
  items.forEach(({ body, text }, i) => offsets.set([body[0], body[1], text[0], text[1]], i * 4));
  return new ItemSpans(offsets);
}

function framed(length: number): number {
  return 1 + varintSize(length) + length;
}

/** An IndexItem { id, metadata map, packed vector, norm 1 } as protobuf, and where its text lies in it. */
function encodeItem(item: NewItem): { body: Uint8Array; textStart: number; textEnd: number } {
  const parts: Uint8Array[] = [];
  let size = 0;
  let textStart = 0;
  let textEnd = 0;
  const push = (part: Uint8Array) => {
    parts.push(part);
    size += part.length;
  };
  push(stringField(1, item.id));
  for (const [key, value] of Object.entries(item.metadata)) {
    const keyField = stringField(1, key);
    const valueMessage = typeof value === 'number' ? doubleField(2, value) : stringField(1, value);
    const valueField = concat([tagAndLength(2, valueMessage.length), valueMessage]);
    const entry = concat([keyField, valueField]);
    const head = tagAndLength(2, entry.length);
    if (key === 'text') {
      // Within the entry: the key field, the value's tag and length, the string's tag and length.
      textStart = size + head.length + keyField.length + tagAndLength(2, valueMessage.length).length + (valueMessage.length - Buffer.byteLength(value as string));
      textEnd = textStart + Buffer.byteLength(value as string);
    }
    push(head);
    push(entry);
  }
  const vector = new Uint8Array(item.vector.buffer, item.vector.byteOffset, item.vector.byteLength);
  push(tagAndLength(3, vector.length));
  push(new Uint8Array(vector)); // little-endian floats, as protobuf's packed encoding wants (see the reader)
  push(doubleField(4, 1));
  return { body: concat(parts, size), textStart, textEnd };
}

function stringField(field: number, value: string): Uint8Array {
  const bytes = Buffer.from(value, 'utf8');
  return concat([tagAndLength(field, bytes.length), bytes]);
}

function doubleField(field: number, value: number): Uint8Array {
  const out = new Uint8Array(9);
  out[0] = (field << 3) | FIXED64;
  new DataView(out.buffer).setFloat64(1, value, true);
  return out;
}

function tagAndLength(field: number, length: number): Uint8Array {
  const out = new Uint8Array(1 + varintSize(length));
  out[0] = (field << 3) | LENGTH_DELIMITED;
  writeVarint(out, 1, length);
  return out;
}

function concat(parts: readonly Uint8Array[], size = parts.reduce((sum, p) => sum + p.length, 0)): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
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
