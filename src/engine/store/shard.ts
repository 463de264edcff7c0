import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Postings } from '../retrieval/bm25';
import { readJsonFile, writeFileAtomic } from './atomicFile';
import { ChunkRecords } from './chunkRecords';
import { PackedVectors } from './packed';
import { readRecordsFile, writeRecordsFile, type KnownShard } from './recordsFile';
import { ShardTexts } from './shardTexts';
import { VECTRA_INDEX_FILE, readVectraShard, writeVectraShard, type ChunkMeta, type ChunkRecord } from './vectraShard';

/** What the catalog remembers of an indexed file, to tell on the next run whether it changed. */
export interface FileEntry {
  size: number;
  mtimeMs: number;
  /** Content hash: a touched but unchanged file is not re-embedded. */
  hash: string;
  chunks: number;
  /** Secret values redacted in the file's stored text. */
  redacted?: number;
}

/** A file read once and found not to be indexable text; remembered so it is not read again until it changes. */
export interface SkippedEntry {
  size: number;
  mtimeMs: number;
  reason: 'binary' | 'minified';
}

/** One file's new state in a shard: its chunks with vectors, or none when the file was deleted or skipped. */
export interface FileChange {
  path: string;
  /** The file's content is unchanged (only its time or size): keep its chunks, refresh its catalog entry. */
  touchOnly?: boolean;
  entry?: FileEntry;
  skipped?: SkippedEntry;
  chunks: { record: ChunkRecord; vector: Float32Array; terms: string[] }[];
}

/** The shard's own file beside Vectra's: the catalog of the shard's files. */
interface ShardFile {
  version: number;
  /** Hash of Vectra's item ids in order: postings' document numbers refer to that order. */
  idsHash: string;
  files: Record<string, FileEntry>;
  skipped: Record<string, SkippedEntry>;
}

const SHARD_FILE = 'shard.json';
/** 2: the postings moved to their own binary file (read as they are, where JSON took most of an open). */
const SHARD_FILE_VERSION = 2;
/** The lexical postings, binary (see `Postings.fromBinary`), of the chunks in Vectra's order. */
const POSTINGS_FILE = 'postings.bin';

/**
 * One shard of the index in memory: chunk facts, vectors, the BM25 postings and the catalog entries of
 * the files hashed to it; the chunk texts are read from its saved file when asked. A change rewrites
 * only this shard.
 */
export class Shard {
  private constructor(
    /** The folder the shard was last loaded from or saved to; undefined while it has never been saved. */
    public dir: string | undefined,
    readonly dimensions: number,
    public records: ChunkRecords,
    public texts: ShardTexts,
    public vectors: PackedVectors,
    public postings: Postings,
    public files: Map<string, FileEntry>,
    public skipped: Map<string, SkippedEntry>,
  ) {}

  static empty(dimensions: number): Shard {
    return new Shard(undefined, dimensions, ChunkRecords.empty(), ShardTexts.empty(), PackedVectors.empty(dimensions), Postings.fromDocuments([]), new Map(), new Map());
  }

  /**
   * Loads a shard. A missing, torn or inconsistent shard file is repaired from Vectra's file (postings
   * rebuilt from the chunk texts, catalog emptied so the next run re-indexes those files); an unreadable
   * Vectra file, or one of another dimension, leaves the shard empty. `problem` says what was wrong.
   * Nothing is deleted here: loading runs without the write lock, and the next save writes a new folder.
   */
  static async load(dir: string, dimensions: number, termsOf: (record: ChunkRecord) => string[]): Promise<{ shard: Shard; problem?: string }> {
    let stored: KnownShard | undefined;
    let unreadable: string | undefined;
    try {
      stored = await readShardFiles(dir);
    } catch (err) {
      unreadable = err instanceof Error ? err.message : String(err);
    }
    let file: ShardFile | undefined;
    let tornFile = false;
    try {
      file = await readJsonFile<ShardFile>(path.join(dir, SHARD_FILE));
    } catch {
      tornFile = true;
    }
    const dropped = unreadable !== undefined ? `its Vectra file (${VECTRA_INDEX_FILE}) cannot be read (${unreadable})`
      : !stored ? (file !== undefined || tornFile ? `its Vectra file (${VECTRA_INDEX_FILE}) is missing` : undefined)
        : stored.records.length > 0 && stored.dimensions !== dimensions ? `its vectors have ${stored.dimensions} dimensions instead of the index's ${dimensions}`
          : undefined;
    if (!stored || dropped) return { shard: Shard.empty(dimensions), problem: dropped && `${dropped}; its chunks were dropped` };
    // An emptied shard's file has no vectors to tell their size: the index's dimension holds.
    const { records } = stored;
    const ids = (i: number) => records.id(i);
    const texts = ShardTexts.open(path.join(dir, VECTRA_INDEX_FILE), stored.spans);
    const vectors = records.length > 0 ? stored.vectors : PackedVectors.empty(dimensions);
    const catalogOk = file !== undefined && file.version === SHARD_FILE_VERSION && file.idsHash === idsHash(records.length, ids);
    const { postings: saved, problem: postingsProblem } = await readPostings(dir, records.length);
    // Whatever is damaged, the catalog is emptied too: the shard's files are then read again and saved whole.
    const catalog = catalogOk && file && !postingsProblem ? { files: new Map(Object.entries(file.files)), skipped: new Map(Object.entries(file.skipped)) } : { files: new Map(), skipped: new Map() };
    const postings = saved ?? Postings.fromDocuments(Array.from({ length: records.length }, (_, i) => termsOf({ ...records.get(i), text: texts.get(i) })));
    const shard = new Shard(dir, dimensions, records, texts, vectors, postings, catalog.files, catalog.skipped);
    if (catalogOk && !postingsProblem) return { shard };
    const why = catalogOk ? postingsProblem!
      : tornFile ? `its ${SHARD_FILE} is torn` : file === undefined ? `its ${SHARD_FILE} is missing`
        : file.version !== SHARD_FILE_VERSION ? `its ${SHARD_FILE} is of version ${file.version}, not ${SHARD_FILE_VERSION}`
          : `its ${SHARD_FILE} lists other chunks than its Vectra file (ids differ)`;
    return { shard, problem: `${why}; ${saved ? 'its catalog was emptied' : 'its search terms were rebuilt from the chunks'}` };
  }

