import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { LocalIndex, ProtobufCodec } from 'vectra';
import { embedText } from '../../src/engine/indexing/offlineEmbedder';
import { ItemSpans } from '../../src/engine/store/shardItems';
import { ShardTexts } from '../../src/engine/store/shardTexts';
import { readVectraShard, writeVectraShard, type ChunkMeta } from '../../src/engine/store/vectraShard';
import { tempDir } from '../helpers/workspace';

const texts = ['export function authenticate(user) {}', 'Sessions expire after one hour. Ünïcödé ✓', ''];
const records: ChunkMeta[] = texts.map((_, i) => ({ id: `chunk-${i}`, path: `src/f${i}.ts`, startLine: i * 10 + 1, endLine: i * 10 + 9, language: 'typescript', hash: `h${i}`, context: i === 1 ? '## Sessions' : '' }));

const vectors = texts.map((text) => embedText(text || 'empty'));
const chunks = records.map((record, i) => ({ record: { ...record, text: texts[i] }, vector: vectors[i] }));
const NOTHING_SAVED = { bytes: new Uint8Array(0), spans: ItemSpans.empty() };

async function write(dir: string) {
  return (await writeVectraShard(dir, NOTHING_SAVED, new Int32Array(0), chunks)).spans;
}

function metas(read: { records: { length: number; get(i: number): ChunkMeta } }): ChunkMeta[] {
  return Array.from({ length: read.records.length }, (_, i) => read.records.get(i));
}

function textsOf(dir: string, spans: ItemSpans): string[] {
  const reader = ShardTexts.open(path.join(dir, 'index.pb'), spans);
  try {
    return Array.from({ length: spans.length }, (_, i) => reader.get(i));
  } finally {
    reader.close();
  }
}

describe('Vectra shard files', () => {
  it('are LocalIndex folders that Vectra itself opens and queries', async () => {
    const dir = path.join(await tempDir(), 'shard');
    await write(dir);
    const index = new LocalIndex(dir, 'index.pb', undefined, new ProtobufCodec());
    const items = await index.listItems();
    assert.deepEqual(items.map((item) => item.id), ['chunk-0', 'chunk-1', 'chunk-2']);
    assert.equal(items[1].metadata.text, texts[1]);
    assert.equal(items[1].metadata.context, '## Sessions');
    assert.equal(items[1].metadata.startLine, 11);
    const [best] = await index.queryItems(Array.from(embedText('authenticate the user')), '', 1);
    assert.equal(best.item.id, 'chunk-0');
  });

  it('round-trip: what we write reads back with the same records, texts and vectors', async () => {
    const dir = path.join(await tempDir(), 'shard');
    const spans = await write(dir);
    const stored = (await readVectraShard(dir))!;
    assert.deepEqual(metas(stored), records);
    assert.deepEqual(textsOf(dir, stored.spans), texts);
    assert.deepEqual(stored.spans.offsets, spans.offsets, 'the writer says where items, texts and vectors lie as the reader finds them');
    assert.equal(stored.dimensions, 256);
    for (let i = 0; i < 3; i++) assert.deepEqual(stored.floats.subarray(i * 256, (i + 1) * 256), vectors[i]);
  });

  it('a save that keeps some chunks copies them as they were and appends the new ones; Vectra reads the result', async () => {
    const first = path.join(await tempDir(), 'shard');
    const spans = await write(first);
    const second = path.join(await tempDir(), 'shard');
    const saved = { bytes: await fs.readFile(path.join(first, 'index.pb')), spans };
    const added = { record: { ...records[0], id: 'chunk-new', path: 'src/new.ts', text: 'a new chunk: Ünïcödé again ✓' }, vector: embedText('a new chunk') };
    const { spans: after } = await writeVectraShard(second, saved, Int32Array.of(-1, 0, 1), [added]);
    assert.deepEqual(textsOf(second, after), [texts[1], texts[2], added.record.text]);
    const stored = (await readVectraShard(second))!;
    assert.deepEqual(metas(stored).map((r) => r.id), ['chunk-1', 'chunk-2', 'chunk-new']);
    assert.deepEqual(stored.spans.offsets, after.offsets);
    assert.deepEqual(stored.floats.subarray(2 * 256, 3 * 256), added.vector);
    const items = await new LocalIndex(second, 'index.pb', undefined, new ProtobufCodec()).listItems();
    assert.deepEqual(items.map((item) => item.metadata.text), [texts[1], texts[2], added.record.text]);
  });

  it('reads an index that Vectra wrote through its own update API', async () => {
    const dir = path.join(await tempDir(), 'vectra-made');
    const index = new LocalIndex(dir, 'index.pb', undefined, new ProtobufCodec());
    await index.createIndex({ version: 1 });
    await index.beginUpdate();
    for (const [i, record] of records.entries()) {
      const { id, ...meta } = record;
      await index.insertItem({ id, vector: Array.from(embedText(texts[i] || 'empty')), metadata: { ...meta, text: texts[i] } });
    }
    await index.endUpdate();
    const stored = (await readVectraShard(dir))!;
    assert.deepEqual(metas(stored), records);
    assert.equal(textsOf(dir, stored.spans)[1], texts[1]);
    assert.deepEqual(stored.floats.subarray(0, 256), embedText(texts[0]));
  });

  it('refuses a torn file instead of reading garbage', async () => {
    const dir = path.join(await tempDir(), 'shard');
    await write(dir);
    const file = path.join(dir, 'index.pb');
    const bytes = await fs.readFile(file);
    await fs.writeFile(file, bytes.subarray(0, bytes.length - 7));
    await assert.rejects(readVectraShard(dir));
  });
});
