/** Reading changed files and cutting them into chunks, ready to embed. */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { SkipCounts } from '../../protocol/indexing';
import type { ChunkSettings } from '../../protocol/indexThread';
import type { FileChange, FileEntry } from '../store/shard';
import type { ChunkRecord } from '../store/vectraShard';
import { terms } from '../text/terms';
import { chunkFile, embeddingText } from './chunker';
import { classifyContent } from './fileContent';
import { readFailure, type FileReport } from './fileReport';
import { headerOf } from './offlineEmbedder';
import { redactSecrets } from './redact';
import type { ScannedFile } from './scanner';

/** Files read at once: enough to hide disk latency without exhausting file handles. */
const READ_CONCURRENCY = 32;

/** A chunk waiting for its vector: what is stored, the text that is embedded, and its search terms. */
export interface PendingChunk {
  record: ChunkRecord;
  text: string;
  terms: string[];
  headerTerms: string[];
}

/** A file's change before its chunks are embedded. */
export type PreparedChange = Omit<FileChange, 'chunks'> & { pending: PendingChunk[] };

/**
 * A file's change once read, redacted and chunked, before its chunks' embedded texts and search terms
 * (`withTerms`): what the preparation thread sends, half the size, and the terms are then computed
 * by the index thread, which balances the two threads' work.
 */
export type ChunkedChange = Omit<FileChange, 'chunks'> & { records: ChunkRecord[] };

/** A file's catalog entry in the index, if it has one: a file whose content did not change is not chunked again. */
export type CatalogLookup = (relPath: string) => FileEntry | undefined;

/** What preparing reports of each file (a `FileReport`, or the preparation thread's record of one). */
export type PreparationReport = Pick<FileReport, 'active' | 'read' | 'stage' | 'error'>;

/** Reads and chunks files, then computes their chunks' search terms: `chunkFiles` and `withTerms`. */
export async function prepareFiles(catalog: CatalogLookup, files: readonly ScannedFile[], skipped: SkipCounts, chunking?: ChunkSettings,
  report?: PreparationReport): Promise<PreparedChange[]> {
  return (await chunkFiles(catalog, files, skipped, chunking, report)).map(withTerms);
}

/**
 * Reads and chunks files: unreadable ones are counted, binary and minified ones remembered as skipped,
 * files whose content did not change only touched (their chunks are kept, not embedded again).
 * `readFile` reads one file (by default asynchronously, `READ_CONCURRENCY` at once).
 */
export async function chunkFiles(catalog: CatalogLookup, files: readonly ScannedFile[], skipped: SkipCounts, chunking?: ChunkSettings,
  report?: PreparationReport, readFile: (absPath: string) => Promise<Buffer> | Buffer = (p) => fs.readFile(p)): Promise<ChunkedChange[]> {
  const results: ChunkedChange[] = [];
  await forEachLimited(files, READ_CONCURRENCY, async (file) => {
    const since = performance.now();
    let bytes: Buffer;
    try {
      bytes = await readFile(file.absPath);
    } catch (err) {
      skipped.unreadable++;
      report?.error(file.path, readFailure(err));
      return; // vanished or unreadable since the scan: its old chunks, if any, stay until it can be read again
    }
    const read = performance.now();
    const change = chunkFileBytes(file, bytes, catalog(file.path), chunking);
    if (change.skipped) skipped[change.skipped.reason]++;
    else if (!change.touchOnly && report?.active) {
      report.read(file.path, since, read);
      report.stage(file.path, 'chunked', change.records.length);
    }
    results.push(change);
  });
  return results;
}

/** One file's change from its bytes: skipped (binary, minified), touched (same content), or its chunks. */
function chunkFileBytes(file: ScannedFile, bytes: Buffer, previous: FileEntry | undefined, chunking?: ChunkSettings): ChunkedChange {
  const verdict = classifyContent(bytes);
  if (verdict.kind !== 'text') return { path: file.path, skipped: { size: file.size, mtimeMs: file.mtimeMs, reason: verdict.kind }, records: [] };
  const hash = createHash('sha1').update(bytes).digest('hex').slice(0, 20);
  if (previous && previous.hash === hash) return { path: file.path, touchOnly: true, entry: { ...previous, size: file.size, mtimeMs: file.mtimeMs }, records: [] };
  const { records, redacted } = chunkFileText(file.path, verdict.text, chunking);
  return { path: file.path, entry: { size: file.size, mtimeMs: file.mtimeMs, hash, chunks: records.length, redacted }, records };
}

/**
 * The one place where a file's text becomes the chunks the index keeps: their texts are stored, shown
 * as sources, sent to models and embedders. Secret values are redacted here, before anything else sees
 * the text; `redacted` counts them.
 */
export function chunkFileText(relPath: string, text: string, chunking?: ChunkSettings): { records: ChunkRecord[]; redacted: number } {
  const safe = redactSecrets(relPath, text);
  const records = chunkFile(relPath, safe.text, chunking).map(({ path: p, startLine, endLine, language, hash, text: body, context }): ChunkRecord => (
    { id: chunkId(p, startLine, hash), path: p, startLine, endLine, language, hash, text: body, context }));
  return { records, redacted: safe.count };
}

/** A chunked file's change with the text each chunk is embedded as (path and heading in front) and its search terms. */
export function withTerms({ records, ...change }: ChunkedChange): PreparedChange {
  return {
    ...change,
    pending: records.map((record) => {
      const text = embeddingText(record);
      return { record, text, terms: terms(text), headerTerms: terms(headerOf(text)) };
    }),
  };
}

function chunkId(relPath: string, startLine: number, hash: string): string {
  return createHash('sha1').update(`${relPath}\n${startLine}\n${hash}`).digest('hex').slice(0, 16);
}

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  });
  await Promise.all(workers);
}
