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

/** A file's catalog entry in the index, if it has one: a file whose content did not change is not chunked again. */
export type CatalogLookup = (relPath: string) => FileEntry | undefined;

/** What preparing reports of each file (a `FileReport`, or the preparation thread's record of one). */
export type PreparationReport = Pick<FileReport, 'active' | 'read' | 'stage' | 'error'>;

/**
 * Reads and chunks files: unreadable ones are counted, binary and minified ones remembered as skipped,
 * files whose content did not change only touched (their chunks are kept, not embedded again).
 */
export async function prepareFiles(catalog: CatalogLookup, files: readonly ScannedFile[], skipped: SkipCounts, chunking?: ChunkSettings,
  report?: PreparationReport): Promise<PreparedChange[]> {
  const results: PreparedChange[] = [];
  await forEachLimited(files, READ_CONCURRENCY, async (file) => {
    const since = performance.now();
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(file.absPath);
    } catch (err) {
      skipped.unreadable++;
      report?.error(file.path, readFailure(err));
      return; // vanished or unreadable since the scan: its old chunks, if any, stay until it can be read again
    }
    const read = performance.now();
    const change = prepareFile(file, bytes, catalog(file.path), chunking);
    if (change.skipped) skipped[change.skipped.reason]++;
    else if (!change.touchOnly && report?.active) {
      report.read(file.path, since, read);
      report.stage(file.path, 'chunked', change.pending.length);
    }
    results.push(change);
  });
  return results;
}

/** One file's change from its bytes: skipped (binary, minified), touched (same content), or its chunks. */
function prepareFile(file: ScannedFile, bytes: Buffer, previous: FileEntry | undefined, chunking?: ChunkSettings): PreparedChange {
  const verdict = classifyContent(bytes);
  if (verdict.kind !== 'text') return { path: file.path, skipped: { size: file.size, mtimeMs: file.mtimeMs, reason: verdict.kind }, pending: [] };
  const hash = createHash('sha1').update(bytes).digest('hex').slice(0, 20);
  if (previous && previous.hash === hash) return { path: file.path, touchOnly: true, entry: { ...previous, size: file.size, mtimeMs: file.mtimeMs }, pending: [] };
  const { pending, redacted } = chunkFileText(file.path, verdict.text, chunking);
  return { path: file.path, entry: { size: file.size, mtimeMs: file.mtimeMs, hash, chunks: pending.length, redacted }, pending };
}

/**
 * The one place where a file's text becomes the chunks the index keeps: their texts are stored, shown
 * as sources, sent to models and embedders. Secret values are redacted here, before anything else sees
 * the text; `redacted` counts them.
 */
export function chunkFileText(relPath: string, text: string, chunking?: ChunkSettings): { pending: PendingChunk[]; redacted: number } {
  const safe = redactSecrets(relPath, text);
  const pending = chunkFile(relPath, safe.text, chunking).map((chunk) => {
    const embedded = embeddingText(chunk);
    const { path: p, startLine, endLine, language, hash, text: body, context } = chunk;
    const record: ChunkRecord = { id: chunkId(p, startLine, hash), path: p, startLine, endLine, language, hash, text: body, context };
    return { record, text: embedded, terms: terms(embedded), headerTerms: terms(headerOf(embedded)) };
  });
  return { pending, redacted: safe.count };
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
