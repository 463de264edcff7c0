/**
 * One measurement per process, so each reports its own peak memory: `node --import tsx bench/scenarios.ts NAME JSON`.
 * Ours runs the built product (dist/engine.js: the index on its worker thread); the baseline is Vectra
 * used as its documentation shows, fed the same chunks and vectors.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { LocalIndex } from 'vectra';
import { chunkFile, embeddingText } from '../src/engine/indexing/chunker';
import { classifyContent } from '../src/engine/indexing/fileContent';
import { embedText } from '../src/engine/indexing/offlineEmbedder';
import { scanWorkspace } from '../src/engine/indexing/scanner';
import type { IndexClient as IndexClientType } from '../src/engine/indexing/worker/indexClient';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { IndexClient } = require('../dist/engine.js') as { IndexClient: typeof IndexClientType };

export interface ScenarioArgs {
  root: string;
  include: string[];
  dir: string;
  queries?: string[];
  file?: string;
}

const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

async function dirSize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await fs.stat(path.join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name))).size;
  }
  return total;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const round = (n: number) => Math.round(n * 10) / 10;

async function timeQueries(search: (q: string) => Promise<unknown>, queries: string[]): Promise<{ p50: number; p95: number }> {
  for (const q of queries.slice(0, 5)) await search(q); // warm-up: JIT and caches
  const times: number[] = [];
  for (let round = 0; round < 3; round++) {
    for (const q of queries) {
      const started = performance.now();
      await search(q);
      times.push(performance.now() - started);
    }
  }
  return { p50: round(percentile(times, 50)), p95: round(percentile(times, 95)) };
}

/** The same one-line edit each time, so every update re-embeds the file. */
async function editOnce(file: string, original: string, i: number): Promise<void> {
  await fs.writeFile(file, `${original}\n// benchmark edit ${i}\n`);
}

const scenarios: Record<string, (args: ScenarioArgs) => Promise<Record<string, unknown>>> = {
  async oursBuild({ root, include, dir }) {
    await fs.rm(dir, { recursive: true, force: true });
    const started = performance.now();
    const index = await IndexClient.open({ root, indexDir: dir, scan: { include } });
    const summary = await index.sync();
    const ms = performance.now() - started;
    await index.close();
    return { ms: Math.round(ms), files: summary.files, chunks: summary.chunks, peakRssMb: peakRssMb(), diskBytes: await dirSize(dir) };
  },

  async oursQuery({ root, include, dir, queries }) {
    const started = performance.now();
    const index = await IndexClient.open({ root, indexDir: dir, scan: { include } });
    const openMs = performance.now() - started;
    await index.search(queries![0], { k: 8 });
    const firstQueryMs = performance.now() - started;
    const latency = await timeQueries((q) => index.search(q, { k: 8 }), queries!);
    const chunks = index.chunkCount;
    await index.close();
    return { openMs: Math.round(openMs), firstQueryMs: Math.round(firstQueryMs), ...latency, chunks, peakRssMb: peakRssMb() };
  },

  async oursUpdate({ root, include, dir, file }) {
    const index = await IndexClient.open({ root, indexDir: dir, scan: { include } });
    const absolute = path.join(root, file!);
    const original = await fs.readFile(absolute, 'utf8');
    const times: number[] = [];
    try {
      for (let i = 0; i < 15; i++) {
        await editOnce(absolute, original, i);
        const started = performance.now();
        const summary = await index.updateFiles([file!], []);
        times.push(performance.now() - started);
        if (summary.indexedFiles !== 1) throw new Error(`expected one re-indexed file, got ${summary.indexedFiles}`);
      }
    } finally {
      await fs.writeFile(absolute, original);
      await index.updateFiles([file!], []);
    }
    const chunks = index.chunkCount;
    await index.close();
    return { median: round(percentile(times, 50)), p95: round(percentile(times, 95)), chunks, peakRssMb: peakRssMb() };
  },

  async baselineBuild({ root, include, dir }) {
    await fs.rm(dir, { recursive: true, force: true });
    const started = performance.now();
    const items = await chunksWithVectors(root, include);
    const index = new LocalIndex(dir);
    await index.createIndex({ version: 1 });
    await index.beginUpdate();
    for (const item of items) await index.insertItem(item);
    await index.endUpdate();
    const ms = performance.now() - started;
    return { ms: Math.round(ms), chunks: items.length, peakRssMb: peakRssMb(), diskBytes: await dirSize(dir) };
  },

  async baselineQuery({ dir, queries }) {
    const started = performance.now();
    const index = new LocalIndex(dir);
    const vectorOf = (q: string) => Array.from(embedText(q));
    // Vectra's hybrid (BM25) mode reads LocalDocumentIndex documents; a LocalIndex of items answers by vector only.
    await index.queryItems(vectorOf(queries![0]), queries![0], 8);
    const firstQueryMs = performance.now() - started;
    const latency = await timeQueries((q) => index.queryItems(vectorOf(q), q, 8), queries!);
    return { firstQueryMs: Math.round(firstQueryMs), ...latency, peakRssMb: peakRssMb() };
  },

  async baselineUpdate({ root, dir, file }) {
    const index = new LocalIndex(dir);
    const absolute = path.join(root, file!);
    const original = await fs.readFile(absolute, 'utf8');
    const times: number[] = [];
    try {
      for (let i = 0; i < 5; i++) {
        await editOnce(absolute, original, i);
        const started = performance.now();
        const items = await chunksOf(root, file!);
        await index.beginUpdate();
        const stale = (await index.listItemsByMetadata({ path: { $eq: file! } })).map((item) => item.id);
        await index.deleteItems(stale);
        for (const item of items) await index.insertItem(item);
        await index.endUpdate();
        times.push(performance.now() - started);
      }
    } finally {
      await fs.writeFile(absolute, original);
    }
    return { median: round(percentile(times, 50)), p95: round(percentile(times, 95)), peakRssMb: peakRssMb() };
  },
};

type Item = { vector: number[]; metadata: { path: string; startLine: number; endLine: number; text: string } };

async function chunksOf(root: string, file: string): Promise<Item[]> {
  const verdict = classifyContent(await fs.readFile(path.join(root, file)));
  if (verdict.kind !== 'text') return [];
  return chunkFile(file, verdict.text).map((chunk) => ({
    vector: Array.from(embedText(embeddingText(chunk))),
    metadata: { path: chunk.path, startLine: chunk.startLine, endLine: chunk.endLine, text: chunk.text },
  }));
}

async function chunksWithVectors(root: string, include: string[]): Promise<Item[]> {
  const scan = await scanWorkspace(root, { include });
  const items: Item[] = [];
  for (const file of scan.files) items.push(...await chunksOf(root, file.path));
  return items;
}

if (require.main === module) {
  const [name, json] = process.argv.slice(2);
  scenarios[name](JSON.parse(json)).then(
    (result) => process.stdout.write(JSON.stringify(result) + '\n'),
    (err) => {
      process.stderr.write(`${name} failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
