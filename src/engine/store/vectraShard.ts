import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { LocalFileStorage, ProtobufCodec, type IndexItem } from 'vectra';
import { writeFileAtomic } from './atomicFile';
import { PackedTexts, PackedVectors } from './packed';
import { readVectraProtobuf } from './vectraProtobufReader';

/** What a shard keeps in memory per chunk for ranking, filtering and showing it; the text is packed apart. */
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

/** Vectra's own file writes replace the file in place; ours go through a temporary file and a rename. */
class AtomicFileStorage extends LocalFileStorage {
  override async upsertFile(filePath: string, content: Buffer | string): Promise<void> {
    await writeFileAtomic(filePath, content);
  }
}

const storage = new AtomicFileStorage();
const codec = new ProtobufCodec();
const TEXT_KEY = new Set(['text']);

/** A shard as stored: chunk facts, texts and vectors in Vectra's item order. */
export interface StoredShard {
  records: ChunkMeta[];
  texts: PackedTexts;
  vectors: PackedVectors;
}

/** A shard as read from disk; `dimensions` is 0 when it holds no items. */
export interface ReadShard {
  records: ChunkMeta[];
  texts: PackedTexts;
  floats: Float32Array;
  dimensions: number;
}

/**
 * Reads a shard's Vectra index file (a `LocalIndex` folder) straight into its packed in-memory form;
 * undefined when the shard has no file yet. Throws on a torn or malformed file.
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
    records,
    texts: PackedTexts.fromSpans(bytes, decoded.items.map((item) => item.spans.text)),
    floats: decoded.vectors,
    dimensions: decoded.dimensions,
  };
}

/**
 * Saves a shard as a Vectra index file through Vectra's own protobuf codec and our atomic storage, so
 * any Vectra `LocalIndex` can open it. Vectors are unit length (to within their one-byte
 * quantization in memory), so `norm` is 1.
 */
export async function writeVectraShard(dir: string, shard: StoredShard): Promise<void> {
  const items: IndexItem<ChunkMetadata>[] = shard.records.map(({ id, ...meta }, i) => ({
    id,
    metadata: { ...meta, text: shard.texts.get(i) },
    // Vectra's codec validates plain arrays, so each vector is copied out of the packed form once, here.
    vector: Array.from(shard.vectors.get(i)),
    norm: 1,
  }));
  await storage.createFolder(dir);
  await storage.upsertFile(path.join(dir, VECTRA_INDEX_FILE), codec.serializeIndex({ version: 1, metadata_config: {}, items }));
}

/**
 * The folder of shard `shard` as written by save `generation`: each save writes new folders, so the
 * folders the manifest names are never touched until it names others.
 */
export function shardDir(root: string, shard: number, generation: number): string {
  return path.join(root, 'shards', `${shard.toString(16).padStart(2, '0')}-${generation}`);
}