  get size(): number {
    return this.records.length;
  }

  textOf(doc: number): string {
    return this.texts.get(doc);
  }

  /** Lets go of the saved file (kept open for reading texts): the shard is being replaced. */
  close(): void {
    this.texts.close();
  }

  /**
   * Writes the shard with the changes to a new folder `dir` (Vectra's file and the shard file) and then
   * swaps the new state in; searches meanwhile see the old state. The folder it was loaded from is left
   * as it is: it stays the saved shard until the manifest names the new one.
   */
  async apply(changes: readonly FileChange[], dir: string): Promise<void> {
    const changedPaths = new Set(changes.filter((c) => !c.touchOnly).map((c) => c.path));
    const added = changes.flatMap((c) => c.chunks);
    const keep = new Int32Array(this.records.length).fill(-1);
    const metas: ChunkMeta[] = [];
    for (let old = 0; old < this.records.length; old++) {
      if (changedPaths.has(this.records.path(old))) continue;
      keep[old] = metas.length;
      metas.push(this.records.get(old));
    }
    for (const { record: { text: _text, ...meta } } of added) metas.push(meta);
    const records = ChunkRecords.from(metas);
    const vectors = this.vectors.remap(keep, added.map((a) => a.vector));
    const postings = this.postings.remap(keep, added.map((a) => a.terms));
    const files = new Map(this.files);
    const skipped = new Map(this.skipped);
    for (const change of changes) {
      files.delete(change.path);
      skipped.delete(change.path);
      if (change.entry) files.set(change.path, change.entry);
      if (change.skipped) skipped.set(change.path, change.skipped);
    }
    const file: ShardFile = { version: SHARD_FILE_VERSION, idsHash: idsHash(records.length, (i) => records.id(i)), files: Object.fromEntries(files), skipped: Object.fromEntries(skipped) };
    await fs.rm(dir, { recursive: true, force: true }); // a failed run's leftover of the same name
    // The kept chunks are copied from the saved file as they are: read once, dropped after the write.
    const saved = this.dir && this.size > 0 ? await fs.readFile(path.join(this.dir, VECTRA_INDEX_FILE)) : new Uint8Array(0);
    const { spans, size } = await writeVectraShard(dir, { bytes: saved, spans: this.texts.spans }, keep, added);
    const { mtimeMs } = await fs.stat(path.join(dir, VECTRA_INDEX_FILE));
    await writeRecordsFile(dir, { records, spans, vectors }, { size, mtimeMs });
    await writeFileAtomic(path.join(dir, POSTINGS_FILE), postings.toBinary());
    await writeFileAtomic(path.join(dir, SHARD_FILE), JSON.stringify(file));
    this.dir = dir;
    this.records = records;
    this.texts.close();
    this.texts = ShardTexts.open(path.join(dir, VECTRA_INDEX_FILE), spans);
    this.vectors = vectors;
    this.postings = postings;
    this.files = files;
    this.skipped = skipped;
  }
}

/** A shard's saved postings for `documents` chunks, or why they cannot be used. */
async function readPostings(dir: string, documents: number): Promise<{ postings?: Postings; problem?: string }> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(path.join(dir, POSTINGS_FILE));
  } catch (err) {
    return { problem: (err as NodeJS.ErrnoException).code === 'ENOENT' ? `its ${POSTINGS_FILE} is missing` : `its ${POSTINGS_FILE} cannot be read` };
  }
  try {
    const postings = Postings.fromBinary(bytes);
    if (postings.size === documents) return { postings };
    return { problem: `its ${POSTINGS_FILE} counts ${postings.size} chunks, not ${documents}` };
  } catch (err) {
    return { problem: `its ${POSTINGS_FILE} is damaged (${err instanceof Error ? err.message : String(err)})` };
  }
}

/**
 * A shard's records, spans and vectors: from its records file when that was written with the `index.pb`
 * there now, else decoded from `index.pb` (vectors quantized); undefined when there is no `index.pb`.
 */
async function readShardFiles(dir: string): Promise<KnownShard | undefined> {
  const stat = await fs.stat(path.join(dir, VECTRA_INDEX_FILE)).catch(() => undefined);
  const known = stat && await readRecordsFile(dir, stat);
  if (known) return known;
  const read = await readVectraShard(dir);
  return read && { ...read, vectors: PackedVectors.fromFloats(read.floats, read.dimensions) };
}

function idsHash(count: number, id: (i: number) => string): string {
  const hash = createHash('sha1');
  for (let i = 0; i < count; i++) hash.update(id(i)).update('\n');
  return hash.digest('hex');
}
