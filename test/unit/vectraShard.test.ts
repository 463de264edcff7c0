import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { LocalIndex, ProtobufCodec } from 'vectra';
import { embedText } from '../../src/engine/indexing/offlineEmbedder';
import { PackedTexts, PackedVectors } from '../../src/engine/store/packed';
import { readVectraShard, writeVectraShard, type ChunkMeta } from '../../src/engine/store/vectraShard';
import { tempDir } from '../helpers/workspace';

const texts = ['export function authenticate(user) {}', 'Sessions expire after one hour. Ünïcödé ✓', ''];
const records: ChunkMeta[] = texts.map((_, i) => ({ id: `chunk-${i}`, path: `src/f${i}.ts`, startLine: i * 10 + 1, endLine: i * 10 + 9, language: 'typescript', hash: `h${i}`, context: i === 1 ? '## Sessions' : '' }));

function packed(): { texts: PackedTexts; vectors: PackedVectors } {
  const floats = new Float32Array(texts.length * 256);
  texts.forEach((text, i) => floats.set(embedText(text || 'empty'), i * 256));
  return { texts: PackedTexts.fromSpans(Buffer.from(texts.join('')), spansOf(texts)), vectors: PackedVectors.fromFloats(floats, 256) };
}

function spansOf(list: string[]): [number, number][] {
  let offset = 0;
  return list.map((t) => { const start = offset; offset += Buffer.byteLength(t); return [start, offset]; });
}

describe('Vectra shard files', () => {
  it('are LocalIndex folders that Vectra itself opens and queries', async () => {
    const dir = path.join(await tempDir(), 'shard');
    await writeVectraShard(dir, { records, ...packed() });
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
    const { texts: packedTexts, vectors } = packed();
    await writeVectraShard(dir, { records, texts: packedTexts, vectors });
    const stored = (await readVectraShard(dir))!;
    assert.deepEqual(stored.records, records);
    assert.deepEqual([0, 1, 2].map((i) => stored.texts.get(i)), texts);
    assert.equal(stored.dimensions, 256);
    for (let i = 0; i < 3; i++) assert.deepEqual(stored.floats.subarray(i * 256, (i + 1) * 256), vectors.get(i));
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
    assert.deepEqual(stored.records, records);
    assert.equal(stored.texts.get(1), texts[1]);
    assert.deepEqual(stored.floats.subarray(0, 256), embedText(texts[0]));
  });

  it('refuses a torn file instead of reading garbage', async () => {
    const dir = path.join(await tempDir(), 'shard');
    await writeVectraShard(dir, { records, ...packed() });
    const file = path.join(dir, 'index.pb');
    const { promises: fs } = await import('node:fs');
    const bytes = await fs.readFile(file);
    await fs.writeFile(file, bytes.subarray(0, bytes.length - 7));
    await assert.rejects(readVectraShard(dir));
  });
});
