import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Source } from '../events';
import { Postings, collectionStats, scoreBm25 } from '../retrieval/bm25';
import { readJsonFile, writeFileAtomic } from '../store/atomicFile';
import { terms } from '../text/terms';
import { chunkFile, type Chunk } from './chunker';
import { classifyContent } from './fileContent';
import { scanWorkspace, type ScanOptions, type SkipCounts } from './scanner';

/** What indexing reports while it runs, for progress lines, notifications and the panel. */
export interface IndexProgress {
  phase: 'scanning' | 'indexing' | 'saving' | 'done';
  filesDone: number;
  filesTotal: number;
  chunks: number;
}

/** The result of one indexing run, as `workspace-rag index --json` prints it. */
export interface IndexSummary {
  files: number;
  chunks: number;
  /** Files (re-)read and chunked by this run. */
  indexedFiles: number;
  removedFiles: number;
  skipped: SkipCounts;
  ms: number;
  embedder: string;
  dimensions: number;
}

export interface IndexOptions {
  /** The workspace folder. */
  root: string;
  /** Where the index lives; never inside the user's folder unless they ask for it. */
  indexDir: string;
  scan?: Omit<ScanOptions, 'signal'>;
}

export interface SyncOptions {
  signal?: AbortSignal;
  onProgress?: (progress: IndexProgress) => void;
}

export interface SearchOptions {
  k?: number;
  signal?: AbortSignal;
}

interface StoredFile {
  size: number;
  mtimeMs: number;
  chunks: Chunk[];
}

interface StoredIndex {
  version: number;
  files: Record<string, StoredFile>;
}

const FORMAT_VERSION = 1;
const INDEX_FILE = 'chunks.json';

/**
 * A lexical (BM25) index of a workspace's chunks in one JSON file, rebuilt from changed files on each
 * run. Simple and correct; the sharded vector index replaces it.
 */
export class WorkspaceIndex {
  private files: Record<string, StoredFile> = {};
  private chunks: Chunk[] = [];
  private postings = Postings.fromDocuments([]);

  private constructor(private readonly options: IndexOptions) {}

  static async open(options: IndexOptions): Promise<WorkspaceIndex> {
    const index = new WorkspaceIndex(options);
    const stored = await readJsonFile<StoredIndex>(path.join(options.indexDir, INDEX_FILE)).catch(() => undefined);
    if (stored?.version === FORMAT_VERSION) index.load(stored.files);
    return index;
  }

  get fileCount(): number {
    return Object.keys(this.files).length;
  }

  get chunkCount(): number {
    return this.chunks.length;
  }

  /** Brings the index up to date with the workspace: reads new and changed files, drops deleted ones. */
  async sync(options: SyncOptions = {}): Promise<IndexSummary> {
    const started = performance.now();
    const report = options.onProgress ?? (() => undefined);
    report({ phase: 'scanning', filesDone: 0, filesTotal: 0, chunks: this.chunks.length });
    const scan = await scanWorkspace(this.options.root, { ...this.options.scan, signal: options.signal });
    const next: Record<string, StoredFile> = {};
    let indexedFiles = 0;
    let done = 0;
    for (const file of scan.files) {
      if (options.signal?.aborted) throw options.signal.reason;
      const previous = this.files[file.path];
      if (previous && previous.size === file.size && previous.mtimeMs === file.mtimeMs) {
        next[file.path] = previous;
      } else {
        const chunks = await readChunks(file.absPath, file.path, scan.skipped);
        if (chunks) {
          next[file.path] = { size: file.size, mtimeMs: file.mtimeMs, chunks };
          indexedFiles++;
        }
      }
      done++;
      if (done % 200 === 0) report({ phase: 'indexing', filesDone: done, filesTotal: scan.files.length, chunks: this.chunks.length });
    }
    const removedFiles = Object.keys(this.files).filter((p) => !(p in next)).length;
    report({ phase: 'saving', filesDone: done, filesTotal: scan.files.length, chunks: this.chunks.length });
    await writeFileAtomic(path.join(this.options.indexDir, INDEX_FILE), JSON.stringify({ version: FORMAT_VERSION, files: next }));
    this.load(next);
    report({ phase: 'done', filesDone: done, filesTotal: scan.files.length, chunks: this.chunks.length });
    return {
      files: this.fileCount, chunks: this.chunks.length, indexedFiles, removedFiles, skipped: scan.skipped,
      ms: Math.round(performance.now() - started), embedder: 'none', dimensions: 0,
    };
  }

  /** The `k` best chunks for a question, best first. */
  async search(query: string, options: SearchOptions = {}): Promise<Source[]> {
    const k = options.k ?? 8;
    const queryTerms = terms(query);
    const scores = scoreBm25(this.postings, queryTerms, collectionStats([this.postings]));
    return [...scores.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([doc, score]) => {
        const chunk = this.chunks[doc];
        return { path: chunk.path, startLine: chunk.startLine, endLine: chunk.endLine, score, text: chunk.text };
      });
  }

  private load(files: Record<string, StoredFile>): void {
    this.files = files;
    this.chunks = Object.values(files).flatMap((file) => file.chunks);
    this.postings = Postings.fromDocuments(this.chunks.map((chunk) => terms(`${chunk.path}\n${chunk.context}\n${chunk.text}`)));
  }
}

async function readChunks(absPath: string, relPath: string, skipped: SkipCounts): Promise<Chunk[] | undefined> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(absPath);
  } catch {
    skipped.unreadable++;
    return undefined;
  }
  const verdict = classifyContent(bytes);
  if (verdict.kind !== 'text') {
    skipped[verdict.kind]++;
    return undefined;
  }
  return chunkFile(relPath, verdict.text);
}
