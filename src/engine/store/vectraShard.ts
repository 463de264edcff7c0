import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from './atomicFile';
import { ChunkRecords } from './chunkRecords';
import { spansOf, writeItems, type ItemSpans } from './shardItems';
import { readVectraProtobuf } from './vectraProtobufReader';

/** What a shard keeps in memory per chunk for ranking, filtering and showing it; the text stays on disk. */
export interface ChunkMeta {
  id: string;
  path: string;
  startLine: number;
  endLine: number;
  language: string;
  hash: string;
  context: string;
}

/** A chunk with its text: what Vectra stores per item, inline beside the vector. */
export interface ChunkRecord extends ChunkMeta {
  text: string;
}

type ChunkMetadata = Omit<ChunkRecord, 'id'>;

/** The Vectra index file of a shard: protobuf, so vectors are packed float32 (about 2.5× smaller than JSON). */
export const VECTRA_INDEX_FILE = 'index.pb';

const TEXT_KEY = new Set(['text']);

/** A shard as read from disk; `dimensions` is 0 when it holds no items. */
export interface ReadShard {
  records: ChunkRecords;
  /** Where each chunk's item and text lie in the file. */
  spans: ItemSpans;
  floats: Float32Array;
  dimensions: number;
}

/**
 * Reads a shard's Vectra index file (a `LocalIndex` folder): chunk facts, vectors packed, and where
 * each text lies in the file (texts are not kept); undefined when the shard has no file yet. Throws on
 * a torn or malformed file. (A shard opens from its records file when that matches: see recordsFile.ts.)
 */
export async function readVectraShard(dir: string): Promise<ReadShard | undefined> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(path.join(dir, VECTRA_INDEX_FILE));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const decoded = readVectraProtobuf(bytes, TEXT_KEY);
  const records = decoded.items.map(({ id, metadata, spans }): ChunkMeta => {
    const m = metadata as Partial<ChunkMetadata>;
    if (typeof m.path !== 'string' || typeof m.startLine !== 'number' || typeof m.endLine !== 'number' || !spans.text) {
      throw new Error(`item ${id} lacks chunk metadata`);
    }
    return { id, path: m.path, startLine: m.startLine, endLine: m.endLine, language: String(m.language ?? ''), hash: String(m.hash ?? ''), context: String(m.context ?? '') };
  });
  return {
    records: ChunkRecords.from(records),
    spans: spansOf(decoded.items.map((item) => ({ body: item.body, text: item.spans.text, vectorStart: item.vectorStart }))),
    floats: decoded.vectors,
    dimensions: decoded.dimensions,
  };
}

/** A shard's saved file and where its chunks lie in it, for a save that keeps some of them. */
export interface SavedItems {
  bytes: Uint8Array;
  spans: ItemSpans;
}

/**
 * Saves a shard as a Vectra index file (protobuf, as Vectra's own codec writes it, so any Vectra
 * `LocalIndex` can open it): the chunks of `saved` kept (`keep[i] >= 0`, in order), copied as they
 * are, then `added`. Vectors are unit length, so `norm` is 1. Returns where the chunks lie in the file.
 */
export async function writeVectraShard(dir: string, saved: SavedItems, keep: Int32Array, added: readonly { record: ChunkRecord; vector: Float32Array }[]): Promise<{ spans: ItemSpans; size: number }> {
  const items = added.map(({ record: { id, ...metadata }, vector }) => ({ id, metadata, vector }));
  const { bytes, spans } = writeItems(saved.bytes, saved.spans, keep, items);
  await writeFileAtomic(path.join(dir, VECTRA_INDEX_FILE), bytes);
  return { spans, size: bytes.length };
}

/**
 * The folder of shard `shard` as written by save `generation`: each save writes new folders, so the
 * folders the manifest names are never touched until it names others.
 */
export function shardDir(root: string, shard: number, generation: number): string {
  return path.join(root, 'shards', `${shard.toString(16).padStart(2, '0')}-${generation}`);
}
